"""flow-log-compliance on recorded AWS answers: paging, API budget, reasons, shared VPCs."""

import logging

import pytest

from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.vocabulary import FLOW_LOGS, LOG_GROUPS, PROBLEMS, VIOLATIONS
from support.policy import run_policy
from support.results import capture_resources, recorded

# filter_paging: VPCs on two DescribeVpcs pages, flow logs on three DescribeFlowLogs pages,
# log groups on two DescribeLogGroups pages.
PAGED = [
    "vpc-0a1b2c3d4e5f67890",
    "vpc-0b7e4f2a9c1d38e56",
    "vpc-0c3d9a8b7e6f51024",
    "vpc-04e5f6a7b8c9d0e1f",
    "vpc-05f8e7d6c5b4a3921",
    "vpc-06a2b4c6d8e0f1357",
]

# filter_reasons: one VPC per reason code (plus the compliant ones).
REASON_VPCS = {
    "missing": "vpc-0d1e2f3a4b5c6d7e8",
    "inactive": "vpc-0e2f3a4b5c6d7e8f9",
    "delivery": "vpc-0f3a4b5c6d7e8f901",
    "accept": "vpc-01b4c5d6e7f809a1b",
    "nogroup": "vpc-02c5d6e7f809a1b2c",
    "shortret": "vpc-03d6e7f809a1b2c3d",
    "neverexp": "vpc-07e7f809a1b2c3d4e",
    "s3": "vpc-08f809a1b2c3d4e5f",
    "good": "vpc-0918a2b3c4d5e6f70",
    "multi": "vpc-0a29b3c4d5e6f7081",
}

OWNED = "vpc-0a1b2c3d4e5f67890"
SHARED = "vpc-0f9e8d7c6b5a43210"


@pytest.fixture
def filter_paging(flight_data):
    return flight_data("filter_paging")


def audit(**options):
    return {
        "name": "vpc-flow-logs-audit",
        "resource": "aws.vpc",
        "filters": [dict({"type": "flow-log-compliance"}, **options)],
    }


def violations(resources):
    return {r["VpcId"]: r[VIOLATIONS] for r in resources}


def test_items_from_every_page_of_vpcs_flow_logs_and_log_groups_are_judged(
    flight_data, filter_paging, tmp_path
):
    found = run_policy(audit(), filter_paging, tmp_path / "nc")
    # A flow log or log group seen only on a later page would otherwise read as missing.
    assert violations(found) == {PAGED[4]: ["missing"], PAGED[5]: ["log-group-missing"]}

    sound = run_policy(audit(match="compliant"), flight_data("filter_paging"), tmp_path / "c")
    assert violations(sound) == {v: [] for v in PAGED[:4]}
    by_id = {r["VpcId"]: r for r in sound}
    # Its broken flow log is on page 1, its sound one on page 3.
    assert sorted(f["FlowLogId"] for f in by_id[PAGED[3]][FLOW_LOGS]) == [
        "fl-01a2b3c4d5e6f7081",
        "fl-05e6f708192a3b4c5",
    ]


def test_one_paginated_flow_log_listing_and_at_most_one_log_group_listing_for_six_vpcs(
    filter_paging, tmp_path
):
    flight = filter_paging
    run_policy(audit(), flight, tmp_path)

    assert flight.operations() == [
        "ec2.DescribeVpcs",
        "ec2.DescribeVpcs",
        "sts.GetCallerIdentity",
        "ec2.DescribeFlowLogs",
        "ec2.DescribeFlowLogs",
        "ec2.DescribeFlowLogs",
        "logs.DescribeLogGroups",
        "logs.DescribeLogGroups",
        # Two of the six are non-compliant: one listing asks about those two alone.
        "ec2.DescribeNetworkInterfaces",
    ]
    [interfaces] = flight.params("ec2.DescribeNetworkInterfaces")
    assert interfaces["Filters"] == [{"Name": "vpc-id", "Values": sorted(PAGED[4:])}]
    flow_pages = flight.params("ec2.DescribeFlowLogs")
    tokens = [
        recorded("filter_paging", "ec2.DescribeFlowLogs_%d.json" % n)["NextToken"] for n in (1, 2)
    ]
    assert [p.get("NextToken") for p in flow_pages] == [None] + tokens
    # The pages of one listing: the same query each time, covering every owned VPC.
    assert all(p.get("Filter") == flow_pages[0].get("Filter") for p in flow_pages)
    listed = {v for f in flow_pages[0].get("Filter", ()) for v in f["Values"]}
    assert not flow_pages[0].get("Filter") or listed == set(PAGED)

    group_pages = flight.params("logs.DescribeLogGroups")
    token = recorded("filter_paging", "logs.DescribeLogGroups_1.json")["nextToken"]
    assert [p.get("nextToken") for p in group_pages] == [None, token]
    prefix = group_pages[0].get("logGroupNamePrefix", "")
    assert all(p.get("logGroupNamePrefix", "") == prefix for p in group_pages)
    # One listing for all the VPCs, not a probe per log group.
    assert not any(v in prefix for v in PAGED)


