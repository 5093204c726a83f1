"""The vpc-flow-log-config-rule mode on recorded AWS answers: one evaluation per VPC put
into AWS Config, at most 100 a call, retried when throttled, refusals named per VPC."""

import json
from datetime import datetime

import pytest
from c7n.config import Config
from c7n.exceptions import PolicyValidationError
from c7n.policy import Policy

from c7n_vpcflow.config import mode as config_mode
from c7n_vpcflow.errors import VpcFlowError
from c7n_vpcflow.evaluations.annotation import parse_verdict
from c7n_vpcflow.vocabulary import VERDICTS_FILE
from localaws.lambda_boot import config_rule_event, create_lambda_role
from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, REGION
from support.policy import make_policy

RULE = "custodian-vpc-flow-logs-config-rule"
GOOD, SHARED = "vpc-0c0f1a00000000000", "vpc-0c0f1a00000000001"
DELETED = "vpc-0dead0000000000a1"
OWNER = "444455556666"


def config_rule_policy(**mode):
    return {
        "name": "vpc-flow-logs-config-rule",
        "resource": "aws.vpc",
        "mode": dict(
            {
                "type": config_mode.CONFIG_RULE_MODE,
                "packages": ["c7n_vpcflow"],
                "handler": "c7n_vpcflow.lambda_handler.run",
            },
            **mode,
        ),
        "filters": [{"type": "flow-log-compliance", "match": "all"}],
    }


def scheduled_event():
    return config_rule_event(ACCOUNT_ID, REGION, RULE)


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
    assert {p["ResultToken"] for p in estate.params("config.PutEvaluations")} == {"result-token-1"}
    # The current verdicts go first: the look-up of earlier evaluations cannot hold them up.
    assert estate.operations().index(
        "config.GetComplianceDetailsByConfigRule"
    ) > estate.operations().index("config.PutEvaluations")


def test_a_shared_vpc_is_not_applicable_naming_its_owner(estate, tmp_path):
    run_rule(estate, tmp_path)
    shared = by_vpc(put_calls(estate)[0] + put_calls(estate)[1])[SHARED]
    assert shared["ComplianceType"] == "NOT_APPLICABLE"
    assert shared["Annotation"] == (
        "shared by account %s: only its owner can add flow logs" % OWNER
    )


def test_the_vpcs_are_listed_once_a_run_shared_ones_included(estate, tmp_path):
    run_rule(estate, tmp_path)
    assert estate.operations().count("ec2.DescribeVpcs") == 1
    evaluated = {e["ComplianceResourceId"] for call in put_calls(estate)[:2] for e in call}
    assert SHARED in evaluated and GOOD in evaluated


def test_each_judged_vpc_carries_its_verdict_and_flow_logs(estate, tmp_path):
    run_rule(estate, tmp_path)
    evaluations = by_vpc(put_calls(estate)[0] + put_calls(estate)[1])
    assert evaluations[GOOD]["ComplianceType"] == "COMPLIANT"
    assert evaluations[GOOD]["Annotation"] == (
        "compliant; judged with: traffic-types ALL/REJECT; "
        "flow logs: fl-0c0f1a000000000a1 (c7n-vpcflow)"
    )
    missing = [e for e in evaluations.values() if e["ComplianceType"] == "NON_COMPLIANT"]
    assert len(missing) == 148
    assert {e["Annotation"] for e in missing} == {
        "non-compliant: missing; judged with: traffic-types ALL/REJECT; flow logs: none"
    }
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
        DELETED,
        "NOT_APPLICABLE",
    )
    assert deleted["Annotation"] == (
        "no longer in this account-region when judged: deleted, or no longer shared into it"
    )
    [lookup] = estate.params("config.GetComplianceDetailsByConfigRule")
    assert lookup["ConfigRuleName"] == RULE


