"""The outcome of the whole report: the TOTAL row over every account-region (report.rows)
and the gate, the exit code of `c7n-vpcflow report` the rows set; every renderer shows the
one and the command returns the other.
"""

from collections import Counter
from enum import IntEnum

from c7n_vpcflow.report.rows import Row
from c7n_vpcflow.vocabulary import Standing


class Gate(IntEnum):
    """`c7n-vpcflow report`'s exit codes."""

    CLEAN = 0  # every account-region judged, every non-compliant VPC fixed
    NON_COMPLIANT = 1  # VPCs remain non-compliant, or a fix failed
    USAGE = 2  # bad arguments, OUT not a directory, unreadable accounts file
    NOT_JUDGED = 3  # some account-region was not judged (or nothing at all was)
    CORRUPT = 4  # a file the report reads is truncated or invalid


def gate(rows, corrupt=False):
    if corrupt:
        return Gate.CORRUPT
    if not rows or not all(r.judged for r in rows):
        return Gate.NOT_JUDGED
    if any(r.remaining or r.failures for r in rows):
        return Gate.NON_COMPLIANT
    return Gate.CLEAN


def total(rows):
    judged = [r for r in rows if r.judged]
    overall = Row(
        "TOTAL",
        "",
        "",
        judged=len(judged) == len(rows) and bool(rows),
        vpcs=sum(r.vpcs for r in judged),
        non_compliant=sum(r.non_compliant for r in judged),
        exempt=sum(r.exempt for r in judged),
        judged_vpcs=[v for r in judged for v in r.judged_vpcs],
        exempt_vpcs=[v for r in judged for v in r.exempt_vpcs],
    )
    if overall.judged:
        overall.standing = Standing.JUDGED
    if not rows:
        overall.cause = "nothing was judged"
    elif not overall.judged:
        standings = Counter(r.standing for r in rows)
        overall.cause = "%d of %d account-regions not judged%s" % (
            len(rows) - len(judged),
            len(rows),
            "".join(
                " (%s)" % ", ".join("%d %s" % (standings[s], s.label) for s in kinds)
                for kinds in [
                    [
                        s
                        for s in (Standing.STALE, Standing.UNLOCKED, Standing.WEAKER)
                        if standings[s]
                    ]
                ]
                if kinds
            ),
        )
    for row in rows:
        overall.reasons.update(row.reasons)
        overall.managed_by.update(row.managed_by)
        overall.fixed += row.fixed
        overall.failures.extend(row.failures)
    return overall
