"""Writes the flight data of the flow-log-cost cases (issue 25), as AWS sends it.

    cd tests && ../.venv/bin/python -m support.cost_flights   # rewrites the three cases

One account-region (support.constants: us-east-1, which the package prices) of VPCs whose flow logs
deliver in every way the cost filter tells apart (ESTATE), in three folders that differ only
in CloudWatch's answer to GetMetricData: every query answered (cost_estate), one left
unanswered (cost_unanswered), the call refused (cost_denied). The VPCs, flow logs and log
groups are what the audit lists (support.flight_estates' shapes); GetMetricData answers
the groups in the order the filter asks (names sorted), one daily point each.
"""

import os

from support.constants import ACCOUNT_ID, DATA_DIR, GROUP
from support.flight_estates import flow_log, log_group, vpc, vpc_id, write

GB = 10**9
SHARED_GROUP = "/vpc/shared-flow-logs"
BUCKET = "arn:aws:s3:::org-flow-logs"
# index: (what the tests call it, its flow logs as (traffic type, destination: a log group
# name, or an S3 ARN)); then the log groups, with what DescribeLogGroups and IncomingBytes
# say of each.
ESTATE = {
    0: ("all-traffic", [("ALL", GROUP % vpc_id(0))]),
    1: ("infrequent", [("REJECT", GROUP % vpc_id(1))]),
    2: ("shared-a", [("REJECT", SHARED_GROUP)]),
    3: ("shared-b", [("REJECT", SHARED_GROUP)]),
    4: ("s3-only", [("REJECT", BUCKET)]),
    5: ("no-flow-log", []),
    6: ("group-missing", [("REJECT", GROUP % vpc_id(6))]),
    7: ("also-s3", [("REJECT", GROUP % vpc_id(7)), ("ALL", BUCKET)]),
}
# name: (storedBytes, class, retention days or None, days old, bytes ingested in the window)
GROUPS = {
    GROUP % vpc_id(0): (30 * GB, "STANDARD", None, 400, 60 * GB),
    GROUP % vpc_id(1): (12 * GB, "INFREQUENT_ACCESS", 365, 500, 30 * GB),
    SHARED_GROUP: (9 * GB, "STANDARD", 90, 200, 45 * GB),
    GROUP % vpc_id(7): (2 * GB, "STANDARD", 731, 100, 6 * GB),
}
UNANSWERED = SHARED_GROUP
# The moment the flight was recorded: group ages are counted to it.
NOW_MS = 1796572800000  # 2026-12-07T00:00:00Z
DAY_MS = 86400 * 1000


def vpc_ids():
    """{what the tests call it: VPC id}."""
    return {name: vpc_id(index) for index, (name, _logs) in ESTATE.items()}


def described(name):
    stored, log_group_class, retention, age_days, _ingested = GROUPS[name]
    group = dict(
        log_group(name),
        storedBytes=stored,
        logGroupClass=log_group_class,
        creationTime=NOW_MS - age_days * DAY_MS,
    )
    if retention is None:
        del group["retentionInDays"]
    else:
        group["retentionInDays"] = retention
    return group


def flow_logs():
    found = []
    for index, (_name, logs) in ESTATE.items():
        for number, (traffic, destination) in enumerate(logs):
            made = dict(
                flow_log(index * 10 + number, destination),
                ResourceId=vpc_id(index),
                TrafficType=traffic,
            )
            if destination.startswith("arn:aws:s3"):
                made.update(LogDestinationType="s3", LogDestination=destination)
                del made["LogGroupName"], made["DeliverLogsPermissionArn"]
            found.append(made)
    return found


def metric_answer(names, unanswered=()):
    return {
        "MetricDataResults": [
            {
                "Id": "g%d" % i,
                "Label": "IncomingBytes",
                "StatusCode": "InternalError",
                "Timestamps": [],
                "Values": [],
            }
            if name in unanswered
            else {
                "Id": "g%d" % i,
                "Label": "IncomingBytes",
                "StatusCode": "Complete",
                "Timestamps": ["2026-12-06T00:00:00+00:00"],
                "Values": [float(GROUPS[name][4])],
            }
            for i, name in enumerate(names)
        ],
        "Messages": [],
    }


DENIED = {
    "Error": {
        "Code": "AccessDenied",
        "Message": (
            "User: arn:aws:sts::%s:assumed-role/c7n-vpcflow-runner/c7n-vpcflow is not authorized "
            "to perform: cloudwatch:GetMetricData" % ACCOUNT_ID
        ),
        "Type": "Sender",
    }
}


def write_case(case):
    existing = sorted(GROUPS)
    files = {
        "sts.GetCallerIdentity_1": {
            "UserId": "AROAQXAMPLEROLEID1234:c7n-vpcflow",
            "Account": ACCOUNT_ID,
            "Arn": "arn:aws:sts::%s:assumed-role/c7n-vpcflow-runner/c7n-vpcflow" % ACCOUNT_ID,
        },
        "ec2.DescribeVpcs_1": {"Vpcs": [vpc(i) for i in ESTATE]},
        "ec2.DescribeFlowLogs_1": {"FlowLogs": flow_logs()},
        "logs.DescribeLogGroups_1": {"logGroups": [described(n) for n in existing]},
    }
    if case == "cost_denied":
        write(os.path.join(DATA_DIR, case), files)
        write(os.path.join(DATA_DIR, case), {"monitoring.GetMetricData_1": DENIED}, status_code=403)
        return
    files["monitoring.GetMetricData_1"] = metric_answer(
        existing, (UNANSWERED,) if case == "cost_unanswered" else ()
    )
    write(os.path.join(DATA_DIR, case), files)


CASES = ("cost_estate", "cost_unanswered", "cost_denied")

if __name__ == "__main__":
    for name in CASES:
        write_case(name)
