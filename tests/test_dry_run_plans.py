"""--dryrun plans through the policy's filter, which stays as the policy file wrote it.

Custodian runs no action under --dryrun; each action hands its plan step to the policy's
flow-log-compliance (or vpc-flow-log-telemetry-rule) filter, which runs it on what it keeps.
"""
import logging

import pytest

from c7n_vpcflow.analytics import alarm_name
from support.aws import RecordingSession
from support.constants import GROUP, REGION, REGIONS
from support.e2e import custodian_run, read_output, write_policy
from support.emulated import new_vpc
from support.estate import seed_region
from support.policy import enable_policy, make_policy

pytestmark = pytest.mark.emulator

ALARM = {"threshold": 50}
READS = ("Describe", "List", "Get")


def with_analytics(policy, **analytics):
    policy["actions"].append(dict(analytics, type="flow-log-analytics"))
    return policy


def writes(session):
    return [op for op in session.operations() if not op.split(".", 1)[1].startswith(READS)]


def test_the_plan_comes_from_the_filter_and_the_policy_keeps_its_filters(
        emulator, tmp_path, caplog):
    bare = new_vpc(emulator, "10.1.0.0/16")
    session = RecordingSession(REGION)
    policy = make_policy(with_analytics(enable_policy(), **{"reject-alarm": ALARM}), session,
                         tmp_path, dryrun=True)
    written = [f.type for f in policy.resource_manager.filters]
    policy.validate()   # as `custodian run` does, after expanding variables: planned once

    with caplog.at_level(logging.INFO, logger="custodian.vpcflow"):
        found = {v["VpcId"]: v for v in policy()}

    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dry run")]
    assert sum(1 for m in said if m.startswith("dry run %s:" % bare)) == 1
    assert sum(1 for m in said if m.startswith("dry run analytics %s:" % bare)) == 1

    assert [f.type for f in policy.resource_manager.filters] == written == [
        "flow-log-compliance"]
    plan = found[bare]["c7n:flow-log-plan"]
    assert (plan["outcome"], plan["log-group"]) == ("create", GROUP % bare)
    # flow-log-analytics plans on enable-flow-logs' planned log group, in the actions' order.
    assert found[bare]["c7n:flow-log-analytics-plan"] == {
        "log-group": GROUP % bare,
        "calls": ["logs:PutMetricFilter", "cloudwatch:PutMetricAlarm"]}
    assert writes(session) == []
    assert "c7n:flow-log-result" not in found[bare]


def test_analytics_plans_nothing_for_a_vpc_enable_flow_logs_would_fail(emulator, tmp_path):
    stuck = seed_region(emulator, REGION, kinds=(), at_limit=True).vpcs["at_limit"]
    policy = make_policy(with_analytics(enable_policy(), **{"reject-alarm": ALARM}),
                         RecordingSession(REGION), tmp_path, dryrun=True)

    [vpc] = [v for v in policy() if v["VpcId"] == stuck]

    assert vpc["c7n:flow-log-plan"]["outcome"] == "fail"
    assert "c7n:flow-log-analytics-plan" not in vpc


def test_an_analytics_plan_of_an_up_to_date_log_group_has_no_calls(emulator, tmp_path):
    vpc_id = new_vpc(emulator, "10.3.0.0/16")
    policy = with_analytics(enable_policy(), **{"reject-alarm": ALARM})
    make_policy(policy, RecordingSession(REGION), tmp_path / "run")()
    assert emulator.client("cloudwatch").describe_alarms(
        AlarmNames=[alarm_name(GROUP % vpc_id)])["MetricAlarms"]
    unfiltered = with_analytics(enable_policy(), **{"reject-alarm": ALARM})
    unfiltered["filters"] = [{"type": "flow-log-compliance", "match": "all"}]

    found = {v["VpcId"]: v for v in make_policy(
        unfiltered, RecordingSession(REGION), tmp_path / "dry", dryrun=True)()}

    assert found[vpc_id]["c7n:flow-log-plan"]["outcome"] == "skip"
    assert found[vpc_id]["c7n:flow-log-analytics-plan"] == {
        "log-group": GROUP % vpc_id, "calls": []}


def test_without_the_filter_the_dry_run_says_so_and_plans_nothing(emulator, tmp_path, caplog):
    bare = new_vpc(emulator, "10.4.0.0/16")
    session = RecordingSession(REGION)
    with caplog.at_level(logging.WARNING, logger="custodian.vpcflow"):
        policy = make_policy(enable_policy(filtered=False), session, tmp_path, dryrun=True)
        policy.validate()   # as `custodian run` does, after expanding variables: said once
    [warning] = [r.getMessage() for r in caplog.records if "--dryrun" in r.getMessage()]
    assert "vpc-flow-logs-enable" in warning and "nothing is planned" in warning
    assert "- type: flow-log-compliance" in warning

    [vpc] = [v for v in policy() if v["VpcId"] == bare]

    assert "c7n:flow-log-plan" not in vpc
    assert [f.type for f in policy.resource_manager.filters] == []
    assert writes(session) == []


def test_a_filter_after_the_compliance_filter_is_named_as_a_limit_of_the_plan(
        emulator, tmp_path, caplog):
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


def test_stock_custodian_says_the_missing_filter_once_per_region_and_plans_nothing(emulator, cli, tmp_path):
    policy = write_policy(tmp_path / "enable.yml", "no-filter", action={"type": "enable-flow-logs"})

    proc = custodian_run(cli, tmp_path / "out", policy, "--dryrun")

    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("no-filter: --dryrun shows enable-flow-logs's plan") == len(REGIONS)
    for region in REGIONS:
        vpcs = read_output(tmp_path / "out", region, "no-filter")
        assert vpcs and all("c7n:flow-log-plan" not in v for v in vpcs)
