"""The flow-log cost model (c7n_vpcflow/cost/model.py, choices.py): what a VPC's flow logs
cost a month from what was measured, at the prices given, and what each cheaper choice
would save; every figure labelled measured or estimated, nothing priced without a price."""

import pytest

from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.cost.choices import cheaper_choices
from c7n_vpcflow.cost.model import (
    DAYS_A_MONTH,
    ESTIMATED,
    GB,
    MEASURED,
    Usage,
    cost,
    monthly_gb,
    share_usd,
    tiered_usd,
)

REGION = "eu-west-1"
SOURCE = {"name": "the test's rate card", "read": "2026-12-06", "confirmed": True}


def tiers(*rates):
    bounds = (10240, 30720, 51200, None)
    return {
        "tiers": [{"up-to-gb": b, "usd-per-gb": r} for b, r in zip(bounds, rates)],
        "source": SOURCE,
    }


def monthly(rate):
    return {"usd-per-gb-month": rate, "source": SOURCE}


# Round figures, so each expected amount can be worked out by hand.
PRICES = price_data.load(
    {
        "format": 1,
        "regions": {
            REGION: {
                "vended-logs": {
                    "cloud-watch-logs": {
                        "STANDARD": tiers(0.5, 0.25, 0.1, 0.05),
                        "INFREQUENT_ACCESS": tiers(0.25, 0.15, 0.075, 0.05),
                    },
                    "s3": tiers(0.25, 0.15, 0.075, 0.05),
                },
                "storage": {
                    "cloud-watch-logs": {
                        "STANDARD": monthly(0.03),
                        "INFREQUENT_ACCESS": monthly(0.03),
                    },
                    "s3": monthly(0.02),
                },
            }
        },
    }
)


def usage(gb_a_month=100.0, stored_gb=30.0, age_days=400, retention_days=365, **kwargs):
    """A log group that ingests `gb_a_month` and holds `stored_gb` (30 days measured)."""
    return Usage(
        ingested_bytes=int(gb_a_month * GB * 30 / DAYS_A_MONTH),
        days=30,
        stored_bytes=int(stored_gb * GB),
        age_days=age_days,
        retention_days=retention_days,
        **kwargs,
    )


def choice_named(choices, name):
    [found] = [c for c in choices if c["choice"] == name]
    return found


def test_a_month_is_the_rate_measured_over_the_days_times_the_average_month():
    measured = Usage(ingested_bytes=30 * GB, days=30, stored_bytes=0, age_days=100)
    assert monthly_gb(measured) == pytest.approx(365.25 / 12)


def test_each_gb_is_priced_at_its_tier():
    table = tiers(0.5, 0.25, 0.1, 0.05)["tiers"]
    assert tiered_usd(1000, table) == pytest.approx(500)
    assert tiered_usd(15240, table) == pytest.approx(10240 * 0.5 + 5000 * 0.25)
    assert tiered_usd(60000, table) == pytest.approx(
        10240 * 0.5 + 20480 * 0.25 + 20480 * 0.1 + 8800 * 0.05
    )


def test_a_vpcs_share_of_a_pool_is_priced_at_the_pools_average_rate():
    table = tiers(0.5, 0.25, 0.1, 0.05)["tiers"]
    pool = 20480  # half of it beyond the first tier: an average rate of 0.375
    assert share_usd(100, table, pool) == pytest.approx(37.5)
    assert share_usd(100, table) == pytest.approx(50)  # alone: the first tier
    assert share_usd(100, table, pool_gb=10) == pytest.approx(50)  # a pool is never smaller


def test_ingestion_and_storage_add_up_to_the_monthly_cost():
    record = cost(usage(), PRICES, REGION)
    assert record["ingestion-usd"] == pytest.approx(50)
    assert record["storage-usd"] == pytest.approx(30 * 0.03)
    assert record["monthly-usd"] == pytest.approx(50.9)
    assert record["prices"] == {"region": REGION, "ingestion": SOURCE, "storage": SOURCE}


def test_storage_is_the_size_the_retention_implies_once_reached():
    young = cost(usage(stored_gb=10, age_days=100, retention_days=365), PRICES, REGION)
    assert young["stored-gb"] == pytest.approx(36.5)  # 0.1 GB a day, kept 365 days
    settled = cost(usage(stored_gb=10, age_days=400, retention_days=365), PRICES, REGION)
    assert settled["stored-gb"] == pytest.approx(10)
    assert settled["storage-usd"] == pytest.approx(0.3)


