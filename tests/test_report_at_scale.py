"""Reports at organisation scale (issue 20, item 7): the central evidence bucket's latest
state costs at most 10 requests per account-region, the HTML history reads only run
folders since `--since` (default 30 days), and listings and reads go `--workers` at once
(default 32). Requests are counted by the emulator's recorder and the latency proxy,
never timed. The evidence is a stock `custodian run` of the audit policy, copied to every
account-region and hour (localaws.evidence, as the bench's report-org suite does)."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from c7n_vpcflow.report.source import stamp_of
from c7n_vpcflow.report.tree import open_source, read_tree
from localaws.evidence import POLICY, as_run, run_folder, seed_evidence
from localaws.proxy import Proxy
from localaws.server import Recorder
from localaws.wire import parse_recorded
from support.report_runs import report

pytestmark = pytest.mark.emulator

BUCKET = "org-evidence"
EVIDENCE = "s3://%s/vpc-flow-logs" % BUCKET
ACCOUNTS = ("210000000001", "210000000002", "210000000003")
REGIONS = ("us-east-1", "eu-west-1", "ap-south-1", "us-west-2")
PLACES = [(a, r) for a in ACCOUNTS for r in REGIONS]
NOW = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)


def seeded(emulator, audit_files, *ages):
    """Runs of every account-region at each age before this hour."""
    return seed_evidence(
        emulator.endpoint, BUCKET, audit_files, PLACES, [NOW - age for age in ages]
    )


def s3_requests(cli, *options, endpoint=None):
    """[(operation, path)] of every request `c7n-vpcflow report` made, and its output."""
    recorder = Recorder(endpoint)
    recorder.start()
    try:
        shown = report(cli, EVIDENCE, *options)
    finally:
        recorder.stop()
    calls = [(parse_recorded(e), e["url"]) for e in recorder.entries()]
    return [(c.operation, url) for c, url in calls if c.protocol != "internal"], shown


def operations(requests):
    counted = {}
    for operation, _url in requests:
        counted[operation] = counted.get(operation, 0) + 1
    return counted


def test_the_latest_state_costs_at_most_ten_requests_per_account_region(emulator, audit_files, cli):
    seeded(emulator, audit_files, timedelta(hours=1), timedelta(days=1), timedelta(days=2))

    requests, shown = s3_requests(cli, "json", endpoint=emulator.endpoint)

    assert shown.returncode == 1, shown.stderr  # the bare and default VPCs
    rows = json.loads(shown.stdout)["accounts"]
    assert {(r["account-id"], r["region"]) for r in rows} == set(PLACES)
    latest = (NOW - timedelta(hours=1)).isoformat()
    assert {(r["judged-at"], r["vpcs"], r["non-compliant"]) for r in rows} == {(latest, 3, 2)}
    # The root and each account: one listing; each account-region: its region folder, its
    # policy's keys of the last two days, its metadata.json and verdict.
    assert operations(requests) == {
        "ListObjectsV2": 1 + len(ACCOUNTS) + 2 * len(PLACES),
        "GetObject": 2 * len(PLACES),
    }
    assert len(requests) <= 10 * len(PLACES)
    read = [url for operation, url in requests if operation == "GetObject"]
    assert all((NOW - timedelta(hours=1)).strftime("/%Y/%m/%d/%H/") in url for url in read)


def test_a_latest_run_older_than_two_days_is_found_by_date_for_four_more_listings(
    emulator, audit_files, cli
):
    seeded(emulator, audit_files, timedelta(days=40), timedelta(days=10), timedelta(days=11))

    requests, shown = s3_requests(cli, "json", endpoint=emulator.endpoint)

    rows = json.loads(shown.stdout)["accounts"]
    latest = (NOW - timedelta(days=10)).isoformat()
    assert [r["judged-at"] for r in rows] == [latest] * len(PLACES)
    assert operations(requests) == {
        "ListObjectsV2": 1 + len(ACCOUNTS) + (2 + 4) * len(PLACES),
        "GetObject": 2 * len(PLACES),
    }


@pytest.mark.parametrize(
    "since,earlier_runs",
    [
        ((), 3),  # the default: 30 days, the run 40 days ago left out
        (("--since", "36h"), 1),
        (("--since", "none"), 4),
    ],
)
def test_the_html_history_reads_only_the_run_folders_since_since(
    emulator, audit_files, cli, since, earlier_runs
):
    ages = (
        timedelta(hours=1),
        timedelta(days=1),
        timedelta(days=2),
        timedelta(days=3),
        timedelta(days=40),
    )
    seeded(emulator, audit_files, *ages)

    requests, shown = s3_requests(cli, "html", *since, endpoint=emulator.endpoint)

    assert shown.returncode == 1, shown.stderr
    assert operations(requests) == {
        "ListObjectsV2": 1 + len(ACCOUNTS) + 2 * len(PLACES),
        "GetObject": (2 + earlier_runs) * len(PLACES),
    }
    read = {
        url.split(POLICY + "/")[1].rsplit("/", 1)[0]
        for operation, url in requests
        if operation == "GetObject"
    }
    assert read == {(NOW - age).strftime("%Y/%m/%d/%H") for age in ages[: 1 + earlier_runs]}


def test_listings_and_reads_go_workers_at_once_through_a_latency_proxy(emulator, audit_files, cli):
    seeded(emulator, audit_files, timedelta(hours=1))
    with Proxy(emulator.endpoint, latency_ms=50) as proxy:
        figures = {}
        for workers in ("8", "1"):
            proxy.reset()
            shown = cli(
                "c7n-vpcflow",
                "report",
                EVIDENCE,
                "--workers",
                workers,
                env={"AWS_ENDPOINT_URL": proxy.endpoint},
            )
            assert shown.returncode == 1, shown.stderr
            stats = proxy.stats()
            figures[workers] = (sum(stats["calls"].values()), stats["peak_in_flight"])

    requests = 1 + len(ACCOUNTS) + 4 * len(PLACES)
    assert figures["1"] == (requests, 1)
    calls, peak = figures["8"]
    assert calls == requests and 4 < peak <= 8  # the region folders alone are 12


def test_a_synced_down_tree_keeps_the_run_folders_since_since(audit_files, tmp_path):
    ages = (timedelta(hours=1), timedelta(days=3), timedelta(days=40))
    for age in ages:
        folder = tmp_path / run_folder("210000000001", "us-east-1", NOW - age)
        folder.mkdir(parents=True)
        for name, data in as_run(audit_files, "210000000001", "us-east-1", NOW - age).items():
            (folder / name).write_bytes(data)

    def history(since):
        _runs, _notes, verdicts = read_tree([open_source(str(tmp_path))], since)
        return sorted(v["started"] for _parts, v in verdicts)

    started = sorted((NOW - age).isoformat() for age in ages)
    assert history(()) == started
    assert history(stamp_of(NOW - timedelta(days=30))) == started[1:]
    assert history(None) == []


@pytest.mark.parametrize(
    "option,value,problem",
    [
        ("--workers", "0", "'0' is not a whole number of at least 1"),
        ("--since", "3 weeks", "'3 weeks' is not a duration like 48h, 30d or none"),
    ],
)
def test_workers_and_since_are_checked_before_anything_is_read(
    cli, tmp_path, option, value, problem
):
    shown = cli("c7n-vpcflow", "report", EVIDENCE, option, value)
    assert shown.returncode == 2
    assert "argument %s: %s" % (option, problem) in shown.stderr


def test_help_states_the_defaults_and_what_reading_costs(cli):
    shown = cli("c7n-vpcflow", "report", "--help").stdout
    flat = " ".join(shown.split())
    assert "--workers N listings and file reads at once (default 32" in flat
    assert "30d (the default)" in flat
    assert "latest state about 4 requests per account-region" in flat
    assert "history --format html only" in flat
