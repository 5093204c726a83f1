"""Policy runs, combined into one row per account-region; and the gate on those rows.

Per account-region the latest judged run's verdict counts. A VPC it found non-compliant
counts as fixed only when the results of a run started at or after that verdict's run say
it was created, repaired or updated; a VPC whose latest result is failed or unfinished is a
failure. An account-region with corrupt evidence, or no judged run, is not judged: none of
its VPCs are counted.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import IntEnum

import yaml

from .vocabulary import FIXED, NOT_FIXED

# What c7n-org runs an account in when accounts.yml gives it no regions.
C7N_ORG_DEFAULT_REGIONS = ("us-east-1", "us-west-2")
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


class Gate(IntEnum):
    """`c7n-vpcflow report`'s exit codes."""
    CLEAN = 0           # every account-region judged, every non-compliant VPC fixed
    NON_COMPLIANT = 1   # VPCs remain non-compliant, or a fix failed
    USAGE = 2           # bad arguments, OUT not a directory, unreadable accounts file
    NOT_JUDGED = 3      # some account-region was not judged (or nothing at all was)
    CORRUPT = 4         # a file the report reads is truncated or invalid


class AccountsFileError(Exception):
    """The c7n-org accounts file cannot be read."""


@dataclass
class Row:
    account_name: str
    account_id: str
    region: str
    judged: bool = False
    judged_at: datetime = None
    cause: str = None
    vpcs: int = None              # None (and the two below) when not judged
    non_compliant: int = None
    reasons: Counter = field(default_factory=Counter)
    managed_by: Counter = field(default_factory=Counter)   # flow logs per manager
    fixed: int = 0
    failures: list = field(default_factory=list)   # (VPC id, error)
    non_compliant_vpcs: list = field(default_factory=list)   # the verdict's entries
    latest_results: dict = field(default_factory=dict)   # VPC id -> result since the verdict

    @property
    def compliant(self):
        return None if self.vpcs is None else self.vpcs - self.non_compliant

    @property
    def failed(self):
        return len(self.failures)

    @property
    def remaining(self):
        """Non-compliant VPCs not fixed."""
        return (self.non_compliant or 0) - self.fixed


def read_accounts(path):
    """[(account name, account id, [region, ...])] of a c7n-org accounts file."""
    try:
        with open(path) as f:
            config = yaml.safe_load(f)
        found = []
        for account in config["accounts"]:
            regions = account.get("regions") or C7N_ORG_DEFAULT_REGIONS
            found.append((account.get("name") or str(account["account_id"]),
                          str(account["account_id"]),
                          [r.strip() for value in regions for r in value.split(",")]))
        return found
    except OSError as e:
        raise AccountsFileError("cannot read %s: %s" % (path, e.strerror))
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as e:
        raise AccountsFileError("%s is not a c7n-org accounts file (%s: %s)" % (
            path, type(e).__name__, e))


def _started(run):
    return run.started or EARLIEST


def timestamp(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "time unknown"


def _row(account_id, region, runs, names):
    name = next((r.account_name for r in runs if r.account_name), "") or names.get(
        account_id, account_id or "unknown")
    row = Row(name, account_id, region)
    judged = [r for r in runs if r.judged]
    latest = max(judged, key=_started) if judged else None
    notes = []
    if latest and not any(r.corrupt for r in runs):
        row.judged, row.judged_at = True, latest.started
        verdicts = latest.verdicts["judged"]
        row.non_compliant_vpcs = [v for v in verdicts if v["violations"]]
        non_compliant = {v["vpc-id"] for v in row.non_compliant_vpcs}
        row.vpcs, row.non_compliant = len(verdicts), len(non_compliant)
        row.reasons = Counter(r for v in verdicts for r in v["violations"])
        row.managed_by = Counter(
            f["managed-by"] for v in verdicts for f in v.get("flow-logs", ()))
        notes = ["%s/%s: %s (%s) was not judged (%s); the row counts the verdict of %s (%s)" % (
            name, region, r.policy, timestamp(r.started), r.cause, latest.policy,
            timestamp(latest.started)) for r in runs if not r.judged and _started(r) >= _started(latest)]
    else:
        row.cause = "; ".join(dict.fromkeys(
            "%s: %s" % (r.policy, r.cause) for r in runs if r.cause)) or "no verdict"
        non_compliant = set()
    latest_result = {}
    for run in sorted((r for r in runs if r.results), key=_started):
        if latest is None or _started(run) >= _started(latest):
            latest_result.update((result["vpc-id"], result) for result in run.results["results"])
    row.latest_results = latest_result
    row.fixed = sum(1 for vpc_id in non_compliant
                    if latest_result.get(vpc_id, {}).get("status") in FIXED)
    row.failures = [(vpc_id, r.get("error") or r["status"])
                    for vpc_id, r in sorted(latest_result.items()) if r["status"] in NOT_FIXED]
    return row, notes


def account_rows(runs, accounts=()):
    """(rows sorted by account name and region, notes for stderr).

    `accounts` (from read_accounts) adds a not-judged row for every account-region of the
    c7n-org configuration that left no output.
    """
    names = {account_id: name for name, account_id, _regions in accounts}
    ids = {name: account_id for name, account_id, _regions in accounts}
    ids.update((r.account_name, r.account_id) for r in runs if r.account_name and r.account_id)
    groups = {}
    for run in runs:
        account_id = run.account_id or ids.get(run.account_name, "")
        key = (account_id, "" if account_id else run.account_name, run.region)
        groups.setdefault(key, []).append(run)
    rows, notes = [], []
    for (account_id, _name, region), group in groups.items():
        row, row_notes = _row(account_id, region, group, names)
        rows.append(row)
        notes.extend(row_notes)
    present = {(r.account_id, r.region) for r in rows}
    for name, account_id, regions in accounts:
        seen = [r for r in rows if r.account_id == account_id]
        for region in regions:
            if region == "all":   # resolved by c7n-org at run time: the regions found count
                if seen:
                    continue
            elif (account_id, region) in present:
                continue
            rows.append(Row(name, account_id, region,
                            cause="no output of this account-region in the tree"))
    return sorted(rows, key=lambda r: (r.account_name, r.region)), notes


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
    overall = Row("TOTAL", "", "", judged=len(judged) == len(rows) and bool(rows),
                  vpcs=sum(r.vpcs for r in judged),
                  non_compliant=sum(r.non_compliant for r in judged))
    if not rows:
        overall.cause = "nothing was judged"
    elif not overall.judged:
        overall.cause = "%d of %d account-regions not judged" % (
            len(rows) - len(judged), len(rows))
    for row in rows:
        overall.reasons.update(row.reasons)
        overall.managed_by.update(row.managed_by)
        overall.fixed += row.fixed
        overall.failures.extend(row.failures)
    return overall
