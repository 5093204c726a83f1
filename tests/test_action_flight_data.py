"""enable-flow-logs against recorded AWS answers: API budget, tags, delivery role, shared VPCs."""

import collections
import json
import logging

import pytest

from c7n_vpcflow.errors import FlowLogRemediationError
from c7n_vpcflow.remediation.action import EnableFlowLogs
from c7n_vpcflow.vocabulary import RESULT
from support.constants import ACCOUNT_ID
from support.policy import enable_policy, run_policy
from support.results import capture_resources, read_results

ROLE_ARN = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"
MANAGED_BY = {"Key": "managed-by", "Value": "c7n-vpcflow"}
OWNER = {"Key": "owner", "Value": "security"}
# role_created: five VPCs without flow logs, the delivery role missing.
FIVE = [
    "vpc-04e5f6a7b8c9d0e1f",
    "vpc-05f8e7d6c5b4a3921",
    "vpc-0a1b2c3d4e5f67890",
    "vpc-0b7e4f2a9c1d38e56",
    "vpc-0c3d9a8b7e6f51024",
]
ROLE_FIXES = [
    "iam.CreateRole",
    "iam.PutRolePolicy",
    "iam.UpdateAssumeRolePolicy",
    "iam.AttachRolePolicy",
]


@pytest.fixture
def role_created(flight_data, tmp_path, monkeypatch):
    flight = flight_data("role_created")
    seen = capture_resources(monkeypatch, EnableFlowLogs)
    # one worker: log-group units in name order, as the recorded responses expect
    run_policy(enable_policy(tags={"owner": "security"}, **{"max-workers": 1}), flight, tmp_path)
    return flight, {r["VpcId"]: r for r in seen[0]}


