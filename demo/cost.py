"""What the estate's flow logs ingested, as CloudWatch would have counted it: AWS/Logs
IncomingBytes per log group, put on the emulator (localaws.estate.put_incoming_bytes), so the
cost policy measures a month of traffic that never flowed.

Each VPC's flow logs ingest its GB a day below (its Name tag's; a VPC without one, such as
a default VPC, the quiet figure), over the 30 days before today; a VPC with two flow logs
(an ACCEPT-only one kept beside ours) ingests it into each of their log groups.
"""

from datetime import datetime, timedelta, timezone

from localaws import estate as seeding

GB = 10**9
DAYS = 30
SECTION = "## What flow logs cost"  # the report's heading of its cost section
PER_VPC = "The 10 most expensive VPCs"  # its table of VPCs, too wide for the demo's screen
# GB a day of flow-log records per VPC, by Name tag: the busy production networks.
DAILY_GB = {
    "core-network": 40,
    "payments-prod": 25,
    "orders-prod": 30,
    "orders-prod-eu": 12,
    "core-network-eu": 8,
    "analytics": 15,
    "batch-jobs": 6,
    "legacy-app": 4,
}
QUIET_DAILY_GB = 0.2


def seed_ingestion(endpoint, estate, now=None):
    """Put the last DAYS days' IncomingBytes of every flow-log log group in the estate; one
    data point a group, inside the window the cost filter measures. Returns the GB put."""
    now = now or datetime.now(timezone.utc)
    when = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=DAYS // 2)
    daily = {vpc.vpc_id: DAILY_GB.get(vpc.name, QUIET_DAILY_GB) for vpc in estate.vpcs}
    total = 0
    for account, region in estate.account_regions:
        ec2, cloudwatch = seeding.clients(endpoint, account.account_id, region, "ec2", "cloudwatch")
        volumes = {}
        for vpc_id, flow_logs in seeding.flow_logs_by_vpc(ec2).items():
            for flow_log in flow_logs:
                if flow_log.get("LogGroupName"):
                    volumes[flow_log["LogGroupName"]] = daily.get(vpc_id, QUIET_DAILY_GB) * (
                        DAYS * GB
                    )
        seeding.put_incoming_bytes(cloudwatch, volumes, when)
        total += sum(volumes.values())
    return total / GB


def section(report):
    """The cost section of a Markdown report, less its table of the most expensive VPCs."""
    text = report[report.index(SECTION) + len(SECTION) :].split("\nCounted:")[0]
    kept = [
        p
        for p in text.strip("\n").split("\n\n")
        if not p.startswith(PER_VPC) and not p.startswith("| VPC |")
    ]
    return "\n\n".join(kept)
