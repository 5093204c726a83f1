"""The organisation's verdicts read from an AWS Config aggregator (report --from-config):
paged per account and region, reasons parsed back from the annotations, into the records
the report's rows are built from (recorded AWS answers); and the command, whose own config
client meets those answers on the wire (the emulator has no aggregator), printing the same
report with the same exit codes."""

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from c7n_vpcflow.cli import main
from c7n_vpcflow.report.aggregator import DEFAULT_RULE, read_aggregator
from c7n_vpcflow.report.rows import Terms, account_rows
from c7n_vpcflow.report.text import as_json
from c7n_vpcflow.vocabulary import Standing
from localaws.wire import aws_json
from support.constants import REGIONS

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
        (A, "eu-west-1"),
        (A, "us-east-1"),
        (B, "us-east-1"),
    ]
    listings = aggregator.params("config.DescribeAggregateComplianceByConfigRules")
    assert [p.get("NextToken") for p in listings] == [None, "page-2-of-rules"]
    assert {p["Filters"]["ConfigRuleName"] for p in listings} == {DEFAULT_RULE}
    details = aggregator.params("config.GetAggregateComplianceDetailsByConfigRule")
    assert [(p["AccountId"], p["AwsRegion"], p.get("NextToken")) for p in details] == [
        (A, "eu-west-1", None),
        (A, "us-east-1", None),
        (A, "us-east-1", "page-2-of-details"),
        (B, "us-east-1", None),
    ]
    assert {p["Limit"] for p in details} == {100}
    assert {p["ConfigurationAggregatorName"] for p in listings + details} == {AGGREGATOR}


def test_reasons_and_flow_logs_are_parsed_back_from_the_annotations(aggregator):
    runs, _notes = read(aggregator)
    verdicts = {v["vpc-id"]: v for v in runs[1].verdicts["judged"]}
    assert verdicts["vpc-0a0000000000000a1"] == {
        "vpc-id": "vpc-0a0000000000000a1",
        "name": None,
        "compliant": False,
        "violations": ["inactive", "delivery-failed"],
        "flow-log-ids": ["fl-0a00000000000001b"],
        "flow-logs": [{"id": "fl-0a00000000000001b", "managed-by": "cloudwatch-telemetry-rule"}],
    }
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
        A,
        DEFAULT_RULE,
    ) in "\n".join(notes)
    # --max-age 24h: the latest evaluations are an hour old, the oldest 25 hours.
    rows, _ = account_rows(
        runs, terms=Terms(now=LATEST + timedelta(hours=1), max_age=timedelta(hours=24))
    )
    assert {(r.account_id, r.region): r.standing for r in rows}[(A, "us-east-1")] == Standing.STALE


def test_a_verdict_judged_with_accept_is_weaker_than_cis(aggregator):
    runs, _notes = read(aggregator)
    assert runs[0].verdicts["settings"]["traffic-types"] == ["ACCEPT", "ALL", "REJECT"]
    assert rows_by_region(runs)[(A, "eu-west-1")].standing == Standing.WEAKER


def test_an_evaluation_the_plugin_did_not_write_leaves_its_account_region_not_judged(aggregator):
    runs, _notes = read(aggregator)
    row = rows_by_region(runs)[(B, "us-east-1")]
    assert not row.judged and row.vpcs is None
    assert "vpc-0b0000000000000b1" in row.cause and "not c7n-vpcflow's" in row.cause


def test_the_records_render_as_the_report_does(aggregator):
    runs, _notes = read(aggregator)
    rows, _ = account_rows(runs, terms=TERMS)
    report = json.loads(as_json(rows, TERMS))
    assert {(r["account-id"], r["region"]): r["standing"] for r in report["accounts"]} == {
        (A, "eu-west-1"): "weaker",
        (A, "us-east-1"): "judged",
        (B, "us-east-1"): "not-judged",
    }
    assert sorted(v["vpc-id"] for v in report["vpcs"]) == [
        "vpc-0a0000000000000a1",
        "vpc-0a0000000000000a2",
        "vpc-0a0000000000000a3",
    ]


# -- `c7n-vpcflow report --from-config`: its own config client, answered on the wire -----


