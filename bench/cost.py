"""Issue 25: what the flow-log-cost filter adds to the audit, in calls and wall time.

Suite `cost-1000` (realistic mode): one account-region, 1,000 VPCs each with a healthy flow
log into a log group of its own (two naming conventions), each group with a day of
CloudWatch IncomingBytes; (o) the shipped cost policy (policies/vpc-flow-logs-cost.yml: the
audit, match: all, then flow-log-cost) beside (a) our audit policy, in the same run, on the
same estate. The cost filter reads the audit's annotations (its flow logs, and storedBytes
from the log-group listing it made) and adds GetMetricData only: ceil(G/500) calls for G
log groups. Neither policy changes anything, so the suite is seeded once for all its runs.
"""

import math
import os

from .estate import EstateSpec
from .figures import by_operation
from .scenarios import POLICIES, SUITES, Suite, custodian, scenario, single_account

HEADING = "Issue 25: what the cost filter adds to the audit"
SUITE = "cost-1000"
VPCS = 1000
INGESTED = 5 * 10**9  # a day of one VPC's flow logs, in bytes
QUERIES_PER_CALL = 500  # GetMetricData's limit
BUDGET = 2  # the issue's: at most 2 GetMetricData for 1,000 VPCs


@scenario("cost", "(o) our cost policy (the audit, then flow-log-cost)", remediates=False)
def cost(ctx):
    single_account(ctx)
    return custodian(ctx, os.path.join(POLICIES, "vpc-flow-logs-cost.yml"))


SUITES[SUITE] = Suite(
    SUITE,
    "realistic",
    EstateSpec(VPCS, remediated=True, incoming_bytes=INGESTED),
    ("audit", "cost"),
    vpc_table=False,
)


def _row(s, label):
    return "| %s | %s | %.1f (%.1f-%.1f) | %.1f | %.0f |" % (
        label,
        by_operation(s.calls),
        s.wall,
        s.wall_range[0],
        s.wall_range[1],
        s.cpu,
        s.peak_rss_kb / 1024.0,
    )


def section(summaries):
    """The lines of RESULTS.md on the suite (none when it did not run)."""
    found = {s.scenario: s for s in summaries if s.suite == SUITE}
    audit, measured = found.get("audit"), found.get("cost")
    if measured is None:
        return []
    spec = SUITES[SUITE].estate
    groups = spec.vpcs  # a remediated estate: every VPC, the default one too, has one
    expected = math.ceil(groups / QUERIES_PER_CALL)
    lines = [
        "### One account-region: %s VPCs, a log group each with a day of IncomingBytes "
        "(realistic mode)" % format(spec.vpcs, ","),
        "",
        "| scenario | API calls reaching the emulator, by operation | wall s (min-max) "
        "| CPU s | peak RSS MB |",
        "|---|---|---:|---:|---:|",
        _row(measured, "(o) cost"),
    ]
    if audit is not None:
        lines.append(_row(audit, "(a) audit"))
    calls = measured.calls.get("monitoring:GetMetricData", 0)
    lines += [
        "",
        "- **GetMetricData**: %d for %s log groups (ceil(%d/%d) = %d); budget ≤ %d "
        "for 1,000 VPCs: %s."
        % (
            calls,
            format(groups, ","),
            groups,
            QUERIES_PER_CALL,
            expected,
            BUDGET,
            "**met**" if calls <= BUDGET else "**NOT met**",
        ),
    ]
    if audit is not None:
        added = {
            op: n - audit.calls.get(op, 0)
            for op, n in measured.calls.items()
            if n != audit.calls.get(op, 0)
        }
        lines += [
            "- **Calls on top of the audit**: %s (the log groups' storedBytes come from the "
            "audit's own DescribeLogGroups listing)." % (by_operation(added) or "none"),
            "- **Wall time**: (o) %.1f s against (a) %.1f s, %+.1f s (%.2f×), medians of %d "
            "in the same run. CPU: (o) %.1f s, (a) %.1f s."
            % (
                measured.wall,
                audit.wall,
                measured.wall - audit.wall,
                measured.wall / audit.wall,
                measured.reps,
                measured.cpu,
                audit.cpu,
            ),
        ]
    return lines
