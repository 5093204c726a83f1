"""Seeding the moto server: clients acting in an account, VPCs and flow logs.

The estates differ (the tests' kinds per region, the demo's accounts.yml table, the bench's
N VPCs); these are the calls they are all made of.
"""
import functools
import json

import boto3

RUNNER_ROLE = "arn:aws:iam::%s:role/c7n-vpcflow-runner"


@functools.lru_cache(maxsize=None)
def _base_session():
    # Dummies the emulator accepts; it answers them as its default account.
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")


def clients(endpoint, account_id, region, *services, config=None):
    """boto3 clients acting in `account_id` (AssumeRole, as c7n-org does), one per service.

    One boto3 session serves them all, so each service model is loaded once.
    """
    base = _base_session()
    sts = base.client("sts", region_name=region, endpoint_url=endpoint)
    creds = sts.assume_role(RoleArn=RUNNER_ROLE % account_id,
                            RoleSessionName="c7n-vpcflow-seeding")["Credentials"]
    return [base.client(service, region_name=region, endpoint_url=endpoint, config=config,
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"]) for service in services]


def create_vpc(ec2, cidr, tags=None):
    """A new VPC, tagged with `tags` ({key: value}) in the same call; its id."""
    params = {"CidrBlock": cidr}
    if tags:
        params["TagSpecifications"] = [{"ResourceType": "vpc", "Tags": [
            {"Key": k, "Value": v} for k, v in tags.items()]}]
    return ec2.create_vpc(**params)["Vpc"]["VpcId"]


def create_flow_log(ec2, vpc_id, traffic_type, group, role_arn):
    """A flow log of the VPC into the CloudWatch Logs group; its ids (the emulator never
    checks the role). Seeding stops on an Unsuccessful entry."""
    response = ec2.create_flow_logs(
        ResourceIds=[vpc_id], ResourceType="VPC", TrafficType=traffic_type,
        LogDestinationType="cloud-watch-logs", LogGroupName=group,
        DeliverLogsPermissionArn=role_arn)
    if response.get("Unsuccessful"):
        raise RuntimeError("seeding a flow log failed: %s" % json.dumps(response["Unsuccessful"]))
    return response["FlowLogIds"]
