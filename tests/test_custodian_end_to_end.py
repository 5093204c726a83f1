"""End to end: the stock `custodian` command with the shipped policies, against moto.

Each test seeds its own two-region estate (the `emulator` fixture resets the server).
"""

import os

import pytest

from support.bucket_policy import as_list
from support.constants import GROUP
from support.e2e import (
    AUDIT_POLICY,
    ENABLE_POLICY,
    REGIONS,
    assert_no_secret,
    audit,
    custodian_run,
    read_output,
    recording,
    run_results,
)
from support.emulated import flow_logs_of
from support.estate import ACCOUNT_ID, seed_estate, snapshot

pytestmark = pytest.mark.emulator

EXPECTED_VIOLATIONS = {
    "bare": ["missing"],
    "accept_only": ["traffic-type"],
    "failing": ["delivery-failed", "log-group-missing"],
    "named": ["missing"],
    "default": ["missing"],
}
ROLE_ARN = "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % ACCOUNT_ID
SCOPED_GROUPS = "arn:aws:logs:*:%s:log-group:/vpc/flow-logs/*" % ACCOUNT_ID
DELIVERY_WRITES = {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}


def test_audit_lists_exactly_the_non_compliant_vpcs_of_each_region_and_changes_nothing(
    emulator, cli, tmp_path
):
    estates = seed_estate(emulator)
    before = snapshot(emulator)
    with recording(emulator) as calls:
        proc = custodian_run(cli, tmp_path / "out", AUDIT_POLICY)
    assert proc.returncode == 0, proc.stderr

    for region, estate in estates.items():
        # Multi-region runs write <out>/<region>/<policy>/.
        assert os.path.isfile(tmp_path / "out" / region / "vpc-flow-logs-audit" / "resources.json")
        found = {
            r["VpcId"]: r for r in read_output(tmp_path / "out", region, "vpc-flow-logs-audit")
        }
        expected = {estate.vpcs[kind]: reasons for kind, reasons in EXPECTED_VIOLATIONS.items()}
        assert {v: r["c7n:flow-log-violations"] for v, r in found.items()} == expected
        assert estate.vpcs["healthy"] not in found
        failing = found[estate.vpcs["failing"]]
        assert [f["FlowLogId"] for f in failing["c7n:flow-logs"]] == estate.flow_logs["failing"]

    assert snapshot(emulator) == before
    assert calls.mutating() == []


def test_dryrun_annotates_a_plan_per_vpc_and_changes_nothing(emulator, cli, tmp_path):
    estates = seed_estate(emulator)
    before = snapshot(emulator)
    with recording(emulator) as calls:
        proc = custodian_run(cli, tmp_path / "out", ENABLE_POLICY, "--dryrun")
    assert proc.returncode == 0, proc.stderr

    assert snapshot(emulator) == before
    assert calls.mutating() == []
    for region, estate in estates.items():
        plans = {
            r["VpcId"]: r["c7n:flow-log-plan"]
            for r in read_output(tmp_path / "out", region, "vpc-flow-logs-enable")
        }
        assert set(plans) == set(estate.non_compliant.values())
        for kind, vpc_id in estate.non_compliant.items():
            plan = plans[vpc_id]
            assert plan["outcome"] == "create", (kind, plan)
            assert plan["log-group"] == GROUP % vpc_id
            assert plan["calls"] == [
                "logs:CreateLogGroup",
                "logs:PutRetentionPolicy",
                "ec2:CreateFlowLogs",
            ]
            assert (plan["role"]["arn"], plan["role"]["step"]) == (ROLE_ARN, "create")
            assert "replace" not in plan
        failing_plan = plans[estate.vpcs["failing"]]
        assert estate.flow_logs["failing"][0] in failing_plan["reason"]
        assert "delivery-failed" in failing_plan["reason"]


