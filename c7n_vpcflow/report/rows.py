"""Policy runs, combined into one row per account-region (report.overall: their total and
the gate).

Per account-region the newest verdict that counts under the profile (profiles) counts; a
weaker one is listed with its reason and never counts. A VPC it found non-compliant counts
as fixed only when the results of a run started at or after that verdict's run, done under
settings the profile accepts, say it was created, repaired or updated; a VPC whose latest
result is failed or unfinished is a failure. An account-region with corrupt evidence, no
verdict that counts, or one older than the maximum age (stale) is not judged: none of its
VPCs are counted. A VPC the verdict found exempt (non-compliant under a current exemption of
the register it applied) is counted as exempt, neither compliant nor non-compliant, and
fails no gate; without exemptions (Terms.exemptions False) it counts as non-compliant, as
judged before the register applied.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Optional

from c7n_vpcflow.report.accounts import declared
from c7n_vpcflow.report.exemptions import without_register
from c7n_vpcflow.report.profiles import CIS, fix_shortfall, verdict_shortfall
from c7n_vpcflow.report.source import unbound_text
from c7n_vpcflow.vocabulary import FIXED, NOT_FIXED, Figure, Standing, Verdict

EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
# A daily schedule plus slack: a verdict older than this is stale by default.
DEFAULT_MAX_AGE = timedelta(hours=48)


@dataclass(frozen=True)
class Terms:
    """What counts: the profile, how old a verdict that counts may be (None: any age),
    whether it must be under an S3 Object Lock no one can lift, the moment ages and locks
    are measured at, and whether the exemptions each verdict applied count."""

    profile: str = CIS
    max_age: Optional[timedelta] = DEFAULT_MAX_AGE
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    require_lock: bool = False
    exemptions: bool = True


@dataclass
class Row:
    account_name: str
    account_id: str
    region: str
    judged: bool = False
    judged_at: datetime = None
    standing: Standing = Standing.NOT_JUDGED
    age: timedelta = None  # of the verdict counted, or found stale
    lock: object = None  # its S3 Object Lock (report.source.Lock), if any
    weaker: list = field(default_factory=list)  # (policy, started, why) not counted
    cause: str = None
    vpcs: int = None  # None (and the three below) when not judged
    non_compliant: int = None
    exempt: int = None
    reasons: Counter = field(default_factory=Counter)
    managed_by: Counter = field(default_factory=Counter)  # flow logs per manager
    fixed: int = 0
    failures: list = field(default_factory=list)  # (VPC id, error)
    non_compliant_vpcs: list = field(default_factory=list)  # the verdict's entries
    judged_vpcs: list = field(default_factory=list)  # every entry of the verdict counted
    exempt_vpcs: list = field(default_factory=list)  # its entries counted as exempt
    latest_results: dict = field(default_factory=dict)  # VPC id -> result since the verdict

    @property
    def compliant(self):
        return None if self.vpcs is None else self.vpcs - self.non_compliant - self.exempt

    @property
    def age_hours(self):
        return None if self.age is None else round(self.age.total_seconds() / 3600, 1)

    @property
    def failed(self):
        return len(self.failures)

    @property
    def remaining(self):
        """Non-compliant VPCs not fixed."""
        return (self.non_compliant or 0) - self.fixed

    def vpc_outcomes(self):
        """(verdict entry, Figure, latest result or None) of each VPC of the verdict counted:
        compliant when judged, fixed since, failed (a fix failed or was not finished), or
        still non-compliant."""
        for entry in self.judged_vpcs:
            result = self.latest_results.get(entry["vpc-id"])
            status = result and result["status"]
            figure = (
                Figure.COMPLIANT
                if not entry["violations"]
                else Figure.EXEMPT
                if entry["vpc-id"] in self.exempt_ids
                else Figure.FIXED
                if status in FIXED
                else Figure.FAILED
                if status in NOT_FIXED
                else Figure.NON_COMPLIANT
            )
            yield entry, figure, result

    @property
    def exempt_ids(self):
        return {v["vpc-id"] for v in self.exempt_vpcs}

    @property
    def unused_vpcs(self):
        """The verdict's non-compliant VPCs without a network interface (exempt ones too)."""
        return [v for v in self.judged_vpcs if v["violations"] and v.get("unused")]


def _started(run):
    return run.started or EARLIEST


