"""API call budgets (issue 6, item 3), counted by the emulator's request recorder.

The stock `custodian` runs our policies over two regions, at two estate sizes. Budgets
per account-region:

* audit: 1 DescribeVpcs + 1 DescribeFlowLogs + one paged DescribeLogGroups listing
  (ceil(groups under the listed prefix / 50) pages, one nextToken chain) + 1
  DescribeNetworkInterfaces (some VPCs are non-compliant: which are unused), whatever N:
  every log group here follows one naming convention (tests/test_log_group_lookup_cost.py
  covers several, and names that share no prefix);
* remediation: at most 3 calls per VPC fixed, plus calls whose number does not change
  with N; calls refused for throttling are not in the budget: the proxy reports them
  separately (last test).

Custodian's own GetCallerIdentity (one per run) is part of the constant.
"""

import math
from collections import Counter

import pytest

from localaws.proxy import Proxy
from localaws.quotas import Quotas
from support.constants import GROUP
from support.e2e import AUDIT_POLICY, ENABLE_POLICY, custodian_run, recording
from support.estate import seed_crowd

pytestmark = pytest.mark.emulator

# Two estate sizes in one run: the budget per account-region must not depend on N.
SIZES = {"us-east-1": 5, "eu-west-1": 40}
REGIONS = tuple(SIZES)
PAGE = 50  # DescribeLogGroups returns at most 50 groups a page
RETIRED = "/vpc/flow-logs/vpc-retired-%03d"
# Made once per account-region (or per run) by design; every other call is per VPC.
RUN_LEVEL = {
    "GetCallerIdentity",
    "DescribeVpcs",
    "DescribeFlowLogs",
    "DescribeLogGroups",
    "DescribeNetworkInterfaces",
    "GetRole",
    "CreateRole",
    "PutRolePolicy",
    "TagRole",
}
GLOBAL_SERVICES = ("sts", "iam")


def seed(emulator, sizes, extra_groups=None):
    """Per region sizes[region] VPCs (the default one included): half of them (rounded
    down) with a healthy flow log into a log group of their own, the rest without; and
    extra_groups[region] unrelated log groups under the same prefix.
    Returns {region: ids of the VPCs without a flow log}."""
    missing = {}
    for region, n in sizes.items():
        retired = [RETIRED % i for i in range((extra_groups or {}).get(region, 0))]
        seeded = seed_crowd(
            emulator, n, region, lambda i, n=n: GROUP if i < n // 2 else None, retired
        )
        missing[region] = {one.vpc_id for one in seeded if not one.flow_logs}
    return missing


def by_region(calls):
    """{region: Counter(operation)}, and the Counter of the global (STS, IAM) calls."""
    found = {}
    global_calls = Counter()
    for call in calls:
        if call.service in GLOBAL_SERVICES:
            global_calls[call.operation] += 1
        else:
            found.setdefault(call.region, Counter())[call.operation] += 1
    return found, global_calls


def groups_under(emulator, region, prefix):
    logs = emulator.client("logs", region)
    return sum(
        len(page["logGroups"])
        for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=prefix)
    )


def assert_one_paged_listing(emulator, calls, region):
    """The region's DescribeLogGroups calls are one listing: one prefix, a nextToken chain,
    as many pages as the groups under that prefix need. Returns the number of pages."""
    listing = [c.params for c in calls if c.operation == "DescribeLogGroups" and c.region == region]
    assert listing, "no DescribeLogGroups in %s" % region
    prefixes = {p.get("logGroupNamePrefix") for p in listing}
    assert len(prefixes) == 1, prefixes
    assert "nextToken" not in listing[0]
    assert all("nextToken" in p for p in listing[1:]), listing
    groups = groups_under(emulator, region, prefixes.pop())
    assert len(listing) == max(1, math.ceil(groups / PAGE)), (len(listing), groups)
    return len(listing)


def test_audit_budget_is_one_listing_of_each_kind_per_account_region(emulator, cli, tmp_path):
    # 40 VPCs: 20 log groups of their own and 60 others under the same prefix (2 pages).
    missing = seed(emulator, SIZES, extra_groups={"eu-west-1": 60})
    with recording(emulator) as recorder:
        proc = custodian_run(cli, tmp_path / "out", AUDIT_POLICY, regions=REGIONS)
    assert proc.returncode == 0, proc.stderr
    calls = recorder.calls()
    found, global_calls = by_region(calls)

    assert global_calls == Counter({"GetCallerIdentity": 1})
    assert set(found) == set(REGIONS)
    pages = {}
    for region in REGIONS:
        pages[region] = assert_one_paged_listing(emulator, calls, region)
        assert found[region] == Counter(
            {
                "DescribeVpcs": 1,
                "DescribeFlowLogs": 1,
                "DescribeLogGroups": pages[region],
                "DescribeNetworkInterfaces": 1,
            }
        ), region
        assert len(missing[region]) == SIZES[region] - SIZES[region] // 2
    assert pages == {"us-east-1": 1, "eu-west-1": 2}


