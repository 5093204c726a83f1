"""The vpc-flow-log-config-rule mode on recorded AWS answers: one evaluation per VPC put
into AWS Config, at most 100 a call, retried when throttled, refusals named per VPC."""
import json
from datetime import datetime

import pytest
from c7n.exceptions import PolicyValidationError

from c7n_vpcflow.config import mode as config_mode
from c7n_vpcflow.errors import VpcFlowError
from c7n_vpcflow.vocabulary import VERDICTS_FILE
from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, REGION
from support.policy import make_policy

RULE = "custodian-vpc-flow-logs-config-rule"
GOOD, SHARED = "vpc-0c0f1a00000000000", "vpc-0c0f1a00000000001"
DELETED = "vpc-0dead0000000000a1"
OWNER = "444455556666"


def config_rule_policy(**mode):
    return {"name": "vpc-flow-logs-config-rule", "resource": "aws.vpc",
            "mode": dict({"type": config_mode.CONFIG_RULE_MODE,
                          "packages": ["c7n_vpcflow"],
                          "handler": "c7n_vpcflow.lambda_handler.run"}, **mode),
            "filters": [{"type": "flow-log-compliance", "match": "all"}]}


def scheduled_event(token="result-token-1"):
    """What AWS Config sends a periodic custom rule's function."""
    return {"invokingEvent": json.dumps({
                "awsAccountId": ACCOUNT_ID, "notificationCreationTime": "2026-12-06T09:00:00.000Z",
                "messageType": "ScheduledNotification", "recordVersion": "1.0"}),
            "ruleParameters": "{}", "resultToken": token, "eventLeftScope": False,
            "configRuleArn": "arn:aws:config:us-east-1:%s:config-rule/config-rule-0a1b2c" % (
                ACCOUNT_ID),
            "configRuleName": RULE, "configRuleId": "config-rule-0a1b2c",
            "accountId": ACCOUNT_ID, "version": "1.0"}


def run_rule(flight, tmp_path, event=None):
    policy = make_policy(config_rule_policy(), flight, tmp_path)
    judged = policy.push(event or scheduled_event())
    return policy, judged


def put_calls(flight):
    return [p["Evaluations"] for p in flight.params("config.PutEvaluations")]


def by_vpc(evaluations):
    return {e["ComplianceResourceId"]: e for e in evaluations}


@pytest.fixture
def estate(flight_data):
    """150 VPCs: one compliant, one shared in by another account, 148 without flow logs;
    AWS Config holds an evaluation of a VPC since deleted."""
    return flight_data("config_rule_estate")


def test_150_vpcs_take_two_calls_of_at_most_100_then_one_for_the_deleted(estate, tmp_path):
    run_rule(estate, tmp_path)
    calls = put_calls(estate)
    assert [len(c) for c in calls] == [100, 50, 1]
    assert len(by_vpc(calls[0] + calls[1])) == 150
    assert {p["ResultToken"] for p in estate.params("config.PutEvaluations")} == {
        "result-token-1"}
    # The current verdicts go first: the look-up of earlier evaluations cannot hold them up.
    assert estate.operations().index("config.GetComplianceDetailsByConfigRule") > \
        estate.operations().index("config.PutEvaluations")


def test_a_shared_vpc_is_not_applicable_naming_its_owner(estate, tmp_path):
    run_rule(estate, tmp_path)
    shared = by_vpc(put_calls(estate)[0] + put_calls(estate)[1])[SHARED]
    assert shared["ComplianceType"] == "NOT_APPLICABLE"
    assert shared["Annotation"] == (
        "shared by account %s: only its owner can add flow logs" % OWNER)


def test_each_judged_vpc_carries_its_verdict_and_flow_logs(estate, tmp_path):
    run_rule(estate, tmp_path)
    evaluations = by_vpc(put_calls(estate)[0] + put_calls(estate)[1])
    assert evaluations[GOOD]["ComplianceType"] == "COMPLIANT"
    assert evaluations[GOOD]["Annotation"] == (
        "compliant; judged with: traffic-types ALL/REJECT; "
        "flow logs: fl-0c0f1a000000000a1 (c7n-vpcflow)")
    missing = [e for e in evaluations.values() if e["ComplianceType"] == "NON_COMPLIANT"]
    assert len(missing) == 148
    assert {e["Annotation"] for e in missing} == {
        "non-compliant: missing; judged with: traffic-types ALL/REJECT; flow logs: none"}
    assert {e["ComplianceResourceType"] for e in evaluations.values()} == {"AWS::EC2::VPC"}


