"""The compliance report: one row per account-region, as Markdown, CSV or JSON.

The rows come from report.rows (which reads report.tree); a row not judged (stale,
judged only with weaker settings, or not at all) shows no VPC counts, never zeros. Exempt
VPCs have their own count; those whose exemption runs out within 30 days and the unused
VPCs (no network interface: delete rather than log) are listed after the table.
"""

import csv
import io
import json
from types import MappingProxyType

from c7n_vpcflow.report import cost_text
from c7n_vpcflow.report.exemptions import EXPIRING_WITHIN_DAYS
from c7n_vpcflow.report.footnotes import (
    expiring_exemptions,
    expiring_lines,
    terms_text,
    unused_lines,
    weaker_lines,
)
from c7n_vpcflow.report.overall import total
from c7n_vpcflow.report.rows import age_text, timestamp
from c7n_vpcflow.report.source import locked_until_text
from c7n_vpcflow.vocabulary import MANAGERS, REASONS, Figure, Standing

COUNTS = (Figure.VPCS, Figure.COMPLIANT, Figure.EXEMPT, Figure.NON_COMPLIANT)
OUTCOMES = (Figure.FIXED, Figure.FAILED)


def reason_text(reasons):
    return ", ".join("%s %d" % (r, reasons[r]) for r in REASONS if reasons.get(r)) or "-"


def managed_by_text(row):
    if row.vpcs is None:
        return "-"
    return (
        ", ".join("%s %d" % (m, row.managed_by[m]) for m in MANAGERS if row.managed_by.get(m))
        or "-"
    )


def _count(value, missing="-"):
    return missing if value is None else str(value)


def _judged_text(row):
    if row.account_name == "TOTAL":
        return "all judged" if row.judged else row.cause
    if row.standing is Standing.STALE:
        return "stale, %s" % age_text(row.age)
    return timestamp(row.judged_at) if row.judged else row.standing.label


