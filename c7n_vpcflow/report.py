"""The compliance report: one row per account-region, as Markdown, CSV or JSON.

The rows come from account_rows (which reads evidence_tree); a row not judged shows no
VPC counts at all ("not judged" and why), never zeros.
"""
import csv
import io
import json

from .account_rows import timestamp, total
from .vocabulary import MANAGERS, REASONS, Figure, Judgement

COUNTS = (Figure.VPCS, Figure.COMPLIANT, Figure.NON_COMPLIANT)
OUTCOMES = (Figure.FIXED, Figure.FAILED)


def reason_text(reasons):
    return ", ".join("%s %d" % (r, reasons[r]) for r in REASONS if reasons.get(r)) or "-"


def managed_by_text(row):
    if row.vpcs is None:
        return "-"
    return ", ".join("%s %d" % (m, row.managed_by[m]) for m in MANAGERS
                     if row.managed_by.get(m)) or "-"


def _count(value, missing="-"):
    return missing if value is None else str(value)


def _judged_text(row):
    if row.account_name == "TOTAL":
        return "all judged" if row.judged else row.cause
    return timestamp(row.judged_at) if row.judged else Judgement.NOT_JUDGED.label


def as_markdown(rows):
    header = (["Account", "Region"] + [f.heading for f in COUNTS]
              + ["Reasons", "Flow logs by manager"] + [f.heading for f in OUTCOMES] + ["Judged at"])
    numeric = {2, 3, 4, 7, 8}

    def cells(row):
        account = row.account_name if row.account_name == row.account_id or not row.account_id \
            else "%s (%s)" % (row.account_name, row.account_id)
        return [account, row.region, _count(row.vpcs), _count(row.compliant),
                _count(row.non_compliant), reason_text(row.reasons), managed_by_text(row),
                str(row.fixed),
                str(row.failed), _judged_text(row)]

    table = [header] + [cells(r) for r in rows] + [cells(total(rows))]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]

    def line(values):
        return "| " + " | ".join(
            v.rjust(w) if i in numeric else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths))) + " |"

    rule = "|" + "|".join(("-" * (w + 1)) + (":" if i in numeric else "-")
                          for i, w in enumerate(widths)) + "|"
    out = [line(table[0]), rule] + [line(values) for values in table[1:]]
    not_judged = [r for r in rows if not r.judged]
    if not_judged:
        out += ["", "Not judged:"]
        out += ["- %s/%s: %s" % (r.account_name, r.region, " ".join(r.cause.split()))
                for r in not_judged]
    failures = [(r, vpc, error) for r in rows for vpc, error in r.failures]
    if failures:
        out += ["", "%s:" % Figure.FAILED.heading]
        out += ["- %s %s/%s: %s" % (vpc, r.account_name, r.region, error.splitlines()[0])
                for r, vpc, error in failures]
    return "\n".join(out) + "\n"


def _record(row):
    return {"account-name": row.account_name, "account-id": row.account_id,
            "region": row.region, "judged": row.judged,
            "judged-at": row.judged_at.isoformat() if row.judged_at else None,
            "cause": row.cause, Figure.VPCS: row.vpcs, Figure.COMPLIANT: row.compliant,
            Figure.NON_COMPLIANT: row.non_compliant,
            "reasons": {r: row.reasons[r] for r in REASONS if row.reasons.get(r)},
            "managed-by": {m: row.managed_by[m] for m in MANAGERS if row.managed_by.get(m)},
            Figure.FIXED: row.fixed, Figure.FAILED: row.failed,
            "failures": [{"vpc-id": vpc, "error": error} for vpc, error in row.failures]}


def as_json(rows):
    return json.dumps({"accounts": [_record(r) for r in rows], "total": _record(total(rows))},
                      indent=2) + "\n"


def _column(word):
    """A word as a CSV column name."""
    return word.replace("-", "_")


def as_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["account_name", "account_id", "region"] + [_column(f) for f in COUNTS]
                    + [_column(r) for r in REASONS]
                    + ["managed_by_" + _column(m) for m in MANAGERS]
                    + [_column(f) for f in OUTCOMES] + ["judged", "judged_at", "cause"])
    for row in rows + [total(rows)]:
        reasons = ["" if row.vpcs is None else row.reasons.get(r, 0) for r in REASONS]
        reasons += ["" if row.vpcs is None else row.managed_by.get(m, 0) for m in MANAGERS]
        writer.writerow([row.account_name, row.account_id, row.region, _count(row.vpcs, ""),
                         _count(row.compliant, ""), _count(row.non_compliant, "")]
                        + reasons + [row.fixed, row.failed, "yes" if row.judged else "no",
                                     row.judged_at.isoformat() if row.judged_at else "",
                                     row.cause or ""])
    return buffer.getvalue()


FORMATS = {"md": as_markdown, "csv": as_csv, "json": as_json}
