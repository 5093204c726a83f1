"""Seeding the moto server: an estate described as a table of VPCs, one `Row` each, made
through the API by `seed`; the calls it is made of (clients acting in an account,
create_vpc, create_flow_log); the log groups' ingestion metrics (put_incoming_bytes); and
reading back the flow logs it holds.

The tests, the demo and the bench keep their own tables (every kind in a region; the named
accounts of accounts.yml; N VPCs at scale) and seed them here. A row's kind says what the
VPC has:

    default      the emulator's default VPC as it comes (no CIDR): no flow log
    bare         no flow log
    healthy      a REJECT flow log (or the row's traffic, e.g. ALL) into an existing group
    accept_only  a flow log capturing ACCEPT traffic only, into an existing group
    failing      a REJECT flow log whose delivery fails ("Access error"): made while its
                 group did not exist (the emulator then fails delivery for good), the group
                 made right after, so delivery is all that is wrong
    orphaned     a REJECT flow log into a group that never exists: delivery fails, the
                 group is missing
    at_limit     two ACCEPT-only flow logs (AWS's limit per VPC), both broken: into its
                 group and <group>-2

A row's manager says who made its flow logs and log groups, whatever its kind:

    None            the team, untagged; groups /flow-logs/<Name tag, else VPC id> by default
    telemetry-rule  an organization's CloudWatch telemetry rule, as AWS leaves it: flow logs
                    and groups tagged CloudWatchTelemetryRuleManaged=true, groups named by
                    the rule's default pattern /aws/vpc/<VPC id>, the rule's retention (the
                    row's; none given: never expire)
"""

import functools
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

import boto3

RUNNER_ROLE = "arn:aws:iam::%s:role/c7n-vpcflow-runner"
# The account moto answers for credentials it did not issue (the dummies below).
EMULATOR_ACCOUNT = "123456789012"

# kind: (the traffic of each flow log it gets, when its log group is made: "before" the
# flow logs, "after" them, or None: never)
KINDS = {
    "default": ((), None),
    "bare": ((), None),
    "healthy": (("REJECT",), "before"),
    "accept_only": (("ACCEPT",), "before"),
    "failing": (("REJECT",), "after"),
    "orphaned": (("REJECT",), None),
    "at_limit": (("ACCEPT", "ACCEPT"), "before"),
}

# manager: (the tags on its flow logs and log groups, its groups' default name: "%s" for
# the VPC id, None: /flow-logs/<Name tag, else VPC id>)
MANAGERS = {
    None: ({}, None),
    "telemetry-rule": ({"CloudWatchTelemetryRuleManaged": "true"}, "/aws/vpc/%s"),
}


@dataclass(frozen=True)
class Row:
    """One VPC of an estate table."""

    account: Optional[str]  # account id; None: the emulator's own
    region: str
    name: Optional[str]  # Name tag of the VPC made
    kind: str  # one of KINDS
    cidr: Optional[str] = None  # None: the account-region's default VPC, never made
    # Its flow logs' log group: a name ("%s" for the VPC id) or a function of the VPC id;
    # by default its manager's.
    group: Union[str, Callable, None] = None
    traffic: Optional[str] = None  # its flow logs' traffic instead of the kind's
    manager: Optional[str] = None  # one of MANAGERS
    # Days its groups keep events; None: seed()'s retention (a telemetry rule's: never expire).
    retention: Optional[int] = None

    @property
    def tags(self):
        """{key: value} on its flow logs and log groups."""
        return MANAGERS[self.manager][0]

    def retention_days(self, seeded):
        """Days its groups keep events, `seeded` those of seed() (None: never expire)."""
        return self.retention or (None if self.manager else seeded)

    def flow_logs(self, vpc_id):
        """(traffic, log group) of each flow log it gets."""
        traffics = KINDS[self.kind][0]
        if callable(self.group):
            group = self.group(vpc_id)
        else:
            group = self.group or MANAGERS[self.manager][1] or "/flow-logs/" + (self.name or vpc_id)
            group = group % vpc_id if "%s" in group else group
        groups = [group] + ["%s-%d" % (group, n) for n in range(2, len(traffics) + 1)]
        return [(self.traffic or t, g) for t, g in zip(traffics, groups)]


@dataclass
class Seeded:
    """What `seed` made of a row: the VPC (or found, the default one) and its flow logs."""

    row: Row
    vpc_id: str
    flow_logs: list = field(default_factory=list)  # ids, in the order made


@functools.lru_cache(maxsize=None)
def _base_session():
    # Dummies the emulator accepts; it answers them as its default account.
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")