def timestamp(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "time unknown"


def age_text(age):
    """An age as a person reads it: hours up to two days, then days."""
    if age is None:
        return "of unknown age"
    hours = age.total_seconds() / 3600
    return "%d hours old" % hours if hours < 48 else "%d days old" % (hours // 24)


def duration_text(duration):
    """A --max-age as given: 48h, 30d."""
    hours = duration.total_seconds() / 3600
    return "%dd" % (hours // 24) if hours > 48 and hours % 24 == 0 else "%gh" % hours


def _counted_runs(row, runs, terms):
    """(verdicts and fixes of runs that count under the profile); the others go to
    row.weaker with their reason."""
    verdicts, fixes = [], []
    for run in sorted(runs, key=_started):
        for kept, evidence, shortfall in (
            (verdicts, run.judged and run.verdicts, verdict_shortfall),
            (fixes, run.results, fix_shortfall),
        ):
            if not evidence:
                continue
            why = shortfall(terms.profile, evidence["settings"])
            if why:
                row.weaker.append((run.policy, run.started, why))
            else:
                kept.append(run)
    return verdicts, fixes


def _judge(row, latest, terms):
    """Counts the verdict of `latest` in the row, unless it is older than the maximum age
    or, when a lock is required, can still be rewritten."""
    row.judged_at, row.lock = latest.started, latest.lock
    row.age = terms.now - latest.started if latest.started else None
    if terms.max_age is not None and (row.age is None or row.age > terms.max_age):
        row.standing = Standing.STALE
        row.cause = (
            "stale: its newest verdict that counts (%s, %s) is %s, older than "
            "--max-age %s"
            % (
                latest.policy,
                timestamp(latest.started),
                age_text(row.age),
                duration_text(terms.max_age),
            )
        )
        return set()
    if terms.require_lock and not (row.lock and row.lock.binds(terms.now)):
        row.standing = Standing.UNLOCKED
        row.cause = "unlocked: its newest verdict that counts (%s, %s) %s (--require-lock)" % (
            latest.policy,
            timestamp(latest.started),
            unbound_text(row.lock, terms.now),
        )
        return set()
    row.judged, row.standing = True, Standing.JUDGED
    verdicts = latest.verdicts["judged"]
    if not terms.exemptions:
        verdicts = [without_register(v) for v in verdicts]
    row.exempt_vpcs = [v for v in verdicts if v.get("status") == Verdict.EXEMPT]
    row.non_compliant_vpcs = [v for v in verdicts if v["violations"] and v not in row.exempt_vpcs]
    non_compliant = {v["vpc-id"] for v in row.non_compliant_vpcs}
    row.vpcs, row.non_compliant = len(verdicts), len(non_compliant)
    row.exempt = len(row.exempt_vpcs)
    row.reasons = Counter(r for v in verdicts for r in v["violations"])
    row.managed_by = Counter(f["managed-by"] for v in verdicts for f in v.get("flow-logs", ()))
    row.judged_vpcs = verdicts
    return non_compliant


def _row(account_id, region, runs, names, terms):
    name = next((r.account_name for r in runs if r.account_name), "") or names.get(
        account_id, account_id or "unknown"
    )
    row = Row(name, account_id, region)
    verdicts, fixes = _counted_runs(row, runs, terms)
    latest = verdicts[-1] if verdicts else None
    notes = [
        "%s/%s: not counted: %s (%s) %s" % (name, region, policy, timestamp(started), why)
        for policy, started, why in row.weaker
    ]
    non_compliant = set()
    if latest and not any(r.corrupt for r in runs):
        non_compliant = _judge(row, latest, terms)
        notes += [
            "%s/%s: %s (%s) was not judged (%s); the row counts the verdict of %s (%s)"
            % (
                name,
                region,
                r.policy,
                timestamp(r.started),
                r.cause,
                latest.policy,
                timestamp(latest.started),
            )
            for r in runs
            if r.cause and _started(r) >= _started(latest)
        ]
    else:
        causes = ["%s: %s" % (r.policy, r.cause) for r in runs if r.cause]
        judged_weakly = [r for r in runs if r.judged]  # none counts, so all weaker
        if judged_weakly and not any(r.corrupt for r in runs):
            row.standing = Standing.WEAKER
            causes.insert(
                0,
                "judged only with settings weaker than --profile %s: %s"
                % (
                    terms.profile,
                    "; ".join(
                        "%s: %s"
                        % (r.policy, verdict_shortfall(terms.profile, r.verdicts["settings"]))
                        for r in judged_weakly
                    ),
                ),
            )
        row.cause = "; ".join(dict.fromkeys(causes)) or "no verdict"
    latest_result = {}
    for run in fixes:
        if latest is None or _started(run) >= _started(latest):
            latest_result.update((result["vpc-id"], result) for result in run.results["results"])
    row.latest_results = latest_result
    row.fixed = sum(
        1 for vpc_id in non_compliant if latest_result.get(vpc_id, {}).get("status") in FIXED
    )
    row.failures = [
        (vpc_id, r.get("error") or r["status"])
        for vpc_id, r in sorted(latest_result.items())
        if r["status"] in NOT_FIXED
    ]
    return row, notes


def account_rows(runs, accounts=(), terms=None, regions=(), account_ids=()):
    """(rows sorted by account name and region, notes for stderr), under `terms`.

    A not-judged row is added for every account-region that must be present and left no
    output: of the c7n-org configuration (`accounts`, from read_accounts), and of each
    account × `regions` (see declared).
    """
    terms = terms or Terms()
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
        row, row_notes = _row(account_id, region, group, names, terms)
        rows.append(row)
        notes.extend(row_notes)
    present = {(r.account_id, r.region) for r in rows}
    for name, account_id, wanted in declared(accounts, rows, regions, account_ids):
        seen = [r for r in rows if r.account_id == account_id]
        for region in wanted:
            if region == "all":  # resolved by c7n-org at run time: the regions found count
                if seen:
                    continue
            elif (account_id, region) in present:
                continue
            present.add((account_id, region))
            rows.append(
                Row(name, account_id, region, cause="no output of this account-region in the tree")
            )
    return sorted(rows, key=lambda r: (r.account_name, r.region)), notes
