"""Evidence where the runs happen (issue 12, item 1): the Lambda policies of every account
leave their evidence in one central bucket, each account only under its own prefix; the
bucket's template (iam/evidence-bucket.yml, issue 20 item 5) keeps every version under S3
Object Lock in compliance mode, TLS only."""

import os
from datetime import datetime, timedelta, timezone

import pytest
import yaml
from botocore.exceptions import ClientError

from localaws.lambda_boot import create_lambda_role
from support.bucket_policy import as_list, may_put
from support.cloudformation import load_template, resolve
from support.constants import ROOT, policy_path
from support.e2e import custodian_run
from support.evidence import bucket_evidence_problems
from support.evidence_bucket import (
    TEMPLATE,
    make_evidence_bucket,
    put_template_policy,
    template_parameters,
)
from support.lambda_runtime import archive_config, start_recording, uploaded_archives

BUCKET_POLICY = os.path.join(ROOT, "docs", "central-evidence-bucket-policy.json")
ACCOUNTS_FILE = os.path.join(ROOT, "accounts.yml")
ORG_ID = "o-exampleorgid"


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def test_each_accounts_runner_and_function_may_write_only_under_its_own_prefix():
    policy = load(BUCKET_POLICY)
    bucket = policy["Statement"][0]["Resource"].split(":::")[1].split("/")[0]
    mine = "%s/vpc-flow-logs/111111111111/us-east-1/vpc-flow-logs-periodic/2026/12/02/16/x" % (
        bucket
    )
    theirs = mine.replace("111111111111", "222222222222")
    for role in ("c7n-vpcflow-lambda", "c7n-vpcflow-runner"):
        arn = "arn:aws:iam::111111111111:role/%s" % role
        assert may_put(policy, arn, ORG_ID, mine)
        assert not may_put(policy, arn, ORG_ID, theirs)
        assert not may_put(policy, arn, "o-someotherorg", mine)
        assert not may_put(policy, arn, ORG_ID, mine, acl="private")
        assert not may_put(policy, arn, ORG_ID, "%s/elsewhere/111111111111/x" % bucket)
    assert not may_put(policy, "arn:aws:iam::111111111111:role/admin", ORG_ID, mine)
    actions = {
        a for s in policy["Statement"] if s["Effect"] == "Allow" for a in as_list(s["Action"])
    }
    assert actions == {"s3:PutObject", "s3:PutObjectAcl"}


@pytest.mark.emulator
@pytest.mark.parametrize(
    "policy,function",
    [
        ("vpc-flow-logs-periodic.yml", "custodian-vpc-flow-logs-periodic"),
        ("vpc-flow-logs-on-create.yml", "custodian-vpc-flow-logs-on-create"),
    ],
)
def test_org_deployed_functions_write_evidence_under_their_own_account_and_region(
    emulator, cli, tmp_path, policy, function
):
    config = load(ACCOUNTS_FILE)
    for account in config["accounts"]:
        create_lambda_role(emulator.client("iam", account_id=account["account_id"]))
    start_recording(emulator.endpoint)
    deployed = cli(
        "c7n-org",
        "run",
        "-c",
        ACCOUNTS_FILE,
        "-s",
        tmp_path / "out",
        "-u",
        policy_path(policy),
        "--cache-period",
        "0",
    )
    assert deployed.returncode == 0, deployed.stderr[-3000:]
    archives = uploaded_archives(emulator.endpoint, by_account_region=True)

    bucket_policy = load(BUCKET_POLICY)
    evidence = config["vars"]
    expected = {(function, a["account_id"], r) for a in config["accounts"] for r in a["regions"]}
    assert set(archives) == expected
    for (_name, account_id, region), (_handler, archive) in archives.items():
        [packed] = archive_config(archive)["policies"]
        output = packed["mode"]["execution-options"]["output_dir"]
        assert output == "s3://%s/vpc-flow-logs/%s/%s?region=%s" % (
            evidence["evidence_bucket"],
            account_id,
            region,
            evidence["evidence_region"],
        )
        key = "%s/vpc-flow-logs/%s/%s/%s/2026/12/02/16/flow-log-compliance.json.gz" % (
            evidence["evidence_bucket"],
            account_id,
            region,
            packed["name"],
        )
        role = "arn:aws:iam::%s:role/c7n-vpcflow-lambda" % account_id
        assert may_put(bucket_policy, role, ORG_ID, key)


