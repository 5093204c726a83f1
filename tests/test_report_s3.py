"""`c7n-vpcflow report s3://bucket[/prefix]` on what stock `custodian run -s s3://…` and
`c7n-org run -s s3://…` upload (gzipped files in <policy>/YYYY/MM/DD/HH/ run folders):
the rows, the latest run per account-region and the exit codes of a local tree, reading
only the files it needs (issue 12, item 2)."""

import gzip
import json

import boto3
import pytest

from c7n_vpcflow.report.tree import open_source, read_tree
from support.e2e import AUDIT_POLICY, ENABLE_POLICY, custodian_run, org_run
from support.estate import seed_region
from support.report_runs import (
    BUCKET,
    DENIED,
    deny_assume_role,
    keys,
    report,
    s3_url,
    write_accounts,
)

pytestmark = pytest.mark.emulator

KINDS = ("bare", "healthy", "accept_only", "failing", "default")
OLD_HOUR = "2020/01/01/00"


def rows_of(shown):
    return {(r["account-name"], r["region"]): r for r in json.loads(shown.stdout)["accounts"]}


def without_time(rows):
    return {key: dict(row, **{"judged-at": None}) for key, row in rows.items()}


def move_run_folders_to(s3, prefix, hour):
    """Re-files every run folder under prefix as a run of an earlier hour."""
    for key in keys(s3, prefix):
        parts = key.split("/")
        moved = "/".join(parts[:-5] + hour.split("/") + parts[-1:])
        s3.copy_object(Bucket=BUCKET, Key=moved, CopySource={"Bucket": BUCKET, "Key": key})
        s3.delete_object(Bucket=BUCKET, Key=key)


def recording_client(emulator):
    """An S3 client on the emulator and the (operation, key or prefix) of each call it makes."""
    client = emulator.client("s3")
    calls = []

    def record(params, model, **_):
        calls.append((model.name, params.get("Key", params.get("Prefix"))))

    client.meta.events.register("before-parameter-build.s3", record)
    return client, calls


@pytest.fixture
def bucket(emulator):
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return s3


def test_multi_region_s3_report_matches_the_local_tree_and_the_latest_run_counts(
    emulator, bucket, cli, tmp_path
):
    for region in ("us-east-1", "eu-west-1"):
        seed_region(emulator, region, kinds=KINDS)
    assert custodian_run(cli, tmp_path / "local", AUDIT_POLICY).returncode == 0
    assert custodian_run(cli, s3_url("evidence"), AUDIT_POLICY).returncode == 0
    uploaded = keys(bucket, "evidence/")
    assert uploaded and all(k.endswith(".gz") for k in uploaded)
    assert {k.split("/")[1] for k in uploaded} == {"us-east-1", "eu-west-1"}

    local, remote = report(cli, str(tmp_path / "local")), report(cli, "s3://%s/evidence" % BUCKET)
    assert (local.returncode, remote.returncode) == (1, 1), remote.stderr
    assert without_time(rows_of(remote)) == without_time(rows_of(local))
    assert rows_of(remote)["123456789012", "us-east-1"]["non-compliant"] == 4
    markdown = report(cli, s3_url("evidence"), "md")
    assert markdown.stdout.splitlines()[2].startswith("| 123456789012 | eu-west-1 |")

    # The audit becomes an earlier hour's run; the VPCs are fixed; the audit runs again.
    move_run_folders_to(bucket, "evidence/", OLD_HOUR)
    assert custodian_run(cli, s3_url("evidence"), ENABLE_POLICY).returncode == 0
    assert custodian_run(cli, s3_url("evidence"), AUDIT_POLICY).returncode == 0

    latest = report(cli, "s3://%s/evidence/" % BUCKET)
    assert latest.returncode == 0, latest.stderr
    for row in rows_of(latest).values():
        assert (row["judged"], row["non-compliant"]) == (True, 0)

    client, calls = recording_client(emulator)
    runs, _notes, history = read_tree([open_source("s3://%s/evidence" % BUCKET, client)])
    read = [key for operation, key in calls if operation == "GetObject"]
    assert len(runs) == 4 and history == []  # two policies, two regions
    assert read and not [k for k in read if OLD_HOUR in k or "resources.json" in k]
    assert {k.rsplit("/", 1)[1] for k in read} <= {
        "metadata.json.gz",
        "flow-log-compliance.json.gz",
        "flow-log-results.json.gz",
    }
    calls.clear()
    runs, _notes, history = read_tree([open_source("s3://%s/evidence" % BUCKET, client)], since=())
    old = [key for operation, key in calls if operation == "GetObject" and OLD_HOUR in key]
    assert sorted(k.split("/")[1] for k in old) == ["eu-west-1", "us-east-1"]
    assert all(k.endswith("/flow-log-compliance.json.gz") for k in old)
    assert sorted(
        len([v for v in verdict["judged"] if v["violations"]]) for _parts, verdict in history
    ) == [0, 0, 4, 4, 4, 4]  # and the enable run's


