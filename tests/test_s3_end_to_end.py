"""The S3 pack end to end: the stock `custodian run` of policies/vpc-flow-logs-enable-s3.yml
with the bucket from --vars-file, over two regions, one of which has no bucket."""

import os

import pytest

from support.e2e import AUDIT_POLICY, POLICY_DIR, custodian_run, read_output, run_results
from support.estate import seed_region

pytestmark = pytest.mark.emulator

S3_POLICY = os.path.abspath(os.path.join(POLICY_DIR, "vpc-flow-logs-enable-s3.yml"))
KINDS = ("bare", "healthy", "accept_only", "default")
POLICY = "vpc-flow-logs-enable-s3"


def s3_flow_logs(emulator, region):
    flow_logs = emulator.client("ec2", region).describe_flow_logs()["FlowLogs"]
    return {f["ResourceId"]: f for f in flow_logs if f["LogDestinationType"] == "s3"}


@pytest.fixture
def estate(emulator, tmp_path):
    estates = {
        region: seed_region(emulator, region, kinds=KINDS) for region in ("us-east-1", "eu-west-1")
    }
    emulator.client("s3").create_bucket(Bucket="org-flow-logs-us-east-1")
    (tmp_path / "vars.yml").write_text('flow_log_bucket: "org-flow-logs-{region}"\n')
    return estates


def test_vpcs_of_the_region_without_its_bucket_fail_by_name_and_the_rest_are_fixed(
    emulator, estate, cli, tmp_path
):
    groups_before = {
        r: emulator.client("logs", r).describe_log_groups()["logGroups"] for r in estate
    }
    ran = custodian_run(cli, tmp_path / "out", S3_POLICY, "--vars-file", tmp_path / "vars.yml")

    assert ran.returncode != 0
    failing = estate["eu-west-1"].non_compliant.values()
    for vpc_id in failing:
        lines = [line for line in ran.stderr.splitlines() if line.strip().startswith(vpc_id)]
        assert lines and all("org-flow-logs-eu-west-1 does not exist" in line for line in lines)
    fixed = s3_flow_logs(emulator, "us-east-1")
    assert set(fixed) == set(estate["us-east-1"].non_compliant.values())
    for flow_log in fixed.values():
        assert flow_log["LogDestination"] == "arn:aws:s3:::org-flow-logs-us-east-1"
        assert flow_log["TrafficType"] == "REJECT"
    assert s3_flow_logs(emulator, "eu-west-1") == {}
    # one call for the whole region, and no log group or role for S3
    stats = read_output(tmp_path / "out", "us-east-1", POLICY, "metadata.json")["api-stats"]
    assert stats["ec2.CreateFlowLogs"] == 1
    assert not [
        op
        for op in stats
        if op.startswith("iam.")
        or "LogGroup" in op.split(".")[1]
        and op != "logs.DescribeLogGroups"
    ]
    assert {
        r: emulator.client("logs", r).describe_log_groups()["logGroups"] for r in estate
    } == groups_before
    assert emulator.client("iam").list_roles()["Roles"] == []
    results = run_results(tmp_path / "out", "eu-west-1", POLICY)
    assert {v for v, r in results.items() if r["status"] == "failed"} == set(failing)


def test_second_run_skips_vpcs_already_logging_to_the_bucket_and_the_audit_agrees(
    emulator, estate, cli, tmp_path
):
    vars_file = tmp_path / "vars.yml"
    first = custodian_run(
        cli, tmp_path / "one", S3_POLICY, "--vars-file", vars_file, regions=("us-east-1",)
    )
    assert first.returncode == 0, first.stderr[-2000:]
    again = custodian_run(
        cli, tmp_path / "two", S3_POLICY, "--vars-file", vars_file, regions=("us-east-1",)
    )
    assert again.returncode == 0, again.stderr[-2000:]
    stats = read_output(
        tmp_path / "two", "us-east-1", POLICY, "metadata.json", regions=("us-east-1",)
    )["api-stats"]
    assert "ec2.CreateFlowLogs" not in stats
    audit = custodian_run(cli, tmp_path / "audit", AUDIT_POLICY, regions=("us-east-1",))
    assert audit.returncode == 0
    assert (
        read_output(tmp_path / "audit", "us-east-1", "vpc-flow-logs-audit", regions=("us-east-1",))
        == []
    )
