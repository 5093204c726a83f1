"""Evidence that cannot be rewritten afterwards (issue 20, item 5): when the report reads
`s3://` evidence it says, per account-region, until when the verdict it counted is under
an S3 Object Lock retention ("Locked until"; JSON `locked-until`, `lock-mode`; CSV
`locked_until`, `lock_mode`), from the very GetObject that read that verdict (its version,
no request more); `--require-lock` counts a verdict no one is kept from rewriting (none, an
expired one, or a GOVERNANCE lock, which can be bypassed) as not judged: unlocked, exit 3."""

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from c7n_vpcflow.report.source import Lock, locked_until_text, unbound_text
from c7n_vpcflow.report.tree import open_source, read_tree
from localaws.evidence import seed_evidence
from localaws.server import Recorder
from localaws.wire import parse_recorded
from support.e2e import AUDIT_POLICY, custodian_run
from support.estate import seed_region
from support.evidence_bucket import make_evidence_bucket
from support.page import ReportPage
from support.report_runs import report

NOW = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
IN_400_DAYS = (datetime.now(timezone.utc) + timedelta(days=400)).strftime("%Y-%m-%d")
PLACES = [("210000000001", "us-east-1"), ("210000000001", "eu-west-1")]
CENTRAL = (
    "s3://org-c7n-vpcflow-evidence/vpc-flow-logs/{account_id}/{region}/{policy_name}/"
    "{now:%Y/%m/%d/%H}?region=us-east-1"
)


def rows_of(shown):
    return json.loads(shown.stdout)["accounts"]


def locked_until_cell(markdown):
    """The first row's Locked until."""
    header, _rule, first = (
        [c.strip() for c in line.split("|")[1:-1]] for line in markdown.splitlines()[:3]
    )
    return first[header.index("Locked until")]


@pytest.mark.emulator
def test_the_lock_of_the_verdict_counted_comes_with_its_getobject(audit_files, emulator):
    seed_evidence(
        emulator.endpoint,
        "locked-evidence",
        audit_files,
        PLACES,
        [NOW - timedelta(hours=1)],
        lock_days=400,
    )
    seed_evidence(
        emulator.endpoint, "plain-evidence", audit_files, PLACES, [NOW - timedelta(hours=1)]
    )

    locked, _notes, _history = read_tree([open_source("s3://locked-evidence/vpc-flow-logs")])
    plain, _notes, _history = read_tree([open_source("s3://plain-evidence/vpc-flow-logs")])

    assert len(locked) == len(plain) == 2
    for run in locked:
        assert run.lock.mode == "COMPLIANCE"
        assert abs(run.lock.until - (datetime.now(timezone.utc) + timedelta(days=400))) < timedelta(
            minutes=10
        )
    assert [run.lock for run in plain] == [None, None]


@pytest.mark.emulator
def test_custodians_evidence_in_the_templates_bucket_is_locked_until_in_every_format(emulator, cli):
    s3 = emulator.client("s3")
    make_evidence_bucket(s3, "org-c7n-vpcflow-evidence")
    seed_region(emulator, "us-east-1", kinds=("healthy",))
    assert custodian_run(cli, CENTRAL, AUDIT_POLICY, regions=("us-east-1",)).returncode == 0
    location = "s3://org-c7n-vpcflow-evidence/vpc-flow-logs"

    recorder = Recorder(emulator.endpoint)
    recorder.start()
    try:
        shown = report(cli, location, "json", "--require-lock")
    finally:
        recorder.stop()

    assert shown.returncode == 1, shown.stderr  # judged: the default VPC logs nothing
    [row] = rows_of(shown)
    assert (row["standing"], row["lock-mode"]) == ("judged", "COMPLIANCE")
    assert row["locked-until"].startswith(IN_400_DAYS)
    assert json.loads(shown.stdout)["require-lock"] is True
    operations = {parse_recorded(e).operation for e in recorder.entries()}
    assert operations == {"ListObjectsV2", "GetObject"}  # the lock: no request more

    markdown = report(cli, location, "md", "--require-lock").stdout
    assert locked_until_cell(markdown) == IN_400_DAYS
    assert "S3 Object Lock retention in compliance mode (--require-lock);" in markdown
    [line] = [
        r
        for r in csv.DictReader(io.StringIO(report(cli, location, "csv").stdout))
        if r["account_name"] != "TOTAL"
    ]
    assert (line["lock_mode"], line["locked_until"][:10]) == ("COMPLIANCE", IN_400_DAYS)
    page = ReportPage(report(cli, location, "html", "--require-lock").stdout)
    assert IN_400_DAYS in page.tables["account-regions"][1]


