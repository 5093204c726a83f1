"""What counts in `c7n-vpcflow report` (issue 20, items 1 and 2), on what stock `custodian
run` writes: under `--profile cis` (the default) a verdict judged more weakly than CIS 3.7
(traffic-types including ACCEPT), or a fix made with an ACCEPT-only flow log, is listed with
its reason and never counts; among the verdicts that count the newest counts; one older
than `--max-age` (default 48h) is stale: shown with its age, not judged (exit 3)."""

import csv
import io
import json

import pytest

from c7n_vpcflow.vocabulary import ACTION, FILTER
from localaws.estate import Row, seed
from support.constants import REGION
from support.e2e import AUDIT_POLICY, custodian_run, write_policy
from support.estate import ACCEPT_GROUP, HEALTHY_GROUP, SEED_ROLE
from support.page import ReportPage
from support.report_runs import age_local_tree

pytestmark = pytest.mark.emulator

WEAKER = "judged with traffic-types including ACCEPT, weaker than CIS 3.7"
DASHBOARD = "vpc-flow-logs-dashboard"
ALL_TRAFFIC_TYPES = ["ACCEPT", "ALL", "REJECT"]


def seed_vpcs(emulator, *kinds):
    """The default VPC with a healthy REJECT flow log, and VPCs of the given kinds."""
    rows = [Row(None, REGION, None, "healthy", None, HEALTHY_GROUP)] + [
        Row(
            None,
            REGION,
            None,
            kind,
            "10.%d.0.0/16" % (20 + i),
            ACCEPT_GROUP if kind == "accept_only" else None,
        )
        for i, kind in enumerate(kinds)
    ]
    return seed(emulator.endpoint, rows, SEED_ROLE, log_groups=(HEALTHY_GROUP, ACCEPT_GROUP))


def run(cli, out, policy):
    ran = custodian_run(cli, out, policy, regions=(REGION,))
    assert ran.returncode == 0, ran.stderr
    with open(out / policy_name(policy) / "flow-log-compliance.json") as f:
        return json.load(f)


def policy_name(policy):
    return "vpc-flow-logs-audit" if policy == AUDIT_POLICY else policy.rsplit("/", 1)[1][:-4]


def dashboard(tmp_path, **action):
    """A dashboard policy: the filter with every traffic type, and an action if given."""
    return write_policy(
        tmp_path / (DASHBOARD + ".yml"),
        DASHBOARD,
        filters=[{"type": FILTER, "traffic-types": ALL_TRAFFIC_TYPES}],
        action=dict(action, type=ACTION) if action else None,
    )


def report(cli, out, fmt="json", *options):
    shown = cli("c7n-vpcflow", "report", out, "--format", fmt, *options)
    assert "Traceback" not in shown.stderr, shown.stderr
    if fmt == "json":
        return shown.returncode, json.loads(shown.stdout), shown.stderr.splitlines()
    return shown.returncode, shown.stdout, shown.stderr.splitlines()


def test_a_dashboard_verdict_weaker_than_cis_is_listed_and_never_makes_a_region_pass(
    emulator, cli, tmp_path
):
    seed_vpcs(emulator, "accept_only")
    out = tmp_path / "out"
    run(cli, out, AUDIT_POLICY)  # the ACCEPT-only VPC is non-compliant
    later = run(cli, out, dashboard(tmp_path))  # ... and compliant by the dashboard

    code, data, stderr = report(cli, out)

    assert code == 1
    [row] = data["accounts"]
    assert (row["standing"], row["vpcs"], row["non-compliant"]) == ("judged", 2, 1)
    assert row["weaker"] == [{"policy": DASHBOARD, "judged-at": later["started"], "reason": WEAKER}]
    assert any("not counted: %s" % DASHBOARD in line and WEAKER in line for line in stderr)
    markdown = report(cli, out, "md")[1]
    assert (
        "Not counted, weaker than --profile cis:\n- 123456789012/%s: %s (" % (REGION, DASHBOARD)
    ) in markdown and WEAKER in markdown

    code, data, _stderr = report(cli, out, "json", "--profile", "as-judged")
    assert code == 0  # a dashboard sees its own verdict, as before profiles
    assert (data["profile"], data["accounts"][0]["non-compliant"]) == ("as-judged", 0)

    alone = tmp_path / "dashboard-only"
    run(cli, alone, dashboard(tmp_path))
    code, data, _stderr = report(cli, alone)
    assert code == 3
    [row] = data["accounts"]
    assert (row["judged"], row["standing"], row["vpcs"]) == (False, "weaker", None)
    assert WEAKER in row["cause"] and "--profile cis" in row["cause"]
    page = ReportPage(report(cli, alone, "html")[1])
    assert (page.totals["weaker"], page.totals["account-regions judged"]) == ("1", "0 of 1")
    assert page.summary()[1]["123456789012", REGION][0] == "weaker"
    [table] = list(csv.DictReader(io.StringIO(report(cli, alone, "csv")[1])))[:1]
    assert (table["standing"], table["judged"]) == ("weaker", "no") and WEAKER in table["weaker"]


