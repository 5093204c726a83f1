"""The delivery role and log groups of other owners are respected; ours follow the policy.

In-process runs against the moto server, every call recorded: a flow log is never created
with a role that cannot deliver to it, our role is widened to a new prefix, a role whose
trust lets anybody else in is refused, other owners' tags are kept, and the role we create
carries the permissions boundary when the account has it.
"""

import json
import logging

import pytest

from c7n_vpcflow.audit.handoff import DryRunFailed
from c7n_vpcflow.errors import FlowLogRemediationError
from c7n_vpcflow.remediation.role_policy import BOUNDARY_NAME, delivery_policy
from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, REGION
from support.e2e import read_plans
from support.emulated import flow_logs_of, new_vpc
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import results_by_vpc

pytestmark = pytest.mark.emulator

ROLE = "vpc-flow-logs-delivery"
BOUNDARY_ARN = "arn:aws:iam::%s:policy/%s" % (ACCOUNT_ID, BOUNDARY_NAME)
SERVICE_TRUST = {
    "Effect": "Allow",
    "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
    "Action": "sts:AssumeRole",
}


def their_role(emulator, trust_statements, prefix="/vpc/flow-logs/"):
    """A delivery role somebody else made (no managed-by tag), writing under `prefix`."""
    iam = emulator.client("iam")
    iam.create_role(
        RoleName=ROLE,
        AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": trust_statements}
        ),
    )
    iam.put_role_policy(
        RoleName=ROLE,
        PolicyName="theirs",
        PolicyDocument=json.dumps(delivery_policy(ACCOUNT_ID, "aws", prefix)),
    )
    return iam


def role_policy(emulator, name):
    return emulator.client("iam").get_role_policy(RoleName=ROLE, PolicyName=name)["PolicyDocument"]


def results(tmp_path):
    return results_by_vpc(tmp_path / ENABLE_NAME / "flow-log-results.json")


def test_our_role_is_widened_to_a_new_prefix_keeping_the_old_one(emulator, tmp_path):
    first = new_vpc(emulator, "10.1.0.0/16")
    run_policy(enable_policy(filtered=False), RecordingSession(REGION), tmp_path / "first")
    second = new_vpc(emulator, "10.2.0.0/16")
    session = RecordingSession(REGION)
    template = {"log-group-name": "/network/flows/{vpc_id}"}
    [planned] = [
        r
        for r in run_policy(enable_policy(**template), session, tmp_path / "dry", dryrun=True)
        if r["VpcId"] == second
    ]
    assert planned["c7n:flow-log-plan"]["role"]["step"] == "widen its policy"
    assert session.params("iam.PutRolePolicy") == []

    run_policy(enable_policy(filtered=False, **template), session, tmp_path)

    [put] = session.params("iam.PutRolePolicy")
    assert json.loads(put["PolicyDocument"]) == delivery_policy(
        ACCOUNT_ID, "aws", ["/vpc/flow-logs/", "/network/flows/"]
    )
    assert role_policy(emulator, ROLE) == delivery_policy(
        ACCOUNT_ID, "aws", ["/vpc/flow-logs/", "/network/flows/"]
    )
    [flow_log] = flow_logs_of(emulator).get(second, [])
    assert flow_log["LogGroupName"] == "/network/flows/" + second
    assert [f["LogGroupName"] for f in flow_logs_of(emulator).get(first, [])] == [
        "/vpc/flow-logs/" + first
    ]


def test_a_role_not_ours_that_cannot_write_the_target_is_refused_by_name(emulator, tmp_path):
    their_role(
        emulator,
        [
            dict(
                SERVICE_TRUST,
                Condition={
                    "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
                    "ArnLike": {"aws:SourceArn": "arn:aws:ec2:*:%s:vpc-flow-log/*" % ACCOUNT_ID},
                },
            )
        ],
    )
    vpc_id = new_vpc(emulator, "10.3.0.0/16")
    template = {"log-group-name": "/network/flows/{vpc_id}"}
    session = RecordingSession(REGION)
    with pytest.raises(DryRunFailed) as dry:
        run_policy(enable_policy(**template), session, tmp_path / "dry", dryrun=True)
    [planned] = [
        r
        for r in read_plans(tmp_path / "dry", REGION, ENABLE_NAME, regions=(REGION,))
        if r["VpcId"] == vpc_id
    ]

    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(enable_policy(filtered=False, **template), session, tmp_path)

    [line] = [x for x in str(raised.value).splitlines() if vpc_id in x]
    assert "cannot deliver to log group /network/flows/%s" % vpc_id in line
    assert "logs:CreateLogStream or logs:PutLogEvents" in line and "left unchanged" in line
    assert planned["c7n:flow-log-plan"]["outcome"] == "fail"
    assert planned["c7n:flow-log-plan"]["reason"] in line
    assert "  %s: %s" % (vpc_id, planned["c7n:flow-log-plan"]["reason"]) in str(dry.value)
    assert flow_logs_of(emulator).get(vpc_id, []) == []
    assert session.params("iam.PutRolePolicy") == [] == session.params("ec2.CreateFlowLogs")
    assert role_policy(emulator, "theirs") == delivery_policy(ACCOUNT_ID, "aws", "/vpc/flow-logs/")


