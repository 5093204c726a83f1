"""flow-log-cost on recorded AWS answers (tests/support/cost_flights.py): each VPC annotated
with what its log group ingested and stores (measured) and costs a month (estimated), or why
it was not measured; one GetMetricData per 500 log groups on top of the audit; a shared log
group counted once; `over`, `prices`; failures named per VPC after every VPC is annotated."""

import json
import logging
import math
from collections import Counter

import pytest
from c7n.exceptions import PolicyValidationError
from c7n.resources import load_resources
from c7n.schema import validate

from c7n_vpcflow.audit.cost_filter import CostNotMeasured
from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.cost.account_region import usage_of
from c7n_vpcflow.cost.model import DAYS_A_MONTH, cost
from c7n_vpcflow.report.checks import file_problem
from c7n_vpcflow.vocabulary import COST, COST_FILE
from support.constants import GROUP, REGION
from support.cost_flights import GB, GROUPS, SHARED_GROUP, vpc_ids
from support.policy import make_policy, run_policy

VPCS = vpc_ids()
ALL_TRAFFIC_GROUP = GROUP % VPCS["all-traffic"]


def cost_policy(compliance=True, **keys):
    """The cost policy: flow-log-compliance (match: all) first unless `compliance` is False."""
    filters = [{"type": "flow-log-compliance", "match": "all"}] if compliance else []
    return {
        "name": "vpc-flow-logs-cost",
        "resource": "aws.vpc",
        "filters": filters + [dict(keys, type="flow-log-cost")],
    }


def annotations(found):
    return {r["VpcId"]: r[COST] for r in found}


def evidence(tmp_path, policy="vpc-flow-logs-cost"):
    with open(tmp_path / policy / COST_FILE) as f:
        return json.load(f)


def measured(costs):
    """What does not depend on the moment of the run (a group's age does)."""
    return {
        vpc_id: {
            key: record.get(key)
            for key in (
                "not-measured",
                "ingested-bytes",
                "stored-bytes",
                "log-group-class",
                "retention-days",
                "ingestion-usd",
            )
        }
        for vpc_id, record in costs.items()
    }


def by_kind(found):
    """{what the tests call a VPC: its c7n:flow-log-cost}."""
    costs = annotations(found)
    return {kind: costs[vpc_id] for kind, vpc_id in VPCS.items() if vpc_id in costs}


def test_each_vpc_is_annotated_with_what_its_log_group_ingested_stores_and_costs(
    flight_data, tmp_path
):
    flight = flight_data("cost_estate")
    found = by_kind(run_policy(cost_policy(), flight, tmp_path))

    one = found["all-traffic"]
    stored, log_group_class, retention, _age, ingested = GROUPS[ALL_TRAFFIC_GROUP]
    assert (
        one["ingested-bytes"],
        one["stored-bytes"],
        one["days"],
        one["log-group-class"],
        one["retention-days"],
    ) == (ingested, stored, 30, log_group_class, retention)
    [group] = one["log-groups"]
    assert group["name"] == ALL_TRAFFIC_GROUP and group["shared-with"] == []
    # Priced at the package's prices, at the average rate of the STANDARD volume measured in
    # the account-region (each group once).
    pool = sum(GROUPS[n][4] for n in GROUPS if GROUPS[n][1] == "STANDARD") / GB * DAYS_A_MONTH / 30
    expected = cost(usage_of(group), price_data.load(), REGION, pool)
    assert {k: one[k] for k in ("ingestion-usd", "storage-usd", "monthly-usd")} == {
        k: expected[k] for k in ("ingestion-usd", "storage-usd", "monthly-usd")
    }
    assert one["monthly-usd"] == pytest.approx(one["ingestion-usd"] + one["storage-usd"])
    assert {"ingested-bytes", "stored-bytes", "days", "log-group-class", "retention-days"} <= set(
        one["measured"]
    )
    assert {"monthly-gb", "ingestion-usd", "storage-usd", "monthly-usd"} <= set(one["estimated"])
    assert [c["choice"] for c in one["choices"]] == [
        "log-group-class: INFREQUENT_ACCESS",
        "destination-type: s3",
        "traffic-type: REJECT",
    ]
    assert found["infrequent"]["log-group-class"] == "INFREQUENT_ACCESS"


