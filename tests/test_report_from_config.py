"""The organisation's verdicts read from an AWS Config aggregator (report --from-config):
paged per account and region, reasons parsed back from the annotations, into the records
the report's rows are built from (recorded AWS answers)."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from c7n_vpcflow.report.aggregator import DEFAULT_RULE, read_aggregator
from c7n_vpcflow.report.rows import Terms, account_rows
from c7n_vpcflow.report.text import as_json
from c7n_vpcflow.vocabulary import Standing

AGGREGATOR = "org-aggregator"
A, B = "111111111111", "222222222222"
LATEST = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
TERMS = Terms(now=LATEST + timedelta(hours=1), max_age=None)


@pytest.fixture
def aggregator(flight_data):
    """Three account-regions (two pages): A/eu-west-1 judged with ACCEPT among its traffic
    types; A/us-east-1 on two pages from two runs, one annotation cut; B/us-east-1 holding
    an evaluation c7n-vpcflow did not write."""
    return flight_data("aggregator_org")


def read(flight):
    return read_aggregator(flight.session.client("config"), AGGREGATOR)


def rows_by_region(runs):
    rows, _notes = account_rows(runs, terms=TERMS)
    return {(r.account_id, r.region): r for r in rows}


def test_every_account_region_of_the_rule_is_read_page_by_page(aggregator):
    runs, _notes = read(aggregator)
    assert [(r.account_id, r.region) for r in runs] == [
        (A, "eu-west-1"), (A, "us-east-1"), (B, "us-east-1")]
    listings = aggregator.params("config.DescribeAggregateComplianceByConfigRules")
    assert [p.get("NextToken") for p in listings] == [None, "page-2-of-rules"]
    assert {p["Filters"]["ConfigRuleName"] for p in listings} == {DEFAULT_RULE}
    details = aggregator.params("config.GetAggregateComplianceDetailsByConfigRule")
    assert [(p["AccountId"], p["AwsRegion"], p.get("NextToken")) for p in details] == [
        (A, "eu-west-1", None), (A, "us-east-1", None), (A, "us-east-1", "page-2-of-details"),
        (B, "us-east-1", None)]
    assert {p["Limit"] for p in details} == {100}
    assert {p["ConfigurationAggregatorName"] for p in listings + details} == {AGGREGATOR}


def test_reasons_and_flow_logs_are_parsed_back_from_the_annotations(aggregator):
    runs, _notes = read(aggregator)
    verdicts = {v["vpc-id"]: v for v in runs[1].verdicts["judged"]}
    assert verdicts["vpc-0a0000000000000a1"] == {
        "vpc-id": "vpc-0a0000000000000a1", "name": None, "compliant": False,
        "violations": ["inactive", "delivery-failed"], "flow-log-ids": ["fl-0a00000000000001b"],
        "flow-logs": [{"id": "fl-0a00000000000001b", "managed-by": "cloudwatch-telemetry-rule"}]}
    assert verdicts["vpc-0a0000000000000a3"]["violations"] == ["missing"]
    row = rows_by_region(runs)[(A, "us-east-1")]
    assert (row.standing, row.vpcs, row.non_compliant) == (Standing.JUDGED, 3, 2)
    assert dict(row.reasons) == {"inactive": 1, "delivery-failed": 1, "missing": 1}


def test_a_cut_annotation_names_only_its_whole_flow_logs_and_says_so(aggregator):
    runs, notes = read(aggregator)
    cut = {v["vpc-id"]: v for v in runs[1].verdicts["judged"]}["vpc-0a0000000000000a2"]
    assert cut["compliant"] and 0 < len(cut["flow-log-ids"]) < 10
    assert all(len(i) == len("fl-0a000000000000000") for i in cut["flow-log-ids"])
    assert any("vpc-0a0000000000000a2: its annotation was cut" in n for n in notes)


def test_an_account_region_is_dated_by_its_oldest_evaluation(aggregator):
    runs, notes = read(aggregator)
    assert runs[1].started == LATEST - timedelta(days=1)
    assert "%s/us-east-1: evaluations of 2 runs of rule %s; dated by the oldest" % (
        A, DEFAULT_RULE) in "\n".join(notes)
    # --max-age 24h: the latest evaluations are an hour old, the oldest 25 hours.
    rows, _ = account_rows(runs, terms=Terms(now=LATEST + timedelta(hours=1),
                                             max_age=timedelta(hours=24)))
    assert {(r.account_id, r.region): r.standing for r in rows}[(A, "us-east-1")] \
        == Standing.STALE


def test_a_verdict_judged_with_accept_is_weaker_than_cis(aggregator):
    runs, _notes = read(aggregator)
    assert runs[0].verdicts["settings"]["traffic-types"] == ["ACCEPT", "ALL", "REJECT"]
    assert rows_by_region(runs)[(A, "eu-west-1")].standing == Standing.WEAKER


def test_an_evaluation_the_plugin_did_not_write_leaves_its_account_region_not_judged(
        aggregator):
    runs, _notes = read(aggregator)
    row = rows_by_region(runs)[(B, "us-east-1")]
    assert not row.judged and row.vpcs is None
    assert "vpc-0b0000000000000b1" in row.cause and "not c7n-vpcflow's" in row.cause


def test_the_records_render_as_the_report_does(aggregator):
    runs, _notes = read(aggregator)
    rows, _ = account_rows(runs, terms=TERMS)
    report = json.loads(as_json(rows, TERMS))
    assert {(r["account-id"], r["region"]): r["standing"] for r in report["accounts"]} == {
        (A, "eu-west-1"): "weaker", (A, "us-east-1"): "judged", (B, "us-east-1"): "not-judged"}
    assert sorted(v["vpc-id"] for v in report["vpcs"]) == [
        "vpc-0a0000000000000a1", "vpc-0a0000000000000a2", "vpc-0a0000000000000a3"]
