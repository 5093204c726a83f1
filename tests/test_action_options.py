"""enable-flow-logs keys reach AWS as asked, and existing log groups and roles are respected.

In-process runs against the moto server, with every call recorded.
"""

import json

import pytest

from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, KMS_KEY, REGION
from support.emulated import flow_logs_of, new_vpc
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import results_by_vpc

pytestmark = pytest.mark.emulator


def log_group(emulator, name):
    [group] = [
        g
        for g in emulator.client("logs", REGION).describe_log_groups(logGroupNamePrefix=name)[
            "logGroups"
        ]
        if g["logGroupName"] == name
    ]
    return group


def group_tags(emulator, group):
    arn = group["arn"][:-2] if group["arn"].endswith(":*") else group["arn"]
    return emulator.client("logs", REGION).list_tags_for_resource(resourceArn=arn)["tags"]


def test_every_option_reaches_the_log_group_and_the_flow_log(emulator, tmp_path):
    vpc_id = new_vpc(emulator, "10.1.0.0/16", name="payments prod")
    session = RecordingSession(REGION)
    run_policy(
        enable_policy(
            filtered=False,
            **{
                "log-group-name": "/flows/{account_id}/{region}/{vpc_name}",
                "retention-days": 731,
                "kms-key-id": KMS_KEY,
                "tags": {"owner": "secops"},
                "traffic-type": "ALL",
                "log-format": "${version} ${vpc-id} ${srcaddr} ${action}",
                "max-aggregation-interval": 60,
            },
        ),
        session,
        tmp_path,
    )

    name = "/flows/%s/%s/payments-prod" % (ACCOUNT_ID, REGION)
    group = log_group(emulator, name)
    assert group["retentionInDays"] == 731
    assert group["kmsKeyId"] == KMS_KEY
    assert group_tags(emulator, group) == {"owner": "secops", "managed-by": "c7n-vpcflow"}
    [created] = [p for p in session.params("logs.CreateLogGroup") if p["logGroupName"] == name]
    assert created["kmsKeyId"] == KMS_KEY  # encryption and tags in the creating call
    [flow_log] = flow_logs_of(emulator).get(vpc_id, [])
    assert flow_log["LogGroupName"] == name
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["LogFormat"] == "${version} ${vpc-id} ${srcaddr} ${action}"
    assert flow_log["MaxAggregationInterval"] == 60
    assert {t["Key"]: t["Value"] for t in flow_log["Tags"]} == {
        "owner": "secops",
        "managed-by": "c7n-vpcflow",
    }


@pytest.mark.parametrize(
    "existing,expected",
    [
        (30, 365),  # too short: raised
        (3653, 3653),  # longer: kept
        (None, None),  # never expires: kept
    ],
    ids=["short-raised", "longer-kept", "never-expire-kept"],
)
def test_existing_log_group_retention_is_only_ever_raised(emulator, tmp_path, existing, expected):
    vpc_id = new_vpc(emulator, "10.2.0.0/16")
    name = "/vpc/flow-logs/" + vpc_id
    logs = emulator.client("logs", REGION)
    logs.create_log_group(logGroupName=name, tags={"team": "net"})
    if existing:
        logs.put_retention_policy(logGroupName=name, retentionInDays=existing)
    session = RecordingSession(REGION)
    run_policy(enable_policy(filtered=False, **{"kms-key-id": KMS_KEY}), session, tmp_path)

    group = log_group(emulator, name)
    assert group.get("retentionInDays") == expected
    assert group_tags(emulator, group) == {"team": "net", "managed-by": "c7n-vpcflow"}
    assert "kmsKeyId" not in group  # an existing group's encryption is left alone
    assert name not in [p["logGroupName"] for p in session.params("logs.CreateLogGroup")]
    raised = [p for p in session.params("logs.PutRetentionPolicy") if p["logGroupName"] == name]
    assert len(raised) == (1 if existing == 30 else 0)
    assert [f["LogGroupName"] for f in flow_logs_of(emulator).get(vpc_id, [])] == [name]
    result = results_by_vpc(tmp_path / ENABLE_NAME / "flow-log-results.json")[vpc_id]
    assert any("encryption was left unchanged" in change for change in result["changes"])


def test_one_shared_log_group_takes_one_create_call_for_every_vpc(emulator, tmp_path):
    vpcs = [new_vpc(emulator, "10.%d.0.0/16" % i) for i in range(3, 7)]
    session = RecordingSession(REGION)
    resources = run_policy(
        enable_policy(filtered=False, **{"log-group-name": "/vpc/flow-logs/{region}"}),
        session,
        tmp_path,
    )

    [create] = session.params("ec2.CreateFlowLogs")
    default_vpc = {r["VpcId"] for r in resources} - set(vpcs)
    assert sorted(create["ResourceIds"]) == sorted(vpcs + list(default_vpc))
    assert len(session.params("logs.CreateLogGroup")) == 1
    for r in resources:
        [flow_log] = flow_logs_of(emulator).get(r["VpcId"], [])
        assert r["c7n:flow-log-result"]["flow-log-ids"] == [flow_log["FlowLogId"]]
        assert flow_log["LogGroupName"] == "/vpc/flow-logs/" + REGION


def test_existing_role_given_by_arn_is_used_as_is(emulator, tmp_path):
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam = emulator.client("iam")
    role_arn = iam.create_role(
        RoleName="central-flow-logs", Path="/delivery/", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="central-flow-logs",
        PolicyName="writes",
        PolicyDocument=(
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": "arn:aws:logs:*:%s:log-group:/vpc/*" % ACCOUNT_ID,
                        }
                    ],
                }
            )
        ),
    )
    vpc_id = new_vpc(emulator, "10.7.0.0/16")
    session = RecordingSession(REGION)
    run_policy(enable_policy(filtered=False, role=role_arn), session, tmp_path)

    assert session.params("iam.CreateRole") == []
    assert session.params("iam.PutRolePolicy") == []
    [flow_log] = flow_logs_of(emulator).get(vpc_id, [])
    assert flow_log["DeliverLogsPermissionArn"] == role_arn
