"""Writes the flight data of the log-group lookup cost cases (issue 15), as AWS sends it.

    cd tests && ../.venv/bin/python -m support.flight_estates   # rewrites the three cases

Each case is one account-region of VPCs, each with one healthy flow log into a log group
named by `naming(index, vpc_id)`, in a folder named after the fixture of
tests/test_log_group_lookup_cost.py that plays it. DescribeLogGroups files answer the calls
the audit is expected to make, in order; GetMetricData files those flow-log-cost makes
(tests/test_cost_filter.py). Compact JSON: the thousand-VPC case stays small.
"""

import json
import math
import os
import string

from support.constants import ACCOUNT_ID, DATA_DIR, GROUP, REGION

PAGE = 50
METRIC_QUERIES = 500  # GetMetricData's queries a call
CREATED_MS = 1748853677000
CREATED = "2025-06-02T08:41:17.412000+00:00"
FIRST_CHARACTERS = string.ascii_letters + string.digits


def vpc_id(index):
    return "vpc-0%016x" % (0x5A17C3E9B2D40000 + index)


def two_conventions(index, vpc):
    """Ours (/vpc/flow-logs/) and CloudWatch telemetry rules' default (/aws/vpc/)."""
    return (GROUP if index % 2 == 0 else "/aws/vpc/%s") % vpc


def no_shared_prefix(index, vpc):
    """Team-chosen names: no '/', and no two names start with the same character."""
    return "%s-flows-%s" % (FIRST_CHARACTERS[index], vpc[-6:])


# case, the fixture that plays it: (VPCs, naming, DescribeLogGroups answers: "listing" by
#        prefix or "exact" by 50s, names left out of the answers: log groups that were deleted)
CASES = {
    "twenty_groups_two_conventions": (20, two_conventions, "exact", ()),
    "thousand_groups_two_conventions": (1000, two_conventions, "listing", ()),
    "sixty_groups_no_shared_prefix": (60, no_shared_prefix, "exact", (7, 55)),
}


def vpc(index):
    ident = vpc_id(index)
    cidr = "10.%d.%d.0/24" % (index // 256, index % 256)
    return {
        "OwnerId": ACCOUNT_ID,
        "InstanceTenancy": "default",
        "CidrBlockAssociationSet": [
            {
                "AssociationId": "vpc-cidr-assoc-" + ident[4:],
                "CidrBlock": cidr,
                "CidrBlockState": {"State": "associated"},
            }
        ],
        "IsDefault": False,
        "VpcId": ident,
        "State": "available",
        "CidrBlock": cidr,
        "DhcpOptionsId": "dopt-0c7d3e9a1b2f45a6e",
    }


def flow_log(index, group):
    return {
        "CreationTime": CREATED,
        "DeliverLogsStatus": "SUCCESS",
        "FlowLogId": "fl-0%016x" % (0x3C9E7A5B1D2F0000 + index),
        "FlowLogStatus": "ACTIVE",
        "ResourceId": vpc_id(index),
        "TrafficType": "REJECT",
        "LogDestinationType": "cloud-watch-logs",
        "MaxAggregationInterval": 600,
        "LogFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} "
        "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} "
        "${end} ${action} ${log-status}",
        "LogGroupName": group,
        "LogDestination": "arn:aws:logs:%s:%s:log-group:%s" % (REGION, ACCOUNT_ID, group),
        "DeliverLogsPermissionArn": "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % ACCOUNT_ID,
    }


def log_group(name):
    arn = "arn:aws:logs:%s:%s:log-group:%s" % (REGION, ACCOUNT_ID, name)
    return {
        "logGroupName": name,
        "creationTime": CREATED_MS,
        "retentionInDays": 365,
        "metricFilterCount": 0,
        "arn": arn + ":*",
        "storedBytes": 48213391,
        "logGroupClass": "STANDARD",
        "logGroupArn": arn,
    }


def answers(names, existing, kind):
    """The DescribeLogGroups responses, in the order the audit asks (names sorted)."""
    if kind == "exact":
        return [
            {"logGroups": [log_group(n) for n in names[i : i + PAGE] if n in existing]}
            for i in range(0, len(names), PAGE)
        ]
    names = [n for n in names if n in existing]
    by_prefix = {}
    for name in names:
        by_prefix.setdefault(name[: name.rfind("/") + 1], []).append(name)
    pages = []
    for _convention, group in sorted(
        by_prefix.items(), key=lambda item: os.path.commonprefix(item[1])
    ):
        count = math.ceil(len(group) / PAGE)
        for n in range(count):
            page = {"logGroups": [log_group(g) for g in group[n * PAGE : (n + 1) * PAGE]]}
            if n + 1 < count:
                page["nextToken"] = "%s/%d" % (group[0], n + 1)
            pages.append(page)
    return pages


def metric_answers(names):
    """GetMetricData's answers to flow-log-cost, 500 groups a call in the order it asks
    (names sorted): one day's IncomingBytes each, a MB more for each group after the first."""
    return [
        {
            "MetricDataResults": [
                {
                    "Id": "g%d" % i,
                    "Label": "IncomingBytes",
                    "StatusCode": "Complete",
                    "Timestamps": ["2026-12-06T00:00:00+00:00"],
                    "Values": [float((first + i + 1) * 10**6)],
                }
                for i in range(len(names[first : first + METRIC_QUERIES]))
            ],
            "Messages": [],
        }
        for first in range(0, len(names), METRIC_QUERIES)
    ]


def write(case_dir, files, status_code=200):
    os.makedirs(case_dir, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(case_dir, name + ".json"), "w") as f:
            json.dump({"status_code": status_code, "data": data}, f, separators=(",", ":"))
            f.write("\n")


def write_case(case):
    count, naming, kind, deleted = CASES[case]
    groups = [naming(i, vpc_id(i)) for i in range(count)]
    existing = {g for i, g in enumerate(groups) if i not in deleted}
    files = {
        "sts.GetCallerIdentity_1": {
            "UserId": "AROAQXAMPLEROLEID1234:c7n-vpcflow",
            "Account": ACCOUNT_ID,
            "Arn": "arn:aws:sts::%s:assumed-role/c7n-vpcflow-runner/c7n-vpcflow" % ACCOUNT_ID,
        },
        "ec2.DescribeVpcs_1": {"Vpcs": [vpc(i) for i in range(count)]},
        "ec2.DescribeFlowLogs_1": {"FlowLogs": [flow_log(i, g) for i, g in enumerate(groups)]},
    }
    for n, page in enumerate(answers(sorted(groups), existing, kind), 1):
        files["logs.DescribeLogGroups_%d" % n] = page
    for n, answer in enumerate(metric_answers(sorted(existing)), 1):
        files["monitoring.GetMetricData_%d" % n] = answer
    write(os.path.join(DATA_DIR, case), files)


if __name__ == "__main__":
    for name in CASES:
        write_case(name)
