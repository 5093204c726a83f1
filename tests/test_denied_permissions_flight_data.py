"""Least privilege where the emulator cannot enforce it: AWS refuses CreateFlowLogs without
iam:PassRole (the delivery role) or ec2:CreateTags (tags on create), and CreateRole without
iam:TagRole; moto checks none of these, so recorded AWS answers stand in. Each denial fails
exactly the VPCs it affects, by name and with AWS's reason; the others are fixed."""

import pytest

from c7n_vpcflow.errors import FlowLogRemediationError
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import read_results

# One worker: log groups in name order, so each recorded answer meets its call.
ENABLE = enable_policy(**{"max-workers": 1})
DENIED, FIXED = "vpc-0e1a2b3c4d5e6f708", "vpc-0f9e8d7c6b5a40312"


@pytest.mark.parametrize(
    "permission", ["iam:PassRole", "ec2:CreateTags"], ids=["pass_role", "create_tags"]
)
def test_a_denied_create_flow_logs_fails_only_its_vpc_naming_the_permission(
    flight_data, tmp_path, permission
):
    flight = flight_data()
    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(ENABLE, flight, tmp_path)

    results = read_results(tmp_path, ENABLE_NAME)
    assert results[DENIED]["status"] == "failed"
    assert "UnauthorizedOperation" in results[DENIED]["error"]
    assert permission in results[DENIED]["error"]
    assert results[FIXED]["status"] == "created"
    [line] = [x for x in str(raised.value).splitlines() if DENIED in x]
    assert permission in line and FIXED not in str(raised.value)
    # the denial is final: no retry, no other VPC's calls skipped
    assert flight.operations().count("ec2.CreateFlowLogs") == 2


def test_a_role_that_cannot_be_tagged_fails_every_vpc_that_needs_it_and_creates_nothing(
    flight_data, tmp_path
):
    flight = flight_data()
    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(ENABLE, flight, tmp_path)

    results = read_results(tmp_path, ENABLE_NAME)
    for vpc_id in (DENIED, FIXED):
        assert results[vpc_id]["status"] == "failed"
        assert "iam:TagRole" in results[vpc_id]["error"]
        assert vpc_id in str(raised.value)
    operations = flight.operations()
    assert "ec2.CreateFlowLogs" not in operations
    assert "logs.CreateLogGroup" not in operations
    assert "iam.PutRolePolicy" not in operations


def test_without_the_boundary_policy_aws_refuses_the_runner_role_to_create_the_role(
    flight_data, tmp_path
):
    """iam/runner-role.yml allows CreateRole only with iam:PermissionsBoundary set to
    c7n-vpcflow-delivery-boundary; where that policy was never deployed the action creates
    the role without a boundary and AWS answers "no identity-based policy allows" (moto
    does not evaluate the condition). Every VPC is named with the cause and the fix."""
    flight = flight_data()
    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(ENABLE, flight, tmp_path)

    [created] = flight.params("iam.CreateRole")
    assert "PermissionsBoundary" not in created
    results = read_results(tmp_path, ENABLE_NAME)
    for vpc_id in (DENIED, FIXED):
        error = results[vpc_id]["error"]
        assert results[vpc_id]["status"] == "failed"
        assert "AccessDenied" in error and "iam:CreateRole" in error
        assert "c7n-vpcflow-delivery-boundary does not exist" in error
        assert "deploy iam/delivery-boundary.yml" in error
        assert "%s: %s" % (vpc_id, error) in str(raised.value)
    operations = flight.operations()
    assert operations.count("iam.GetPolicy") == 1
    assert not {"iam.PutRolePolicy", "logs.CreateLogGroup", "ec2.CreateFlowLogs"} & set(operations)
