"""--dryrun plans through the policy's filter, which stays as the policy file wrote it.

Custodian runs no action under --dryrun; the policy's flow-log-compliance (or
vpc-flow-log-telemetry-rule) filter asks each action that plans for its plan of what it
keeps, and annotates the answer.
"""

import json
import logging

import pytest
from c7n.policy import Policy

from c7n_vpcflow.analytics.definitions import alarm_name
from c7n_vpcflow.audit.handoff import DryRunFailed
from localaws.wire import error
from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, GROUP, REGION, REGIONS
from support.e2e import custodian_reported, custodian_run, read_output, read_plans, write_policy
from support.emulated import new_vpc
from support.estate import seed_region
from support.policy import ENABLE_NAME, enable_policy, make_policy

pytestmark = pytest.mark.emulator

ALARM = {"threshold": 50}
READS = ("Describe", "List", "Get")


def with_analytics(policy, **analytics):
    policy["actions"].append(dict(analytics, type="flow-log-analytics"))
    return policy


def planned(output_dir, policy=ENABLE_NAME):
    """The resources a dry run planned, with their plans."""
    return read_plans(output_dir, REGION, policy, regions=(REGION,))


def writes(session):
    return [op for op in session.operations() if not op.split(".", 1)[1].startswith(READS)]


def test_the_plan_comes_from_the_filter_and_the_policy_keeps_its_filters(
    emulator, tmp_path, caplog
):
    bare = new_vpc(emulator, "10.1.0.0/16")
    session = RecordingSession(REGION)
    policy = make_policy(
        with_analytics(enable_policy(), **{"reject-alarm": ALARM}), session, tmp_path, dryrun=True
    )
    written = [f.type for f in policy.resource_manager.filters]
    policy.validate()  # as `custodian run` does, after expanding variables: planned once

    with caplog.at_level(logging.INFO, logger="custodian.vpcflow"):
        found = {v["VpcId"]: v for v in policy()}

    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dry run")]
    assert sum(1 for m in said if m.startswith("dry run %s:" % bare)) == 1
    # The outcome, then why in brackets: never read as one phrase ("create no flow log").
    assert (
        "dry run %s: create (no flow log) -> logs:CreateLogGroup, logs:PutRetentionPolicy, "
        "ec2:CreateFlowLogs" % bare in said
    )
    assert sum(1 for m in said if m.startswith("dry run analytics %s:" % bare)) == 1

    assert [f.type for f in policy.resource_manager.filters] == written == ["flow-log-compliance"]
    plan = found[bare]["c7n:flow-log-plan"]
    assert (plan["outcome"], plan["log-group"]) == ("create", GROUP % bare)
    # flow-log-analytics plans on enable-flow-logs' planned log group, in the actions' order.
    assert found[bare]["c7n:flow-log-analytics-plan"] == {
        "log-group": GROUP % bare,
        "calls": ["logs:PutMetricFilter", "cloudwatch:PutMetricAlarm"],
    }
    assert writes(session) == []
    assert "c7n:flow-log-result" not in found[bare]


def test_analytics_plans_nothing_for_a_vpc_enable_flow_logs_would_fail(emulator, tmp_path):
    stuck = seed_region(emulator, REGION, kinds=(), at_limit=True).vpcs["at_limit"]
    policy = make_policy(
        with_analytics(enable_policy(), **{"reject-alarm": ALARM}),
        RecordingSession(REGION),
        tmp_path,
        dryrun=True,
    )

    with pytest.raises(DryRunFailed) as raised:
        policy()

    assert "enable-flow-logs would fail 1 of " in str(raised.value)
    assert "flow-log-analytics" not in str(raised.value)
    [vpc] = [v for v in planned(tmp_path) if v["VpcId"] == stuck]
    assert vpc["c7n:flow-log-plan"]["outcome"] == "fail"
    assert "c7n:flow-log-analytics-plan" not in vpc