def assert_delivery_role_is_least_privilege(emulator):
    iam = emulator.client("iam")
    role = iam.get_role(RoleName="vpc-flow-logs-delivery")["Role"]
    assert role["Arn"] == ROLE_ARN
    statements = as_list(role["AssumeRolePolicyDocument"]["Statement"])
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert allows
    for statement in allows:
        assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
        assert as_list(statement["Action"]) == ["sts:AssumeRole"]
        conditions = {
            (key, operator): value
            for operator, keys in statement["Condition"].items()
            for key, value in keys.items()
        }
        source_arn = [op for key, op in conditions if key == "aws:SourceArn"]
        assert len(source_arn) == 1 and source_arn[0] in ("ArnLike", "StringLike"), conditions
        assert conditions == {
            ("aws:SourceAccount", "StringEquals"): ACCOUNT_ID,
            ("aws:SourceArn", source_arn[0]): "arn:aws:ec2:*:%s:vpc-flow-log/*" % ACCOUNT_ID,
        }

    granted = set()
    for name in iam.list_role_policies(RoleName="vpc-flow-logs-delivery")["PolicyNames"]:
        document = iam.get_role_policy(RoleName="vpc-flow-logs-delivery", PolicyName=name)[
            "PolicyDocument"
        ]
        for statement in as_list(document["Statement"]):
            actions = set(as_list(statement["Action"]))
            assert all(a.startswith("logs:") and "*" not in a for a in actions), actions
            granted |= actions
            if not all(a.startswith("logs:Describe") for a in actions):
                assert as_list(statement["Resource"]) == [SCOPED_GROUPS], statement
    assert DELIVERY_WRITES <= granted


def test_enable_gives_every_non_compliant_vpc_its_own_log_group_and_reject_flow_log(
    emulator, cli, tmp_path
):
    estates = seed_estate(emulator)
    seeded = {region: flow_logs_of(emulator, region) for region in REGIONS}
    proc = custodian_run(cli, tmp_path / "out", ENABLE_POLICY)
    assert proc.returncode == 0, proc.stderr

    assert audit(cli, tmp_path / "audit") == {region: {} for region in REGIONS}
    assert_delivery_role_is_least_privilege(emulator)
    for region, estate in estates.items():
        logs = emulator.client("logs", region)
        groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
        now = flow_logs_of(emulator, region)
        healthy = estate.vpcs["healthy"]
        assert now[healthy] == seeded[region][healthy]
        assert GROUP % healthy not in groups
        results = run_results(tmp_path / "out", region, "vpc-flow-logs-enable")
        assert set(results) == set(estate.non_compliant.values())
        for kind, vpc_id in estate.non_compliant.items():
            group_name = GROUP % vpc_id
            assert groups[group_name]["retentionInDays"] == 365
            tags = logs.list_tags_log_group(logGroupName=group_name)["tags"]
            assert tags.get("managed-by") == "c7n-vpcflow"
            old = seeded[region].get(vpc_id, [])
            new = [f for f in now[vpc_id] if f not in old]
            assert len(new) == 1, (kind, now[vpc_id])
            flow_log = new[0]
            assert flow_log["TrafficType"] == "REJECT"
            assert flow_log["LogGroupName"] == group_name
            assert flow_log["DeliverLogsPermissionArn"] == ROLE_ARN
            assert flow_log["FlowLogStatus"] == "ACTIVE"
            assert flow_log["DeliverLogsStatus"] == "SUCCESS"
            assert {"Key": "managed-by", "Value": "c7n-vpcflow"} in flow_log["Tags"]
            # Broken flow logs stay unless replace-broken is set.
            assert all(f in now[vpc_id] for f in old), kind
            assert results[vpc_id]["status"] == "created"
            assert results[vpc_id]["flow-log-ids"] == [flow_log["FlowLogId"]]
        failing_ids = [f["FlowLogId"] for f in now[estate.vpcs["failing"]]]
        assert estate.flow_logs["failing"][0] in failing_ids and len(failing_ids) == 2


def test_second_enable_run_changes_nothing(emulator, cli, tmp_path):
    seed_estate(emulator)
    first = custodian_run(cli, tmp_path / "first", ENABLE_POLICY)
    assert first.returncode == 0, first.stderr
    before = snapshot(emulator)
    with recording(emulator) as calls:
        second = custodian_run(cli, tmp_path / "second", ENABLE_POLICY)
    assert second.returncode == 0, second.stderr
    assert snapshot(emulator) == before
    assert calls.mutating() == []


def test_no_run_prints_or_writes_the_secret_access_key(emulator, cli, tmp_path):
    """Every run above is checked by custodian_run; this one logs the most (-vv, botocore
    included) and fails on a VPC at the flow-log limit, so the failure path prints too."""
    seed_estate(emulator, at_limit_region="us-east-1")
    proc = custodian_run(cli, tmp_path / "out", ENABLE_POLICY, "-vv")
    assert proc.returncode != 0
    assert "DEBUG" in proc.stderr and "could not fix" in proc.stderr
    assert_no_secret(proc.stdout, proc.stderr)
    written = 0
    for folder, _dirs, files in os.walk(tmp_path / "out"):
        for name in files:
            with open(os.path.join(folder, name), errors="replace") as f:
                assert_no_secret(f.read())
            written += 1
    assert written >= 2 * 4  # resources, metadata, run log, results per region