def test_a_group_that_never_expires_is_priced_at_its_size_over_the_coming_month():
    record = cost(usage(stored_gb=100, age_days=100, retention_days=None), PRICES, REGION)
    assert record["stored-gb"] == pytest.approx(100 + DAYS_A_MONTH / 2)
    assert record["stored-gb-growth-a-month"] == pytest.approx(DAYS_A_MONTH)
    assert "stored-gb-growth-a-month" in record["estimated"]


def test_a_group_younger_than_a_day_leaves_storage_uncounted_and_says_why():
    record = cost(usage(age_days=0.5), PRICES, REGION)
    assert record["storage-usd"] is None and record["stored-gb"] is None
    assert record["monthly-usd"] == record["ingestion-usd"] == pytest.approx(50)
    assert "younger than a day" in record["not-counted"]["storage-usd"]


@pytest.mark.parametrize(
    "region, log_group_class",
    [
        ("ap-south-2", "STANDARD"),  # a region the prices do not list
        (REGION, "ESSENTIALS"),  # a class they do not price
    ],
)
def test_without_a_price_nothing_is_priced_and_the_record_says_why(region, log_group_class):
    record = cost(usage(log_group_class=log_group_class), PRICES, region)
    assert record["monthly-usd"] is record["ingestion-usd"] is record["storage-usd"] is None
    assert record["not-priced"] == "no price for CloudWatch Logs %s in %s" % (
        log_group_class,
        region,
    )
    assert record["ingested-bytes"] == usage().ingested_bytes  # what was measured stays


def test_every_figure_is_labelled_measured_or_estimated():
    record = cost(usage(retention_days=None), PRICES, REGION)
    figures = {
        key for key, value in record.items() if isinstance(value, (int, float)) or value is None
    }
    assert figures <= set(record["measured"]) | set(record["estimated"])
    assert set(MEASURED) == {
        "ingested-bytes",
        "stored-bytes",
        "days",
        "log-group-class",
        "retention-days",
    }
    assert {"monthly-usd", "ingestion-usd", "storage-usd"} <= set(ESTIMATED)


def test_the_package_prices_price_a_us_east_1_vpc():
    record = cost(usage(), price_data.load(), "us-east-1")
    assert record["ingestion-usd"] == pytest.approx(50)
    assert record["prices"]["ingestion"]["url"] == "https://aws.amazon.com/cloudwatch/pricing/"
    assert record["prices"]["ingestion"]["confirmed"] is False


def test_infrequent_access_saves_the_difference_in_ingestion_price():
    measured = usage()
    choices = cheaper_choices(measured, cost(measured, PRICES, REGION), PRICES, REGION, "REJECT")
    infrequent = choice_named(choices, "log-group-class: INFREQUENT_ACCESS")
    assert infrequent["saving-usd"] == pytest.approx(25)
    assert infrequent["estimated"] == ["saving-usd"]
    assert "fixed at creation" in infrequent["note"]


def test_infrequent_access_is_blocked_by_a_reject_alarm_it_cannot_carry():
    lacking = {
        "log-group-classes": {
            "INFREQUENT_ACCESS": {"lacks": {"features": ["metric-filters"], "source": SOURCE}}
        }
    }
    measured = usage()
    choices = cheaper_choices(
        measured,
        cost(measured, PRICES, REGION),
        {**PRICES, **lacking},
        REGION,
        "REJECT",
        analytics={"reject-alarm"},
    )
    infrequent = choice_named(choices, "log-group-class: INFREQUENT_ACCESS")
    assert infrequent["blocked"] == (
        "flow-log-analytics' reject-alarm needs a metric filter, "
        "which the INFREQUENT_ACCESS class lacks"
    )
    assert "saving-usd" not in infrequent


def test_infrequent_access_is_not_offered_to_a_group_already_in_it():
    measured = usage(log_group_class="INFREQUENT_ACCESS")
    choices = cheaper_choices(measured, cost(measured, PRICES, REGION), PRICES, REGION, "REJECT")
    assert [c["choice"] for c in choices] == ["destination-type: s3"]