def _cell(text):
    """Text that cannot break a Markdown table: its pipes escaped, on one line."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def as_markdown(rows, terms, costs=()):
    header = (
        ["Account", "Region"]
        + [f.heading for f in COUNTS]
        + ["Reasons", "Flow logs by manager"]
        + [f.heading for f in OUTCOMES]
        + ["Locked until", "Judged at"]
    )
    numeric = {2, 3, 4, 5, 8, 9}

    def cells(row):
        account = (
            row.account_name
            if row.account_name == row.account_id or not row.account_id
            else "%s (%s)" % (row.account_name, row.account_id)
        )
        return [
            _cell(c)
            for c in (
                account,
                row.region,
                _count(row.vpcs),
                _count(row.compliant),
                _count(row.exempt),
                _count(row.non_compliant),
                reason_text(row.reasons),
                managed_by_text(row),
                str(row.fixed),
                str(row.failed),
                locked_until_text(row.lock, terms.now),
                _judged_text(row),
            )
        ]

    table = [header] + [cells(r) for r in rows] + [cells(total(rows))]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]

    def line(values):
        return (
            "| "
            + " | ".join(
                v.rjust(w) if i in numeric else v.ljust(w)
                for i, (v, w) in enumerate(zip(values, widths))
            )
            + " |"
        )

    rule = (
        "|"
        + "|".join(("-" * (w + 1)) + (":" if i in numeric else "-") for i, w in enumerate(widths))
        + "|"
    )
    out = [line(table[0]), rule] + [line(values) for values in table[1:]]
    not_judged = [r for r in rows if not r.judged]
    if not_judged:
        out += ["", "Not judged:"]
        out += [
            "- %s/%s: %s" % (r.account_name, r.region, " ".join(r.cause.split()))
            for r in not_judged
        ]
    weaker = weaker_lines(rows)
    if weaker:
        out += ["", "Not counted, weaker than --profile %s:" % terms.profile]
        out += ["- " + text for text in weaker]
    failures = [(r, vpc, error) for r in rows for vpc, error in r.failures]
    if failures:
        out += ["", "%s:" % Figure.FAILED.heading]
        out += [
            "- %s %s/%s: %s" % (vpc, r.account_name, r.region, error.splitlines()[0])
            for r, vpc, error in failures
        ]
    for title, lines in (
        ("Exempt, expiring within %d days:" % EXPIRING_WITHIN_DAYS, expiring_lines(rows, terms)),
        ("Unused (no network interface: delete rather than log):", unused_lines(rows)),
    ):
        if lines:
            out += ["", title] + ["- " + _cell(line) for line in lines]
    out += cost_text.markdown(costs)
    return "\n".join(out + ["", terms_text(terms)]) + "\n"


def _record(row):
    return {
        "account-name": row.account_name,
        "account-id": row.account_id,
        "region": row.region,
        "judged": row.judged,
        "standing": row.standing.value,
        "judged-at": row.judged_at.isoformat() if row.judged_at else None,
        "stale": row.standing is Standing.STALE,
        "age-hours": row.age_hours,
        "locked-until": row.lock.until.isoformat() if row.lock else None,
        "lock-mode": row.lock.mode if row.lock else None,
        "cause": row.cause,
        Figure.VPCS: row.vpcs,
        Figure.COMPLIANT: row.compliant,
        Figure.EXEMPT: row.exempt,
        Figure.NON_COMPLIANT: row.non_compliant,
        "unused": None if row.vpcs is None else len(row.unused_vpcs),
        "reasons": {r: row.reasons[r] for r in REASONS if row.reasons.get(r)},
        "managed-by": {m: row.managed_by[m] for m in MANAGERS if row.managed_by.get(m)},
        Figure.FIXED: row.fixed,
        Figure.FAILED: row.failed,
        "failures": [{"vpc-id": vpc, "error": error} for vpc, error in row.failures],
        "weaker": [
            {"policy": policy, "judged-at": started.isoformat() if started else None, "reason": why}
            for policy, started, why in row.weaker
        ],
    }


def vpc_records(rows):
    """Every VPC of every verdict counted: its status and what was done."""
    return [
        {
            "account-id": row.account_id,
            "account-name": row.account_name,
            "region": row.region,
            "vpc-id": entry["vpc-id"],
            "name": entry["name"],
            "status": figure.value,
            "reasons": entry["violations"],
            "exemption": entry.get("exemption"),
            "unused": entry.get("unused"),
            "flow-logs": entry["flow-logs"],
            "done": result,
        }
        for row in rows
        for entry, figure, result in row.vpc_outcomes()
    ]


def as_json(rows, terms, costs=()):
    return (
        json.dumps(
            {
                "profile": terms.profile,
                "max-age-hours": None
                if terms.max_age is None
                else terms.max_age.total_seconds() / 3600,
                "require-lock": terms.require_lock,
                "exemptions-applied": terms.exemptions,
                "expiring-within-%d-days" % EXPIRING_WITHIN_DAYS: [
                    dict(record, **{"account-name": row.account_name, "account-id": row.account_id})
                    for row, record in expiring_exemptions(rows, terms)
                ],
                "accounts": [_record(r) for r in rows],
                "total": _record(total(rows)),
                "vpcs": vpc_records(rows),
                "cost": cost_text.json_record(costs),
            },
            indent=2,
        )
        + "\n"
    )


def _column(word):
    """A word as a CSV column name."""
    return word.replace("-", "_")


def as_csv(rows, _terms, costs=()):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["account_name", "account_id", "region"]
        + [_column(f) for f in COUNTS]
        + [_column(r) for r in REASONS]
        + ["managed_by_" + _column(m) for m in MANAGERS]
        + [_column(f) for f in OUTCOMES]
        + ["unused"]
        + [
            "judged",
            "judged_at",
            "standing",
            "age_hours",
            "locked_until",
            "lock_mode",
            "cause",
            "weaker",
            "monthly_gb_estimated",
            "monthly_usd_estimated",
        ]
    )
    for row in rows + [total(rows)]:
        reasons = ["" if row.vpcs is None else row.reasons.get(r, 0) for r in REASONS]
        reasons += ["" if row.vpcs is None else row.managed_by.get(m, 0) for m in MANAGERS]
        writer.writerow(
            [
                row.account_name,
                row.account_id,
                row.region,
                _count(row.vpcs, ""),
                _count(row.compliant, ""),
                _count(row.exempt, ""),
                _count(row.non_compliant, ""),
            ]
            + reasons
            + [
                row.fixed,
                row.failed,
                "" if row.vpcs is None else len(row.unused_vpcs),
                "yes" if row.judged else "no",
                row.judged_at.isoformat() if row.judged_at else "",
                row.standing.value,
                _count(row.age_hours, ""),
                row.lock.until.isoformat() if row.lock else "",
                row.lock.mode if row.lock else "",
                row.cause or "",
                "; ".join(weaker_lines([row])),
            ]
            + list(cost_text.csv_figures(costs, row))
        )
    return buffer.getvalue()


FORMATS = MappingProxyType({"md": as_markdown, "csv": as_csv, "json": as_json})
