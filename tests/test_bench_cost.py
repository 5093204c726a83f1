"""The bench's issue 25 suite (bench/cost.py), small: the shipped cost policy beside our audit
on a remediated estate whose log groups have IncomingBytes, and its section of RESULTS.md."""

import json
import os

import pytest

from bench.cost import HEADING, SUITE, cost, section
from bench.estate import EstateSpec
from bench.findings import findings
from bench.report import committed_files, merge_section, package_files
from bench.runner import Bench, Measurement, run_suites, summarize
from bench.scenarios import SUITES, RunContext, Suite
from support.constants import ROOT


def test_the_cost_suite_runs_the_shipped_cost_policy_beside_the_audit(tmp_path):
    suite = SUITES[SUITE]
    assert (suite.estate.vpcs, suite.estate.remediated, suite.scenarios, suite.vpc_table) == (
        1000,
        True,
        ("audit", "cost"),
        False,
    )
    assert suite.estate.incoming_bytes > 0
    argv = cost(RunContext("http://127.0.0.1:1", str(tmp_path), suite.estate, {}))
    assert os.path.basename(argv[0]) == "custodian"
    assert argv[-1].endswith("policies/vpc-flow-logs-cost.yml")


def measurement(scenario, wall, calls, rep=1):
    return Measurement(
        SUITE, scenario, rep, 1000, 0, wall, 150 * 1024, calls, {}, None, cpu=wall / 2
    )


AUDIT = {
    "sts:GetCallerIdentity": 1,
    "ec2:DescribeVpcs": 1,
    "ec2:DescribeFlowLogs": 1,
    "logs:DescribeLogGroups": 20,
}


def test_the_section_says_the_calls_added_to_the_audit_and_the_wall_time_beside_it():
    lines = "\n".join(
        section(
            summarize(
                [
                    measurement("audit", 5.0, AUDIT),
                    measurement("cost", 5.5, dict(AUDIT, **{"monitoring:GetMetricData": 2})),
                ]
            )
        )
    )
    assert (
        "**GetMetricData**: 2 for 1,000 log groups (ceil(1000/500) = 2); budget ≤ 2 for "
        "1,000 VPCs: **met**" in lines
    )
    assert "**Calls on top of the audit**: **2**: GetMetricData 2 (" in lines
    assert "(o) 5.5 s against (a) 5.0 s, +0.5 s (1.10×)" in lines
    assert "| (o) cost | **25**: " in lines and "| (a) audit | **23**: " in lines


def test_a_cost_run_over_budget_is_said_not_met_and_the_whole_bench_carries_the_section():
    summaries = summarize(
        [
            measurement("audit", 5.0, AUDIT),
            measurement("cost", 9.0, dict(AUDIT, **{"monitoring:GetMetricData": 3})),
        ]
    )
    text = findings(summaries)
    assert "## " + HEADING in text and "**NOT met**" in text
    assert section(summarize([measurement("audit", 5.0, AUDIT)])) == []


def test_its_section_replaces_only_its_own_in_results_md():
    existing = (
        "# Results\n\n## Issue 20: reports\n\nkept\n\n## " + HEADING + "\n\nold\n\n"
        "## How to read it\n\nkept too\n"
    )
    merged = merge_section(existing, "## " + HEADING + "\n\nnew\n")
    assert "old" not in merged and "new" in merged
    assert merged.count("kept") == 2


@pytest.mark.emulator
def test_on_the_emulator_the_cost_policy_adds_one_getmetricdata_to_the_audit(emulator, tmp_path):
    spec = EstateSpec(6, remediated=True, incoming_bytes=10**9)
    runs = run_suites(
        Bench(emulator, str(tmp_path)),
        [Suite("cost-6", "bare", spec, ("audit", "cost"), vpc_table=False)],
        1,
        progress=lambda line: None,
    )
    assert [r.exit_code for r in runs] == [0, 0], runs[-1].log_tail
    audit, measured = runs[0].calls, runs[1].calls
    added = {op: n - audit.get(op, 0) for op, n in measured.items() if n != audit.get(op, 0)}
    assert added == {"monitoring:GetMetricData": 1}
    # The day of IncomingBytes seeded is what the cost policy measured, per log group.
    with open(
        os.path.join(
            str(tmp_path), "cost-6-cost-1", "out", "vpc-flow-logs-cost", "flow-log-cost.json"
        )
    ) as f:
        measured_groups = json.load(f)["log-groups"]
    assert len(measured_groups) == 6  # the default VPC's too: the estate is remediated
    assert {g["ingested-bytes"] for g in measured_groups} == {10**9}


def test_the_plugin_measured_is_compared_file_by_file_subpackages_included():
    # RESULTS.md's "Plugin measured" line: the package's files by their path inside it, so
    # remediation/action.py and analytics/action.py are two files, not one name.
    committed = committed_files()
    here = package_files(os.path.join(ROOT, "c7n_vpcflow"))
    assert {"remediation/action.py", "analytics/action.py", "__init__.py"} <= set(committed)
    assert set(here) >= set(committed)
    assert here["remediation/action.py"] != here["analytics/action.py"]