@pytest.mark.emulator
@pytest.mark.parametrize(
    "lock_days,lock_mode,shown,cause",
    [
        (None, None, "-", "is under no S3 Object Lock retention"),
        (
            30,
            "GOVERNANCE",
            "%s (governance)"
            % (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%d"),
            "is locked in GOVERNANCE mode, which anyone allowed "
            "s3:BypassGovernanceRetention can lift",
        ),
    ],
    ids=["no-lock", "governance"],
)
def test_require_lock_counts_a_verdict_anyone_could_rewrite_as_unlocked(
    audit_files, emulator, cli, lock_days, lock_mode, shown, cause
):
    seed_evidence(
        emulator.endpoint,
        "org-evidence",
        audit_files,
        PLACES[:1],
        [NOW - timedelta(hours=1)],
        lock_days=lock_days,
        lock_mode=lock_mode or "COMPLIANCE",
    )
    location = "s3://org-evidence/vpc-flow-logs"

    assert report(cli, location).returncode == 1  # counted without --require-lock
    required = report(cli, location, "json", "--require-lock")

    assert required.returncode == 3
    [row] = rows_of(required)
    assert (row["judged"], row["standing"], row["vpcs"]) == (False, "unlocked", None)
    assert row["cause"].startswith(
        "unlocked: its newest verdict that counts (vpc-flow-logs-audit, "
    )
    assert cause in row["cause"] and row["cause"].endswith("(--require-lock)")
    assert json.loads(required.stdout)["total"]["cause"] == (
        "1 of 1 account-regions not judged (1 unlocked)"
    )
    assert row["lock-mode"] == lock_mode
    markdown = report(cli, location, "md", "--require-lock").stdout
    assert locked_until_cell(markdown) == shown
    assert "Not judged:\n- 210000000001/us-east-1: unlocked: " in markdown
    page = ReportPage(report(cli, location, "html", "--require-lock").stdout)
    assert page.totals["unlocked"] == "1"


@pytest.mark.emulator
def test_require_lock_refuses_a_local_tree(emulator, cli, tmp_path):
    seed_region(emulator, "us-east-1", kinds=("healthy",))
    assert (
        custodian_run(cli, tmp_path / "out", AUDIT_POLICY, regions=("us-east-1",)).returncode == 0
    )
    shown = report(cli, tmp_path / "out", "json", "--require-lock")
    assert shown.returncode == 3
    [row] = rows_of(shown)
    assert row["standing"] == "unlocked" and "(a local file," in row["cause"]
    assert (row["locked-until"], row["lock-mode"]) == (None, None)


def test_only_a_compliance_lock_to_come_binds_and_the_report_says_which():
    now = datetime(2026, 12, 6, tzinfo=timezone.utc)
    compliance = Lock("COMPLIANCE", now + timedelta(days=1))
    expired = Lock("COMPLIANCE", now - timedelta(seconds=1))
    governance = Lock("GOVERNANCE", now + timedelta(days=400))
    assert compliance.binds(now) and not expired.binds(now) and not governance.binds(now)
    assert [locked_until_text(lock, now) for lock in (compliance, expired, governance, None)] == [
        "2026-12-07",
        "expired 2026-12-05",
        "2028-01-10 (governance)",
        "-",
    ]
    assert unbound_text(expired, now) == "was locked until 2026-12-05 23:59:59 UTC, no longer"
