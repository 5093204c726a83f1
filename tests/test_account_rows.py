"""How runs become a row (issue 20, items 1 and 2), on runs as evidence_tree reads them:
which verdict and fixes count, and when a verdict is stale. The same rules end to end,
on what stock custodian writes: tests/test_report_profiles.py."""

from datetime import datetime, timedelta, timezone

from c7n_vpcflow.report.policy_run import PolicyRun
from c7n_vpcflow.report.rows import Terms, account_rows

NOW = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
VPC = "vpc-0123456789abcdef0"
CIS_SETTINGS = {
    "match": "non-compliant",
    "traffic-types": ["ALL", "REJECT"],
    "min-retention-days": None,
    "destination-types": None,
}


def run(policy, hours_ago, traffic_types=None, fixed_with=None):
    """A run of `policy` that judged VPC non-compliant (with `traffic_types`) and/or
    created its flow log (with `fixed_with`)."""
    found = PolicyRun(
        directory=policy,
        policy=policy,
        account_id="123456789012",
        region="us-east-1",
        started=NOW - timedelta(hours=hours_ago),
    )
    if traffic_types:
        found.verdicts = {
            "status": "judged",
            "settings": dict(CIS_SETTINGS, **{"traffic-types": traffic_types}),
            "judged": [{"vpc-id": VPC, "name": None, "violations": ["missing"], "flow-logs": []}],
        }
    if fixed_with:
        found.results = {
            "settings": {"traffic-type": fixed_with},
            "results": [{"vpc-id": VPC, "status": "created", "changes": []}],
        }
    else:
        found.cause = None if traffic_types else "no verdict"
    return found


def row_of(*runs, **terms):
    [row], _notes = account_rows(list(runs), terms=Terms(now=NOW, **terms))
    return row


def test_the_newest_verdict_that_counts_counts_and_weaker_ones_are_listed():
    row = row_of(run("audit", 10, ["REJECT"]), run("dashboard", 1, ["ACCEPT", "REJECT"]))
    assert (row.standing.value, row.judged_at, row.non_compliant) == (
        "judged",
        NOW - timedelta(hours=10),
        1,
    )
    assert [(policy, why) for policy, _when, why in row.weaker] == [
        ("dashboard", "judged with traffic-types including ACCEPT, weaker than CIS 3.7")
    ]


def test_a_weak_fix_is_not_counted_and_without_a_verdict_is_not_a_weaker_judgement():
    row = row_of(run("audit", 10, ["ALL", "REJECT"]), run("fix", 5, fixed_with="ACCEPT"))
    assert (row.standing.value, row.fixed, row.remaining) == ("judged", 0, 1)
    alone = row_of(run("fix", 5, fixed_with="ACCEPT"))
    assert alone.standing.value == "not-judged" and len(alone.weaker) == 1


def test_a_verdict_exactly_max_age_old_counts_and_one_older_is_stale():
    assert row_of(run("audit", 48, ["REJECT"])).standing.value == "judged"
    stale = row_of(run("audit", 49, ["REJECT"]))
    assert (stale.standing.value, stale.judged, stale.vpcs, stale.age_hours) == (
        "stale",
        False,
        None,
        49.0,
    )
    assert row_of(run("audit", 49, ["REJECT"]), max_age=None).judged


def event_run(hours_ago, status="created"):
    """An on-create (cloudtrail) run that fixed VPC: its result carries its verdict, and it
    wrote no verdict file."""
    found = PolicyRun(
        directory="on-create",
        policy="on-create",
        account_id="123456789012",
        region="us-east-1",
        started=NOW - timedelta(hours=hours_ago),
        mode="cloudtrail",
    )
    found.results = {
        "settings": {"traffic-type": "REJECT"},
        "mode": "cloudtrail",
        "event": True,
        "results": [
            {
                "vpc-id": VPC,
                "status": status,
                "changes": [],
                "error": "why",
                "verdict": {"vpc-id": VPC, "violations": ["missing"]},
            }
        ],
    }
    found.cause = "an event-mode run"
    return found


def test_an_event_mode_run_fixes_against_the_account_regions_verdict_and_never_judges_it():
    row = row_of(run("audit", 10, ["REJECT"]), event_run(1))
    assert (row.standing.value, row.judged_at, row.vpcs, row.fixed) == (
        "judged",
        NOW - timedelta(hours=10),
        1,
        1,
    )
    failed = row_of(run("audit", 10, ["REJECT"]), event_run(1, status="failed"))
    assert failed.failures == [(VPC, "why")]
    alone = row_of(event_run(1))
    assert (alone.standing.value, alone.judged, alone.vpcs) == ("not-judged", False, None)
