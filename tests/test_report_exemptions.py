"""The report's list of exemptions expiring within 30 days (issue 23, item 4), from the
verdict files' exemption records."""
from datetime import date, timedelta

import pytest

from c7n_vpcflow.report.exemptions import expiring

TODAY = date(2026, 12, 10)


def record(vpc_id, days):
    return {"vpc-id": vpc_id, "account-id": "123456789012", "region": "eu-west-1",
            "reason": "vendor-managed VPC", "approved-by": "jane.doe@example.com",
            "ticket": None, "expires": (TODAY + timedelta(days=days)).isoformat(), "entry": 1}


@pytest.mark.parametrize("days,listed", [
    (-1, False), (0, True), (1, True), (30, True), (31, False), (365, False)],
    ids=["expired-yesterday", "last-day-today", "tomorrow", "in-30-days", "in-31-days",
         "in-a-year"])
def test_an_exemption_is_expiring_from_30_days_before_its_last_day_through_it(days, listed):
    exemption = record("vpc-0a1b2c3d4e5f67890", days)
    assert expiring([exemption], TODAY) == ([exemption] if listed else [])


def test_expiring_exemptions_are_listed_soonest_first():
    late, soon, tied = (record("vpc-0a1b2c3d4e5f67890", 20), record("vpc-0c", 3),
                        record("vpc-0b", 20))
    assert expiring([tied, late, soon], TODAY) == [soon, late, tied]


def test_the_window_can_be_set():
    exemption = record("vpc-0a1b2c3d4e5f67890", 45)
    assert expiring([exemption], TODAY) == []
    assert expiring([exemption], TODAY, within_days=60) == [exemption]
