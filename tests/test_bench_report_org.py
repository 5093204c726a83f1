"""The bench's issue 20 suites (bench/report_org.py), small: an evidence bucket seeded from
one real audit run, the report with its default workers beside the sequential one through
the latency proxy, and the RESULTS.md section with its extrapolation and targets."""

import os

import pytest

from bench.findings import findings
from bench.report import merge_section, render_section, table
from bench.report_org import EVIDENCE, REPORTS_HEADING, EvidenceSpec, report_history_all
from bench.runner import Bench, Measurement, run_suites, summarize
from bench.scenarios import MODES, SUITES, RunContext, Suite


def test_the_suites_are_the_estates_the_issue_names():
    org = SUITES["report-org"]
    assert len(org.estate.account_regions) == 2000 and org.estate.ages_hours == (1,)
    assert org.scenarios == ("report-latest", "report-sequential") and not org.vpc_table
    assert (MODES[org.mode].latency_ms, MODES[org.mode].quotas) == (100.0, {})
    history = SUITES["report-history"]
    assert len(history.estate.ages_hours) == 45  # daily runs, 15 of them past --since 30d


def test_the_history_scenario_reads_every_run_folder(tmp_path):
    ctx = RunContext("http://127.0.0.1:1", str(tmp_path), EvidenceSpec(1, 1), {})
    argv = report_history_all(ctx)
    assert os.path.basename(argv[0]) == "c7n-vpcflow"
    assert argv[1:] == ["report", EVIDENCE, "--format", "html", "--since", "none"]


def measurement(scenario, wall, calls, cpu, mean, exit_code=1):
    return Measurement(
        "report-org",
        scenario,
        1,
        6000,
        exit_code,
        wall,
        150 * 1024,
        calls,
        {},
        None,
        cpu=cpu,
        extra={"mean_in_flight": mean, "peak_in_flight": 32},
    )


def test_results_state_the_targets_and_the_extrapolation_to_17000_account_regions():
    summaries = summarize(
        [
            measurement(
                "report-latest",
                60.0,
                {"s3:ListObjectsV2": 6125, "s3:GetObject": 4000},
                cpu=20.25,
                mean=28.0,
            ),
            measurement(
                "report-sequential",
                1200.0,
                {"s3:ListObjectsV2": 6125, "s3:GetObject": 4000},
                cpu=18.0,
                mean=1.0,
            ),
        ]
    )
    text = findings(summaries)
    assert "## Issue 20: reports at organisation scale" in text
    assert (
        "**60.0 s** (target ≤ 120 s: **met**); 10125 requests (GetObject 4000, "
        "ListObjectsV2 6125), **5.06 per account-region** (target ≤ 10: **met**)"
    ) in text
    assert "mean requests in flight 28.0 (peak 32)" in text
    assert "2.00 ms a request" in text and "every account-region judged (exit 1)" in text
    assert "(l) sequential (`--workers 1`)**, same run: **1200.0 s**" in text
    assert "(k) is **20.0×** faster" in text
    # 5.0625 x 17,000 = 86,062 requests: 67 s waiting on S3 at 25 ms with 32 at once,
    # 172 s of the client's CPU at 2 ms each: the CPU bounds it.
    assert "5.06 × 17,000 = 86,062 requests" in text
    assert "= 67 s" in text and "measured): 172 s" in text
    assert "**about 172 s** (target ≤ 180 s: **met**)" in text
    assert "report-latest" not in table(summaries)  # not a row of the VPC table

    slower = summarize(
        [
            measurement(
                "report-latest", 130.0, {"s3:GetObject": 24000}, cpu=60.0, mean=30.0, exit_code=3
            )
        ]
    )
    text = findings(slower)
    assert "(target ≤ 120 s: **NOT met**)" in text and "(target ≤ 10: **NOT met**)" in text
    assert "(exit 3)" in text and "(target ≤ 180 s: **NOT met**)" in text


@pytest.mark.emulator
def test_a_small_bucket_is_seeded_once_and_read_at_once_and_one_by_one(emulator, tmp_path):
    spec = EvidenceSpec(2, 3)
    runs = run_suites(
        Bench(emulator, str(tmp_path)),
        [
            Suite(
                "report-6",
                "s3-latency",
                spec,
                ("report-latest", "report-sequential"),
                vpc_table=False,
            )
        ],
        1,
        progress=lambda line: None,
    )
    assert [r.exit_code for r in runs] == [1, 1], runs[0].log_tail
    concurrent, sequential = runs
    # The root and 2 accounts, then 2 listings and 2 reads per account-region.
    expected = {"s3:ListObjectsV2": 1 + 2 + 2 * 6, "s3:GetObject": 2 * 6}
    assert concurrent.calls == sequential.calls == expected
    assert sequential.extra["peak_in_flight"] == 1
    assert 1 < concurrent.extra["peak_in_flight"] <= 32
    assert concurrent.extra["mean_in_flight"] > sequential.extra["mean_in_flight"]
    assert concurrent.extra["account_regions"] == 6


def test_a_bench_of_these_suites_alone_replaces_only_their_section_of_results():
    existing = "\n".join(
        [
            "# Benchmark results (issue 6)",
            "",
            "| table |",
            "",
            "## Issue 15: the audit at real account sizes",
            "",
            "- (h)",
            "",
            "## How to read it",
            "",
            "- method",
            "",
        ]
    )
    first = render_section(REPORTS_HEADING, ["- (k) 60.0 s"], [], 1, 70.0)
    assert first.startswith("## Issue 20: reports at organisation scale\n")

    added = merge_section(existing, first)
    assert (
        added.index("## Issue 15") < added.index("- (k) 60.0 s") < added.index("## How to read it")
    )
    again = merge_section(added, render_section(REPORTS_HEADING, ["- (k) 55.0 s"], [], 1, 65.0))
    assert "- (k) 55.0 s" in again and "60.0 s" not in again
    assert again.replace("- (k) 55.0 s", "").count("## ") == added.count("## ")
    assert again.startswith(existing.split("## How")[0]) and again.endswith("- method\n")
