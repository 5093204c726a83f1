"""Scenario (d): the enable policy's calls, made by a plain sequential boto3 script.

The baseline a team would write without Custodian: list once, then for each VPC without
a flow log the same three calls the plugin makes (CreateLogGroup with tags,
PutRetentionPolicy, CreateFlowLogs with tags), one VPC after another, with botocore's
default retries and nothing else. Standalone (boto3 only), run by path.

    python bench/plain_boto3.py --region us-east-1 [--region ...]

Prints one JSON line: {"vpcs": judged, "fixed": n, "failed": {vpc id: error}}; exits 1
when a VPC could not be fixed.
"""

import argparse
import json
import sys

import boto3
from botocore.exceptions import ClientError

GROUP = "/vpc/flow-logs/%s"
RETENTION_DAYS = 365
ROLE = "vpc-flow-logs-delivery"
TAGS = {"managed-by": "plain-boto3"}


def everything(client, operation, key, **params):
    items = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page[key])
    return items


def delivery_role(iam, account_id):
    """The delivery role's ARN, created (trust + inline policy) when missing."""
    try:
        return iam.get_role(RoleName=ROLE)["Role"]["Arn"]
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchEntity":
            raise
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        ],
    }
    arn = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    access = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogGroups",
                    "logs:DescribeLogStreams",
                ],
                "Resource": "arn:aws:logs:*:%s:log-group:/vpc/flow-logs/*" % account_id,
            }
        ],
    }
    iam.put_role_policy(RoleName=ROLE, PolicyName="delivery", PolicyDocument=json.dumps(access))
    return arn


def fix_region(session, region, account_id, role_arn, failed):
    ec2 = session.client("ec2", region_name=region)
    logs = session.client("logs", region_name=region)
    vpcs = [v for v in everything(ec2, "describe_vpcs", "Vpcs") if v["OwnerId"] == account_id]
    logged = {f["ResourceId"] for f in everything(ec2, "describe_flow_logs", "FlowLogs")}
    groups = {
        g["logGroupName"]
        for g in everything(logs, "describe_log_groups", "logGroups", logGroupNamePrefix=GROUP % "")
    }
    fixed = 0
    for vpc in vpcs:
        vpc_id = vpc["VpcId"]
        if vpc_id in logged:
            continue
        group = GROUP % vpc_id
        try:
            if group not in groups:
                logs.create_log_group(logGroupName=group, tags=TAGS)
            logs.put_retention_policy(logGroupName=group, retentionInDays=RETENTION_DAYS)
            response = ec2.create_flow_logs(
                ResourceIds=[vpc_id],
                ResourceType="VPC",
                TrafficType="REJECT",
                LogDestinationType="cloud-watch-logs",
                LogGroupName=group,
                DeliverLogsPermissionArn=role_arn,
                MaxAggregationInterval=600,
                TagSpecifications=[
                    {
                        "ResourceType": "vpc-flow-log",
                        "Tags": [{"Key": k, "Value": v} for k, v in TAGS.items()],
                    }
                ],
            )
            if response.get("Unsuccessful"):
                raise RuntimeError(response["Unsuccessful"][0]["Error"]["Code"])
            fixed += 1
        except (ClientError, RuntimeError) as e:
            failed[vpc_id] = str(e)
    return len(vpcs), fixed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", action="append", required=True)
    args = parser.parse_args(argv)
    session = boto3.Session()
    account_id = session.client("sts").get_caller_identity()["Account"]
    role_arn = delivery_role(session.client("iam"), account_id)
    failed, judged, fixed = {}, 0, 0
    for region in args.region:
        n, k = fix_region(session, region, account_id, role_arn, failed)
        judged, fixed = judged + n, fixed + k
    print(json.dumps({"vpcs": judged, "fixed": fixed, "failed": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