def test_missing_role_is_created_trusting_only_this_accounts_flow_logs(role_created):
    flight, _ = role_created

    assert flight.operations().count("iam.GetRole") == 1
    [create] = flight.params("iam.CreateRole")
    assert create["RoleName"] == "vpc-flow-logs-delivery"
    [statement] = json.loads(create["AssumeRolePolicyDocument"])["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Action"] in ("sts:AssumeRole", ["sts:AssumeRole"])
    condition = statement["Condition"]
    assert condition["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}
    # A wildcard ARN only matches under a *Like operator.
    [like] = [op for op in condition if op != "StringEquals"]
    assert like in ("ArnLike", "StringLike")
    assert condition[like] == {"aws:SourceArn": "arn:aws:ec2:*:%s:vpc-flow-log/*" % ACCOUNT_ID}


def test_created_role_may_write_only_under_the_templates_fixed_prefix(role_created):
    flight, _ = role_created

    [put] = flight.params("iam.PutRolePolicy")
    assert put["RoleName"] == "vpc-flow-logs-delivery"
    statements = json.loads(put["PolicyDocument"])["Statement"]
    writes = [
        s for s in statements if {"logs:CreateLogStream", "logs:PutLogEvents"} & set(s["Action"])
    ]
    assert writes
    for statement in statements:
        resources = statement["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        if statement in writes or set(statement["Action"]) - {"logs:DescribeLogGroups"}:
            assert resources == ["arn:aws:logs:*:%s:log-group:/vpc/flow-logs/*" % ACCOUNT_ID]
    delivered_by = {p["DeliverLogsPermissionArn"] for p in flight.params("ec2.CreateFlowLogs")}
    assert delivered_by == {ROLE_ARN}


def test_each_vpc_costs_three_calls_with_tags_riding_inside_the_create_calls(role_created):
    flight, vpcs = role_created

    once = [
        "ec2.DescribeVpcs",
        "sts.GetCallerIdentity",
        "ec2.DescribeFlowLogs",
        "logs.DescribeLogGroups",
        "ec2.DescribeNetworkInterfaces",
        "iam.GetRole",
        "iam.GetPolicy",
        "iam.CreateRole",
        "iam.PutRolePolicy",
    ]
    per_vpc = ["logs.CreateLogGroup", "logs.PutRetentionPolicy", "ec2.CreateFlowLogs"]
    assert collections.Counter(flight.operations()) == collections.Counter(
        once + per_vpc * len(FIVE)
    )

    groups = flight.params("logs.CreateLogGroup")
    assert [g["logGroupName"] for g in groups] == ["/vpc/flow-logs/" + v for v in FIVE]
    assert all(g["tags"] == {"owner": "security", "managed-by": "c7n-vpcflow"} for g in groups)
    assert [
        (p["logGroupName"], p["retentionInDays"]) for p in flight.params("logs.PutRetentionPolicy")
    ] == [("/vpc/flow-logs/" + v, 365) for v in FIVE]
    flow_logs = flight.params("ec2.CreateFlowLogs")
    assert [(p["ResourceIds"], p["LogGroupName"]) for p in flow_logs] == [
        ([v], "/vpc/flow-logs/" + v) for v in FIVE
    ]
    for params in flow_logs:
        assert params["TrafficType"] == "REJECT"
        [spec] = params["TagSpecifications"]
        assert spec["ResourceType"] == "vpc-flow-log"
        assert MANAGED_BY in spec["Tags"] and OWNER in spec["Tags"]

    # Log groups were listed once under a shared prefix, not probed per VPC.
    [listing] = flight.params("logs.DescribeLogGroups")
    prefix = listing.get("logGroupNamePrefix", "")
    assert not any(v in prefix for v in FIVE)
    assert all(("/vpc/flow-logs/" + v).startswith(prefix) for v in FIVE)

    assert {v: (r[RESULT]["status"], r[RESULT]["flow-log-ids"]) for v, r in vpcs.items()} == {
        v: ("created", ["fl-0%d9f8e7d6c5b4a3f2" % (i + 1)]) for i, v in enumerate(FIVE)
    }


def test_role_with_wrong_trust_fails_the_run_and_is_left_unchanged(flight_data, tmp_path):
    flight = flight_data()

    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(enable_policy(), flight, tmp_path)

    message = str(raised.value)
    assert ROLE_ARN in message
    assert "does not allow vpc-flow-logs.amazonaws.com" in message
    assert "trusts ec2.amazonaws.com" in message
    assert "neither used nor changed" in message
    for vpc_id in ("vpc-0a1b2c3d4e5f67890", "vpc-0b7e4f2a9c1d38e56"):
        assert vpc_id in message
    operations = flight.operations()
    assert operations.count("iam.GetRole") == 1
    assert "ec2.CreateFlowLogs" not in operations
    assert not set(ROLE_FIXES) & set(operations)


def test_missing_role_with_create_role_false_fails_clearly(flight_data, tmp_path):
    flight = flight_data()

    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(enable_policy(**{"create-role": False}), flight, tmp_path)

    message = str(raised.value)
    assert "delivery role vpc-flow-logs-delivery does not exist and create-role is false" in (
        message
    )
    assert "set create-role: true" in message
    operations = flight.operations()
    assert "ec2.CreateFlowLogs" not in operations
    assert not set(ROLE_FIXES) & set(operations)


def test_action_makes_no_call_for_a_vpc_shared_by_another_account(
    shared_vpc, tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG, logger="custodian.vpcflow")
    owned, shared = "vpc-0a1b2c3d4e5f67890", "vpc-0f9e8d7c6b5a43210"
    flight = shared_vpc
    seen = capture_resources(monkeypatch, EnableFlowLogs)

    run_policy(enable_policy(filtered=False), flight, tmp_path)

    assert flight.mentioning(shared) == []
    assert [p["ResourceIds"] for p in flight.params("ec2.CreateFlowLogs")] == [[owned]]
    assert list(read_results(tmp_path, "vpc-flow-logs-enable")) == [owned]
    by_id = {r["VpcId"]: r for r in seen[0]}
    assert RESULT not in by_id[shared] and by_id[owned][RESULT]["status"] == "created"
    skips = [r for r in caplog.records if shared in r.getMessage()]
    assert skips and all(r.levelno == logging.DEBUG for r in skips)