def test_among_verdicts_that_count_the_newest_counts_stricter_ones_too(emulator, cli, tmp_path):
    seed_vpcs(emulator, "accept_only")
    out = tmp_path / "out"
    run(cli, out, AUDIT_POLICY)
    strict = run(
        cli,
        out,
        write_policy(  # ALL only: the REJECT flow log no longer counts
            tmp_path / "strict-audit.yml",
            "strict-audit",
            filters=[{"type": FILTER, "traffic-types": ["ALL"], "min-retention-days": 365}],
        ),
    )

    code, data, _stderr = report(cli, out)

    assert code == 1
    [row] = data["accounts"]
    assert (row["non-compliant"], row["judged-at"], row["weaker"]) == (2, strict["started"], [])


def test_fixes_made_with_accept_only_flow_logs_do_not_count_under_cis(emulator, cli, tmp_path):
    [_default, bare] = seed_vpcs(emulator, "bare")
    out = tmp_path / "out"
    run(cli, out, AUDIT_POLICY)
    run(cli, out, dashboard(tmp_path, **{"traffic-type": "ACCEPT"}))  # "fixes" it, ACCEPT only

    code, data, _stderr = report(cli, out)

    assert code == 1
    [row] = data["accounts"]
    assert (row["non-compliant"], row["fixed"]) == (1, 0)
    assert [w["reason"] for w in row["weaker"]] == [
        WEAKER,
        "fixed with traffic-type ACCEPT, weaker than CIS 3.7",
    ]
    assert [
        (v["vpc-id"], v["status"], v["done"]) for v in data["vpcs"] if v["status"] != "compliant"
    ] == [(bare.vpc_id, "non-compliant", None)]
    code, data, _stderr = report(cli, out, "json", "--profile", "as-judged")
    assert code == 0 and data["accounts"][0]["fixed"] == 1


def test_a_verdict_older_than_max_age_is_stale_shown_with_its_age_and_not_judged(
    emulator, cli, tmp_path
):
    seed_vpcs(emulator)
    out = tmp_path / "out"
    run(cli, out, AUDIT_POLICY)
    assert report(cli, out)[0] == 0
    age_local_tree(out, days=400)

    code, data, stderr = report(cli, out)

    assert code == 3 and stderr[-1].endswith("exit 3: some account-region was not judged")
    [row] = data["accounts"]
    assert (row["judged"], row["standing"], row["stale"], row["vpcs"]) == (
        False,
        "stale",
        True,
        None,
    )
    assert 400 * 24 <= row["age-hours"] < 400 * 24 + 1 and row["judged-at"]
    assert row["cause"].startswith("stale: its newest verdict that counts (vpc-flow-logs-audit, ")
    assert row["cause"].endswith("is 400 days old, older than --max-age 48h")
    assert data["total"]["cause"] == "1 of 1 account-regions not judged (1 stale)"
    markdown = report(cli, out, "md")[1]
    assert markdown.splitlines()[2].split("|")[-2].strip() == "stale, 400 days old"
    [line] = list(csv.DictReader(io.StringIO(report(cli, out, "csv")[1])))[:1]
    assert (line["standing"], float(line["age_hours"])) == ("stale", row["age-hours"])
    page = ReportPage(report(cli, out, "html")[1])
    assert page.totals["stale"] == "1"
    assert page.summary()[1]["123456789012", REGION] == ("stale", row["cause"])
    assert "400 days old" in page.tables["account-regions"][1][-1]

    for max_age, expected in (("none", 0), ("399d", 3), ("9601h", 0)):
        assert report(cli, out, "json", "--max-age", max_age)[0] == expected, max_age
