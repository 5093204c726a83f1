"""The compliance report: per account and region, from `custodian run` / `c7n-org run` output.

Reads every policy output directory below a root (single-region `OUT/<policy>/`,
multi-region `OUT/<region>/<policy>/`, c7n-org `OUT/<account>/<region>/<policy>/`): its
metadata.json says which account and region it covered, flow-log-compliance.json holds the
filter's verdict on every VPC, flow-log-results.json what enable-flow-logs did.
"""
import csv
import io
import json
import os
from collections import Counter
from dataclasses import dataclass, field

from .judge import REASONS

FIXED = ("created", "repaired", "updated")


@dataclass
class Row:
    account_name: str
    account_id: str
    region: str
    vpcs: int = 0
    non_compliant: int = 0
    reasons: Counter = field(default_factory=Counter)
    fixed: int = 0
    failed: int = 0
    failures: list = field(default_factory=list)
    judged_at: float = -1.0

    @property
    def compliant(self):
        return self.vpcs - self.non_compliant

    def add(self, other):
        self.vpcs += other.vpcs
        self.non_compliant += other.non_compliant
        self.reasons.update(other.reasons)
        self.fixed += other.fixed
        self.failed += other.failed
        self.failures.extend(other.failures)


def _load(path):
    with open(path) as f:
        return json.load(f)


def policy_outputs(root):
    """(relative path parts, directory) of every policy output directory below root."""
    for directory, _dirs, files in sorted(os.walk(root)):
        if "metadata.json" in files:
            yield os.path.relpath(directory, root).split(os.sep), directory


def collect(root):
    """Rows by (account id, region), from every policy output directory below root."""
    rows = {}
    for parts, directory in policy_outputs(root):
        metadata = _load(os.path.join(directory, "metadata.json"))
        config = metadata.get("config", {})
        account_id, region = config.get("account_id") or "unknown", config.get("region") or ""
        # c7n-org writes <account name>/<region>/<policy>.
        name = parts[-3] if len(parts) >= 3 and parts[-2] == region else account_id
        row = rows.setdefault((account_id, region), Row(name, account_id, region))
        _read_verdicts(row, directory, metadata.get("execution", {}).get("start", 0))
        _read_results(row, directory)
    return [rows[key] for key in sorted(rows, key=lambda k: (rows[k].account_name, k[1]))]


def _read_verdicts(row, directory, started):
    """The most recent judgement of the account-region wins."""
    path = os.path.join(directory, "flow-log-compliance.json")
    if not os.path.exists(path) or started < row.judged_at:
        return
    judged = _load(path)["judged"]
    row.judged_at = started
    row.vpcs = len(judged)
    non_compliant = [v for v in judged if v["violations"]]
    row.non_compliant = len(non_compliant)
    row.reasons = Counter(r for v in non_compliant for r in v["violations"])


def _read_results(row, directory):
    path = os.path.join(directory, "flow-log-results.json")
    if not os.path.exists(path):
        return
    for result in _load(path):
        if result["status"] in FIXED:
            row.fixed += 1
        elif result["status"] == "failed":
            row.failed += 1
            row.failures.append((result["vpc-id"], result.get("error", "")))


def total(rows):
    overall = Row("TOTAL", "", "")
    for row in rows:
        overall.add(row)
    return overall


def reason_text(reasons):
    return ", ".join("%s %d" % (r, reasons[r]) for r in REASONS if reasons.get(r)) or "-"


def as_markdown(rows):
    header = ["Account", "Region", "VPCs", "Compliant", "Non-compliant", "Reasons",
              "Fixed", "Failed"]
    numeric = {2, 3, 4, 6, 7}

    def cells(row):
        account = row.account_name if row.account_name == row.account_id or not row.account_id \
            else "%s (%s)" % (row.account_name, row.account_id)
        values = [account, row.region, row.vpcs, row.compliant, row.non_compliant,
                  reason_text(row.reasons), row.fixed, row.failed]
        return [str(v) for v in values]

    table = [header] + [cells(r) for r in rows] + [cells(total(rows))]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]

    def line(values):
        return "| " + " | ".join(
            v.rjust(w) if i in numeric else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths))) + " |"

    rule = "|" + "|".join(("-" * (w + 1)) + (":" if i in numeric else "-")
                          for i, w in enumerate(widths)) + "|"
    out = [line(table[0]), rule] + [line(values) for values in table[1:]]
    failures = [(r, vpc, error) for r in rows for vpc, error in r.failures]
    if failures:
        out.append("")
        out.append("Failed:")
        out.extend("- %s %s/%s: %s" % (vpc, r.account_name, r.region, error.splitlines()[0])
                   for r, vpc, error in failures)
    return "\n".join(out) + "\n"


def _record(row):
    return {"account-name": row.account_name, "account-id": row.account_id,
            "region": row.region, "vpcs": row.vpcs, "compliant": row.compliant,
            "non-compliant": row.non_compliant,
            "reasons": {r: row.reasons[r] for r in REASONS if row.reasons.get(r)},
            "fixed": row.fixed, "failed": row.failed,
            "failures": [{"vpc-id": vpc, "error": error} for vpc, error in row.failures]}


def as_json(rows):
    return json.dumps({"accounts": [_record(r) for r in rows], "total": _record(total(rows))},
                      indent=2) + "\n"


def as_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["account_name", "account_id", "region", "vpcs", "compliant",
                     "non_compliant"] + [r.replace("-", "_") for r in REASONS]
                    + ["fixed", "failed"])
    for row in rows + [total(rows)]:
        writer.writerow([row.account_name, row.account_id, row.region, row.vpcs,
                         row.compliant, row.non_compliant]
                        + [row.reasons.get(r, 0) for r in REASONS] + [row.fixed, row.failed])
    return buffer.getvalue()


FORMATS = {"md": as_markdown, "csv": as_csv, "json": as_json}