def test_c7n_org_s3_report_names_every_account_region_and_its_exit_code(
    emulator, bucket, fault_proxy, cli, tmp_path
):
    for account_id in ("111111111111", DENIED):
        for region in ("us-east-1", "eu-west-1"):
            seed_region(emulator, region, kinds=("bare", "healthy"), account_id=account_id)
    fault_proxy.rules.append(deny_assume_role)
    accounts = write_accounts(tmp_path / "accounts.yml")
    org_run(cli, accounts, s3_url("org"), AUDIT_POLICY, "-a", "network-prod", "-a", "locked-out")

    shown = report(cli, "s3://%s/org" % BUCKET, "json", "-c", accounts)

    assert shown.returncode == 3, shown.stderr
    rows = rows_of(shown)
    assert set(rows) >= {
        (a, r) for a in ("network-prod", "locked-out") for r in ("us-east-1", "eu-west-1")
    }
    for region in ("us-east-1", "eu-west-1"):
        judged, locked = rows["network-prod", region], rows["locked-out", region]
        assert (judged["account-id"], judged["vpcs"], judged["non-compliant"]) == (
            "111111111111",
            3,
            2,
        )
        assert (locked["account-id"], locked["judged"], locked["vpcs"]) == (DENIED, False, None)
    only_judged = report(cli, "s3://%s/org/network-prod" % BUCKET)
    assert only_judged.returncode == 1, only_judged.stderr


def test_plain_and_gzipped_files_are_read_a_corrupt_one_is_named_and_a_missing_bucket_is_usage(
    emulator, bucket, cli
):
    seed_region(emulator, "us-east-1", kinds=("healthy",))
    assert custodian_run(cli, s3_url("one"), AUDIT_POLICY, regions=("us-east-1",)).returncode == 0
    [metadata] = [k for k in keys(bucket, "one/") if k.endswith("metadata.json.gz")]
    body = bucket.get_object(Bucket=BUCKET, Key=metadata)["Body"].read()
    bucket.put_object(Bucket=BUCKET, Key=metadata[:-3], Body=gzip.decompress(body))
    bucket.delete_object(Bucket=BUCKET, Key=metadata)

    judged = report(cli, "s3://%s/one" % BUCKET)
    assert judged.returncode == 1, judged.stderr  # the default VPC logs nothing
    assert [(r["judged"], r["vpcs"]) for r in rows_of(judged).values()] == [(True, 2)]

    [verdict] = [k for k in keys(bucket, "one/") if "flow-log-compliance" in k]
    bucket.put_object(Bucket=BUCKET, Key=verdict, Body=gzip.compress(b'{"status": "jud')[:-8])
    corrupt = report(cli, "s3://%s/one" % BUCKET)
    assert corrupt.returncode == 4
    assert (
        "corrupt evidence: s3://%s/%s: unreadable (not valid gzip" % (BUCKET, verdict)
        in corrupt.stderr
    )

    missing = report(cli, "s3://no-such-evidence-bucket/x")
    assert missing.returncode == 2
    assert "cannot list s3://no-such-evidence-bucket/x/" in missing.stderr
    assert "NoSuchBucket" in missing.stderr


def test_a_tree_synced_down_from_s3_reads_as_the_bucket_does(emulator, bucket, cli, tmp_path):
    seed_region(emulator, "us-east-1", kinds=KINDS)
    assert custodian_run(cli, s3_url("sync"), AUDIT_POLICY, regions=("us-east-1",)).returncode == 0
    move_run_folders_to(bucket, "sync/", OLD_HOUR)
    assert custodian_run(cli, s3_url("sync"), AUDIT_POLICY, regions=("us-east-1",)).returncode == 0
    s3 = boto3.Session().resource("s3", endpoint_url=emulator.endpoint)
    for key in keys(bucket, "sync/"):
        target = tmp_path / "synced" / key
        target.parent.mkdir(parents=True, exist_ok=True)
        s3.Object(BUCKET, key).download_file(str(target))

    local, remote = report(cli, str(tmp_path / "synced")), report(cli, "s3://%s/sync" % BUCKET)

    assert local.returncode == remote.returncode == 1
    assert without_time(rows_of(local)) == without_time(rows_of(remote))


def test_the_central_evidence_layout_of_the_readme_reads_per_account_and_region(
    emulator, bucket, cli, tmp_path
):
    seed_region(emulator, "us-east-1", kinds=("bare", "healthy"))
    layout = (
        "s3://%s/vpc-flow-logs/{account_id}/{region}/{policy_name}/{now:%%Y/%%m/%%d/%%H}"
        "?region=us-east-1" % BUCKET
    )
    assert custodian_run(cli, layout, AUDIT_POLICY, regions=("us-east-1",)).returncode == 0
    assert keys(bucket, "vpc-flow-logs/123456789012/us-east-1/vpc-flow-logs-audit/20")

    shown = report(cli, "s3://%s/vpc-flow-logs" % BUCKET)

    assert shown.returncode == 1, shown.stderr
    [row] = rows_of(shown).values()
    assert (row["account-id"], row["region"], row["vpcs"], row["non-compliant"]) == (
        "123456789012",
        "us-east-1",
        3,
        2,
    )
    accounts = tmp_path / "accounts.yml"
    accounts.write_text(
        "accounts: [{name: network-prod, account_id: '123456789012', regions: [us-east-1]}]\n"
    )
    named = report(cli, "s3://%s/vpc-flow-logs" % BUCKET, "json", "-c", accounts)
    assert list(rows_of(named)) == [("network-prod", "us-east-1")]
