"""The telemetry-rule filter and action on aws.account, on flight data shaped on botocore's
model of observabilityadmin (the emulator has no Observability Admin): attached to a session
in-process, or served on the wire to the stock `custodian run`."""

import logging

import pytest
import yaml
from c7n.resources import load_resources

from c7n_vpcflow.audit.handoff import DryRunFailed
from c7n_vpcflow.telemetry.action import PutVpcFlowLogTelemetryRule
from c7n_vpcflow.telemetry.filter import VpcFlowLogTelemetryRule
from c7n_vpcflow.telemetry.rules import TelemetryRuleError
from c7n_vpcflow.vocabulary import TELEMETRY_RULE_VERDICT as ANNOTATION
from support.constants import ACCOUNT_ID, REGION, policy_path
from support.e2e import custodian_reported, custodian_run
from support.policy import make_policy, run_policy
from support.results import recorded

READS = [
    "observabilityadmin.GetTelemetryEvaluationStatusForOrganization",
    "observabilityadmin.ListTelemetryRulesForOrganization",
]


@pytest.fixture
def telemetry_rule_absent(flight_data):
    return flight_data("telemetry_rule_absent")


@pytest.fixture
def telemetry_rule_conforming(flight_data):
    return flight_data("telemetry_rule_conforming")


@pytest.fixture
def telemetry_rule_deviating(flight_data):
    return flight_data("telemetry_rule_deviating")


def policy(filters=(), action=None, name="telemetry-rule"):
    data = {"name": name, "resource": "aws.account", "filters": list(filters)}
    if action is not None:
        data["actions"] = [dict({"type": "put-vpc-flow-log-telemetry-rule"}, **action)]
    return data


def audit(**options):
    return policy([dict({"type": "vpc-flow-log-telemetry-rule"}, **options)])


def run(data, flight, tmp_path, **options):
    load_resources(("aws.account",))
    return run_policy(data, flight, tmp_path, **options)


def writes(flight):
    return [
        op
        for op in flight.operations()
        if op.split(".")[1].startswith(("Create", "Update", "Start", "Tag"))
    ]


def test_no_vpc_flow_log_rule_and_no_evaluation_are_both_reported(telemetry_rule_absent, tmp_path):
    flight = telemetry_rule_absent
    (account,) = run(audit(), flight, tmp_path)

    verdict = account[ANNOTATION]
    assert verdict["deviations"] == ["evaluation-not-running", "absent"]
    assert (verdict["rules"], verdict["conforming"]) == ([], False)
    # The EKS rule in the listing is not taken for a flow-log rule, nor read further.
    assert flight.operations()[-2:] == READS


def test_the_action_starts_evaluation_and_creates_the_rule_from_enable_flow_logs_keys(
    telemetry_rule_absent, tmp_path
):
    flight = telemetry_rule_absent
    (account,) = run(
        policy(
            action={
                "traffic-type": "REJECT",
                "retention-days": 400,
                "log-group-name": "/vpc/{vpc_id}",
                "log-format": "security",
                "kms-key-id": "arn:aws:kms:us-east-1:123456789012:key/k",
                "tags": {"owner": "security"},
            }
        ),
        flight,
        tmp_path,
    )

    assert writes(flight) == [
        "observabilityadmin.StartTelemetryEvaluationForOrganization",
        "observabilityadmin.CreateTelemetryRuleForOrganization",
    ]
    assert flight.params("observabilityadmin.StartTelemetryEvaluationForOrganization") == [
        {"AllRegions": True}
    ]
    (create,) = flight.params("observabilityadmin.CreateTelemetryRuleForOrganization")
    assert create["RuleName"] == "c7n-vpcflow-vpc-flow-logs"
    assert create["Tags"] == {"owner": "security", "managed-by": "c7n-vpcflow"}
    rule = create["Rule"]
    assert (
        rule["ResourceType"],
        rule["TelemetrySourceTypes"],
        rule["AllRegions"],
        rule["AllowFieldUpdates"],
    ) == ("AWS::EC2::VPC", ["VPC_FLOW_LOGS"], True, True)
    destination = rule["DestinationConfiguration"]
    assert destination["DestinationPattern"] == "/vpc/<resourceId>"
    assert destination["RetentionInDays"] == 400
    assert destination["VPCFlowLogParameters"]["TrafficType"] == "REJECT"
    assert "${tcp-flags}" in destination["VPCFlowLogParameters"]["LogFormat"]
    # One regional key cannot encrypt every region's log groups: said, not sent.
    assert "KmsKeyArn" not in destination
    result = account["c7n:vpc-flow-log-telemetry-rule-result"]
    assert set(result["not-carried"]) == {"tags", "role", "kms-key-id"}
    assert result["rule-arn"].endswith("/c7n-vpcflow-vpc-flow-logs")