def test_the_audits_annotations_are_read_and_only_getmetricdata_is_added(flight_data, tmp_path):
    flight = flight_data("cost_estate")
    run_policy(cost_policy(), flight, tmp_path)

    assert flight.operations() == [
        "ec2.DescribeVpcs",
        "sts.GetCallerIdentity",
        "ec2.DescribeFlowLogs",
        "logs.DescribeLogGroups",
        "ec2.DescribeNetworkInterfaces",
        "cloudwatch.GetMetricData",
    ]
    [asked] = flight.params("cloudwatch.GetMetricData")
    # The groups that exist, sorted; not the missing one.
    assert [
        q["MetricStat"]["Metric"]["Dimensions"][0]["Value"] for q in asked["MetricDataQueries"]
    ] == sorted(GROUPS)


def test_without_flow_log_compliance_it_gathers_the_flow_logs_and_log_groups_itself(
    flight_data, tmp_path
):
    flight = flight_data("cost_estate")
    alone = annotations(run_policy(cost_policy(compliance=False), flight, tmp_path / "alone"))

    assert flight.operations() == [
        "ec2.DescribeVpcs",
        "sts.GetCallerIdentity",
        "ec2.DescribeFlowLogs",
        "logs.DescribeLogGroups",
        "cloudwatch.GetMetricData",
    ]
    after = annotations(run_policy(cost_policy(), flight_data("cost_estate"), tmp_path / "after"))
    assert measured(alone) == measured(after)
    assert len([r for r in alone.values() if "monthly-usd" in r]) == 5


def test_vpcs_not_delivering_to_cloudwatch_logs_are_not_measured_and_say_why(flight_data, tmp_path):
    found = by_kind(run_policy(cost_policy(), flight_data("cost_estate"), tmp_path))

    assert found["s3-only"] == {
        "not-measured": "its flow logs deliver to s3 only: "
        "CloudWatch measures no volume per VPC there"
    }
    assert found["no-flow-log"] == {"not-measured": "no flow log"}
    assert found["group-missing"] == {
        "not-measured": "%s: the log group does not exist" % (GROUP % VPCS["group-missing"])
    }
    # CloudWatch Logs measured, its S3 delivery beside it left out, and said so.
    assert found["also-s3"]["ingested-bytes"] == GROUPS[GROUP % VPCS["also-s3"]][4]
    assert found["also-s3"]["not-counted"] == {
        "s3": "CloudWatch measures no volume per VPC for this delivery"
    }


def test_a_log_group_several_vpcs_write_to_is_named_in_each_and_counted_once_in_the_totals(
    flight_data, tmp_path
):
    found = by_kind(run_policy(cost_policy(), flight_data("cost_estate"), tmp_path))
    shared_a, shared_b = found["shared-a"], found["shared-b"]

    assert shared_a["log-groups"][0]["name"] == SHARED_GROUP
    assert shared_a["log-groups"][0]["shared-with"] == [VPCS["shared-b"]]
    assert shared_b["log-groups"][0]["shared-with"] == [VPCS["shared-a"]]
    assert shared_a["monthly-usd"] == shared_b["monthly-usd"]
    totals = evidence(tmp_path)["totals"]
    measured = [found[k] for k in ("all-traffic", "infrequent", "shared-a", "also-s3")]
    assert totals["monthly-usd"] == pytest.approx(sum(r["monthly-usd"] for r in measured))
    assert totals["monthly-gb"] == pytest.approx(
        sum(GROUPS[n][4] for n in GROUPS) / GB * DAYS_A_MONTH / 30
    )
    assert (
        totals["log-groups"],
        totals["log-groups-not-measured"],
        totals["vpcs"],
        totals["vpcs-not-measured"],
    ) == (4, 1, 8, 3)


def test_the_cost_evidence_records_every_vpc_and_its_figures_follow_from_its_measurements(
    flight_data, tmp_path
):
    found = annotations(run_policy(cost_policy(), flight_data("cost_estate"), tmp_path))
    written = evidence(tmp_path)

    assert file_problem(COST_FILE, written) is None
    assert (written["account-id"], written["region"], written["policy"], written["status"]) == (
        "123456789012",
        REGION,
        "vpc-flow-logs-cost",
        "measured",
    )
    assert written["settings"] == {"days": 30, "over": None, "prices": "package"}
    assert {v["vpc-id"]: v["cost"] for v in written["vpcs"]} == found
    assert set(written["prices"]["regions"]) == {REGION}
    # A figure changed after the run no longer follows from what was measured.
    written["log-groups"][0]["monthly-usd"] += 1
    assert "its figures are not what the bytes it measured come to" in file_problem(
        COST_FILE, written
    )


