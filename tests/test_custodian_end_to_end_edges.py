"""End to end, the harder cases: replacing broken flow logs, a VPC that cannot be fixed,
and the action used without our filter. Stock `custodian` against moto."""

import json

import pytest

from support.constants import GROUP
from support.e2e import (
    ENABLE_POLICY,
    REGIONS,
    audit,
    custodian_run,
    recording,
    run_results,
    write_policy,
)
from support.emulated import flow_logs_of
from support.estate import seed_estate

pytestmark = pytest.mark.emulator

NON_COMPLIANT = [{"type": "flow-log-compliance", "match": "non-compliant"}]


def added(before, after):
    return [f for f in after if f not in before]


def assert_one_new_reject_flow_log(before, after, vpc_id):
    new = added(before.get(vpc_id, []), after.get(vpc_id, []))
    assert len(new) == 1, (vpc_id, after.get(vpc_id))
    assert new[0]["TrafficType"] == "REJECT"
    assert new[0]["LogGroupName"] == GROUP % vpc_id
    assert new[0]["DeliverLogsStatus"] == "SUCCESS"
    return new[0]


def test_replace_broken_deletes_each_broken_flow_log_after_its_replacement_was_created(
    emulator, cli, tmp_path
):
    estates = seed_estate(emulator)
    before = {region: flow_logs_of(emulator, region) for region in REGIONS}
    policy = write_policy(
        tmp_path / "replace.yml",
        "vpc-flow-logs-replace",
        NON_COMPLIANT,
        {"type": "enable-flow-logs", "replace-broken": True},
    )
    with recording(emulator) as recorded:
        proc = custodian_run(cli, tmp_path / "out", policy)
    assert proc.returncode == 0, proc.stderr

    calls = recorded.calls()
    for region, estate in estates.items():
        after = flow_logs_of(emulator, region)
        healthy = estate.vpcs["healthy"]
        assert after[healthy] == before[region][healthy]
        for kind in ("failing", "accept_only"):
            vpc_id = estate.vpcs[kind]
            new = assert_one_new_reject_flow_log(before[region], after, vpc_id)
            assert after[vpc_id] == [new], kind  # the broken one is gone
            (broken_id,) = estate.flow_logs[kind]
            created_at = [
                i
                for i, c in enumerate(calls)
                if c.operation == "CreateFlowLogs"
                and c.region == region
                and vpc_id in c.params.values()
            ]
            deleted_at = [
                i
                for i, c in enumerate(calls)
                if c.operation == "DeleteFlowLogs"
                and c.region == region
                and broken_id in c.params.values()
            ]
            assert len(created_at) == 1 and len(deleted_at) == 1, kind
            assert created_at[0] < deleted_at[0], kind
        results = run_results(tmp_path / "out", region, "vpc-flow-logs-replace")
        assert any(
            "deleted broken flow log" in c for c in results[estate.vpcs["failing"]]["changes"]
        )
    assert audit(cli, tmp_path / "audit") == {region: {} for region in REGIONS}


