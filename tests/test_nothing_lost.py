"""Nothing is lost: log groups are never deleted; a flow log is deleted only with
`replace-broken: true` and only once its successor is ACTIVE; a dry run changes nothing.

Against moto through the fault proxy (support.faults), which logs every request with its
parameters and moto's answer, in the order moto got them.
"""

from xml.etree import ElementTree

import pytest

from c7n_vpcflow.errors import FlowLogRemediationError
from support.aws import RecordingSession
from support.constants import REGION
from support.e2e import ENABLE_POLICY, custodian_run, read_plans, write_policy
from support.emulated import flow_logs_of, log_groups_of
from support.estate import seed_region
from support.policy import run_policy
from support.results import read_results

pytestmark = pytest.mark.emulator

POLICY = "vpc-flow-logs-replace"
REPLACE = {
    "name": POLICY,
    "resource": "aws.vpc",
    "filters": [{"type": "flow-log-compliance"}],
    "actions": [{"type": "enable-flow-logs", "replace-broken": True}],
}
BROKEN_KINDS = ("failing", "accept_only")


def seeded(emulator):
    """The whole estate, a VPC at the two-flow-log limit with both broken (which no run
    can fix: nothing may be deleted to make room), and our own group of the bare VPC, kept
    for 30 days only."""
    estate = seed_region(emulator, REGION, at_limit=True)
    logs = emulator.client("logs", REGION)
    logs.create_log_group(logGroupName="/vpc/flow-logs/" + estate.vpcs["bare"])
    logs.put_retention_policy(
        logGroupName="/vpc/flow-logs/" + estate.vpcs["bare"], retentionInDays=30
    )
    return estate


def enable(policy, tmp_path, name, estate):
    """Run in-process; only the VPC at the limit may fail (and must, by name)."""
    with pytest.raises(FlowLogRemediationError) as failed:
        run_policy(policy, RecordingSession(REGION), tmp_path / name)
    at_limit = estate.vpcs["at_limit"]
    assert "could not fix 1 of" in str(failed.value) and at_limit in str(failed.value)


def flow_log_statuses(call):
    """{flow log id: FlowLogStatus} in moto's DescribeFlowLogs answer (EC2 XML)."""
    root = ElementTree.fromstring(call.response)
    statuses = {}
    for item in root.iter():
        if item.tag.endswith("}item") or item.tag == "item":
            fields = {child.tag.rsplit("}", 1)[-1]: child.text for child in item}
            if "flowLogId" in fields:
                statuses[fields["flowLogId"]] = fields.get("flowLogStatus")
    return statuses


def test_log_groups_are_never_deleted_nor_shortened(fault_proxy, emulator, tmp_path):
    estate = seeded(emulator)
    before = log_groups_of(emulator, REGION)
    enable(REPLACE, tmp_path, "first", estate)
    enable(REPLACE, tmp_path, "second", estate)  # and a rerun on the fixed estate
    after = log_groups_of(emulator, REGION)
    for name, retention in before.items():
        assert name in after, name
        assert after[name] is None if retention is None else after[name] >= retention
    deletes = {c.operation for c in fault_proxy.calls if c.operation.startswith("Delete")}
    assert deletes == {"DeleteFlowLogs"}


def test_without_replace_broken_no_flow_log_is_deleted(fault_proxy, emulator, tmp_path):
    estate = seeded(emulator)
    before = flow_logs_of(emulator, REGION)
    policy = dict(REPLACE, actions=[{"type": "enable-flow-logs"}])
    enable(policy, tmp_path, "plain", estate)
    after = flow_logs_of(emulator, REGION)
    assert [c for c in fault_proxy.calls if c.operation == "DeleteFlowLogs"] == []
    for vpc_id, flow_logs in before.items():
        assert all(f in after[vpc_id] for f in flow_logs), vpc_id
    assert after[estate.vpcs["at_limit"]] == before[estate.vpcs["at_limit"]]
    for kind in BROKEN_KINDS:  # they got a healthy sibling
        assert len(after[estate.vpcs[kind]]) == 2, kind