def test_over_keeps_only_the_vpcs_estimated_above_it(flight_data, tmp_path):
    everything = by_kind(run_policy(cost_policy(), flight_data("cost_estate"), tmp_path / "a"))
    over = 20
    kept = by_kind(run_policy(cost_policy(over=over), flight_data("cost_estate"), tmp_path / "o"))

    assert (
        set(kept)
        == {kind for kind, record in everything.items() if (record.get("monthly-usd") or 0) > over}
        == {"all-traffic", "shared-a", "shared-b"}
    )
    # The evidence still records every VPC measured.
    assert len(evidence(tmp_path / "o")["vpcs"]) == len(VPCS)


def rate_card(first_tier_usd):
    source = {"name": "the test's rate card", "read": "2026-12-06", "confirmed": True}
    return {
        "format": 1,
        "regions": {
            REGION: {
                "vended-logs": {
                    "cloud-watch-logs": {
                        "STANDARD": {
                            "tiers": [{"up-to-gb": None, "usd-per-gb": first_tier_usd}],
                            "source": source,
                        }
                    }
                }
            }
        },
    }


def test_the_policys_prices_replace_the_package_figures_where_they_say_otherwise(
    flight_data, tmp_path
):
    priced = by_kind(
        run_policy(cost_policy(prices=rate_card(2.0)), flight_data("cost_estate"), tmp_path)
    )
    one = priced["all-traffic"]

    assert one["ingestion-usd"] == pytest.approx(one["monthly-gb"] * 2.0, abs=1e-4)
    # Storage and the other class keep the package's prices.
    package = by_kind(run_policy(cost_policy(), flight_data("cost_estate"), tmp_path / "p"))
    assert one["storage-usd"] == package["all-traffic"]["storage-usd"]
    assert priced["infrequent"]["monthly-usd"] == package["infrequent"]["monthly-usd"]
    assert evidence(tmp_path)["settings"]["prices"] == "policy"


def test_a_prices_file_is_read_and_named_in_the_evidence(flight_data, tmp_path):
    card = tmp_path / "rate-card.json"
    card.write_text(json.dumps(rate_card(1.0)))
    priced = by_kind(
        run_policy(cost_policy(prices=str(card)), flight_data("cost_estate"), tmp_path / "out")
    )

    assert priced["all-traffic"]["ingestion-usd"] == pytest.approx(
        priced["all-traffic"]["monthly-gb"], abs=1e-4
    )
    assert evidence(tmp_path / "out")["settings"]["prices"] == str(card)


@pytest.mark.parametrize(
    "prices, message",
    [
        (
            {
                "format": 1,
                "regions": {
                    REGION: {
                        "vended-logs": {
                            "s3": {
                                "tiers": [{"up-to-gb": 10, "usd-per-gb": 0.5}],
                                "source": {"name": "x", "read": "2026-12-06", "confirmed": False},
                            }
                        }
                    }
                },
            },
            "flow-log-cost: prices policy: regions/us-east-1/vended-logs/s3/tiers: only the last "
            "tier is without a bound",
        ),
        (
            "no-such-rate-card.json",
            "flow-log-cost: prices no-such-rate-card.json: cannot be read (No such file or "
            "directory)",
        ),
    ],
    ids=["bad-tiers", "missing-file"],
)
def test_prices_it_cannot_use_are_refused_naming_the_key_before_any_call(
    flight_data, tmp_path, prices, message
):
    flight = flight_data("cost_estate")
    with pytest.raises(PolicyValidationError) as refused:
        make_policy(cost_policy(prices=prices), flight, tmp_path)
    assert str(refused.value).startswith(message)
    assert flight.operations() == []


@pytest.mark.parametrize("days", [0, 456])
def test_days_outside_what_cloudwatch_keeps_are_refused_by_the_schema(days):
    load_resources(("aws.vpc",))
    errors = validate({"policies": [cost_policy(days=days)]})
    assert errors and "days" in str(errors[0])


def test_a_prices_file_is_refused_in_a_lambda_policy_which_would_not_have_it(flight_data, tmp_path):
    policy = dict(
        cost_policy(prices="rate-card.json"),
        mode={
            "type": "periodic",
            "schedule": "rate(1 day)",
            "role": "arn:aws:iam::123456789012:role/x",
        },
    )
    with pytest.raises(
        PolicyValidationError,
        match="flow-log-cost: prices 'rate-card.json' "
        "is a file, which the Lambda function "
        "would not have",
    ):
        make_policy(policy, flight_data("cost_estate"), tmp_path)


