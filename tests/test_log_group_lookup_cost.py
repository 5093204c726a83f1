"""Issue 15: the audit's log-group lookups cost what the names it needs cost, whatever else
the account holds; and the call-count formula stated in docs/audit.md and docstrings holds.

Flight data (written by tests/support/flight_estates.py), one fixture and folder each:
20 VPCs' log groups under two conventions, 1,000 under two, 60 whose names share no
prefix. On the emulator: the same shapes amid 1,500 unrelated `/aws/lambda/...` groups.
"""

import functools
import logging
import math
import os
import re
from collections import Counter

import pytest

from c7n_vpcflow.audit import inventory
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.audit.lookup import plan_lookup
from c7n_vpcflow.vocabulary import FLOW_LOGS, LOG_GROUPS, PLAN, PROBLEMS, VIOLATIONS
from support.aws import RecordingSession
from support.constants import ROOT
from support.estate import seed_crowd
from support.flight_estates import CASES, no_shared_prefix, two_conventions, vpc_id
from support.policy import enable_policy, run_policy

AUDIT_PAGE = os.path.join(ROOT, "docs", "audit.md")
AUDIT = {
    "name": "vpc-flow-logs-audit",
    "resource": "aws.vpc",
    "filters": [{"type": "flow-log-compliance", "match": "compliant"}],
}
ENABLE = enable_policy(**{"log-group-name": "/vpc/flow-logs/{vpc_id}"})
UNRELATED = "/aws/lambda/service-%04d"


def described(vpc):
    """{name: the name its DescribeLogGroups entry gives, None: absent} of c7n:log-groups."""
    return {name: group and group["logGroupName"] for name, group in vpc[LOG_GROUPS].items()}


def counted(session):
    return Counter(
        op.split(".", 1)[1]
        for op in session.operations()
        if op.startswith(("ec2.DescribeFlowLogs", "logs.DescribeLogGroups"))
    )


def compliance(resources):
    return {r["VpcId"]: r[VIOLATIONS] for r in resources}


def case_names(case):
    count, naming, _kind, deleted = CASES[case]
    names = [naming(i, vpc_id(i)) for i in range(count)]
    return names, {n for i, n in enumerate(names) if i not in deleted}


@pytest.fixture
def twenty_groups_two_conventions(flight_data):
    """20 VPCs, each with a sound flow log into its group: ours or telemetry rules' naming."""
    return flight_data("twenty_groups_two_conventions")


@pytest.fixture
def thousand_groups_two_conventions(flight_data):
    """1,000 VPCs, each with a sound flow log into its group: ours or telemetry rules'."""
    return flight_data("thousand_groups_two_conventions")


@pytest.fixture
def sixty_groups_no_shared_prefix(flight_data):
    """60 VPCs whose groups' names share no prefix; the groups of two were deleted."""
    return flight_data("sixty_groups_no_shared_prefix")


def audit(flight, tmp_path):
    """The policy's resources: the non-compliant VPCs of the audit over `flight`."""
    return run_policy(
        dict(AUDIT, filters=[{"type": "flow-log-compliance", "match": "non-compliant"}]),
        flight,
        tmp_path,
    )


# --- what the audit asks for ------------------------------------------------------------


def test_twenty_vpcs_under_two_conventions_cost_one_exact_lookup(
    flight_data, twenty_groups_two_conventions, tmp_path
):
    # Two listings would cost at least 2 calls; ceil(20/50) = 1 exact lookup is fewer.
    flight = twenty_groups_two_conventions
    found = audit(flight, tmp_path / "audit")
    names, _existing = case_names("twenty_groups_two_conventions")
    assert found == []  # every flow log's group was found
    assert flight.params("logs.DescribeLogGroups") == [{"logGroupIdentifiers": sorted(names)}]

    # With the action's targets (/vpc/flow-logs/<vpc> for every VPC): still one call.
    dry = flight_data("twenty_groups_two_conventions")
    planned = run_policy(ENABLE, dry, tmp_path / "dry", dryrun=True)
    assert counted(dry) == Counter({"DescribeFlowLogs": 1, "DescribeLogGroups": 1})
    [asked] = dry.params("logs.DescribeLogGroups")
    assert len(asked["logGroupIdentifiers"]) == 30
    assert planned == []  # every VPC compliant: nothing to plan


def test_each_vpc_is_annotated_with_its_flow_logs_groups_and_the_actions_and_planned_on_them(
    twenty_groups_two_conventions, tmp_path
):
    # The filter asks the policy's enable-flow-logs for its log group of each VPC while it
    # judges; the plans (match: all: one per VPC) read the annotations, and call nothing.
    flight = twenty_groups_two_conventions
    policy = dict(ENABLE, filters=[{"type": "flow-log-compliance", "match": "all"}])

    found = {v["VpcId"]: v for v in run_policy(policy, flight, tmp_path, dryrun=True)}

    assert counted(flight) == Counter({"DescribeFlowLogs": 1, "DescribeLogGroups": 1})
    ours, rules = vpc_id(0), vpc_id(1)
    assert described(found[ours]) == {"/vpc/flow-logs/%s" % ours: "/vpc/flow-logs/%s" % ours}
    assert described(found[rules]) == {
        "/aws/vpc/%s" % rules: "/aws/vpc/%s" % rules,
        "/vpc/flow-logs/%s" % rules: None,
    }
    assert [f[PROBLEMS] for f in found[rules][FLOW_LOGS]] == [[]]
    assert {v[PLAN]["outcome"] for v in found.values()} == {"skip"}
    assert len(found) == 20


