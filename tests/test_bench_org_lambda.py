"""The bench's item 5 and 6 scenarios (bench/org.py, bench/lambda_archive.py), small.

Through the bench's own runner: c7n-org over 2 accounts x 2 regions in realistic mode (the
proxy must learn the accounts from c7n-org's assumed-role sessions and keep buckets per
account-region), and the periodic policy's Lambda archive run in the bare runtime. Plus
the pure parts: the accounts file, the floor of a multi-account estate, the findings.
"""

import base64
import os

import jsonschema
import pytest
import yaml
from c7n_org.cli import CONFIG_SCHEMA

from bench import org
from bench.estate import EstateSpec
from bench.figures import floor_seconds
from bench.findings import findings
from bench.runner import Bench, Measurement, run_suites, summarize
from bench.scenarios import SUITES, RunContext, Suite
from localaws.lambda_boot import created_functions
from support.aws import signed_request
from support.constants import REGIONS

ACCOUNTS = ("210000000091", "210000000092")


def test_org_accounts_file_passes_c7n_orgs_schema(tmp_path):
    spec = EstateSpec(40, ACCOUNTS, REGIONS)
    ctx = RunContext("http://127.0.0.1:1", str(tmp_path), spec, {})
    argv = org.org_filter(ctx)
    assert os.path.basename(argv[0]) == "c7n-org" and argv[1] == "run"
    with open(argv[argv.index("-c") + 1]) as f:
        config = yaml.safe_load(f)
    jsonschema.validate(config, CONFIG_SCHEMA)
    assert [a["account_id"] for a in config["accounts"]] == list(ACCOUNTS)
    assert all(a["regions"] == list(REGIONS) for a in config["accounts"])
    with open(argv[argv.index("-u") + 1]) as f:
        policy = yaml.safe_load(f)["policies"][0]
    assert policy["filters"] == [{"type": "flow-logs", "count": 0}]
    assert "actions" not in policy


def test_the_floor_of_a_multi_account_estate_is_its_busiest_account_region():
    suite = SUITES["org-20x2"]
    assert len(suite.estate.account_regions) == 40 and suite.estate.vpcs == 400
    assert floor_seconds(suite.estate.vpcs, suite) == 2.0  # 10 VPCs at 5/s
    assert floor_seconds(200, SUITES["realistic-200"]) == 40.0


def recorded(service, operation, **params):
    """A moto recorder entry of the request botocore sends for the call."""
    headers, body, method, url = signed_request(service, operation, **params)
    return {
        "headers": headers,
        "body": base64.b64encode(body).decode(),
        "body_encoded": True,
        "method": method,
        "url": url,
    }


def test_create_function_bodies_are_found_in_recorder_entries():
    body = {
        "FunctionName": "f",
        "Handler": "h.run",
        "Runtime": "python3.11",
        "Role": "arn:aws:iam::111122223333:role/r",
        "Code": {"ZipFile": b"PK"},
    }
    entries = [recorded("lambda", "create_function", **body), recorded("ec2", "describe_vpcs")]
    assert [c.params for c in created_functions(entries)] == [dict(body, Code={"ZipFile": "UEs="})]


def measurement(suite, scenario, wall, **kw):
    base = dict(
        rep=1,
        vpcs=SUITES[suite].estate.vpcs,
        exit_code=0,
        peak_rss_kb=150 * 1024,
        calls={"logs:CreateLogGroup": 1},
        throttled={},
        failed_vpcs=0,
        cpu=10.0,
    )
    base.update(kw)
    return Measurement(suite, scenario, wall=wall, **base)


def test_findings_state_the_targets_and_the_lambda_verdict():
    lambda_extra = {
        "archive_zipped_bytes": 800000,
        "archive_unzipped_bytes": 3200000,
        "archive_files": 223,
        "archive_has_plugin": True,
        "memory_mb": 512,
        "timeout_s": 900,
        "handler": "c7n_vpcflow.lambda_handler.run",
        "runtime": "python3.11",
        "outside_modules": [],
    }
    text = findings(
        summarize(
            [
                measurement("realistic-200", "enable", 43.0),
                measurement("realistic-200", "boto3", 41.0, throttled={"logs:CreateLogGroup": 20}),
                measurement(
                    "org-20x2",
                    "org-enable",
                    20.0,
                    extra={
                        "c7n_org_workers": 8,
                        "bucket_account_regions": 40,
                        "bucket_accounts": 20,
                    },
                ),
                measurement("org-20x2", "org-filter", 8.0, failed_vpcs=None),
                measurement("lambda-1000", "lambda", 210.0, extra=lambda_extra),
            ]
        )
    )
    assert "**1.07×** the quota floor of 40 s" in text and "**met**" in text
    assert "5 waves × 2 s = **10 s**" in text
    assert "Ratio (e) / (f) = 2.50" in text
    assert "800,000 bytes zipped" in text
    assert "1,000 VPCs at the quota floor? Yes.**" in text
    slow = findings(
        summarize(
            [
                measurement("realistic-200", "enable", 45.0),
                measurement("lambda-1000", "lambda", 950.0, extra=lambda_extra),
            ]
        )
    )
    assert "**NOT met**" in slow and "quota floor? No.**" in slow


@pytest.mark.emulator
def test_c7n_org_sessions_get_buckets_per_account_region_and_are_never_throttled(
    emulator, tmp_path
):
    bench = Bench(emulator, str(tmp_path))
    suite = Suite("org-2x2", "realistic", EstateSpec(12, ACCOUNTS, REGIONS), ("org-enable",))
    try:
        (run,) = run_suites(bench, [suite], 1, progress=lambda line: None)
        buckets = set(bench.proxy.quotas.buckets)
    finally:
        bench.close_proxy()
    assert run.exit_code == 0, run.log_tail
    assert run.failed_vpcs == 0 and run.throttled == {}
    assert run.calls["sts:AssumeRole"] == 4 and run.calls["logs:CreateLogGroup"] == 12
    # Buckets of the assumed accounts only: never the shared default one.
    assert {(account, region) for _rule, account, region in buckets} == {
        (a, r) for a in ACCOUNTS for r in REGIONS
    }
    assert run.extra["bucket_account_regions"] == 4 and run.extra["bucket_accounts"] == 2
    assert run.extra["c7n_org_workers"] >= 1


@pytest.mark.emulator
def test_the_periodic_archive_runs_in_the_bare_runtime_and_fixes_every_vpc(emulator, tmp_path):
    bench = Bench(emulator, str(tmp_path))
    suite = Suite("lambda-6", "bare", EstateSpec(6), ("lambda",))
    (run,) = run_suites(bench, [suite], 1, progress=lambda line: None)
    assert run.exit_code == 0, run.log_tail
    assert run.failed_vpcs == 0
    assert run.calls["logs:CreateLogGroup"] == 6
    extra = run.extra
    assert extra["archive_has_plugin"] and extra["outside_modules"] == []
    assert extra["handler_result"] is True
    assert extra["memory_mb"] == 512 and extra["timeout_s"] == 900
    assert 0 < extra["archive_zipped_bytes"] < extra["archive_unzipped_bytes"]
    assert run.peak_rss_kb > 0 and run.cpu > 0