def test_a_long_annotation_is_cut_to_256_characters_as_put(flight_data, tmp_path):
    """Two broken flow logs of a CloudWatch telemetry rule, judged strictly: more than
    Config keeps."""
    flight = flight_data()
    strict = {
        "type": "flow-log-compliance",
        "match": "all",
        "min-retention-days": 3653,
        "destination-types": ["cloud-watch-logs", "kinesis-data-firehose", "s3"],
    }
    make_policy(dict(config_rule_policy(), filters=[strict]), flight, tmp_path).push(
        scheduled_event()
    )

    [[evaluation]] = put_calls(flight)
    annotation = evaluation["Annotation"]
    assert len(annotation) == 256 and annotation.endswith("…")
    assert annotation.startswith(
        "non-compliant: delivery-failed, traffic-type, log-group-missing; judged with: "
        "traffic-types ALL/REJECT, min-retention-days 3653, destination-types "
        "cloud-watch-logs/firehose/s3; flow logs: "
        "fl-0c0f1a000000000b1 (cloudwatch-telemetry-rule), fl-0"
    )
    assert evaluation["ComplianceType"] == "NON_COMPLIANT"
    # The report reads it back: every reason, the flow log that is whole, and that it was cut.
    verdict = parse_verdict(annotation)
    assert (verdict.violations, verdict.flow_logs, verdict.cut) == (
        ("delivery-failed", "traffic-type", "log-group-missing"),
        (("fl-0c0f1a000000000b1", "cloudwatch-telemetry-rule"),),
        True,
    )


def test_a_throttled_put_evaluations_is_retried_after_a_wait(flight_data, fast_retries, tmp_path):
    flight = flight_data()
    run_rule(flight, tmp_path)
    first, second = put_calls(flight)
    assert first == second and len(first) == 1
    assert len(fast_retries) == 1 and fast_retries[0] > 0


def test_an_evaluation_config_refuses_fails_the_run_naming_its_vpc(flight_data, tmp_path, caplog):
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


@pytest.mark.parametrize(
    "filters, why",
    [
        ([{"type": "flow-log-compliance"}], "match: all"),
        ([{"type": "flow-log-compliance", "match": "all"}, {"tag:env": "prod"}], "one filter"),
        ([], "one filter"),
    ],
    ids=["non-compliant-only", "another-filter", "no-filter"],
)
def test_a_policy_that_would_not_judge_every_vpc_is_refused(filters, why, tmp_path):
    data = dict(config_rule_policy(), filters=filters)
    with pytest.raises(PolicyValidationError, match=why):
        make_policy(data, None, tmp_path)


def test_a_schedule_variable_filled_with_another_value_is_refused_naming_it(tmp_path):
    data = config_rule_policy(schedule="{config_rule_schedule}")
    policy = Policy(data, Config.empty(region=REGION, account_id=ACCOUNT_ID))
    policy.expand_variables(policy.get_variables({"config_rule_schedule": "Two_Hours"}))
    with pytest.raises(PolicyValidationError) as refused:
        policy.validate()
    assert str(refused.value) == (
        "policy:vpc-flow-logs-config-rule mode vpc-flow-log-config-rule: schedule "
        "'Two_Hours' is not one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, "
        "TwentyFour_Hours"
    )


@pytest.mark.parametrize(
    "schedule, frequency",
    [
        (None, "TwentyFour_Hours"),
        ("One_Hour", "One_Hour"),
        ("{config_rule_schedule}", "TwentyFour_Hours"),
    ],
    ids=["absent", "given", "variable-left-unfilled"],
)
def test_deploying_makes_a_periodic_rule_invoking_the_plugins_function(
    emulator, schedule, frequency, tmp_path
):
    data = config_rule_policy(
        role=create_lambda_role(emulator.client("iam")),
        **({"schedule": schedule} if schedule else {}),
    )
    make_policy(data, RecordingSession(REGION), tmp_path).provision()

    [rule] = emulator.client("config").describe_config_rules(ConfigRuleNames=[RULE])["ConfigRules"]
    function = emulator.client("lambda").get_function(FunctionName=RULE)["Configuration"]
    assert rule["MaximumExecutionFrequency"] == frequency
    assert rule["Source"]["Owner"] == "CUSTOM_LAMBDA"
    assert rule["Source"]["SourceIdentifier"] == function["FunctionArn"]
    assert [(d["EventSource"], d["MessageType"]) for d in rule["Source"]["SourceDetails"]] == [
        ("aws.config", "ScheduledNotification")
    ]
    # Every VPC on the schedule: no configuration change triggers it.
    assert "Scope" not in rule
    assert function["Handler"] == "c7n_vpcflow.lambda_handler.run"
