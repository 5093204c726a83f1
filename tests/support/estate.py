"""Seeding the emulator with a CIS 3.7 estate, and snapshots of what it holds.

Per region: a VPC without flow logs, a healthy one, an ACCEPT-only one, one whose flow log
fails delivery, a Name-tagged one and the default VPC moto creates; optionally a VPC at
the two-flow-log limit with both flow logs broken.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from localaws.estate import create_flow_log, create_vpc
from support.constants import ACCOUNT_ID

# Any ARN does for the seeded flow logs: moto never checks the delivery role.
SEED_ROLE_ARN = "arn:aws:iam::%s:role/seeded-flow-logs" % ACCOUNT_ID
HEALTHY_GROUP = "/seeded/healthy"
ACCEPT_GROUP = "/seeded/accept-only"
MISSING_GROUP = "/seeded/does-not-exist"
KINDS = ("bare", "healthy", "accept_only", "failing", "named", "default")


@dataclass
class RegionEstate:
    region: str
    vpcs: Dict[str, str] = field(default_factory=dict)       # kind -> VPC id
    flow_logs: Dict[str, List[str]] = field(default_factory=dict)  # kind -> seeded ids
    name_tag: Optional[str] = None

    @property
    def non_compliant(self):
        return {k: v for k, v in self.vpcs.items() if k != "healthy"}


def _flow_log(ec2, vpc_id, traffic_type, group, account_id=ACCOUNT_ID):
    return create_flow_log(ec2, vpc_id, traffic_type, group,
                           SEED_ROLE_ARN.replace(ACCOUNT_ID, account_id))


def seed_region(emulator, region, kinds=KINDS, healthy_traffic="REJECT", at_limit=False,
                account_id=None):
    """Create the estate in one region (of `account_id`, by default the emulator's own)."""
    ec2 = emulator.client("ec2", region, account_id)
    logs = emulator.client("logs", region, account_id)
    flow_log_account = account_id or ACCOUNT_ID
    estate = RegionEstate(region)
    default = ec2.describe_vpcs(
        Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    assert len(default) == 1, default
    if "default" in kinds:
        estate.vpcs["default"] = default[0]["VpcId"]
    logs.create_log_group(logGroupName=HEALTHY_GROUP)
    logs.create_log_group(logGroupName=ACCEPT_GROUP)
    if "bare" in kinds:
        estate.vpcs["bare"] = create_vpc(ec2, "10.10.0.0/16")
    if "healthy" in kinds:
        vpc_id = estate.vpcs["healthy"] = create_vpc(ec2, "10.11.0.0/16")
        estate.flow_logs["healthy"] = _flow_log(
            ec2, vpc_id, healthy_traffic, HEALTHY_GROUP, flow_log_account)
    if "accept_only" in kinds:
        vpc_id = estate.vpcs["accept_only"] = create_vpc(ec2, "10.12.0.0/16")
        estate.flow_logs["accept_only"] = _flow_log(
            ec2, vpc_id, "ACCEPT", ACCEPT_GROUP, flow_log_account)
    if "failing" in kinds:
        # moto marks a flow log to a missing log group FAILED ("Access error") for good.
        vpc_id = estate.vpcs["failing"] = create_vpc(ec2, "10.13.0.0/16")
        estate.flow_logs["failing"] = _flow_log(
            ec2, vpc_id, "REJECT", MISSING_GROUP, flow_log_account)
    if "named" in kinds:
        estate.name_tag = "payments prod (%s)" % region
        estate.vpcs["named"] = create_vpc(ec2, "10.14.0.0/16", {"Name": estate.name_tag})
    if at_limit:
        vpc_id = estate.vpcs["at_limit"] = create_vpc(ec2, "10.15.0.0/16")
        logs.create_log_group(logGroupName=ACCEPT_GROUP + "-2")
        estate.flow_logs["at_limit"] = (
            _flow_log(ec2, vpc_id, "ACCEPT", ACCEPT_GROUP, flow_log_account)
            + _flow_log(ec2, vpc_id, "ACCEPT", ACCEPT_GROUP + "-2", flow_log_account))
    return estate


def seed_estate(emulator, regions=("us-east-1", "eu-west-1"), **options):
    """{region: RegionEstate}; the healthy VPC logs REJECT in the first region, ALL after."""
    estates = {}
    for index, region in enumerate(regions):
        traffic = "REJECT" if index == 0 else "ALL"
        estates[region] = seed_region(
            emulator, region, healthy_traffic=traffic,
            at_limit=options.get("at_limit_region") == region,
            kinds=options.get("kinds", KINDS))
    return estates


def flow_logs_by_vpc(emulator, region):
    """{VPC id: [flow log, ...]} of one region."""
    found = {}
    for flow_log in emulator.client("ec2", region).describe_flow_logs()["FlowLogs"]:
        found.setdefault(flow_log["ResourceId"], []).append(flow_log)
    return found


def snapshot(emulator, regions=("us-east-1", "eu-west-1")):
    """Everything an enable run could change: flow logs, log groups (with tags), roles."""
    state = {}
    for region in regions:
        logs = emulator.client("logs", region)
        groups = logs.describe_log_groups()["logGroups"]
        state[region] = {
            "flow-logs": sorted(
                emulator.client("ec2", region).describe_flow_logs()["FlowLogs"],
                key=lambda f: f["FlowLogId"]),
            "log-groups": [dict(g, tags=logs.list_tags_log_group(
                logGroupName=g["logGroupName"])["tags"]) for g in groups],
        }
    iam = emulator.client("iam")
    roles = {}
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        roles[name] = dict(role, policies={
            p: iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
            for p in iam.list_role_policies(RoleName=name)["PolicyNames"]})
    state["iam-roles"] = roles
    return state