@pytest.mark.parametrize(
    "template,logical_id", [("lambda-role.yml", "LambdaRole"), ("runner-role.yml", "RunnerRole")]
)
def test_the_shipped_roles_write_evidence_only_where_the_bucket_policy_lets_them(
    template, logical_id
):
    bucket_policy = load(BUCKET_POLICY)
    bucket = "org-c7n-vpcflow-evidence"
    role = load_template(os.path.join(ROOT, "iam", template))["Resources"][logical_id]
    [conditional] = [
        p["Fn::If"]
        for p in role["Properties"]["Policies"]
        if "Fn::If" in p and p["Fn::If"][1].get("PolicyName") == "c7n-vpcflow-evidence"
    ]
    assert conditional[0] == "HasEvidenceBucket" and conditional[2] == {"Ref": "AWS::NoValue"}
    [statement] = resolve(
        conditional[1],
        {"AWS::Partition": "aws", "AWS::AccountId": "111111111111", "EvidenceBucket": bucket},
    )["PolicyDocument"]["Statement"]
    assert sorted(as_list(statement["Action"])) == ["s3:PutObject", "s3:PutObjectAcl"]
    granted = statement["Resource"].split(":::", 1)[1]
    assert granted == "%s/vpc-flow-logs/111111111111/*" % bucket
    role_arn = "arn:aws:iam::111111111111:role/%s" % role["Properties"]["RoleName"]
    assert may_put(bucket_policy, role_arn, ORG_ID, granted.replace("*", "us-east-1/p/x"))


@pytest.mark.emulator
def test_the_documented_s3_output_of_custodian_run_lands_under_the_same_layout(
    emulator, cli, tmp_path
):
    bucket, region = "org-c7n-vpcflow-evidence", "us-east-1"
    emulator.client("s3").create_bucket(Bucket=bucket)
    output = (
        "s3://%s/vpc-flow-logs/{account_id}/{region}/{policy_name}/"
        "{now:%%Y/%%m/%%d/%%H}?region=%s" % (bucket, region)
    )

    proc = custodian_run(
        cli,
        output,
        policy_path("vpc-flow-logs-audit.yml"),
        regions=(region, "eu-west-1"),
    )

    assert proc.returncode == 0, proc.stderr[-3000:]
    keys = [
        o["Key"]
        for page in emulator.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for o in page.get("Contents", ())
    ]
    for where in ("us-east-1", "eu-west-1"):
        verdicts = [
            k
            for k in keys
            if k.startswith("vpc-flow-logs/123456789012/%s/vpc-flow-logs-audit/" % where)
            and "flow-log-compliance.json" in k
        ]
        assert len(verdicts) == 1, keys
        assert len(verdicts[0].split("/")) == 9  # .../YYYY/MM/DD/HH/<file>
    assert not bucket_evidence_problems(emulator.client("s3"), bucket)


def test_the_bucket_template_locks_every_version_in_compliance_mode_400_days_by_default():
    template = load_template(TEMPLATE)
    bucket = template["Resources"]["Bucket"]
    properties = bucket["Properties"]
    assert properties["ObjectLockEnabled"] is True
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": {"Ref": "RetentionDays"}}},
    }
    assert template["Parameters"]["RetentionDays"]["Default"] == 400
    assert properties["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"


def test_the_bucket_template_carries_the_documented_write_policy_tls_only():
    template = load_template(TEMPLATE)
    policy = resolve(
        template["Resources"]["BucketPolicy"]["Properties"]["PolicyDocument"],
        template_parameters("org-c7n-vpcflow-evidence"),
    )
    assert policy == load(BUCKET_POLICY)
    [deny] = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.emulator
def test_a_bucket_made_as_the_template_says_keeps_custodians_evidence_locked(
    emulator, cli, tmp_path
):
    s3 = emulator.client("s3")
    make_evidence_bucket(s3, "org-c7n-vpcflow-evidence")
    output = (
        "s3://org-c7n-vpcflow-evidence/vpc-flow-logs/{account_id}/{region}/"
        "{policy_name}/{now:%Y/%m/%d/%H}?region=us-east-1"
    )
    proc = custodian_run(
        cli, output, policy_path("vpc-flow-logs-audit.yml"), regions=("us-east-1",)
    )
    assert proc.returncode == 0, proc.stderr[-3000:]

    versions = s3.list_object_versions(Bucket="org-c7n-vpcflow-evidence")["Versions"]
    assert versions
    now = datetime.now(timezone.utc)
    for version in versions:
        head = s3.head_object(
            Bucket="org-c7n-vpcflow-evidence", Key=version["Key"], VersionId=version["VersionId"]
        )
        assert head["ObjectLockMode"] == "COMPLIANCE"
        assert abs(head["ObjectLockRetainUntilDate"] - (now + timedelta(days=400))) < timedelta(
            minutes=10
        )
    [verdict] = [v for v in versions if "flow-log-compliance" in v["Key"]]
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.delete_object(
            Bucket="org-c7n-vpcflow-evidence", Key=verdict["Key"], VersionId=verdict["VersionId"]
        )

    # With the template's policy, nothing reaches the bucket over plain HTTP (the emulator's).
    put_template_policy(s3, "org-c7n-vpcflow-evidence")
    with pytest.raises(ClientError, match="403|AccessDenied"):
        s3.put_object(Bucket="org-c7n-vpcflow-evidence", Key=verdict["Key"], Body=b"{}")
