"""The seeded estate: the accounts of accounts.yml, two regions each, twenty VPCs.

Every account-region has its default VPC (the emulator creates it, without a flow log);
the rest is the table below. Kinds:

    healthy      an ACTIVE REJECT flow log into an existing log group: compliant
    missing      no flow log at all
    accept-only  a flow log capturing ACCEPT traffic only
    failing      a flow log whose delivery fails ("Access error"); its log group exists
"""
from dataclasses import dataclass, field

import yaml

from localaws.estate import clients, create_flow_log, create_vpc

# (account name in accounts.yml, region, Name tag, kind, CIDR)
VPCS = (
    ("network-prod", "us-east-1", "core-network", "healthy", "10.0.0.0/16"),
    ("network-prod", "us-east-1", "payments-prod", "missing", "10.1.0.0/16"),
    ("network-prod", "us-east-1", "partner-vpn", "accept-only", "10.2.0.0/16"),
    ("network-prod", "eu-west-1", "core-network-eu", "healthy", "10.20.0.0/16"),
    ("network-prod", "eu-west-1", "edge-eu", "failing", "10.21.0.0/16"),
    ("workloads-prod", "us-east-1", "orders-prod", "healthy", "10.40.0.0/16"),
    ("workloads-prod", "us-east-1", "analytics", "missing", "10.41.0.0/16"),
    ("workloads-prod", "us-east-1", "batch-jobs", "accept-only", "10.42.0.0/16"),
    ("workloads-prod", "us-east-1", "legacy-app", "failing", "10.43.0.0/16"),
    ("workloads-prod", "eu-west-1", "orders-prod-eu", "healthy", "10.60.0.0/16"),
    ("sandbox", "us-east-1", "dev-alice", "missing", "10.80.0.0/16"),
    ("sandbox", "us-east-1", "ci-runners", "accept-only", "10.81.0.0/16"),
    ("sandbox", "eu-west-1", "experiments-eu", "failing", "10.90.0.0/16"),
    ("sandbox", "eu-west-1", None, "missing", "10.91.0.0/16"),
)
# The remediated VPC the demo shows at the end.
SHOWCASE = ("network-prod", "us-east-1", "payments-prod")
KINDS = (("default", "default"), ("healthy", "healthy"), ("missing", "without flow log"),
         ("accept-only", "ACCEPT-only"), ("failing", "failing delivery"))
TRAFFIC = {"healthy": "REJECT", "accept-only": "ACCEPT", "failing": "REJECT"}
# The teams' own, older delivery role: the emulator never checks it.
LEGACY_ROLE = "arn:aws:iam::%s:role/legacy-flow-logs"


def label(kind):
    return dict(KINDS)[kind]


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


@dataclass
class Estate:
    accounts: list
    vpcs: list = field(default_factory=list)

    @property
    def account_regions(self):
        return [(a, r) for a in self.accounts for r in a.regions]

    def counts(self):
        """(kind's label, number of VPCs of that kind), in KINDS' order."""
        return [(label, sum(v.kind == kind for v in self.vpcs)) for kind, label in KINDS]

    def find(self, account_name, region, name):
        for vpc in self.vpcs:
            if (vpc.account.name, vpc.region, vpc.name) == (account_name, region, name):
                return vpc
        raise KeyError((account_name, region, name))


def read_accounts(path):
    with open(path) as f:
        return [Account(a["name"], str(a["account_id"]), list(a["regions"]))
                for a in yaml.safe_load(f)["accounts"]]


def _seed_vpc(ec2, logs, account, region, name, kind, cidr):
    vpc_id = create_vpc(ec2, cidr, {"Name": name} if name else None)
    if kind == "missing":
        return Vpc(account, region, vpc_id, name, kind)
    group = "/flow-logs/%s" % (name or vpc_id)
    if kind == "failing":
        # The emulator fails delivery for good when the group is missing at creation; the
        # group appears later, so delivery is the only thing wrong (as with a bad trust).
        create_flow_log(ec2, vpc_id, TRAFFIC[kind], group, LEGACY_ROLE % account.account_id)
        logs.create_log_group(logGroupName=group)
    else:
        logs.create_log_group(logGroupName=group)
        logs.put_retention_policy(logGroupName=group, retentionInDays=90)
        create_flow_log(ec2, vpc_id, TRAFFIC[kind], group, LEGACY_ROLE % account.account_id)
    return Vpc(account, region, vpc_id, name, kind)


def seed(endpoint, accounts_file):
    """Create the estate in the emulator; returns what was created."""
    estate = Estate(read_accounts(accounts_file))
    for account, region in estate.account_regions:
        ec2, logs = clients(endpoint, account.account_id, region, "ec2", "logs")
        # The first call of an account-region makes the emulator create its default VPC.
        for vpc in ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]:
            estate.vpcs.append(Vpc(account, region, vpc["VpcId"], None, "default"))
        for account_name, vpc_region, name, kind, cidr in VPCS:
            if (account_name, vpc_region) == (account.name, region):
                estate.vpcs.append(_seed_vpc(ec2, logs, account, region, name, kind, cidr))
    return estate
