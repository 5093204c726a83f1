"""The report's list of exemptions expiring within 30 days (issue 23, item 4), from the
verdict files' exemption records."""

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from c7n_vpcflow.report.command import CLEAN, clean_text
from c7n_vpcflow.report.exemptions import expiring
from c7n_vpcflow.report.html import as_html
from c7n_vpcflow.report.overall import Gate, gate
from c7n_vpcflow.report.policy_run import PolicyRun
from c7n_vpcflow.report.rows import Terms, account_rows
from c7n_vpcflow.report.text import as_csv, as_json, as_markdown

TODAY = date(2026, 12, 10)


def record(vpc_id, days):
    return {
        "vpc-id": vpc_id,
        "account-id": "123456789012",
        "region": "eu-west-1",
        "reason": "vendor-managed VPC",
        "approved-by": "jane.doe@example.com",
        "ticket": None,
        "expires": (TODAY + timedelta(days=days)).isoformat(),
        "entry": 1,
    }


@pytest.mark.parametrize(
    "days,listed",
    [(-1, False), (0, True), (1, True), (30, True), (31, False), (365, False)],
    ids=[
        "expired-yesterday",
        "last-day-today",
        "tomorrow",
        "in-30-days",
        "in-31-days",
        "in-a-year",
    ],
)
def test_an_exemption_is_expiring_from_30_days_before_its_last_day_through_it(days, listed):
    exemption = record("vpc-0a1b2c3d4e5f67890", days)
    assert expiring([exemption], TODAY) == ([exemption] if listed else [])


def test_expiring_exemptions_are_listed_soonest_first():
    late, soon, tied = (
        record("vpc-0a1b2c3d4e5f67890", 20),
        record("vpc-0c", 3),
        record("vpc-0b", 20),
    )
    assert expiring([tied, late, soon], TODAY) == [soon, late, tied]


def test_the_window_can_be_set():
    exemption = record("vpc-0a1b2c3d4e5f67890", 45)
    assert expiring([exemption], TODAY) == []
    assert expiring([exemption], TODAY, within_days=60) == [exemption]


# The report's rows and gate (issue 23, items 4 and 6), on runs as the tree reads them.
NOW = datetime(2026, 12, 10, 12, tzinfo=timezone.utc)
EXEMPT, EXPIRED, BARE, GOOD = (
    "vpc-0a1b2c3d4e5f67890",
    "vpc-0b1b2c3d4e5f67890",
    "vpc-0c1b2c3d4e5f67890",
    "vpc-0d1b2c3d4e5f67890",
)


def verdict(vpc_id, status, violations, exemption=None, unused=None):
    return {
        "vpc-id": vpc_id,
        "name": None,
        "status": status,
        "compliant": status == "compliant",
        "violations": violations,
        "exemption": exemption,
        "unused": unused,
        "flow-log-ids": [],
        "flow-logs": [],
    }


def audit_run(*verdicts):
    found = PolicyRun(
        directory="audit",
        policy="audit",
        account_id="123456789012",
        region="eu-west-1",
        started=NOW - timedelta(hours=1),
    )
    found.verdicts = {
        "status": "judged",
        "settings": {"traffic-types": ["ALL", "REJECT"]},
        "judged": list(verdicts),
    }
    return found


def exempt(days=20):
    return verdict(
        EXEMPT, "exempt", ["missing"], dict(record(EXEMPT, days), status="exempt"), unused=True
    )


def expired():
    return verdict(
        EXPIRED,
        "non-compliant",
        ["missing", "exemption-expired"],
        dict(record(EXPIRED, -2), status="expired"),
        unused=False,
    )


def rows_of(*verdicts, **terms):
    rows, _notes = account_rows([audit_run(*verdicts)], terms=Terms(now=NOW, **terms))
    return rows


def test_an_exempt_vpc_is_counted_apart_never_compliant_and_fails_no_gate():
    [row] = rows = rows_of(exempt(), verdict(GOOD, "compliant", []))
    assert (row.vpcs, row.compliant, row.exempt, row.non_compliant) == (2, 1, 1, 0)
    assert gate(rows) is Gate.CLEAN


def test_exit_0_says_exempt_vpcs_passed_it_unfixed():
    exempted = rows_of(exempt(), verdict(GOOD, "compliant", []))
    assert clean_text(exempted) == (
        "every account-region judged, every VPC found non-compliant fixed or exempt (1 exempt)"
    )
    assert clean_text(rows_of(verdict(GOOD, "compliant", []))) == CLEAN