def test_the_choices_follow_the_policys_min_retention_and_analytics(flight_data, tmp_path):
    policy = cost_policy()
    policy["filters"][0]["min-retention-days"] = 30
    policy["actions"] = [{"type": "flow-log-analytics", "reject-alarm": {"threshold": 10}}]
    manager = make_policy(policy, flight_data("cost_estate"), tmp_path).resource_manager
    cost_filter = manager.filters[1]

    assert cost_filter.context() == {"min-retention-days": 30, "analytics": ["reject-alarm"]}


def test_with_a_min_retention_a_longer_retention_is_a_cheaper_choice(flight_data, tmp_path):
    policy = cost_policy()
    policy["filters"][0]["min-retention-days"] = 30
    found = by_kind(run_policy(policy, flight_data("cost_estate"), tmp_path))

    choices = {c["choice"]: c for c in found["shared-a"]["choices"]}
    assert choices["retention-days: 30"]["saving-usd"] > 0
    assert evidence(tmp_path)["context"] == {"min-retention-days": 30, "analytics": []}


def test_a_query_cloudwatch_left_unanswered_fails_the_vpcs_writing_to_it_after_the_others(
    flight_data, tmp_path, caplog
):
    caplog.set_level(logging.ERROR, "custodian.vpcflow")
    with pytest.raises(CostNotMeasured) as raised:
        run_policy(cost_policy(), flight_data("cost_unanswered"), tmp_path)

    message = str(raised.value)
    assert "flow-log-cost could not measure 2 of 8 VPCs in 123456789012/us-east-1" in message
    for kind in ("shared-a", "shared-b"):
        assert (
            "%s: log group %s: IncomingBytes not answered (StatusCode InternalError)"
            % (VPCS[kind], SHARED_GROUP)
            in message
        )
        assert any(
            VPCS[kind] in r.getMessage()
            for r in caplog.records
            if r.levelno == logging.ERROR and r.name == "custodian.vpcflow"
        )
    written = {v["vpc-id"]: v["cost"] for v in evidence(tmp_path)["vpcs"]}
    assert written[VPCS["all-traffic"]]["monthly-usd"] > 0
    assert "IncomingBytes not answered" in written[VPCS["shared-a"]]["not-measured"]


def test_a_refused_getmetricdata_is_one_line_naming_the_call_and_each_vpc_says_why(
    flight_data, tmp_path, caplog
):
    caplog.set_level(logging.ERROR, "custodian.vpcflow")
    with pytest.raises(CostNotMeasured) as raised:
        run_policy(cost_policy(), flight_data("cost_denied"), tmp_path)

    [line] = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.ERROR and r.name == "custodian.vpcflow"
    ]
    assert "cloudwatch:GetMetricData in us-east-1: AccessDenied" in line
    assert "flow-log-cost needs cloudwatch:GetMetricData" in line
    assert str(raised.value).count("AccessDenied") == 1
    assert str(raised.value).endswith(
        "; not measured: %s"
        % ", ".join(
            sorted(
                VPCS[k] for k in ("all-traffic", "infrequent", "shared-a", "shared-b", "also-s3")
            )
        )
    )
    assert "could not measure 5 of 8 VPCs" in str(raised.value)
    written = {v["vpc-id"]: v["cost"] for v in evidence(tmp_path)["vpcs"]}
    assert "AccessDenied" in written[VPCS["all-traffic"]]["not-measured"]
    assert written[VPCS["no-flow-log"]] == {"not-measured": "no flow log"}


def test_a_thousand_vpcs_cost_two_getmetricdata_calls_on_top_of_the_audit(flight_data, tmp_path):
    audit = flight_data("thousand_groups_two_conventions")
    run_policy(
        {
            "name": "audit",
            "resource": "aws.vpc",
            "filters": [{"type": "flow-log-compliance", "match": "all"}],
        },
        audit,
        tmp_path / "audit",
    )
    both = flight_data("thousand_groups_two_conventions")
    found = run_policy(cost_policy(), both, tmp_path / "cost")

    added = Counter(both.operations()) - Counter(audit.operations())
    assert (
        added
        == Counter({"cloudwatch.GetMetricData": 2})
        == Counter({"cloudwatch.GetMetricData": math.ceil(1000 / 500)})
    )
    assert not Counter(audit.operations()) - Counter(both.operations())
    assert all(v[COST]["ingested-bytes"] > 0 for v in found) and len(found) == 1000
