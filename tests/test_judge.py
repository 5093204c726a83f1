"""How one VPC's flow logs are judged against the rules, from what the account holds (no AWS)."""

import pytest

from c7n_vpcflow.audit.inventory import Inventory
from c7n_vpcflow.audit.judge import Rules, judgement, retention_enough
from c7n_vpcflow.vocabulary import VIOLATIONS

VPC_ID = "vpc-0a1b2c3d4e5f67890"
GROUP = "/vpc/flow-logs/%s" % VPC_ID


def flow_log(
    flow_log_id="fl-1",
    status="ACTIVE",
    delivery="SUCCESS",
    traffic="ALL",
    destination_type="cloud-watch-logs",
    group=GROUP,
):
    f = {
        "FlowLogId": flow_log_id,
        "ResourceId": VPC_ID,
        "FlowLogStatus": status,
        "DeliverLogsStatus": delivery,
        "TrafficType": traffic,
        "LogDestinationType": destination_type,
    }
    if destination_type == "cloud-watch-logs":
        f["LogGroupName"] = group
    else:
        f["LogDestination"] = "arn:aws:s3:::org-flow-logs"
    return f


def group(name=GROUP, retention=None):
    g = {"logGroupName": name}
    if retention is not None:
        g["retentionInDays"] = retention
    return g


def judged(flow_logs, groups=None, **rules):
    inventory = Inventory(list(flow_logs), list(groups if groups is not None else [group()]))
    return judgement(VPC_ID, inventory, Rules(**rules))[VIOLATIONS]


def test_a_vpc_without_flow_logs_is_missing_them():
    assert judged([]) == ["missing"]


def test_a_sound_flow_log_into_an_existing_group_is_compliant():
    assert judged([flow_log()]) == []


@pytest.mark.parametrize(
    "problem,reason",
    [
        ({"status": "INACTIVE"}, "inactive"),
        ({"delivery": "FAILED"}, "delivery-failed"),
        ({"traffic": "ACCEPT"}, "traffic-type"),
        ({"group": "/vpc/flow-logs/gone"}, "log-group-missing"),
    ],
    ids=["inactive", "delivery-failed", "traffic-type", "log-group-missing"],
)
def test_each_problem_of_a_flow_log_is_named_by_its_reason(problem, reason):
    assert judged([flow_log(**problem)]) == [reason]


def test_reject_only_traffic_is_enough_by_default_and_accept_only_is_not():
    assert judged([flow_log(traffic="REJECT")]) == []
    assert judged([flow_log(traffic="ACCEPT")]) == ["traffic-type"]
    assert judged([flow_log(traffic="REJECT")], traffic_types=frozenset(["ALL"])) == [
        "traffic-type"
    ]


def test_retention_is_judged_only_when_a_minimum_is_asked():
    short = [group(retention=30)]
    assert judged([flow_log()], short) == []
    assert judged([flow_log()], short, min_retention_days=365) == ["retention"]
    assert judged([flow_log()], [group(retention=365)], min_retention_days=365) == []


def test_a_group_that_never_expires_keeps_enough_for_any_minimum():
    assert judged([flow_log()], [group(retention=None)], min_retention_days=3653) == []
    assert retention_enough({"logGroupName": GROUP}, 3653)
    assert not retention_enough({"logGroupName": GROUP, "retentionInDays": 1}, 7)


def test_destination_type_is_judged_only_when_asked():
    to_s3 = [flow_log(destination_type="s3")]
    assert judged(to_s3) == []
    assert judged(to_s3, destination_types=frozenset(["cloud-watch-logs"])) == ["destination-type"]
    assert judged(to_s3, destination_types=frozenset(["s3"])) == []


def test_a_flow_log_to_s3_needs_no_log_group():
    assert judged([flow_log(destination_type="s3")], groups=()) == []


def test_one_sound_flow_log_makes_the_vpc_compliant_beside_broken_ones():
    assert judged([flow_log("fl-1", status="INACTIVE"), flow_log("fl-2")]) == []


def test_the_problems_of_every_flow_log_are_reported_once_in_canonical_order():
    reasons = judged(
        [
            flow_log("fl-1", group="/vpc/flow-logs/gone", traffic="ACCEPT"),
            flow_log("fl-2", status="INACTIVE", delivery="FAILED", destination_type="s3"),
            flow_log("fl-3", delivery="FAILED"),
        ],
        [group(retention=1)],
        min_retention_days=7,
        destination_types=frozenset(["cloud-watch-logs"]),
    )
    assert reasons == [
        "inactive",
        "delivery-failed",
        "traffic-type",
        "log-group-missing",
        "retention",
        "destination-type",
    ]


def test_retention_comes_after_the_log_group_and_before_the_destination_type():
    reasons = judged(
        [
            flow_log("fl-1", group=GROUP, traffic="ACCEPT"),
            flow_log("fl-2", destination_type="kinesis-data-firehose"),
        ],
        [group(retention=1)],
        min_retention_days=7,
        destination_types=frozenset(["cloud-watch-logs"]),
    )
    assert reasons == ["traffic-type", "retention", "destination-type"]


def test_a_flow_log_without_a_destination_type_writes_to_cloudwatch_logs():
    bare = flow_log()
    del bare["LogDestinationType"]
    assert judged([bare], groups=()) == ["log-group-missing"]
    assert judged([bare], destination_types=frozenset(["cloud-watch-logs"])) == []