def clients(endpoint, account_id, region, *services, config=None):
    """boto3 clients acting in `account_id` (AssumeRole, as c7n-org does; None: the
    emulator's own account, with the dummies), one per service.

    One boto3 session serves them all, so each service model is loaded once.
    """
    base = _base_session()
    credentials = {}
    if account_id is not None:
        sts = base.client("sts", region_name=region, endpoint_url=endpoint)
        creds = sts.assume_role(
            RoleArn=RUNNER_ROLE % account_id, RoleSessionName="c7n-vpcflow-seeding"
        )["Credentials"]
        credentials = dict(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
    return [
        base.client(
            service, region_name=region, endpoint_url=endpoint, config=config, **credentials
        )
        for service in services
    ]


def create_vpc(ec2, cidr, tags=None):
    """A new VPC, tagged with `tags` ({key: value}) in the same call; its id."""
    return ec2.create_vpc(CidrBlock=cidr, **_tagged("vpc", tags))["Vpc"]["VpcId"]


def _tagged(resource_type, tags):
    """The TagSpecifications parameter tagging the resource made with `tags`, if any."""
    if not tags:
        return {}
    return {
        "TagSpecifications": [
            {
                "ResourceType": resource_type,
                "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
            }
        ]
    }


def create_flow_log(ec2, vpc_id, traffic_type, group, role_arn, tags=None):
    """A flow log of the VPC into the CloudWatch Logs group, tagged with `tags` ({key:
    value}) in the same call; its ids (the emulator never checks the role). Seeding stops
    on an Unsuccessful entry."""
    response = ec2.create_flow_logs(
        ResourceIds=[vpc_id],
        ResourceType="VPC",
        TrafficType=traffic_type,
        LogDestinationType="cloud-watch-logs",
        LogGroupName=group,
        DeliverLogsPermissionArn=role_arn,
        **_tagged("vpc-flow-log", tags),
    )
    if response.get("Unsuccessful"):
        raise RuntimeError("seeding a flow log failed: %s" % json.dumps(response["Unsuccessful"]))
    return response["FlowLogIds"]


def put_incoming_bytes(cloudwatch, volumes, when):
    """CloudWatch's AWS/Logs IncomingBytes as a log group's flow logs would leave it: one data
    point at `when` per {log group: bytes}, 1,000 a call (PutMetricData's limit)."""
    points = [
        {
            "MetricName": "IncomingBytes",
            "Timestamp": when,
            "Value": float(size),
            "Unit": "Bytes",
            "Dimensions": [{"Name": "LogGroupName", "Value": group}],
        }
        for group, size in volumes.items()
    ]
    for first in range(0, len(points), 1000):
        cloudwatch.put_metric_data(Namespace="AWS/Logs", MetricData=points[first : first + 1000])


def flow_logs_by_vpc(ec2):
    """{VPC id: [flow log, ...]} of every flow log in the client's account-region."""
    found = {}
    for page in ec2.get_paginator("describe_flow_logs").paginate():
        for flow_log in page["FlowLogs"]:
            found.setdefault(flow_log["ResourceId"], []).append(flow_log)
    return found


def seed(endpoint, rows, role, log_groups=(), retention=None, workers=1, config=None):
    """Make the table's VPCs, log groups and flow logs, account-region by account-region;
    a Seeded per row, in the table's order.

    role: the flow logs' delivery role, "%s" for the account id (the emulator never checks
    it); log_groups: other groups made in every account-region of the table; retention:
    days the team's groups keep events unless their row says (None: never expire);
    workers: threads making the groups and flow logs (the VPCs are made one after the
    other); config: the clients'.
    """
    places = {}
    for index, row in enumerate(rows):
        places.setdefault((row.account, row.region), []).append(index)
    seeded = [None] * len(rows)
    for (account, region), indexes in places.items():
        ec2, logs = clients(endpoint, account, region, "ec2", "logs", config=config)
        made = _seed_place(
            ec2,
            logs,
            [rows[i] for i in indexes],
            role % (account or EMULATOR_ACCOUNT),
            log_groups,
            retention,
            workers,
        )
        for index, one in zip(indexes, made):
            seeded[index] = one
    return seeded


def _seed_place(ec2, logs, rows, role_arn, log_groups, retention, workers):
    """seed() in one account-region."""
    default = None
    if any(row.cidr is None for row in rows):
        (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
        default = vpc["VpcId"]
    seeded = [
        Seeded(
            row,
            default
            if row.cidr is None
            else create_vpc(ec2, row.cidr, {"Name": row.name} if row.name else None),
        )
        for row in rows
    ]
    wanted = [
        (one, traffic, group) for one in seeded for traffic, group in one.row.flow_logs(one.vpc_id)
    ]

    owner = {}  # group: the first row writing to it
    for one, _traffic, group in wanted:
        owner.setdefault(group, one.row)

    def groups(when):
        return [g for one, _t, g in wanted if KINDS[one.row.kind][1] == when]

    def make_group(name):
        row = owner.get(name)
        tags = row.tags if row else {}
        logs.create_log_group(logGroupName=name, **({"tags": tags} if tags else {}))
        days = row and row.retention_days(retention)
        if days:
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)

    before = list(dict.fromkeys(list(log_groups) + groups("before")))
    _each(workers, make_group, before)
    ids = _each(
        workers,
        lambda w: create_flow_log(ec2, w[0].vpc_id, w[1], w[2], role_arn, w[0].row.tags),
        wanted,
    )
    for (one, _traffic, _group), made in zip(wanted, ids):
        one.flow_logs.extend(made)
    _each(workers, make_group, [g for g in dict.fromkeys(groups("after")) if g not in before])
    return seeded


def _each(workers, function, items):
    """[function(item) for item in items], on `workers` threads when more than one."""
    if workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, items))