@pytest.mark.parametrize(
    "extra, named",
    [
        ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}, "AWS *"),
        (
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
            "lambda.amazonaws.com",
        ),
    ],
)
def test_a_role_that_also_trusts_another_principal_is_refused_and_left_alone(
    emulator, tmp_path, extra, named
):
    iam = their_role(emulator, [SERVICE_TRUST, extra])
    before = iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"]
    vpc_id = new_vpc(emulator, "10.4.0.0/16")
    session = RecordingSession(REGION)

    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(enable_policy(filtered=False), session, tmp_path)

    [line] = [x for x in str(raised.value).splitlines() if vpc_id in x]
    assert "also lets %s assume it" % named in line and "neither used nor changed" in line
    assert flow_logs_of(emulator).get(vpc_id, []) == []
    assert iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"] == before
    written = {"iam.PutRolePolicy", "iam.UpdateAssumeRolePolicy", "ec2.CreateFlowLogs"}
    assert not written & set(session.operations())


def test_a_role_trusting_only_the_service_without_conditions_is_used_with_a_warning(
    emulator, tmp_path, caplog
):
    their_role(emulator, [SERVICE_TRUST])
    vpc_id = new_vpc(emulator, "10.5.0.0/16")
    with caplog.at_level(logging.WARNING, logger="custodian.vpcflow"):
        run_policy(enable_policy(filtered=False), RecordingSession(REGION), tmp_path)

    result = results(tmp_path)[vpc_id]
    assert result["status"] == "created"
    [warning] = result["warnings"]
    assert "no aws:SourceAccount or aws:SourceArn condition" in warning
    assert "confused deputy" in warning
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "enable-flow-logs: " + warning
    ]


def test_an_existing_log_group_keeps_its_owners_tags_and_gets_only_missing_ones(emulator, tmp_path):
    vpc_id = new_vpc(emulator, "10.6.0.0/16")
    logs = emulator.client("logs", REGION)
    name = "/vpc/flow-logs/" + vpc_id
    logs.create_log_group(logGroupName=name, tags={"managed-by": "terraform", "team": "net"})
    session = RecordingSession(REGION)

    run_policy(
        enable_policy(filtered=False, tags={"owner": "security", "team": "secops"}),
        session,
        tmp_path,
    )

    [group] = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    arn = group["arn"][:-2] if group["arn"].endswith(":*") else group["arn"]
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {
        "managed-by": "terraform",
        "team": "net",
        "owner": "security",
    }
    [tagged] = session.params("logs.TagResource")
    assert tagged["tags"] == {"owner": "security"}
    assert results(tmp_path)[vpc_id]["tags-added"] == {"owner": "security"}


def test_the_role_we_create_carries_the_boundary_when_the_account_has_it(emulator, tmp_path):
    emulator.client("iam").create_policy(
        PolicyName=BOUNDARY_NAME,
        PolicyDocument=json.dumps(delivery_policy(ACCOUNT_ID, "aws", "/vpc/flow-logs/")),
    )
    new_vpc(emulator, "10.7.0.0/16")
    session = RecordingSession(REGION)

    run_policy(
        enable_policy(filtered=False, role="arn:{partition}:iam::{account_id}:role/" + ROLE),
        session,
        tmp_path,
    )

    [created] = session.params("iam.CreateRole")
    assert created["PermissionsBoundary"] == BOUNDARY_ARN
    role = emulator.client("iam").get_role(RoleName=ROLE)["Role"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY_ARN
    assert session.operations().count("iam.GetPolicy") == 1


def test_without_the_boundary_policy_the_role_is_created_without_one(emulator, tmp_path):
    new_vpc(emulator, "10.8.0.0/16")
    session = RecordingSession(REGION)
    run_policy(enable_policy(filtered=False), session, tmp_path)
    [created] = session.params("iam.CreateRole")
    assert "PermissionsBoundary" not in created


def test_a_required_boundary_that_does_not_exist_fails_each_vpc_and_creates_nothing(
    emulator, tmp_path
):
    vpc_id = new_vpc(emulator, "10.9.0.0/16")
    boundary = "arn:{partition}:iam::{account_id}:policy/flow-logs-boundary"
    session = RecordingSession(REGION)

    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(
            enable_policy(filtered=False, **{"permissions-boundary": boundary}), session, tmp_path
        )

    [line] = [x for x in str(raised.value).splitlines() if vpc_id in x]
    assert (
        "permissions boundary arn:aws:iam::%s:policy/flow-logs-boundary does not exist" % ACCOUNT_ID
    ) in line
    assert not {"iam.CreateRole", "ec2.CreateFlowLogs"} & set(session.operations())


def test_a_role_given_by_arn_is_planned_created_and_used_at_that_arn_path_included(
    emulator, tmp_path
):
    vpc_id = new_vpc(emulator, "10.10.0.0/16")
    given = {"role": "arn:{partition}:iam::{account_id}:role/service-role/" + ROLE}
    arn = "arn:aws:iam::%s:role/service-role/%s" % (ACCOUNT_ID, ROLE)
    [planned] = [
        r
        for r in run_policy(
            enable_policy(**given), RecordingSession(REGION), tmp_path / "dry", dryrun=True
        )
        if r["VpcId"] == vpc_id
    ]
    assert planned["c7n:flow-log-plan"]["role"] == {
        "arn": arn,
        "step": "create",
        "calls": ["iam:CreateRole", "iam:PutRolePolicy"],
    }

    session = RecordingSession(REGION)
    run_policy(enable_policy(**given), session, tmp_path)

    [created] = session.params("iam.CreateRole")
    assert created["Path"] == "/service-role/"
    assert emulator.client("iam").get_role(RoleName=ROLE)["Role"]["Arn"] == arn
    assert [f["DeliverLogsPermissionArn"] for f in flow_logs_of(emulator)[vpc_id]] == [arn]
