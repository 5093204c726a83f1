"""Looking at what the emulator holds, and adding to it."""

from localaws.estate import create_vpc, flow_logs_by_vpc
from support.constants import REGION


def flow_logs_of(emulator, region=REGION):
    """{VPC id: [flow log, ...]} of one region."""
    return flow_logs_by_vpc(emulator.client("ec2", region))


def log_groups_of(emulator, region=REGION):
    """{log group name: retention in days or None (never expire)} of one region."""
    logs = emulator.client("logs", region)
    return {
        g["logGroupName"]: g.get("retentionInDays")
        for page in logs.get_paginator("describe_log_groups").paginate()
        for g in page["logGroups"]
    }


def new_vpc(emulator, cidr, name=None, region=REGION):
    """A new VPC in the emulator (Name-tagged when `name` is given); its id."""
    return create_vpc(emulator.client("ec2", region), cidr, {"Name": name} if name else None)
