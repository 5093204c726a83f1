"""Bench estates: N VPCs, a table of localaws.estate rows seeded straight into the emulator.

The emulator (moto 5.2) enforces no VPC quota (AWS's default is 5 per region, raised on
request): 1,000 VPCs go into one account-region, one CreateVpc each, in about 5 s. N counts
the default VPC moto creates in each account-region, so N - (account-regions) are
created. By default every VPC is non-compliant (no flow log), so remediation has N VPCs to
fix. A `remediated` estate (issue 15) gives every VPC a healthy flow log into a log group
of its own, named by two conventions in turn: ours (/vpc/flow-logs/<vpc>) and CloudWatch
telemetry rules' default (/aws/vpc/<vpc>); `unrelated_log_groups` adds that many other
groups (/aws/lambda/...) to every account-region. They are created through the API like
everything else, about 2.5 ms each on moto (threads do not help: moto is CPU-bound), so
20,000 take about 50 s. `incoming_bytes` (issue 25) puts that many bytes of CloudWatch's
AWS/Logs IncomingBytes on every flow-log group, yesterday, for the cost filter to measure.

Seeding and checking talk to the emulator directly (never through the proxy) and happen
while its request recorder is off, so they are neither counted nor throttled.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from botocore.config import Config

from localaws.estate import (
    EMULATOR_ACCOUNT,
    Row,
    clients,
    flow_logs_by_vpc,
    put_incoming_bytes,
)
from localaws.estate import (
    seed as seed_table,
)
from localaws.server import post

DEFAULT_ACCOUNT = EMULATOR_ACCOUNT  # moto's account for credentials it did not issue
DELIVERY_ROLE = "arn:aws:iam::%s:role/vpc-flow-logs-delivery"
CONVENTIONS = ("/vpc/flow-logs/%s", "/aws/vpc/%s")
UNRELATED = "/aws/lambda/service-%05d"
DIRECT = Config(retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=20)
WORKERS = 8  # threads making the log groups and flow logs


@dataclass(frozen=True)
class EstateSpec:
    vpcs: int
    account_ids: tuple = (DEFAULT_ACCOUNT,)
    regions: tuple = ("us-east-1",)
    remediated: bool = False  # every VPC with a healthy flow log (two conventions)
    unrelated_log_groups: int = 0  # other log groups per account-region
    incoming_bytes: int = 0  # bytes each flow-log group ingested yesterday (issue 25)

    @property
    def account_regions(self):
        return [(a, r) for a in self.account_ids for r in self.regions]

    def seed_into(self, endpoint):
        return seed(endpoint, self)

    def share(self, index):
        """VPCs (default one included) in the index-th account-region."""
        count = len(self.account_regions)
        return self.vpcs // count + (1 if index < self.vpcs % count else 0)


def cidr(index):
    return "10.%d.%d.0/24" % (index // 256 % 256, index % 256)


def table(spec):
    """The estate's rows: in each account-region its default VPC, then the VPCs made."""
    rows = []
    for index, (account_id, region) in enumerate(spec.account_regions):
        for n in range(max(spec.share(index), 1)):
            vpc_cidr = cidr(n - 1) if n else None
            if spec.remediated:
                rows.append(Row(account_id, region, None, "healthy", vpc_cidr, CONVENTIONS[n % 2]))
            else:
                rows.append(Row(account_id, region, None, "bare" if n else "default", vpc_cidr))
    return rows


def seed(endpoint, spec):
    """Reset the emulator and create the estate; returns {(account, region): [VPC id]}."""
    post(endpoint, "/moto-api/reset")
    created = {place: [] for place in spec.account_regions}
    ingested = {place: {} for place in spec.account_regions}
    for one in seed_table(
        endpoint,
        table(spec),
        DELIVERY_ROLE,
        [UNRELATED % n for n in range(spec.unrelated_log_groups)],
        workers=WORKERS,
        config=DIRECT,
    ):
        place = (one.row.account, one.row.region)
        created[place].append(one.vpc_id)
        if one.row.group:
            ingested[place][one.row.group % one.vpc_id] = spec.incoming_bytes
    if spec.incoming_bytes:
        # Inside the last whole days the cost filter measures.
        yesterday = datetime.now(timezone.utc) - timedelta(days=1)
        for (account_id, region), volumes in ingested.items():
            (cloudwatch,) = clients(endpoint, account_id, region, "cloudwatch", config=DIRECT)
            put_incoming_bytes(cloudwatch, volumes, yesterday)
    return created


def working(flow_log):
    return (
        flow_log.get("FlowLogStatus") == "ACTIVE" and flow_log.get("DeliverLogsStatus") != "FAILED"
    )


def unfixed(endpoint, spec):
    """VPCs of the estate without a working flow log (ACTIVE, delivery not FAILED)."""
    left = []
    for account_id, region in spec.account_regions:
        (ec2,) = clients(endpoint, account_id, region, "ec2", config=DIRECT)
        covered = {
            vpc_id
            for vpc_id, flow_logs in flow_logs_by_vpc(ec2).items()
            if any(working(f) for f in flow_logs)
        }
        vpcs = ec2.get_paginator("describe_vpcs").paginate().build_full_result()["Vpcs"]
        left += [v["VpcId"] for v in vpcs if v["VpcId"] not in covered]
    return left
