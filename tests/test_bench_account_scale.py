"""The bench's issue 15 suites (bench/account_scale.py), small: remediated estates amid
unrelated log groups, our audit beside the built-in filter, one seeding for read-only runs."""

import os

import pytest

from bench import estate as estates
from bench.account_scale import org_audit
from bench.estate import EstateSpec
from bench.findings import findings
from bench.runner import Bench, Measurement, run_suites, summarize
from bench.scenarios import SUITES, RunContext, Suite


def test_the_issue_15_suites_are_the_estates_the_issue_names():
    one = SUITES["estate-1000"]
    assert (one.estate.vpcs, one.estate.unrelated_log_groups, one.estate.remediated) == (
        1000,
        20000,
        True,
    )
    assert one.scenarios == ("audit", "builtin-audit")
    org = SUITES["org-audit-20x2"]
    assert len(org.estate.account_regions) == 40 and org.estate.remediated
    assert org.scenarios == ("org-audit", "org-filter")


def test_the_org_audit_runs_our_audit_policy_through_c7n_org(tmp_path):
    ctx = RunContext("http://127.0.0.1:1", str(tmp_path), SUITES["org-audit-20x2"].estate, {})
    argv = org_audit(ctx)
    assert os.path.basename(argv[0]) == "c7n-org"
    assert argv[argv.index("-u") + 1].endswith("policies/vpc-flow-logs-audit.yml")


def measurement(suite, scenario, wall, calls, cpu=10.0):
    return Measurement(
        suite, scenario, 1, SUITES[suite].estate.vpcs, 0, wall, 150 * 1024, calls, {}, None, cpu=cpu
    )


def test_findings_compare_our_audit_with_the_builtin_filter():
    text = findings(
        summarize(
            [
                measurement(
                    "estate-1000",
                    "audit",
                    6.0,
                    {"logs:DescribeLogGroups": 20, "ec2:DescribeFlowLogs": 1},
                ),
                measurement("estate-1000", "builtin-audit", 4.0, {"ec2:DescribeFlowLogs": 1}),
                measurement("org-audit-20x2", "org-audit", 10.5, {"logs:DescribeLogGroups": 120}),
                measurement("org-audit-20x2", "org-filter", 10.0, {"ec2:DescribeFlowLogs": 40}),
            ]
        )
    )
    assert "## Issue 15" in text and "ratio (h) / (i) = 1.50" in text
    assert "ceil(500/50) pages each = 20 calls" in text
    assert "ceil(21,000/50) = 420 calls (computed, not measured)" in text
    assert "**Ratio (j) / (f) = 1.05** (target ≤ 1.1: **met**)" in text
    assert "## Issue 6" not in text


@pytest.mark.emulator
def test_a_crowded_remediated_estate_is_seeded_once_and_audited_beside_the_builtin(
    emulator, tmp_path, monkeypatch
):
    seeded = []
    seed = estates.seed
    monkeypatch.setattr(estates, "seed", lambda *a: seeded.append(a) or seed(*a))
    spec = EstateSpec(6, remediated=True, unrelated_log_groups=120)
    runs = run_suites(
        Bench(emulator, str(tmp_path)),
        [Suite("crowded-6", "bare", spec, ("audit", "builtin-audit"))],
        2,
        progress=lambda line: None,
    )
    assert len(seeded) == 1  # read-only runs share one estate
    assert [r.exit_code for r in runs] == [0] * 4, runs[0].log_tail
    logs = emulator.client("logs")
    groups = [
        g["logGroupName"]
        for p in logs.get_paginator("describe_log_groups").paginate()
        for g in p["logGroups"]
    ]
    assert len(groups) == 126
    ours, builtin = runs[0].calls, runs[1].calls
    # 6 names of 2 conventions: one exact lookup on AWS; moto ignores its identifiers, so
    # the audit lists the two conventions: 3 calls, never the 126 groups' 3 pages of '/'.
    assert ours["logs:DescribeLogGroups"] == 3 and ours["ec2:DescribeFlowLogs"] == 1
    assert "logs:DescribeLogGroups" not in builtin and builtin["ec2:DescribeFlowLogs"] == 1
