"""The seeded estate: the accounts of accounts.yml, two regions each, twenty-two VPCs.

Every account-region has its default VPC (the emulator creates it, without a flow log);
the rest is the tables below, seeded by localaws.estate (its kinds: healthy, an ACTIVE
REJECT flow log into an existing log group, compliant; bare, no flow log; accept_only; and
failing, delivery fails while its log group exists). The teams' own log groups are
/flow-logs/<Name tag> and keep events 90 days. An organization's CloudWatch telemetry rule
made the flow logs of a few VPCs (localaws.estate's telemetry-rule manager): they and their
log groups /aws/vpc/<VPC id> are tagged CloudWatchTelemetryRuleManaged=true, 30 days.
Every VPC but those in UNUSED has a network interface (in a subnet of its own): the audit
names the others unused.
"""

from dataclasses import dataclass, field
from typing import Optional

import yaml

from localaws import estate as seeding

# (account name in accounts.yml, region, Name tag, kind, CIDR)
VPCS = (
    ("network-prod", "us-east-1", "core-network", "healthy", "10.0.0.0/16"),
    ("network-prod", "us-east-1", "payments-prod", "bare", "10.1.0.0/16"),
    ("network-prod", "us-east-1", "partner-vpn", "accept_only", "10.2.0.0/16"),
    ("network-prod", "eu-west-1", "core-network-eu", "healthy", "10.20.0.0/16"),
    ("network-prod", "eu-west-1", "edge-eu", "failing", "10.21.0.0/16"),
    ("workloads-prod", "us-east-1", "orders-prod", "healthy", "10.40.0.0/16"),
    ("workloads-prod", "us-east-1", "analytics", "bare", "10.41.0.0/16"),
    ("workloads-prod", "us-east-1", "batch-jobs", "accept_only", "10.42.0.0/16"),
    ("workloads-prod", "us-east-1", "legacy-app", "failing", "10.43.0.0/16"),
    ("workloads-prod", "eu-west-1", "orders-prod-eu", "healthy", "10.60.0.0/16"),
    ("sandbox", "us-east-1", "dev-alice", "bare", "10.80.0.0/16"),
    ("sandbox", "us-east-1", "ci-runners", "accept_only", "10.81.0.0/16"),
    ("sandbox", "eu-west-1", "experiments-eu", "failing", "10.90.0.0/16"),
    ("sandbox", "eu-west-1", None, "bare", "10.91.0.0/16"),
)
# The VPCs whose flow log the telemetry rule made, same columns.
TELEMETRY_RULE_VPCS = (
    ("sandbox", "us-east-1", "ml-notebooks", "healthy", "10.82.0.0/16"),
    ("sandbox", "eu-west-1", "data-lake-eu", "healthy", "10.92.0.0/16"),
)
TELEMETRY_RULE = "telemetry-rule"
# VPCs left without a network interface: the sandbox VPC being torn down.
UNUSED = (("sandbox", "us-east-1", "dev-alice"),)
# The remediated VPC the demo shows at the end.
SHOWCASE = ("network-prod", "us-east-1", "payments-prod")
# ((kind, manager), how the demo says it), in the order it counts them.
KINDS = (
    (("default", None), "default"),
    (("healthy", None), "healthy"),
    (("healthy", TELEMETRY_RULE), "healthy by a telemetry rule"),
    (("bare", None), "without flow log"),
    (("accept_only", None), "ACCEPT-only"),
    (("failing", None), "failing delivery"),
)
# The teams' own, older delivery role: the emulator never checks it.
LEGACY_ROLE = "arn:aws:iam::%s:role/legacy-flow-logs"
RETENTION_DAYS = 90
TELEMETRY_RULE_RETENTION_DAYS = 30


def label(vpc):
    return dict(KINDS)[vpc.kind, vpc.manager]


@dataclass
class Account:
    name: str
    account_id: str
    regions: list


@dataclass
class Vpc:
    account: Account
    region: str
    vpc_id: str
    name: str
    kind: str
    manager: Optional[str] = None  # who made its flow log: None, the team


@dataclass
class Estate:
    accounts: list
    vpcs: list = field(default_factory=list)

    @property
    def account_regions(self):
        return [(a, r) for a in self.accounts for r in a.regions]

    def counts(self):
        """(kind's label, number of VPCs of that kind), in KINDS' order."""
        return [
            (label, sum((v.kind, v.manager) == kind for v in self.vpcs)) for kind, label in KINDS
        ]

    def managed_by(self, manager):
        return [vpc for vpc in self.vpcs if vpc.manager == manager]

    def find(self, account_name, region, name):
        for vpc in self.vpcs:
            if (vpc.account.name, vpc.region, vpc.name) == (account_name, region, name):
                return vpc
        raise KeyError((account_name, region, name))


def read_accounts(path):
    with open(path) as f:
        return [
            Account(a["name"], str(a["account_id"]), list(a["regions"]))
            for a in yaml.safe_load(f)["accounts"]
        ]


def seed(endpoint, accounts_file):
    """Create the estate in the emulator; returns what was created."""
    estate = Estate(read_accounts(accounts_file))
    by_id = {account.account_id: account for account in estate.accounts}
    rows = []
    for account, region in estate.account_regions:
        rows.append(seeding.Row(account.account_id, region, None, "default"))
        for table, manager, retention in (
            (VPCS, None, None),
            (TELEMETRY_RULE_VPCS, TELEMETRY_RULE, TELEMETRY_RULE_RETENTION_DAYS),
        ):
            rows.extend(
                seeding.Row(
                    account.account_id,
                    region,
                    name,
                    kind,
                    cidr,
                    manager=manager,
                    retention=retention,
                )
                for account_name, vpc_region, name, kind, cidr in table
                if (account_name, vpc_region) == (account.name, region)
            )
    for one in seeding.seed(endpoint, rows, LEGACY_ROLE, retention=RETENTION_DAYS):
        row = one.row
        estate.vpcs.append(
            Vpc(by_id[row.account], row.region, one.vpc_id, row.name, row.kind, row.manager)
        )
    give_interfaces(endpoint, estate)
    return estate


def give_interfaces(endpoint, estate):
    """A network interface in every VPC but the UNUSED ones: in a subnet of the VPC's own
    (its first, or a /24 at the start of its CIDR)."""
    unused = {estate.find(*where).vpc_id for where in UNUSED}
    for account, region in estate.account_regions:
        (ec2,) = seeding.clients(endpoint, account.account_id, region, "ec2")
        for vpc in estate.vpcs:
            if (vpc.account, vpc.region) != (account, region) or vpc.vpc_id in unused:
                continue
            subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc.vpc_id]}])[
                "Subnets"
            ]
            if subnets:
                subnet = subnets[0]["SubnetId"]
            else:
                [cidr] = [v["CidrBlock"] for v in ec2.describe_vpcs(VpcIds=[vpc.vpc_id])["Vpcs"]]
                subnet = ec2.create_subnet(
                    VpcId=vpc.vpc_id, CidrBlock=cidr.replace(".0.0/16", ".0.0/24")
                )["Subnet"]["SubnetId"]
            ec2.create_network_interface(SubnetId=subnet, Description="workload")
