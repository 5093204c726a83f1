"""Cheap clients for looking at what the emulator holds, and for adding to it."""
import boto3

from localaws.estate import create_vpc
from support.constants import REGION

_SESSIONS = {}


def emulator_client(emulator, service, region=REGION):
    """A client straight to the emulator (past any proxy), from one cached boto3 session
    per region: botocore loads each service model once instead of once per client."""
    if region not in _SESSIONS:
        _SESSIONS[region] = boto3.Session(aws_access_key_id="testing",
                                          aws_secret_access_key="testing", region_name=region)
    return _SESSIONS[region].client(service, endpoint_url=emulator.endpoint)


def flow_logs_of(emulator, region=REGION):
    """{VPC id: [flow log, ...]} of one region (support.estate.flow_logs_by_vpc, cheaper)."""
    found = {}
    for flow_log in emulator_client(emulator, "ec2", region).describe_flow_logs()["FlowLogs"]:
        found.setdefault(flow_log["ResourceId"], []).append(flow_log)
    return found


def log_groups_of(emulator, region=REGION):
    """{log group name: retention in days or None (never expire)} of one region."""
    logs = emulator_client(emulator, "logs", region)
    return {g["logGroupName"]: g.get("retentionInDays")
            for page in logs.get_paginator("describe_log_groups").paginate()
            for g in page["logGroups"]}


def new_vpc(emulator, cidr, name=None, region=REGION):
    """A new VPC in the emulator (Name-tagged when `name` is given); its id."""
    return create_vpc(emulator.client("ec2", region), cidr, {"Name": name} if name else None)