# Reasons found whatever the optional keys: status, delivery, traffic type, log group.
ALWAYS_JUDGED = {
    REASON_VPCS["missing"]: ["missing"],
    REASON_VPCS["inactive"]: ["inactive"],
    REASON_VPCS["delivery"]: ["delivery-failed"],
    REASON_VPCS["accept"]: ["traffic-type"],
    REASON_VPCS["nogroup"]: ["log-group-missing"],
}


def test_each_problem_is_annotated_with_its_reason_code(filter_reasons, tmp_path):
    found = run_policy(
        audit(**{"min-retention-days": 365, "destination-types": ["cloud-watch-logs"]}),
        filter_reasons,
        tmp_path,
    )

    v = REASON_VPCS
    assert violations(found) == dict(
        ALWAYS_JUDGED,
        **{
            v["shortret"]: ["retention"],
            v["s3"]: ["destination-type"],
            v["multi"]: ["traffic-type", "retention"],
        },
    )
    failed = {r["VpcId"]: r for r in found}[v["delivery"]][FLOW_LOGS]
    assert [f["DeliverLogsErrorMessage"] for f in failed] == ["Access error"]


def test_each_flow_log_carries_its_own_reason_codes_and_each_vpc_the_groups_they_name(
    filter_reasons, tmp_path
):
    found = {
        r["VpcId"]: r
        for r in run_policy(
            audit(**{"min-retention-days": 365, "destination-types": ["cloud-watch-logs"]}),
            filter_reasons,
            tmp_path,
        )
    }

    v = REASON_VPCS
    assert [f[PROBLEMS] for f in found[v["multi"]][FLOW_LOGS]] == [["traffic-type", "retention"]]
    assert [f[PROBLEMS] for f in found[v["s3"]][FLOW_LOGS]] == [["destination-type"]]
    assert found[v["nogroup"]][LOG_GROUPS] == {"/vpc/flow-logs/%s" % v["nogroup"]: None}
    short = "/vpc/flow-logs/%s" % v["shortret"]
    assert found[v["shortret"]][LOG_GROUPS][short]["retentionInDays"] == 90
    assert (found[v["missing"]][FLOW_LOGS], found[v["missing"]][LOG_GROUPS]) == ([], {})
    assert found[v["s3"]][LOG_GROUPS] == {}


def test_match_compliant_returns_only_sound_vpcs_and_never_expire_is_long_enough(
    filter_reasons, tmp_path
):
    found = run_policy(
        audit(
            match="compliant",
            **{"min-retention-days": 365, "destination-types": ["cloud-watch-logs"]},
        ),
        filter_reasons,
        tmp_path,
    )

    assert violations(found) == {REASON_VPCS["neverexp"]: [], REASON_VPCS["good"]: []}


def test_retention_and_destination_type_are_judged_only_when_asked(filter_reasons, tmp_path):
    found = run_policy(audit(), filter_reasons, tmp_path)

    assert violations(found) == dict(ALWAYS_JUDGED, **{REASON_VPCS["multi"]: ["traffic-type"]})


def test_shared_vpc_is_neither_matched_nor_annotated_and_its_skip_is_logged(
    shared_vpc, tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG, logger="custodian.vpcflow")
    seen = capture_resources(monkeypatch, FlowLogCompliance)
    flight = shared_vpc

    found = run_policy(audit(), flight, tmp_path)

    assert violations(found) == {OWNED: ["missing"]}
    shared = [r for r in seen[0] if r["VpcId"] == SHARED]
    assert shared and VIOLATIONS not in shared[0] and FLOW_LOGS not in shared[0]
    assert "ec2.DescribeFlowLogs" not in flight.mentioning(SHARED)
    skips = [r for r in caplog.records if SHARED in r.getMessage()]
    assert skips and all(r.levelno == logging.DEBUG for r in skips)
    assert "210987654321" in skips[0].getMessage()