def test_s3_saves_the_delivery_and_storage_difference():
    measured = usage()
    choices = cheaper_choices(measured, cost(measured, PRICES, REGION), PRICES, REGION, "REJECT")
    s3 = choice_named(choices, "destination-type: s3")
    assert s3["saving-usd"] == pytest.approx((50 - 25) + 30 * (0.03 - 0.02))


def test_s3_without_a_storage_price_saves_the_delivery_difference_and_says_so():
    # The package prices S3 delivery in eu-west-1 but not S3 storage there.
    package = price_data.package_prices()
    assert price_data.storage(package, "eu-west-1", "s3") is None
    measured = usage(gb_a_month=10.0)
    record = cost(measured, package, "eu-west-1")
    s3 = choice_named(
        cheaper_choices(measured, record, package, "eu-west-1", "REJECT"), "destination-type: s3"
    )

    delivery = price_data.vended_logs(package, "eu-west-1", "s3")["tiers"]
    assert s3["saving-usd"] == pytest.approx(
        record["ingestion-usd"] - tiered_usd(10.0, delivery), abs=1e-3
    )
    assert s3["why"] == "no storage price for S3 in eu-west-1: the saving counts delivery only"


def test_s3_without_a_delivery_price_is_not_estimated_and_says_which_price_is_missing():
    package = price_data.package_prices()
    assert price_data.vended_logs(package, "eu-central-1", "s3") is None
    measured = usage()
    s3 = choice_named(
        cheaper_choices(
            measured, cost(measured, package, "eu-central-1"), package, "eu-central-1", "REJECT"
        ),
        "destination-type: s3",
    )

    assert (s3["saving-usd"], s3["why"]) == (None, "no delivery price for S3 in eu-central-1")


@pytest.mark.parametrize("analytics", [{"reject-alarm"}, {"insights-queries"}])
def test_s3_is_blocked_by_flow_log_analytics_which_needs_cloudwatch_logs(analytics):
    measured = usage()
    choices = cheaper_choices(
        measured, cost(measured, PRICES, REGION), PRICES, REGION, "REJECT", analytics=analytics
    )
    assert (
        "works on CloudWatch Logs only" in choice_named(choices, "destination-type: s3")["blocked"]
    )


def test_reject_only_is_offered_where_all_is_captured_without_a_guessed_saving():
    measured = usage()
    record = cost(measured, PRICES, REGION)
    assert "traffic-type: REJECT" not in {
        c["choice"] for c in cheaper_choices(measured, record, PRICES, REGION, "REJECT")
    }
    reject = choice_named(
        cheaper_choices(measured, record, PRICES, REGION, "ALL"), "traffic-type: REJECT"
    )
    assert reject["saving-usd"] is None and "not measured" in reject["why"]


@pytest.mark.parametrize(
    "retention_days, min_retention_days, offered",
    [
        (365, 365, False),
        (365, 400, False),
        (731, 365, True),
        (None, 365, True),
        (731, None, False),
    ],
)
def test_a_shorter_retention_is_offered_only_above_min_retention_days(
    retention_days, min_retention_days, offered
):
    measured = usage(retention_days=retention_days)
    choices = cheaper_choices(
        measured,
        cost(measured, PRICES, REGION),
        PRICES,
        REGION,
        "REJECT",
        min_retention_days=min_retention_days,
    )
    assert any(c["choice"].startswith("retention-days") for c in choices) is offered


def test_a_shorter_retention_saves_the_storage_it_would_no_longer_hold():
    measured = usage(stored_gb=73.1, age_days=800, retention_days=731)  # 0.1 GB a day
    choices = cheaper_choices(
        measured, cost(measured, PRICES, REGION), PRICES, REGION, "REJECT", min_retention_days=365
    )
    shorter = choice_named(choices, "retention-days: 365")
    assert shorter["saving-usd"] == pytest.approx((731 - 365) * 0.1 * 0.03)


def test_choices_in_a_region_without_prices_say_why_they_are_not_estimated():
    measured = usage()
    choices = cheaper_choices(
        measured, cost(measured, PRICES, "ap-south-2"), PRICES, "ap-south-2", "REJECT"
    )
    assert {c["why"] for c in choices} == {"no price for CloudWatch Logs STANDARD in ap-south-2"}
    assert all(c["saving-usd"] is None for c in choices)