def test_an_analytics_plan_of_an_up_to_date_log_group_has_no_calls(emulator, tmp_path):
    vpc_id = new_vpc(emulator, "10.3.0.0/16")
    policy = with_analytics(enable_policy(), **{"reject-alarm": ALARM})
    make_policy(policy, RecordingSession(REGION), tmp_path / "run")()
    assert emulator.client("cloudwatch").describe_alarms(AlarmNames=[alarm_name(GROUP % vpc_id)])[
        "MetricAlarms"
    ]
    unfiltered = with_analytics(enable_policy(), **{"reject-alarm": ALARM})
    unfiltered["filters"] = [{"type": "flow-log-compliance", "match": "all"}]

    found = {
        v["VpcId"]: v
        for v in make_policy(unfiltered, RecordingSession(REGION), tmp_path / "dry", dryrun=True)()
    }

    assert found[vpc_id]["c7n:flow-log-plan"]["outcome"] == "skip"
    assert found[vpc_id]["c7n:flow-log-analytics-plan"] == {
        "log-group": GROUP % vpc_id,
        "calls": [],
    }


def test_without_the_filter_the_dry_run_says_so_and_plans_nothing(emulator, tmp_path, caplog):
    bare = new_vpc(emulator, "10.4.0.0/16")
    session = RecordingSession(REGION)
    with caplog.at_level(logging.WARNING, logger="custodian.vpcflow"):
        policy = make_policy(enable_policy(filtered=False), session, tmp_path, dryrun=True)
        policy.validate()  # as `custodian run` does, after expanding variables: said once
    [warning] = [r.getMessage() for r in caplog.records if "--dryrun" in r.getMessage()]
    assert "vpc-flow-logs-enable" in warning and "nothing is planned" in warning
    assert "- type: flow-log-compliance" in warning

    [vpc] = [v for v in policy() if v["VpcId"] == bare]

    assert "c7n:flow-log-plan" not in vpc
    assert [f.type for f in policy.resource_manager.filters] == []
    assert writes(session) == []


def test_a_filter_after_the_compliance_filter_is_named_as_a_limit_of_the_plan(
    emulator, tmp_path, caplog
):
    new_vpc(emulator, "10.5.0.0/16", name="kept")
    dropped = new_vpc(emulator, "10.6.0.0/16")
    policy = enable_policy()
    policy["filters"].append({"tag:Name": "kept"})
    with caplog.at_level(logging.WARNING, logger="custodian.vpcflow"):
        loaded = make_policy(policy, RecordingSession(REGION), tmp_path, dryrun=True)
    assert any("the filters after it may drop some" in r.getMessage() for r in caplog.records)

    kept = loaded()

    assert [v["Tags"] for v in kept] == [[{"Key": "Name", "Value": "kept"}]]
    assert dropped not in {v["VpcId"] for v in kept}


def test_stock_custodian_says_the_missing_filter_once_per_region_and_plans_nothing(
    emulator, cli, tmp_path
):
    policy = write_policy(tmp_path / "enable.yml", "no-filter", action={"type": "enable-flow-logs"})

    proc = custodian_run(cli, tmp_path / "out", policy, "--dryrun")

    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("no-filter: --dryrun shows enable-flow-logs's plan") == len(REGIONS)
    for region in REGIONS:
        vpcs = read_output(tmp_path / "out", region, "no-filter")
        assert vpcs and all("c7n:flow-log-plan" not in v for v in vpcs)


def test_a_plan_that_would_fail_is_an_error_and_fails_the_dry_run_after_every_vpc_is_planned(
    emulator, tmp_path, caplog
):
    estate = seed_region(emulator, REGION, kinds=("bare",), at_limit=True)
    stuck, bare = estate.vpcs["at_limit"], estate.vpcs["bare"]
    stale = tmp_path / ENABLE_NAME / "resources.json"
    stale.parent.mkdir()
    stale.write_text('[{"VpcId": "vpc-of-an-earlier-run"}]')
    session = RecordingSession(REGION)
    policy = make_policy(enable_policy(), session, tmp_path, dryrun=True)

    with caplog.at_level(logging.INFO, logger="custodian.vpcflow"):
        with pytest.raises(DryRunFailed) as raised:
            policy()

    plans = {v["VpcId"]: v["c7n:flow-log-plan"] for v in planned(tmp_path)}
    reason = plans[stuck]["reason"]
    assert plans[stuck]["outcome"] == "fail" and reason.startswith("already has 2 flow logs")
    assert plans[bare]["outcome"] == "create"
    assert str(raised.value).splitlines() == [
        "dry run: enable-flow-logs would fail 1 of %d VPCs in %s/%s:"
        % (len(plans), ACCOUNT_ID, REGION),
        "  %s: %s" % (stuck, reason),
    ]
    said = {(r.levelno, r.getMessage().split(":", 1)[0]) for r in caplog.records}
    assert (logging.ERROR, "dry run " + stuck) in said
    assert (logging.INFO, "dry run " + bare) in said
    assert "dry run %s: fail %s" % (stuck, reason) in caplog.messages
    assert writes(session) == []


