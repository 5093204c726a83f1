"""One AWS Config evaluation per VPC from the filter's annotations, and the annotation
grammar the rule writes and the report reads back (pure: no AWS)."""

from datetime import datetime, timezone

import pytest

from c7n_vpcflow.evaluations.annotation import (
    MAX_ANNOTATION,
    NotOurs,
    parse_verdict,
    verdict_annotation,
)
from c7n_vpcflow.evaluations.records import evaluations
from c7n_vpcflow.vocabulary import (
    EXEMPTION,
    EXEMPTION_EXPIRED,
    FLOW_LOGS,
    MANAGED_BY,
    MISSING,
    REASONS,
    VIOLATIONS,
)

JUDGED_AT = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
CIS = {
    "match": "all",
    "traffic-types": ["ALL", "REJECT"],
    "min-retention-days": None,
    "destination-types": None,
}
STRICTEST = {
    "match": "all",
    "traffic-types": ["ACCEPT", "ALL", "REJECT"],
    "min-retention-days": 3653,
    "destination-types": ["cloud-watch-logs", "kinesis-data-firehose", "s3"],
}


def judged(vpc_id, violations, *flow_logs):
    return {
        "VpcId": vpc_id,
        "OwnerId": "123456789012",
        VIOLATIONS: list(violations),
        FLOW_LOGS: [{"FlowLogId": f, MANAGED_BY: m} for f, m in flow_logs],
    }


def test_a_non_compliant_vpc_names_its_reasons_and_flow_logs():
    [found] = evaluations(
        [judged("vpc-0a1", ["inactive", "delivery-failed"], ("fl-0b1", "other"))],
        [],
        CIS,
        JUDGED_AT,
    )
    assert found == {
        "ComplianceResourceType": "AWS::EC2::VPC",
        "ComplianceResourceId": "vpc-0a1",
        "ComplianceType": "NON_COMPLIANT",
        "OrderingTimestamp": JUDGED_AT,
        "Annotation": "non-compliant: inactive, delivery-failed; judged with: traffic-types "
        "ALL/REJECT; flow logs: fl-0b1 (other)",
    }


def test_a_compliant_vpc_names_the_flow_logs_that_make_it_so():
    [found] = evaluations([judged("vpc-0a1", [], ("fl-0c1", "c7n-vpcflow"))], [], CIS, JUDGED_AT)
    assert (found["ComplianceType"], found["Annotation"]) == (
        "COMPLIANT",
        "compliant; judged with: traffic-types ALL/REJECT; flow logs: fl-0c1 (c7n-vpcflow)",
    )


def test_a_shared_vpc_is_not_applicable_and_comes_after_the_judged():
    found = evaluations(
        [judged("vpc-0a1", [MISSING])],
        [{"VpcId": "vpc-0f9", "OwnerId": "444455556666"}],
        CIS,
        JUDGED_AT,
    )
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in found] == [
        ("vpc-0a1", "NON_COMPLIANT"),
        ("vpc-0f9", "NOT_APPLICABLE"),
    ]
    assert found[1]["Annotation"] == (
        "shared by account 444455556666: only its owner can add flow logs"
    )


def exemption(status, ticket="EXC-42"):
    """The filter's record of a register entry (c7n:flow-log-exemption)."""
    return {
        "vpc-id": "vpc-0a1",
        "account-id": None,
        "region": None,
        "reason": "lab network",
        "approved-by": "jane.doe@example.com",
        "ticket": ticket,
        "expires": "2026-12-31",
        "entry": 3,
        "status": status,
    }


def test_an_exempt_vpc_is_not_applicable_naming_the_exemption_as_the_filter_annotated_it():
    vpc = dict(judged("vpc-0a1", [MISSING]), **{EXEMPTION: exemption("exempt")})
    [found] = evaluations([vpc], [], CIS, JUDGED_AT)
    assert (found["ComplianceType"], found["Annotation"]) == (
        "NOT_APPLICABLE",
        "exempt until 2026-12-31: lab network; approved by jane.doe@example.com; ticket EXC-42",
    )
    expired = dict(
        judged("vpc-0a1", [MISSING, EXEMPTION_EXPIRED]),
        **{EXEMPTION: exemption("expired", ticket=None)},
    )
    [found] = evaluations([expired], [], CIS, JUDGED_AT)
    assert found["ComplianceType"] == "NON_COMPLIANT"
    assert parse_verdict(found["Annotation"]).violations == (MISSING, EXEMPTION_EXPIRED)


def test_a_long_annotation_is_cut_to_256_characters_ending_with_an_ellipsis():
    flow_logs = [("fl-%017x" % i, "c7n-vpcflow") for i in range(12)]
    text = verdict_annotation(["traffic-type", "retention"], STRICTEST, flow_logs)
    assert len(text) == MAX_ANNOTATION and text.endswith("…")
    verdict = parse_verdict(text)
    assert verdict.cut and verdict.violations == ("traffic-type", "retention")
    # Only whole ids are read back, in order.
    assert 0 < len(verdict.flow_logs) < 12
    assert list(verdict.flow_logs) == flow_logs[: len(verdict.flow_logs)]


def test_the_verdict_and_its_settings_always_fit_whole():
    every_reason_a_flow_log_can_have = [r for r in REASONS if r != MISSING]
    text = verdict_annotation(
        every_reason_a_flow_log_can_have, STRICTEST, [("fl-0123456789abcdef0", "other")] * 3
    )
    verdict = parse_verdict(text)
    assert verdict.violations == tuple(every_reason_a_flow_log_can_have)
    assert verdict.settings == {
        "traffic-types": ["ACCEPT", "ALL", "REJECT"],
        "min-retention-days": 3653,
        "destination-types": STRICTEST["destination-types"],
    }


@pytest.mark.parametrize(
    "violations, settings, flow_logs",
    [
        ((), CIS, [("fl-0c1", "c7n-vpcflow"), ("fl-0c2", "cloudwatch-telemetry-rule")]),
        ((MISSING,), CIS, []),
        (("retention",), dict(CIS, **{"min-retention-days": 365}), [("fl-0c1", "other")]),
    ],
    ids=["compliant", "missing", "retention"],
)
def test_an_annotation_reads_back_as_written(violations, settings, flow_logs):
    verdict = parse_verdict(verdict_annotation(violations, settings, flow_logs))
    assert (verdict.violations, verdict.flow_logs, verdict.cut) == (
        tuple(violations),
        tuple(flow_logs),
        False,
    )
    assert verdict.settings == {k: v for k, v in settings.items() if k != "match" and v is not None}


@pytest.mark.parametrize(
    "annotation",
    [
        "The resource is compliant with policy:vpc-flow-logs.",
        "non-compliant: sleepy; judged with: traffic-types ALL; flow logs: none",
        "compliant; judged with: colour blue; flow logs: none",
        "compliant; judged with: traffic-types ALL; flow logs: somewhere",
        "",
        None,
    ],
    ids=["custodian-stock", "unknown-reason", "unknown-setting", "not-a-flow-log", "empty", "none"],
)
def test_an_annotation_this_grammar_did_not_write_is_not_ours(annotation):
    with pytest.raises(NotOurs):
        parse_verdict(annotation)