def test_every_evaluation_is_dated_by_the_run_that_judged_it(estate, tmp_path):
    run_rule(estate, tmp_path)
    with open(tmp_path / "vpc-flow-logs-config-rule" / VERDICTS_FILE) as f:
        started = datetime.fromisoformat(json.load(f)["started"])
    stamps = {e["OrderingTimestamp"] for call in put_calls(estate) for e in call}
    assert stamps == {started}


def test_a_vpc_evaluated_before_and_since_deleted_becomes_not_applicable(estate, tmp_path):
    run_rule(estate, tmp_path)
    [[deleted]] = put_calls(estate)[2:]
    assert (deleted["ComplianceResourceId"], deleted["ComplianceType"]) == (
        DELETED, "NOT_APPLICABLE")
    [lookup] = estate.params("config.GetComplianceDetailsByConfigRule")
    assert lookup["ConfigRuleName"] == RULE


def test_a_throttled_put_evaluations_is_retried_after_a_wait(
        flight_data, fast_retries, tmp_path):
    flight = flight_data()
    run_rule(flight, tmp_path)
    first, second = put_calls(flight)
    assert first == second and len(first) == 1
    assert len(fast_retries) == 1 and fast_retries[0] > 0


def test_an_evaluation_config_refuses_fails_the_run_naming_its_vpc(
        flight_data, tmp_path, caplog):
    flight = flight_data()
    with pytest.raises(VpcFlowError) as raised:
        run_rule(flight, tmp_path)
    assert "vpc-0c0f1a00000000003: refused by AWS Config" in str(raised.value)
    assert "1 of 2 VPCs" in str(raised.value)
    assert "vpc-0c0f1a00000000003: evaluation not put: refused by AWS Config" in caplog.text


def test_without_a_result_token_nothing_is_put(estate, tmp_path, caplog):
    event = scheduled_event()
    del event["resultToken"]
    run_rule(estate, tmp_path, event)
    assert put_calls(estate) == []
    assert "150 evaluations not put" in caplog.text


@pytest.mark.parametrize("filters, why", [
    ([{"type": "flow-log-compliance"}], "match: all"),
    ([{"type": "flow-log-compliance", "match": "all"}, {"tag:env": "prod"}], "one filter"),
    ([], "one filter"),
], ids=["non-compliant-only", "another-filter", "no-filter"])
def test_a_policy_that_would_not_judge_every_vpc_is_refused(filters, why, tmp_path):
    data = dict(config_rule_policy(), filters=filters)
    with pytest.raises(PolicyValidationError, match=why):
        make_policy(data, None, tmp_path)


@pytest.mark.parametrize("schedule", [None, "One_Hour"])
def test_deploying_makes_a_periodic_rule_invoking_the_plugins_function(
        emulator, schedule, tmp_path):
    emulator.client("iam").create_role(RoleName="c7n-vpcflow-lambda", AssumeRolePolicyDocument=(
        json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole"}]})))
    data = config_rule_policy(role="arn:aws:iam::%s:role/c7n-vpcflow-lambda" % ACCOUNT_ID,
                              **({"schedule": schedule} if schedule else {}))
    make_policy(data, RecordingSession(REGION), tmp_path).provision()

    [rule] = emulator.client("config").describe_config_rules(ConfigRuleNames=[RULE])[
        "ConfigRules"]
    function = emulator.client("lambda").get_function(FunctionName=RULE)["Configuration"]
    assert rule["MaximumExecutionFrequency"] == (schedule or "TwentyFour_Hours")
    assert rule["Source"]["Owner"] == "CUSTOM_LAMBDA"
    assert rule["Source"]["SourceIdentifier"] == function["FunctionArn"]
    assert [(d["EventSource"], d["MessageType"]) for d in rule["Source"]["SourceDetails"]] == [
        ("aws.config", "ScheduledNotification")]
    # Every VPC on the schedule: no configuration change triggers it.
    assert "Scope" not in rule
    assert function["Handler"] == "c7n_vpcflow.lambda_handler.run"