def test_replace_broken_deletes_nothing_when_no_replacement_could_be_created(
    emulator, cli, tmp_path
):
    """No replacement: a VPC at the two-flow-log limit, and a failing-delivery VPC whose
    replacement cannot be delivered because the existing role trusts the wrong service
    (CIS's sample trust policy names ec2.amazonaws.com)."""
    region = ("us-east-1",)
    (estate,) = seed_estate(
        emulator, regions=region, kinds=("failing",), at_limit_region="us-east-1"
    ).values()
    emulator.client("iam").create_role(
        RoleName="vpc-flow-logs-delivery",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    policy = write_policy(
        tmp_path / "replace.yml",
        "vpc-flow-logs-replace",
        NON_COMPLIANT,
        {"type": "enable-flow-logs", "replace-broken": True},
    )
    before = flow_logs_of(emulator, "us-east-1")
    with recording(emulator) as recorded:
        proc = custodian_run(cli, tmp_path / "out", policy, regions=region)
    assert proc.returncode != 0
    assert flow_logs_of(emulator, "us-east-1") == before
    operations = [c.operation for c in recorded.calls()]
    assert "DescribeVpcs" in operations
    assert "CreateFlowLogs" not in operations and "DeleteFlowLogs" not in operations
    for kind, reason in (("at_limit", "limit"), ("failing", "ec2.amazonaws.com")):
        assert any(
            estate.vpcs[kind] in line and reason in line for line in proc.stderr.splitlines()
        ), (kind, proc.stderr)


def test_a_vpc_at_the_flow_log_limit_fails_the_run_by_name_while_the_others_are_fixed(
    emulator, cli, tmp_path
):
    estates = seed_estate(emulator, at_limit_region="eu-west-1")
    at_limit = estates["eu-west-1"].vpcs["at_limit"]
    before = flow_logs_of(emulator, "eu-west-1")[at_limit]
    proc = custodian_run(cli, tmp_path / "out", ENABLE_POLICY)
    assert proc.returncode != 0
    naming = [line for line in proc.stderr.splitlines() if at_limit in line and "limit" in line]
    assert naming, proc.stderr
    # Every other VPC, in both regions, was still fixed; the stuck one was left as it was.
    assert audit(cli, tmp_path / "audit") == {
        "eu-west-1": {at_limit: ["traffic-type"]},
        "us-east-1": {},
    }
    assert flow_logs_of(emulator, "eu-west-1")[at_limit] == before
    results = run_results(tmp_path / "out", "eu-west-1", "vpc-flow-logs-enable")
    assert results[at_limit]["status"] == "failed"
    assert "limit" in results[at_limit]["error"]
    others = set(estates["eu-west-1"].non_compliant.values()) - {at_limit}
    assert {results[v]["status"] for v in others} == {"created"}


def test_plain_flow_logs_filter_then_enable_fixes_every_vpc_without_flow_logs(
    emulator, cli, tmp_path
):
    # The built-in filter picks only VPCs with no flow log, so the estate has no broken ones.
    estates = seed_estate(emulator, kinds=("bare", "healthy", "named", "default"))
    before = {region: flow_logs_of(emulator, region) for region in REGIONS}
    policy = write_policy(
        tmp_path / "plain.yml",
        "vpc-flow-logs-plain",
        [{"type": "flow-logs", "count": 0}],
        {"type": "enable-flow-logs"},
    )
    proc = custodian_run(cli, tmp_path / "out", policy)
    assert proc.returncode == 0, proc.stderr

    assert audit(cli, tmp_path / "audit") == {region: {} for region in REGIONS}
    for region, estate in estates.items():
        after = flow_logs_of(emulator, region)
        assert after[estate.vpcs["healthy"]] == before[region][estate.vpcs["healthy"]]
        for kind in ("bare", "named", "default"):
            assert_one_new_reject_flow_log(before[region], after, estate.vpcs[kind])


def test_enable_without_any_filter_fixes_every_vpc_and_skips_the_healthy_one(
    emulator, cli, tmp_path
):
    estates = seed_estate(emulator)
    before = {region: flow_logs_of(emulator, region) for region in REGIONS}
    policy = write_policy(
        tmp_path / "bare.yml", "vpc-flow-logs-unfiltered", action={"type": "enable-flow-logs"}
    )
    proc = custodian_run(cli, tmp_path / "out", policy)
    assert proc.returncode == 0, proc.stderr

    assert audit(cli, tmp_path / "audit") == {region: {} for region in REGIONS}
    for region, estate in estates.items():
        after = flow_logs_of(emulator, region)
        results = run_results(tmp_path / "out", region, "vpc-flow-logs-unfiltered")
        healthy = estate.vpcs["healthy"]
        assert after[healthy] == before[region][healthy]
        assert results[healthy]["status"] == "skipped"
        for vpc_id in estate.non_compliant.values():
            assert_one_new_reject_flow_log(before[region], after, vpc_id)
            assert results[vpc_id]["status"] == "created"
