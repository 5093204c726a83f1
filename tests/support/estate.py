"""The tests' estate table and seeding it into the emulator (localaws.estate), and snapshots
of what the emulator holds.

Per region: a VPC without flow logs, a healthy one, an ACCEPT-only one, one whose flow log
fails delivery into a missing log group, a Name-tagged one and the default VPC moto
creates; optionally a VPC at the two-flow-log limit with both flow logs broken. Or a crowd
of VPCs in one region, healthy or without flow logs. Or VPCs whose flow logs a CloudWatch
telemetry rule made.
"""

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from localaws.estate import Row, seed
from support.constants import ACCOUNT_ID, REGION

# Any ARN does for the seeded flow logs: moto never checks the delivery role.
SEED_ROLE = "arn:aws:iam::%s:role/seeded-flow-logs"
SEED_ROLE_ARN = SEED_ROLE % ACCOUNT_ID
HEALTHY_GROUP = "/seeded/healthy"
ACCEPT_GROUP = "/seeded/accept-only"
MISSING_GROUP = "/seeded/does-not-exist"
KINDS = ("bare", "healthy", "accept_only", "failing", "named", "default")
TELEMETRY_RETENTION = 30  # days, the retention the tests' telemetry rule gives its groups


def table(region, account_id=None, healthy_traffic="REJECT"):
    """{what the tests call it: Row}, in the order seeded ("failing" is an orphaned VPC:
    its log group is missing too; "named" a bare one with a Name tag)."""
    return {
        "default": Row(account_id, region, None, "default"),
        "bare": Row(account_id, region, None, "bare", "10.10.0.0/16"),
        "healthy": Row(
            account_id, region, None, "healthy", "10.11.0.0/16", HEALTHY_GROUP, healthy_traffic
        ),
        "accept_only": Row(account_id, region, None, "accept_only", "10.12.0.0/16", ACCEPT_GROUP),
        "failing": Row(account_id, region, None, "orphaned", "10.13.0.0/16", MISSING_GROUP),
        "named": Row(account_id, region, "payments prod (%s)" % region, "bare", "10.14.0.0/16"),
        "at_limit": Row(account_id, region, None, "at_limit", "10.15.0.0/16", ACCEPT_GROUP),
    }


@dataclass
class RegionEstate:
    region: str
    vpcs: Dict[str, str] = field(default_factory=dict)  # kind -> VPC id
    flow_logs: Dict[str, List[str]] = field(default_factory=dict)  # kind -> seeded ids
    name_tag: Optional[str] = None

    @property
    def non_compliant(self):
        return {k: v for k, v in self.vpcs.items() if k != "healthy"}


def seed_region(
    emulator, region, kinds=KINDS, healthy_traffic="REJECT", at_limit=False, account_id=None
):
    """Create the estate in one region (of `account_id`, by default the emulator's own);
    the healthy and ACCEPT-only VPCs' log groups exist whichever kinds are seeded."""
    rows = {
        k: row
        for k, row in table(region, account_id, healthy_traffic).items()
        if k in kinds or (at_limit and k == "at_limit")
    }
    estate = RegionEstate(region)
    seeded = seed(
        emulator.endpoint, list(rows.values()), SEED_ROLE, log_groups=(HEALTHY_GROUP, ACCEPT_GROUP)
    )
    for kind, one in zip(rows, seeded):
        estate.vpcs[kind] = one.vpc_id
        if one.flow_logs:
            estate.flow_logs[kind] = one.flow_logs
    if "named" in rows:
        estate.name_tag = rows["named"].name
    return estate


def seed_estate(emulator, regions=("us-east-1", "eu-west-1"), **options):
    """{region: RegionEstate}; the healthy VPC logs REJECT in the first region, ALL after."""
    estates = {}
    for index, region in enumerate(regions):
        traffic = "REJECT" if index == 0 else "ALL"
        estates[region] = seed_region(
            emulator,
            region,
            healthy_traffic=traffic,
            at_limit=options.get("at_limit_region") == region,
            kinds=options.get("kinds", KINDS),
        )
    return estates


def seed_crowd(
    emulator, count, region=REGION, group_of=lambda index: None, log_groups=(), workers=1
):
    """`count` VPCs in one region of the emulator's account, a Seeded each: its default VPC,
    then VPCs of 10.<n>.0.0/16. The index-th has a healthy flow log into group_of(index)
    (a name, "%s" for the VPC id, or a function of it), or none when that is None."""
    rows = []
    for index in range(count):
        group = group_of(index)
        kind = "healthy" if group else ("bare" if index else "default")
        rows.append(
            Row(None, region, None, kind, "10.%d.0.0/16" % (index - 1) if index else None, group)
        )
    return seed(emulator.endpoint, rows, SEED_ROLE, log_groups, workers=workers)


def seed_telemetry_rule(emulator, vpcs, region=REGION, retention=TELEMETRY_RETENTION):
    """{name: Seeded} of `vpcs` ({name: (kind, CIDR)}) in one region of the emulator's
    account, their flow logs and log groups what a CloudWatch telemetry rule leaves (tagged
    CloudWatchTelemetryRuleManaged=true, /aws/vpc/<VPC id>, the rule's retention)."""
    rows = [
        Row(None, region, None, kind, cidr, manager="telemetry-rule", retention=retention)
        for kind, cidr in vpcs.values()
    ]
    return dict(zip(vpcs, seed(emulator.endpoint, rows, SEED_ROLE)))


def snapshot(emulator, regions=("us-east-1", "eu-west-1")):
    """Everything an enable run could change: flow logs, log groups (with tags), roles."""
    state = {}
    for region in regions:
        logs = emulator.client("logs", region)
        groups = logs.describe_log_groups()["logGroups"]
        state[region] = {
            "flow-logs": sorted(
                emulator.client("ec2", region).describe_flow_logs()["FlowLogs"],
                key=lambda f: f["FlowLogId"],
            ),
            "log-groups": [
                dict(g, tags=logs.list_tags_log_group(logGroupName=g["logGroupName"])["tags"])
                for g in groups
            ],
        }
    iam = emulator.client("iam")
    roles = {}
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        roles[name] = dict(
            role,
            policies={
                p: iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
                for p in iam.list_role_policies(RoleName=name)["PolicyNames"]
            },
        )
    state["iam-roles"] = roles
    return state
