"""No secrets in output: run the stock `custodian` with temporary credentials (access key id,
secret access key and session token, as an assumed role has them) at debug verbosity, with
a VPC that cannot be fixed so the error paths print too, then look for any of the three in
stdout, stderr, the run log and every file of the output directory, and in the report.

`-vv` is used: it prints everything `-v` does (custodian at DEBUG) plus botocore at INFO.
The runs go through the fault proxy (no faults) only to prove the credentials were used."""

import os
import secrets
import string

import pytest

from support.constants import REGION
from support.e2e import ENABLE_POLICY, write_policy
from support.estate import seed_region
from support.faults import secrets_in

pytestmark = pytest.mark.emulator


def credentials():
    """Distinctive temporary credentials (moto accepts any)."""
    upper = string.ascii_uppercase + string.digits
    return {
        "AWS_ACCESS_KEY_ID": "ASIA" + "".join(secrets.choice(upper) for _ in range(16)),
        "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(30)[:40],
        "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(300),
    }


def written_files(root):
    for folder, _dirs, files in os.walk(str(root)):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, errors="replace") as f:
                yield os.path.relpath(path, str(root)), f.read()


def test_no_key_secret_or_token_appears_in_any_output(emulator, fault_proxy, cli, tmp_path):
    seed_region(emulator, REGION, at_limit=True)  # the VPC at the limit fails the run
    creds = credentials()
    replace = write_policy(
        tmp_path / "replace.yml",
        "vpc-flow-logs-replace",
        [{"type": "flow-log-compliance"}],
        {"type": "enable-flow-logs", "replace-broken": True},
    )
    out = tmp_path / "out"
    runs = [
        cli(
            "custodian",
            "run",
            "-vv",
            "-s",
            out,
            "--cache-period",
            "0",
            "-r",
            REGION,
            ENABLE_POLICY,
            replace,
            env=creds,
        ),
        cli(
            "custodian",
            "run",
            "-vv",
            "--dryrun",
            "-s",
            tmp_path / "dry",
            "--cache-period",
            "0",
            "-r",
            REGION,
            ENABLE_POLICY,
            env=creds,
        ),
    ]
    runs.append(cli("c7n-vpcflow", "report", out, "--format", "json", env=creds))
    enable, dry, report = runs
    assert enable.returncode != 0  # the VPC at the limit
    assert dry.returncode == 2, dry.stderr  # would fail: the same VPC
    assert report.returncode == 1, report.stderr  # the report's gate: VPCs remain to fix
    assert "DEBUG" in enable.stderr and "could not fix" in enable.stderr  # the loudest paths ran
    signed = {(c.access_key, c.token) for c in fault_proxy.calls}
    assert signed == {(creds["AWS_ACCESS_KEY_ID"], creds["AWS_SESSION_TOKEN"])}
    leaked = {}
    for index, run in enumerate(runs):
        for stream in ("stdout", "stderr"):
            found = secrets_in(getattr(run, stream), *creds.values())
            if found:
                leaked["run %d %s" % (index, stream)] = found
    names = []
    for root in (out, tmp_path / "dry"):
        for name, text in written_files(root):
            names.append(name)
            found = secrets_in(text, *creds.values())
            if found:
                leaked[name] = found
    assert leaked == {}, "credentials leaked: %s" % {
        where: [k for k, v in creds.items() if v in found] for where, found in leaked.items()
    }
    assert "vpc-flow-logs-enable/custodian-run.log" in names
    assert "vpc-flow-logs-replace/flow-log-results.json" in names