def enable_run(emulator, cli, out_dir, sizes, endpoint=None):
    """Seed, run the enable policy over the regions of `sizes` (through `endpoint` if
    given, with botocore's default 5 attempts); returns (calls per region, global calls,
    number of VPCs fixed per region), having checked that every one was fixed."""
    regions = tuple(sizes)
    missing = seed(emulator, sizes)
    with recording(emulator) as recorder:
        if endpoint is None:
            proc = custodian_run(cli, out_dir, ENABLE_POLICY, regions=regions)
        else:
            proc = cli(
                "custodian",
                "run",
                "-s",
                out_dir,
                "--cache-period",
                "0",
                *[a for r in regions for a in ("-r", r)],
                ENABLE_POLICY,
                env={"AWS_ENDPOINT_URL": endpoint, "AWS_MAX_ATTEMPTS": "5"},
            )
    assert proc.returncode == 0, proc.stderr
    calls = recorder.calls()
    for region in regions:
        assert_one_paged_listing(emulator, calls, region)
        logged = {
            f["ResourceId"]
            for f in emulator.client("ec2", region).describe_flow_logs()["FlowLogs"]
            if f["FlowLogStatus"] == "ACTIVE"
        }
        assert missing[region] <= logged, "VPCs left without a flow log"
    found, global_calls = by_region(calls)
    return found, global_calls, {r: len(v) for r, v in missing.items()}


def split(counter):
    """(run-level calls, per-VPC calls) of one region."""
    run = Counter({op: k for op, k in counter.items() if op in RUN_LEVEL})
    return run, counter - run


def test_remediation_budget_is_three_calls_per_vpc_plus_a_constant(emulator, cli, tmp_path):
    found, global_calls, fixed = enable_run(emulator, cli, tmp_path / "out", SIZES)
    assert fixed == {"us-east-1": 3, "eu-west-1": 20}

    # Once per run: Custodian's GetCallerIdentity and the delivery role (IAM is global).
    assert global_calls["GetCallerIdentity"] == 1
    assert global_calls["CreateRole"] == global_calls["PutRolePolicy"] == 1
    assert global_calls["GetRole"] <= len(REGIONS)
    # A region that finds the role already created (by a region before it) checks that its
    # delivery policy landed: at most one GetRolePolicy per region.
    assert global_calls.get("GetRolePolicy", 0) <= len(REGIONS) - 1
    assert sum(global_calls.values()) <= 3 + 2 * len(REGIONS), global_calls
    runs = {}
    for region in REGIONS:
        runs[region], per_vpc = split(found[region])
        assert sum(per_vpc.values()) <= 3 * fixed[region], per_vpc
        # Today's plan, call by call: one group, its retention, one flow log per VPC.
        assert per_vpc == Counter(
            {
                "CreateLogGroup": fixed[region],
                "PutRetentionPolicy": fixed[region],
                "CreateFlowLogs": fixed[region],
            }
        )
    # The rest does not grow with N: the same calls for 5 VPCs as for 40.
    assert (
        runs["us-east-1"]
        == runs["eu-west-1"]
        == Counter(
            {
                "DescribeVpcs": 1,
                "DescribeFlowLogs": 1,
                "DescribeLogGroups": 1,
                "DescribeNetworkInterfaces": 1,
            }
        )
    )


def test_throttled_calls_are_reported_by_the_proxy_not_spent_from_the_budget(
    emulator, cli, tmp_path
):
    # Below the plugin's own pacing (5 a second), so the proxy has to throttle some calls.
    quotas = Quotas({"logs:CreateLogGroup": 1, "logs:PutRetentionPolicy": 1, "ec2:mutating": 1})
    with Proxy(emulator.endpoint, latency_ms=0, quotas=quotas) as proxy:
        found, _global, fixed = enable_run(
            emulator, cli, tmp_path / "out", {"us-east-1": 8}, endpoint=proxy.endpoint
        )
        counted = proxy.stats()
    _run, per_vpc = split(found["us-east-1"])
    assert sum(per_vpc.values()) <= 3 * fixed["us-east-1"]
    assert sum(counted["throttled"].values()) > 0, counted
    # Every attempt the proxy saw either reached the emulator or was refused.
    for name, attempts in counted["calls"].items():
        operation = name.split(":", 1)[1]
        if operation in per_vpc:
            assert attempts == per_vpc[operation] + counted["throttled"].get(name, 0), name
