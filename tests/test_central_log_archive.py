"""The central log-archive pattern: one bucket in the archive account, flow logs from every
member account of accounts.yml, written by delivery.logs.amazonaws.com only."""

import json
import os

import pytest
import yaml

from support.bucket_policy import as_list
from support.constants import ROOT, policy_path

BUCKET_POLICY = os.path.join(ROOT, "docs", "central-log-archive-bucket-policy.json")
BUCKET = "org-log-archive-flow-logs"


def member_accounts():
    with open(os.path.join(ROOT, "accounts.yml")) as f:
        return sorted(a["account_id"] for a in yaml.safe_load(f)["accounts"])


def bucket_policy():
    with open(BUCKET_POLICY) as f:
        return json.load(f)


def test_only_the_log_delivery_service_of_the_member_accounts_may_write():
    members = member_accounts()
    statements = bucket_policy()["Statement"]
    assert {s["Effect"] for s in statements} == {"Allow"}
    for statement in statements:
        assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
        condition = statement["Condition"]
        assert sorted(condition["StringEquals"]["aws:SourceAccount"]) == members
        assert sorted(condition["ArnLike"]["aws:SourceArn"]) == [
            "arn:aws:logs:*:%s:*" % account for account in members
        ]
    [write] = [s for s in statements if "s3:PutObject" in as_list(s["Action"])]
    assert as_list(write["Action"]) == ["s3:PutObject"]
    assert sorted(write["Resource"]) == [
        "arn:aws:s3:::%s/AWSLogs/%s/*" % (BUCKET, account) for account in members
    ]
    assert write["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
    [check] = [s for s in statements if s is not write]
    assert sorted(as_list(check["Action"])) == ["s3:GetBucketAcl", "s3:ListBucket"]
    assert check["Resource"] == "arn:aws:s3:::" + BUCKET


@pytest.mark.emulator
def test_c7n_org_sends_every_member_accounts_flow_logs_to_the_archive_bucket(
    emulator, cli, tmp_path
):
    s3 = emulator.client("s3")  # the emulator's own account plays the archive account
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(bucket_policy()))
    with open(os.path.join(ROOT, "accounts.yml")) as f:
        config = yaml.safe_load(f)
    config["vars"] = {"flow_log_bucket": BUCKET}  # c7n-org vars, for every account
    accounts_file = tmp_path / "accounts.yml"
    accounts_file.write_text(yaml.safe_dump(config))
    vpcs = {}
    for account in config["accounts"]:
        ec2 = emulator.client("ec2", "us-east-1", account["account_id"])
        vpcs[account["account_id"]] = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    ran = cli(
        "c7n-org",
        "run",
        "-c",
        accounts_file,
        "-s",
        tmp_path / "out",
        "-r",
        "us-east-1",
        "-u",
        policy_path("vpc-flow-logs-enable-s3.yml"),
        "--cache-period",
        "0",
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert "Invalid" not in ran.stderr
    assert json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"]) == bucket_policy()
    for account_id, vpc_id in vpcs.items():
        flow_logs = emulator.client("ec2", "us-east-1", account_id).describe_flow_logs(
            Filters=[{"Name": "resource-id", "Values": [vpc_id]}]
        )["FlowLogs"]
        assert [(f["LogDestinationType"], f["LogDestination"]) for f in flow_logs] == [
            ("s3", "arn:aws:s3:::" + BUCKET)
        ], account_id