def test_an_expired_exemption_fails_the_gate():
    [row] = rows = rows_of(exempt(), expired())
    assert (row.compliant, row.exempt, row.non_compliant) == (0, 1, 1)
    assert row.reasons["exemption-expired"] == 1
    assert gate(rows) is Gate.NON_COMPLIANT


def test_without_exemptions_an_exempt_vpc_counts_non_compliant():
    [row] = rows = rows_of(exempt(), verdict(GOOD, "compliant", []), exemptions=False)
    assert (row.compliant, row.exempt, row.non_compliant) == (1, 0, 1)
    assert gate(rows) is Gate.NON_COMPLIANT
    assert "exemptions not applied (--no-exemptions)" in as_markdown(
        rows, Terms(now=NOW, exemptions=False)
    )


def test_without_exemptions_no_vpc_carries_what_only_the_register_gives():
    rows = rows_of(exempt(), expired(), exemptions=False)
    assert "exemption-expired" not in rows[0].reasons
    terms = Terms(now=NOW, exemptions=False)
    vpcs = json.loads(as_json(rows, terms))["vpcs"]
    assert [(v["status"], v["reasons"], v["exemption"]) for v in vpcs] == [
        ("non-compliant", ["missing"], None),
        ("non-compliant", ["missing"], None),
    ]
    assert "exemption-expired" not in as_markdown(rows, terms)
    page = as_html(rows, [], ["out"], (1, "VPCs remain non-compliant or failed"), terms)
    assert "exempt until" not in page and "expired until" not in page


def test_markdown_shows_the_exempt_column_what_expires_soon_and_the_unused_vpcs():
    rows = rows_of(exempt(20), expired(), verdict(BARE, "non-compliant", ["missing"], unused=True))
    text = as_markdown(rows, Terms(now=NOW))
    header = text.splitlines()[0]
    assert [c.strip() for c in header.strip("|").split("|")][2:6] == [
        "VPCs",
        "Compliant",
        "Exempt",
        "Non-compliant",
    ]
    assert (
        "Exempt, expiring within 30 days:\n- %s 123456789012/eu-west-1: expires %s: "
        "vendor-managed VPC (approved by jane.doe@example.com)"
        % (EXEMPT, (TODAY + timedelta(days=20)).isoformat())
        in text
    )
    unused = text.split("Unused (no network interface: delete rather than log):\n")[1]
    assert [line.split()[1] for line in unused.splitlines()[:2]] == [EXEMPT, BARE]
    assert "exemptions applied" in text
    assert "expiring" not in as_markdown(rows_of(exempt(31)), Terms(now=NOW))


def test_json_and_csv_carry_the_exempt_count_the_profiles_exemptions_and_each_vpc():
    rows = rows_of(exempt(), expired())
    data = json.loads(as_json(rows, Terms(now=NOW)))
    assert data["exemptions-applied"] is True
    assert [e["vpc-id"] for e in data["expiring-within-30-days"]] == [EXEMPT]
    assert (
        data["accounts"][0]["exempt"],
        data["accounts"][0]["unused"],
        data["total"]["exempt"],
    ) == (1, 1, 1)
    by_vpc = {v["vpc-id"]: v for v in data["vpcs"]}
    assert (by_vpc[EXEMPT]["status"], by_vpc[EXEMPT]["exemption"]["status"]) == ("exempt", "exempt")
    assert by_vpc[EXPIRED]["status"] == "non-compliant"
    table = list(csv.DictReader(io.StringIO(as_csv(rows, Terms(now=NOW)))))
    assert (
        table[0]["exempt"],
        table[0]["non_compliant"],
        table[0]["exemption_expired"],
        table[0]["unused"],
    ) == ("1", "1", "1", "1")


def test_html_has_the_exempt_figure_column_and_lists():
    rows = rows_of(exempt(), expired())
    page = as_html(rows, [], ["out"], (1, "VPCs remain non-compliant or failed"), Terms(now=NOW))
    assert '<div class="total" data-total="exempt"><b>1</b>exempt</div>' in page
    assert "<th>Exempt</th>" in page and '<ul id="expiring">' in page
    assert '<ul id="unused">' in page
    assert 'data-vpc-id="%s" data-status="exempt"' % EXEMPT in page