def test_a_one_region_rule_carries_the_kms_key_of_that_region(telemetry_rule_absent, tmp_path):
    flight = telemetry_rule_absent
    key = "arn:aws:kms:us-east-1:123456789012:key/k"
    (account,) = run(policy(action={"regions": ["us-east-1"], "kms-key-id": key}), flight, tmp_path)
    (create,) = flight.params("observabilityadmin.CreateTelemetryRuleForOrganization")
    assert create["Rule"]["DestinationConfiguration"]["KmsKeyArn"] == key
    assert create["Rule"]["Regions"] == ["us-east-1"] and "AllRegions" not in create["Rule"]
    assert "kms-key-id" not in account["c7n:vpc-flow-log-telemetry-rule-result"]["not-carried"]


def test_each_deviation_of_a_rule_on_a_later_page_is_named(telemetry_rule_deviating, tmp_path):
    flight = telemetry_rule_deviating
    (account,) = run(audit(), flight, tmp_path)

    (rule,) = account[ANNOTATION]["rules"]
    assert rule["name"] == "c7n-vpcflow-vpc-flow-logs"
    # A retention of 731 days keeps more than our 365: not a deviation.
    assert rule["deviations"] == [
        "traffic-type",
        "destination-pattern",
        "regions",
        "scope",
        "field-updates",
    ]
    token = recorded(
        "telemetry_rule_deviating", "observabilityadmin.ListTelemetryRulesForOrganization_1.json"
    )["NextToken"]
    assert [
        p.get("NextToken")
        for p in flight.params("observabilityadmin.ListTelemetryRulesForOrganization")
    ] == [None, token]


def test_the_action_updates_only_the_deviating_fields(telemetry_rule_deviating, tmp_path):
    flight = telemetry_rule_deviating
    run(policy([{"type": "vpc-flow-log-telemetry-rule"}], action={}), flight, tmp_path)

    assert writes(flight) == ["observabilityadmin.UpdateTelemetryRuleForOrganization"]
    (update,) = flight.params("observabilityadmin.UpdateTelemetryRuleForOrganization")
    assert update["RuleIdentifier"] == "c7n-vpcflow-vpc-flow-logs"
    expected = recorded(
        "telemetry_rule_conforming", "observabilityadmin.GetTelemetryRuleForOrganization_1.json"
    )
    assert update["Rule"] == expected["TelemetryRule"]


def test_a_conforming_rule_is_left_alone(flight_data, telemetry_rule_conforming, tmp_path):
    flight = telemetry_rule_conforming
    assert run(audit(), flight, tmp_path) == []
    (account,) = run(
        audit(match="conforming"), flight_data("telemetry_rule_conforming"), tmp_path / "again"
    )
    assert account[ANNOTATION]["conforming"] is True

    flight = flight_data("telemetry_rule_conforming")
    (account,) = run(policy(action={}), flight, tmp_path / "act")
    assert writes(flight) == []
    assert account["c7n:vpc-flow-log-telemetry-rule-result"]["outcome"] == "none"


def test_another_vpc_flow_log_rule_is_never_shadowed_by_a_second(
    telemetry_rule_deviating, tmp_path
):
    flight = telemetry_rule_deviating
    with pytest.raises(TelemetryRuleError, match="c7n-vpcflow-vpc-flow-logs already exists"):
        run(policy(action={"rule-name": "security-flow-logs"}), flight, tmp_path)
    assert writes(flight) == []


def test_a_dry_run_whose_rule_plan_would_fail_says_why_at_error_and_fails(
    telemetry_rule_deviating, tmp_path, caplog
):
    flight = telemetry_rule_deviating
    load_resources(("aws.account",))
    loaded = make_policy(
        policy(
            [{"type": "vpc-flow-log-telemetry-rule"}], action={"rule-name": "security-flow-logs"}
        ),
        flight,
        tmp_path,
        dryrun=True,
    )

    with pytest.raises(DryRunFailed) as raised:
        loaded()

    [said] = [r for r in caplog.records if r.getMessage().startswith("dry run telemetry rule")]
    assert said.levelno == logging.ERROR
    assert str(raised.value) == (
        "dry run: put-vpc-flow-log-telemetry-rule would fail: VPC flow-log rule "
        "c7n-vpcflow-vpc-flow-logs already exists; a second rule would give each VPC a second "
        "flow log (AWS allows two): set rule-name to adopt it"
    )
    assert writes(flight) == []