def test_a_broken_flow_log_is_deleted_only_after_its_successor_was_seen_active(
    fault_proxy, emulator, tmp_path
):
    estate = seeded(emulator)
    enable(REPLACE, tmp_path, "replace", estate)
    calls = fault_proxy.calls
    results = read_results(tmp_path / "replace", POLICY)
    for kind in BROKEN_KINDS:
        vpc_id, (old,) = estate.vpcs[kind], estate.flow_logs[kind]
        (new,) = results[vpc_id]["flow-log-ids"]
        created = [
            i for i, c in enumerate(calls) if c.operation == "CreateFlowLogs" and c.mentions(vpc_id)
        ]
        seen_active = [
            i
            for i, c in enumerate(calls)
            if c.operation == "DescribeFlowLogs"
            and c.mentions(new)
            and flow_log_statuses(c).get(new) == "ACTIVE"
        ]
        deleted = [
            i for i, c in enumerate(calls) if c.operation == "DeleteFlowLogs" and c.mentions(old)
        ]
        assert len(created) == 1 and len(deleted) == 1 and seen_active, kind
        assert created[0] < seen_active[0] < deleted[0], (kind, created, seen_active, deleted)
        assert not any(c.mentions(new) for c in calls if c.operation == "DeleteFlowLogs")
        assert [f["FlowLogId"] for f in flow_logs_of(emulator, REGION)[vpc_id]] == [new]


def test_a_broken_flow_log_whose_successor_never_turns_active_is_kept(
    fault_proxy, emulator, tmp_path, fast_retries
):
    estate = seeded(emulator)
    before = flow_logs_of(emulator, REGION)

    def never_active(call, body):
        if call.operation == "DescribeFlowLogs" and "FlowLogId.1" in call.params:
            return body.replace(b"<flowLogStatus>ACTIVE<", b"<flowLogStatus>INACTIVE<")
        return body

    fault_proxy.rewrites.append(never_active)
    enable(REPLACE, tmp_path, "pending", estate)
    checks = [
        c
        for c in fault_proxy.calls
        if c.operation == "DescribeFlowLogs" and "FlowLogId.1" in c.params
    ]
    assert len(checks) > 1 and all("INACTIVE" in flow_log_statuses(c).values() for c in checks)
    assert [c for c in fault_proxy.calls if c.operation == "DeleteFlowLogs"] == []
    after = flow_logs_of(emulator, REGION)
    results = read_results(tmp_path / "pending", POLICY)
    for kind in BROKEN_KINDS:
        vpc_id = estate.vpcs[kind]
        assert all(f in after[vpc_id] for f in before[vpc_id]), kind
        assert any(c.startswith("kept broken") for c in results[vpc_id]["changes"]), kind


def test_a_dry_run_makes_no_mutating_call(fault_proxy, emulator, cli, tmp_path):
    """The stock command, with replace-broken, over VPCs that need every kind of change."""
    estate = seeded(emulator)
    before = (flow_logs_of(emulator, REGION), log_groups_of(emulator, REGION))
    policy = write_policy(
        tmp_path / "replace.yml", POLICY, REPLACE["filters"], REPLACE["actions"][0]
    )
    for policy_file in (policy, ENABLE_POLICY):
        proc = custodian_run(cli, tmp_path / "out", policy_file, "--dryrun", regions=(REGION,))
        # The VPC at the limit would fail: so does the dry run (a gate), having planned all.
        assert proc.returncode == 2, proc.stderr
        assert "enable-flow-logs would fail 1 of " in proc.stderr
    assert any(c.operation == "DescribeVpcs" for c in fault_proxy.calls)
    assert fault_proxy.mutating() == []
    assert (flow_logs_of(emulator, REGION), log_groups_of(emulator, REGION)) == before
    plans = {
        r["VpcId"]: r["c7n:flow-log-plan"]
        for r in read_plans(tmp_path / "out", REGION, POLICY, regions=(REGION,))
    }
    # It did plan the destructive and the changing steps it then did not make.
    for kind in BROKEN_KINDS:
        assert "ec2:DeleteFlowLogs" in plans[estate.vpcs[kind]]["calls"], kind
    assert "logs:PutRetentionPolicy" in plans[estate.vpcs["bare"]]["calls"]