def test_stock_custodian_exits_non_zero_on_a_dry_run_that_would_fail_with_one_error(
    emulator, cli, tmp_path
):
    stuck = seed_region(emulator, REGION, kinds=(), at_limit=True).vpcs["at_limit"]
    policy = write_policy(
        tmp_path / "enable.yml",
        ENABLE_NAME,
        [{"type": "flow-log-compliance"}],
        {"type": "enable-flow-logs"},
    )

    proc = custodian_run(cli, tmp_path / "out", policy, "--dryrun", regions=(REGION,))

    assert proc.returncode == 2, proc.stderr
    [said] = [x for x in proc.stderr.splitlines() if "vpcflow:ERROR dry run %s:" % stuck in x]
    assert "fail already has 2 flow logs" in said
    # Custodian's report of the failed policy names our one exception, not chained.
    reported = custodian_reported(proc.stderr)
    assert {name for name, _message in reported} == {"c7n_vpcflow.audit.handoff.DryRunFailed"}
    for _name, message in reported:
        assert message.startswith("dry run: enable-flow-logs would fail 1 of ")
        assert message.splitlines()[1].startswith("  %s: already has 2 flow logs" % stuck)
    plans = {v["VpcId"]: v["c7n:flow-log-plan"] for v in planned(tmp_path / "out")}
    assert plans[stuck]["outcome"] == "fail"


def test_a_role_that_cannot_be_read_fails_the_plans_that_need_it(fault_proxy, emulator, tmp_path):
    bare = new_vpc(emulator, "10.7.0.0/16")
    fault_proxy.rules.append(
        lambda call: (
            error(call, "AccessDenied", "not authorized to perform: iam:GetRole")
            if call.operation == "GetRole"
            else None
        )
    )

    with pytest.raises(DryRunFailed) as raised:
        make_policy(enable_policy(), RecordingSession(REGION), tmp_path, dryrun=True)()

    plan = {v["VpcId"]: v["c7n:flow-log-plan"] for v in planned(tmp_path)}[bare]
    assert plan["outcome"] == "fail"
    assert plan["reason"] == (
        "delivery role arn:aws:iam::%s:role/vpc-flow-logs-delivery could not be assessed: "
        "AccessDenied: not authorized to perform: iam:GetRole" % ACCOUNT_ID
    )
    assert plan["role"] == {
        "arn": "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % ACCOUNT_ID,
        "step": "unusable",
    }
    assert "  %s: %s" % (bare, plan["reason"]) in str(raised.value).splitlines()


def test_a_dry_run_leaves_every_actions_plans_in_its_own_file_beside_resources_json(
    emulator, tmp_path
):
    bare = new_vpc(emulator, "10.8.0.0/16")
    policy = make_policy(
        with_analytics(enable_policy(), **{"reject-alarm": ALARM}),
        RecordingSession(REGION),
        tmp_path,
        dryrun=True,
    )

    kept = {v["VpcId"]: v for v in policy()}

    with open(tmp_path / ENABLE_NAME / "flow-log-plan.json") as f:
        plans = json.load(f)
    assert [(a["action"], a["annotation"], a["failure"]) for a in plans["actions"]] == [
        ("enable-flow-logs", "c7n:flow-log-plan", None),
        ("flow-log-analytics", "c7n:flow-log-analytics-plan", None),
    ]
    for answer in plans["actions"]:
        assert answer["plans"][bare] == kept[bare][answer["annotation"]]
    assert {v["VpcId"] for v in planned(tmp_path)} == set(kept)


def test_the_filter_asks_the_actions_while_it_filters_whether_or_not_they_were_validated(
    emulator, tmp_path
):
    bare = new_vpc(emulator, "10.9.0.0/16")
    validated = make_policy(enable_policy(), RecordingSession(REGION), tmp_path, dryrun=True)
    # The same policy as Custodian would build it again, its actions never validated.
    unvalidated = Policy(
        validated.data, validated.options, session_factory=RecordingSession(REGION)
    )

    found = {v["VpcId"]: v for v in unvalidated()}

    assert found[bare]["c7n:flow-log-plan"]["outcome"] == "create"