def test_the_dry_run_annotates_the_plan_and_writes_nothing(telemetry_rule_absent, tmp_path):
    flight = telemetry_rule_absent
    load_resources(("aws.account",))
    loaded = make_policy(
        policy([{"type": "vpc-flow-log-telemetry-rule"}], action={}), flight, tmp_path, dryrun=True
    )
    loaded.validate()  # as `custodian run` does, after expanding variables
    (account,) = loaded()
    # The filter inspects the rules once for its verdict, the action's plan step once.
    assert flight.operations().count(READS[0]) == 2
    plan = account["c7n:vpc-flow-log-telemetry-rule-plan"]
    assert plan["outcome"] == "create"
    assert plan["calls"] == [
        "start_telemetry_evaluation_for_organization",
        "create_telemetry_rule_for_organization",
    ]
    assert writes(flight) == []


def test_an_account_that_may_not_administer_rules_is_told_what_it_needs(flight_data, tmp_path):
    with pytest.raises(TelemetryRuleError) as refused:
        run(audit(), flight_data(), tmp_path)
    assert str(refused.value) == (
        "observabilityadmin:GetTelemetryEvaluationStatusForOrganization in us-east-1: "
        "AccessDeniedException: Account %s is not the management account or a delegated "
        "administrator; organization-wide calls need trusted access for Observability Admin "
        "and the management or a delegated-admin account" % ACCOUNT_ID
    )
    # Raised in place of the ClientError, not chained to it: no second traceback.
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_refused_writes_are_one_line_each_naming_the_call_and_its_code(
    observabilityadmin_answers, cli, tmp_path
):
    proxy = observabilityadmin_answers("telemetry_rule_writes_refused")
    with open(tmp_path / "rule.yml", "w") as f:
        yaml.safe_dump(
            {"policies": [policy([{"type": "vpc-flow-log-telemetry-rule"}], action={})]}, f
        )

    ran = custodian_run(cli, tmp_path / "out", tmp_path / "rule.yml", regions=(REGION,))

    assert ran.returncode == 2
    ours = [
        line.split("custodian.vpcflow:ERROR ", 1)[1]
        for line in ran.stderr.splitlines()
        if "custodian.vpcflow:ERROR " in line
    ]
    rule = "put-vpc-flow-log-telemetry-rule c7n-vpcflow-vpc-flow-logs: observabilityadmin:"
    start = (
        rule + "StartTelemetryEvaluationForOrganization in us-east-1: "
        "AccessDeniedException: User: arn:aws:sts::%s:assumed-role/c7n-vpcflow-runner/"
        "c7n-vpcflow is not authorized to perform: "
        "observabilityadmin:StartTelemetryEvaluationForOrganization; organization-wide "
        "calls need trusted access for Observability Admin and the management or a "
        "delegated-admin account" % ACCOUNT_ID
    )
    create = (
        rule + "CreateTelemetryRuleForOrganization in us-east-1: "
        "ServiceQuotaExceededException: The maximum number of telemetry rules for this "
        "organization has been reached"
    )
    # One ERROR line of ours per failure; the one exception Custodian reports the failed
    # policy with (in each of its two records of it) names both, one line each.
    assert ours == [start, create]
    assert (
        custodian_reported(ran.stderr)
        == [("c7n_vpcflow.telemetry.rules.TelemetryRuleError", start + "\n" + create)] * 2
    )
    # The rule was still asked for when evaluation could not be started.
    assert [c.operation for c in proxy.calls if c.mutating] == [
        "StartTelemetryEvaluationForOrganization",
        "CreateTelemetryRuleForOrganization",
    ]


def test_settings_a_rule_cannot_express_are_refused_at_validation(telemetry_rule_absent, tmp_path):
    from c7n.exceptions import PolicyValidationError

    for bad, message in (
        ({"destination-type": "s3", "bucket": "b"}, "CloudWatch Logs only"),
        ({"log-group-name": "/vpc/{vpc_name}"}, "{vpc_name}"),
    ):
        with pytest.raises(PolicyValidationError, match=message):
            run(policy(action=bad), telemetry_rule_absent, tmp_path)


def test_stock_custodian_validates_the_policy_pack_with_nothing_imported_by_hand(cli):
    proc = cli("custodian", "validate", policy_path("vpc-flow-logs-telemetry-rule.yml"))
    assert proc.returncode == 0, proc.stderr


def test_permissions_follow_the_scope():
    org = VpcFlowLogTelemetryRule({"type": "vpc-flow-log-telemetry-rule"}).get_permissions()
    account = PutVpcFlowLogTelemetryRule(
        {"type": "put-vpc-flow-log-telemetry-rule", "scope": "account"}
    ).get_permissions()
    assert "observabilityadmin:ListTelemetryRulesForOrganization" in org
    assert set(account) == {
        "observabilityadmin:" + op
        for op in (
            "ListTelemetryRules",
            "GetTelemetryRule",
            "GetTelemetryEvaluationStatus",
            "CreateTelemetryRule",
            "UpdateTelemetryRule",
            "StartTelemetryEvaluation",
            "TagResource",
        )
    }