def test_a_thousand_groups_under_two_conventions_cost_one_listing_each(
    thousand_groups_two_conventions, tmp_path
):
    flight = thousand_groups_two_conventions
    found = audit(flight, tmp_path)
    assert found == []
    pages = flight.params("logs.DescribeLogGroups")
    assert len(pages) == 20 == math.ceil(1000 / 50)
    prefixes = [p["logGroupNamePrefix"] for p in pages]
    assert (
        prefixes
        == ["/aws/vpc/vpc-05a17c3e9b2d40"] * 10 + ["/vpc/flow-logs/vpc-05a17c3e9b2d40"] * 10
    )
    # Two nextToken chains, one per listing.
    assert ["nextToken" in p for p in pages] == ([False] + [True] * 9) * 2
    # Above 200 VPCs the flow logs are listed unfiltered: still one page here.
    assert flight.params("ec2.DescribeFlowLogs") == [{}]


def test_names_sharing_no_prefix_are_looked_up_exactly_fifty_at_a_time(
    sixty_groups_no_shared_prefix, tmp_path
):
    flight = sixty_groups_no_shared_prefix
    found = audit(flight, tmp_path)
    names, existing = case_names("sixty_groups_no_shared_prefix")
    asked = flight.params("logs.DescribeLogGroups")
    assert [sorted(p) for p in asked] == [["logGroupIdentifiers"]] * 2
    assert [p["logGroupIdentifiers"] for p in asked] == [sorted(names)[:50], sorted(names)[50:]]
    # The two deleted groups read as missing, and nothing else does.
    assert compliance(found) == {vpc_id(i): ["log-group-missing"] for i in (7, 55)}
    assert set(names) - existing == {no_shared_prefix(i, vpc_id(i)) for i in (7, 55)}


@pytest.mark.parametrize(
    "names,expected",
    [
        # (listing prefixes, exact lookups) the cheaper provable way
        (["/vpc/flow-logs/vpc-1", "/vpc/flow-logs/vpc-2"], (["/vpc/flow-logs/vpc-"], 0)),
        # 2 conventions, ceil(2/50) = 1 call: exact
        (["/vpc/flow-logs/vpc-1", "/aws/vpc/vpc-2"], ([], 1)),
        # 3 conventions but ceil(3/50) = 1 call: exact
        (["alpha", "bravo", "/charlie"], ([], 1)),
        # tie (1 convention, 1 exact call): the listing, which every endpoint serves
        (["/team/a"], (["/team/a"], 0)),
        # 101 names under two conventions: 3 exact calls > 2 listings
        (["/a/%d" % n for n in range(51)] + ["/b/%d" % n for n in range(50)], (["/a/", "/b/"], 0)),
        # 101 names under 101 conventions: 3 exact calls
        (["%s-%d" % (c, n) for n in range(4) for c in "abcdefghijklmnopqrstuvwxyz"][:101], ([], 3)),
        ([], ([], 0)),
    ],
)
def test_lookup_takes_exact_names_only_when_that_is_provably_fewer_calls(names, expected):
    plan = plan_lookup(names)
    assert (list(plan.prefixes), len(plan.chunks)) == expected
    assert all(len(chunk) <= 50 for chunk in plan.chunks)
    assert {name for chunk in plan.chunks for name in chunk} == (
        set(names) if plan.chunks else set()
    )


# --- the same on the emulator, amid unrelated log groups --------------------------------


def seed(emulator, count, naming, unrelated, deleted=()):
    """count VPCs (the default one included), each with a flow log into naming(i, vpc);
    `unrelated` other log groups; the groups of `deleted` indexes removed afterwards."""
    seeded = seed_crowd(
        emulator,
        count,
        group_of=lambda i: functools.partial(naming, i),
        log_groups=[UNRELATED % i for i in range(unrelated)],
        workers=8,
    )
    ids = [one.vpc_id for one in seeded]
    names = [naming(i, v) for i, v in enumerate(ids)]
    for i in deleted:
        emulator.client("logs").delete_log_group(logGroupName=names[i])
    return ids, names