def report_from_config(capsys, *args):
    """(exit code, stdout, stderr lines) of the report read from AGGREGATOR."""
    code = main(["report", "--from-config", AGGREGATOR, "--workers", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


@pytest.mark.parametrize("form", ["md", "csv", "json", "html"])
def test_the_command_prints_the_same_report_in_every_format(config_answers, capsys, form):
    proxy = config_answers("aggregator_org")
    code, out, err = report_from_config(capsys, "--format", form, "--max-age", "none")

    # B/us-east-1 holds an evaluation c7n-vpcflow did not write: not judged.
    assert code == 3
    assert err[-1] == "c7n-vpcflow report: exit 3: some account-region was not judged"
    assert any("vpc-0a0000000000000a2: its annotation was cut" in line for line in err)
    places = ((A, "eu-west-1"), (A, "us-east-1"), (B, "us-east-1"))
    if form in ("md", "csv"):  # a row each
        for account_id, region in places:
            assert any(account_id in line and region in line for line in out.splitlines())
    if form == "json":
        assert {
            (r["account-id"], r["region"]): r["standing"] for r in json.loads(out)["accounts"]
        } == {
            (A, "eu-west-1"): "weaker",
            (A, "us-east-1"): "judged",
            (B, "us-east-1"): "not-judged",
        }
    if form == "html":
        assert "AWS Config aggregator %s (rule %s)" % (AGGREGATOR, DEFAULT_RULE) in out
        assert A in out and B in out
    assert {c.region for c in proxy.calls_of("GetAggregateComplianceDetailsByConfigRule")} == {
        "us-east-1"
    }  # the aggregator's region: the environment's


@pytest.mark.parametrize("case, code", [("clean", 0), ("non-compliant", 1)])
def test_the_gate_is_the_reports_with_the_same_exit_codes(config_answers, capsys, case, code):
    config_answers("test_the_gate_is_the_reports_with_the_same_exit_codes/" + case)
    shown, out, _err = report_from_config(capsys, "--format", "json", "--max-age", "none")
    assert shown == code
    [row] = json.loads(out)["accounts"]
    assert (row["vpcs"], row["non-compliant"]) == (2, code)


def test_rule_names_the_rule_read(config_answers, capsys):
    proxy = config_answers("aggregator_org")
    report_from_config(capsys, "--rule", "org-vpc-flow-logs", "--max-age", "none")
    [first, *_] = proxy.calls_of("DescribeAggregateComplianceByConfigRules")
    assert first.params["Filters"] == {"ConfigRuleName": "org-vpc-flow-logs"}
    assert {
        c.params["ConfigRuleName"]
        for c in proxy.calls_of("GetAggregateComplianceDetailsByConfigRule")
    } == {"org-vpc-flow-logs"}


def test_a_missing_aggregator_is_one_line_and_a_usage_error(config_answers, capsys):
    config_answers("test_a_missing_aggregator_is_one_line_and_a_usage_error")
    code, out, err = report_from_config(capsys)
    assert (code, out) == (2, "")
    assert err == [
        "c7n-vpcflow report: AWS Config in us-east-1 has no configuration aggregator "
        "%s (run in the aggregator's region: AWS_REGION)" % AGGREGATOR
    ]


def test_a_reader_refused_access_is_told_what_it_needs(config_answers, capsys):
    config_answers("test_a_reader_refused_access_is_told_what_it_needs")
    code, out, [line] = report_from_config(capsys)
    assert (code, out) == (2, "")
    assert line.startswith(
        "c7n-vpcflow report: AWS Config in us-east-1: AccessDeniedException: "
        "User: arn:aws:sts::111111111111:assumed-role/Auditor/auditor is not"
    )
    assert line.endswith(
        "reading the aggregator takes "
        "config:DescribeAggregateComplianceByConfigRules and "
        "config:GetAggregateComplianceDetailsByConfigRule on it"
    )


@pytest.mark.parametrize(
    "args, why",
    [
        (
            ["out", "--from-config", AGGREGATOR],
            "give OUT (evidence folders) or --from-config AGGREGATOR (one of them)",
        ),
        ([], "give OUT (evidence folders) or --from-config AGGREGATOR (one of them)"),
        (["out", "--rule", "r"], "--rule names the rule --from-config reads"),
        (["--from-config", AGGREGATOR, "--require-lock"], "--require-lock reads the S3 Object"),
    ],
    ids=["both", "neither", "rule-alone", "require-lock"],
)
def test_arguments_that_cannot_make_a_report_are_one_line_before_any_call(capsys, args, why):
    code = main(["report", *args])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert line.startswith("c7n-vpcflow report: " + why)


def generated_org(places, delay=0.05):
    """A proxy rule answering AWS Config as an aggregator of `places` (account, region),
    each holding one compliant VPC named after it; each details answer takes `delay`."""

    def evaluation(account_id, region):
        vpc = "vpc-0%s%s" % (account_id[-4:], "%012x" % REGIONS.index(region))
        return {
            "EvaluationResultIdentifier": {
                "EvaluationResultQualifier": {
                    "ConfigRuleName": DEFAULT_RULE,
                    "ResourceType": "AWS::EC2::VPC",
                    "ResourceId": vpc,
                },
                "OrderingTimestamp": LATEST,
            },
            "ComplianceType": "COMPLIANT",
            "AccountId": account_id,
            "AwsRegion": region,
            "Annotation": "compliant; judged with: traffic-types ALL/REJECT; flow logs: "
            "fl-0%s (c7n-vpcflow)" % vpc[5:],
        }

    def rule(call):
        if call.service != "config":
            return None
        if call.operation == "DescribeAggregateComplianceByConfigRules":
            return aws_json(
                call,
                200,
                {
                    "AggregateComplianceByConfigRules": [
                        {
                            "ConfigRuleName": DEFAULT_RULE,
                            "AccountId": account_id,
                            "AwsRegion": region,
                            "Compliance": {"ComplianceType": "COMPLIANT"},
                        }
                        for account_id, region in places
                    ]
                },
            )
        time.sleep(delay)
        return aws_json(
            call,
            200,
            {
                "AggregateEvaluationResults": [
                    evaluation(call.params["AccountId"], call.params["AwsRegion"])
                ]
            },
        )

    return rule


def test_workers_read_account_regions_at_once_each_its_own(fault_proxy, capsys):
    places = [("%012d" % (100000000000 + n), region) for n in range(10) for region in REGIONS]
    fault_proxy.rules.append(generated_org(places))

    code = main(
        [
            "report",
            "--from-config",
            AGGREGATOR,
            "--workers",
            "8",
            "--format",
            "json",
            "--max-age",
            "none",
        ]
    )

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert sorted((r["account-id"], r["region"]) for r in report["accounts"]) == sorted(places)
    assert all(r["vpcs"] == 1 and r["judged"] for r in report["accounts"])
    for vpc in report["vpcs"]:
        assert vpc["vpc-id"] == "vpc-0%s%012x" % (
            vpc["account-id"][-4:],
            REGIONS.index(vpc["region"]),
        )
    assert len(fault_proxy.calls_of("GetAggregateComplianceDetailsByConfigRule")) == 20
    assert 1 < fault_proxy.peak_in_flight <= 8