@pytest.mark.emulator
def test_on_the_emulator_1500_unrelated_groups_cost_no_call(emulator, tmp_path):
    ids, names = seed(emulator, 60, two_conventions, unrelated=1500)
    account_groups = emulator_groups(emulator)
    assert len(account_groups) == 1560
    # 60 names, 2 conventions: ceil(60/50) = 2 exact calls are no fewer, so two listings.
    session = RecordingSession("us-east-1")
    found = run_policy(AUDIT, session, tmp_path / "all")
    assert compliance(found) == {v: [] for v in ids}
    assert (
        check_claims(
            session, names, set(names), account_groups, {"inventory module": inventory.__doc__}
        )
        == 2
    )

    # 20 of them: one exact lookup on AWS; moto ignores the identifiers, which the first
    # page shows, so the audit lists the two conventions instead: 1 + 2 calls, not the
    # ceil(1,560 / 50) = 32 of a listing under the names' common prefix ('/').
    twenty = dict(
        AUDIT,
        filters=[{"type": "value", "key": "VpcId", "op": "in", "value": ids[:20]}]
        + AUDIT["filters"],
    )
    session = RecordingSession("us-east-1")
    found = run_policy(twenty, session, tmp_path / "twenty")
    assert compliance(found) == {v: [] for v in ids[:20]}
    assert counted(session) == Counter({"DescribeFlowLogs": 1, "DescribeLogGroups": 3})
    exact, *listings = session.params("logs.DescribeLogGroups")
    assert exact == {"logGroupIdentifiers": sorted(names[:20])}
    assert [p["logGroupNamePrefix"].rsplit("/", 1)[0] for p in listings] == [
        "/aws/vpc",
        "/vpc/flow-logs",
    ]


@pytest.mark.emulator
def test_on_the_emulator_ignored_identifiers_never_misjudge(emulator, tmp_path, caplog):
    # moto answers logGroupIdentifiers with every group; the audit notices and lists.
    ids, names = seed(emulator, 5, no_shared_prefix, unrelated=120, deleted=(3,))
    with caplog.at_level(logging.WARNING, logger="custodian.vpcflow"):
        found = run_policy(
            dict(AUDIT, filters=[{"type": "flow-log-compliance", "match": "non-compliant"}]),
            RecordingSession("us-east-1"),
            tmp_path,
        )
    assert compliance(found) == {ids[3]: ["log-group-missing"]}
    assert "ignored logGroupIdentifiers" in caplog.text
    assert not any(n.startswith("/aws/lambda") for n in names)


def emulator_groups(emulator):
    return [
        g["logGroupName"]
        for page in emulator.client("logs").get_paginator("describe_log_groups").paginate()
        for g in page["logGroups"]
    ]


# --- the stated formula against measured runs -------------------------------------------

FLOW_LOGS_CLAIM = re.compile(
    r"DescribeFlowLogs: one listing of ceil\(F/(\d+)\) pages \(at least one\), filtered "
    r"to the V VPCs when V is at most (\d+)"
)
LOG_GROUPS_CLAIM = re.compile(
    r"DescribeLogGroups: none when G is 0; ceil\(G/(\d+)\) exact lookups when that is fewer "
    r"than C; otherwise one listing per convention, ceil\(P/(\d+)\) pages \(at least one\) "
    r"for the P log groups whose names start with the longest prefix the convention's "
    r"names share"
)


def claim_sources():
    with open(AUDIT_PAGE) as f:
        page = f.read()
    return {
        "inventory module": inventory.__doc__,
        "docs/audit.md": page,
        "FlowLogCompliance": FlowLogCompliance.__doc__,
    }


def claimed_calls(text, vpcs, flow_logs, needed, account_groups):
    """{operation: calls} the formula in `text` predicts, and whether flow logs are filtered."""
    text = " ".join(text.replace("`", "").split())
    flows, groups = FLOW_LOGS_CLAIM.search(text), LOG_GROUPS_CLAIM.search(text)
    assert flows and groups, "no call-count formula in: %s..." % text[:300]
    flow_page, filter_limit = map(int, flows.groups())
    exact_batch, page = map(int, groups.groups())
    conventions = {}
    for name in needed:
        conventions.setdefault(name.rpartition("/")[0] or name, []).append(name)
    if not needed:
        lookups = 0
    elif math.ceil(len(needed) / exact_batch) < len(conventions):
        lookups = math.ceil(len(needed) / exact_batch)
    else:
        prefixes = [os.path.commonprefix(sorted(names)) for names in conventions.values()]
        lookups = sum(
            max(1, math.ceil(sum(g.startswith(p) for g in account_groups) / page)) for p in prefixes
        )
    return (
        {
            "DescribeFlowLogs": max(1, math.ceil(flow_logs / flow_page)),
            "DescribeLogGroups": lookups,
        },
        vpcs <= filter_limit,
    )


def check_claims(session, needed, existing, account_groups=None, sources=None):
    """Every source's formula predicts the calls measured; returns the log-group calls."""
    measured = counted(session)
    filtered = bool(session.params("ec2.DescribeFlowLogs")[0].get("Filter"))
    for source, text in (sources or claim_sources()).items():
        predicted, claims_filtered = claimed_calls(
            text,
            len(needed),
            len(needed),
            set(needed),
            existing if account_groups is None else account_groups,
        )
        assert (dict(measured), filtered) == (predicted, claims_filtered), source
    return measured["DescribeLogGroups"]


@pytest.mark.parametrize("source", ["inventory module", "docs/audit.md", "FlowLogCompliance"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_stated_call_count_formula_holds(source, case, request, tmp_path):
    flight = request.getfixturevalue(case)
    audit(flight, tmp_path)
    names, existing = case_names(case)
    check_claims(flight, names, existing, sources={source: claim_sources()[source]})
