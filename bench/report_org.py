"""Issue 20, item 7: `c7n-vpcflow report` on a central evidence bucket at organisation scale.

Mode `s3-latency`: the proxy adds 100 ms to every request and enforces no quota (the
emulator serves about 200 requests a second here; with 100 ms added, waiting on S3
dominates as it does on AWS, where a request takes about 25 ms). The evidence is one stock
`custodian run` of the audit policy, copied to every account-region and hour
(localaws.evidence), gzipped in the central bucket's layout
`vpc-flow-logs/<account id>/<region>/vpc-flow-logs-audit/YYYY/MM/DD/HH/`, every version
locked for 400 days in compliance mode as iam/evidence-bucket.yml locks them.

Suite `report-org`: 2,000 account-regions (125 accounts × 16 regions), each with its
latest run an hour ago; (k) the report (JSON) with its default 32 workers beside (l) the
same with `--workers 1`, in the same bench run. Suite `report-history`: 100
account-regions with a daily run over 45 days; (m) the HTML report with its history since
the default 30 days beside (n) `--since none`. The report changes nothing, so each suite
is seeded once for all its runs.
"""

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from localaws.evidence import audit_run, seed_evidence
from localaws.regions import DEFAULT_REGIONS
from localaws.server import post

from .scenarios import BIN, MODES, SUITES, Mode, Suite, scenario

BUCKET = "org-c7n-vpcflow-evidence"
EVIDENCE = "s3://%s/vpc-flow-logs" % BUCKET
S3_LATENCY_MS = 100.0
# The 17 regions AWS enables by default.
REGIONS = DEFAULT_REGIONS
# The extrapolation: an organisation of 1,000 accounts in those regions, on S3.
ORG_ACCOUNT_REGIONS = 1000 * len(REGIONS)
AWS_S3_LATENCY_MS = 25.0
TARGET_MEASURED_S, TARGET_ORG_S, TARGET_PER_ACCOUNT_REGION = 120, 180, 10
LOCK_DAYS = 400  # as iam/evidence-bucket.yml locks every version
REPORTS_HEADING = "Issue 20: reports at organisation scale"
MODES["s3-latency"] = Mode("s3-latency", S3_LATENCY_MS, {})


@dataclass(frozen=True)
class EvidenceSpec:
    """An evidence bucket: a run of the audit policy in every account-region at each age
    (hours before the hour it is seeded in)."""

    accounts: int
    regions: int
    ages_hours: tuple = (1,)
    vpcs_per_run: int = 3  # the audit run copied: a healthy, a bare, the default VPC

    @property
    def account_ids(self):
        return tuple("3%011d" % n for n in range(1, self.accounts + 1))

    @property
    def account_regions(self):
        return [(a, r) for a in self.account_ids for r in REGIONS[: self.regions]]

    @property
    def vpcs(self):
        return self.vpcs_per_run * len(self.account_regions)

    def seed_into(self, endpoint):
        """Reset the emulator, run the audit once, upload its copies; the keys made."""
        post(endpoint, "/moto-api/reset")
        workdir = tempfile.mkdtemp(prefix="c7n-vpcflow-evidence-")
        try:
            files = audit_run(endpoint, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
        return seed_evidence(
            endpoint,
            BUCKET,
            files,
            self.account_regions,
            [now - timedelta(hours=h) for h in self.ages_hours],
            lock_days=LOCK_DAYS,
        )


def report(ctx, *options):
    """The report's argv; the estate's shape goes to bench-extra.json."""
    with open(os.path.join(ctx.workdir, "bench-extra.json"), "w") as f:
        json.dump(
            {
                "account_regions": len(ctx.estate.account_regions),
                "accounts": len(ctx.estate.account_ids),
            },
            f,
        )
    return [os.path.join(BIN, "c7n-vpcflow"), "report", EVIDENCE, *options]


@scenario("report-latest", "(k) c7n-vpcflow report, JSON, default 32 workers", remediates=False)
def report_latest(ctx):
    return report(ctx, "--format", "json")


@scenario(
    "report-sequential", "(l) c7n-vpcflow report, JSON, --workers 1 (sequential)", remediates=False
)
def report_sequential(ctx):
    return report(ctx, "--format", "json", "--workers", "1")


@scenario(
    "report-history",
    "(m) c7n-vpcflow report, HTML, history --since 30d (default)",
    remediates=False,
)
def report_history(ctx):
    return report(ctx, "--format", "html")


@scenario(
    "report-history-all", "(n) c7n-vpcflow report, HTML, history --since none", remediates=False
)
def report_history_all(ctx):
    return report(ctx, "--format", "html", "--since", "none")


SUITES["report-org"] = Suite(
    "report-org",
    "s3-latency",
    EvidenceSpec(125, 16),
    ("report-latest", "report-sequential"),
    vpc_table=False,
)
SUITES["report-history"] = Suite(
    "report-history",
    "s3-latency",
    EvidenceSpec(10, 10, tuple(1 + 24 * d for d in range(45))),
    ("report-history", "report-history-all"),
    vpc_table=False,
)


# --- RESULTS.md -----------------------------------------------------------------------


def section(summaries):
    """The lines of RESULTS.md on these suites (none when neither ran)."""
    found = {(s.suite, s.scenario): s for s in summaries}
    lines = []
    latest, sequential = (
        found.get(("report-org", "report-latest")),
        found.get(("report-org", "report-sequential")),
    )
    if latest is not None:
        lines += latest_state(latest, sequential)
    history, everything = (
        found.get(("report-history", "report-history")),
        found.get(("report-history", "report-history-all")),
    )
    if history is not None:
        lines += history_cost(history, everything)
    return lines


def _requests(s):
    return sum(s.calls.values())


def _by_operation(s):
    return ", ".join("%s %d" % (k.split(":", 1)[1], v) for k, v in sorted(s.calls.items()))


def _met(ok):
    return "**met**" if ok else "**NOT met**"


def _judged(s):
    # The copied audit run leaves the bare and the default VPC non-compliant: exit 1 is
    # "every account-region judged"; 3 or 4 would say otherwise.
    return "every account-region judged (exit %s)" % "/".join(map(str, sorted(set(s.exit_codes))))


def latest_state(k, sequential):
    spec = SUITES[k.suite].estate
    places = len(spec.account_regions)
    requests = _requests(k)
    per = requests / places
    mean = k.extra.get("mean_in_flight", 0.0)
    cpu_ms = 1000.0 * k.cpu / requests
    org_requests = per * ORG_ACCOUNT_REGIONS
    latency_bound = org_requests * AWS_S3_LATENCY_MS / 1000.0 / 32
    cpu_bound = org_requests * cpu_ms / 1000.0
    estimate = max(latency_bound, cpu_bound)
    lines = [
        "### Item 7: the latest state of %s account-regions (%d accounts × %d regions), "
        "+%g ms a request" % ("{:,}".format(places), spec.accounts, spec.regions, S3_LATENCY_MS),
        "",
        "- **(k) 32 workers (the default)**: **%.1f s** (target ≤ %d s: %s); %d requests "
        "(%s), **%.2f per account-region** (target ≤ %d: %s); mean requests in flight "
        "%.1f (peak %d); client CPU %.1f s (%.2f ms a request; load average %.1f on %d "
        "CPUs at its end); %s."
        % (
            k.wall,
            TARGET_MEASURED_S,
            _met(k.wall <= TARGET_MEASURED_S),
            requests,
            _by_operation(k),
            per,
            TARGET_PER_ACCOUNT_REGION,
            _met(per <= TARGET_PER_ACCOUNT_REGION),
            mean,
            k.extra.get("peak_in_flight", 0),
            k.cpu,
            cpu_ms,
            k.extra.get("load_average", 0.0),
            os.cpu_count() or 0,
            _judged(k),
        ),
    ]
    if sequential is not None:
        lines.append(
            "- **(l) sequential (`--workers 1`)**, same run: **%.1f s**, %d requests, mean in "
            "flight %.2f: %.0f ms a request; (k) is **%.1f×** faster."
            % (
                sequential.wall,
                _requests(sequential),
                sequential.extra.get("mean_in_flight", 0.0),
                1000.0 * sequential.wall / _requests(sequential),
                sequential.wall / k.wall,
            )
        )
    lines += [
        "- **Extrapolated to %s account-regions** (1,000 accounts × %d regions) on S3 "
        "(~%g ms a request): %.2f × %s = %s requests. Waiting on S3 with 32 at once: "
        "%s × %g ms / 32 = %.0f s; the client's own CPU (one process, %.2f ms a request as "
        "measured): %.0f s. The larger bounds it: **about %.0f s** (target ≤ %d s: %s). "
        "One after another it would take about %.0f min."
        % (
            "{:,}".format(ORG_ACCOUNT_REGIONS),
            len(REGIONS),
            AWS_S3_LATENCY_MS,
            per,
            "{:,}".format(ORG_ACCOUNT_REGIONS),
            "{:,.0f}".format(org_requests),
            "{:,.0f}".format(org_requests),
            AWS_S3_LATENCY_MS,
            latency_bound,
            cpu_ms,
            cpu_bound,
            estimate,
            TARGET_ORG_S,
            _met(estimate <= TARGET_ORG_S),
            org_requests * (AWS_S3_LATENCY_MS + cpu_ms) / 60000.0,
        ),
        "",
    ]
    return lines


def history_cost(m, everything):
    spec = SUITES[m.suite].estate
    places = len(spec.account_regions)
    lines = [
        "### Item 7: the HTML history, %d account-regions with a daily run over %d days, "
        "+%g ms a request" % (places, len(spec.ages_hours), S3_LATENCY_MS),
        "",
        "- **(m) `--since 30d` (the default)**: %.1f s; %d requests (%s), %.1f per "
        "account-region; %s."
        % (m.wall, _requests(m), _by_operation(m), _requests(m) / places, _judged(m)),
    ]
    if everything is not None:
        lines.append(
            "- **(n) `--since none`**: %.1f s; %d requests (%s), %.1f per "
            "account-region."
            % (
                everything.wall,
                _requests(everything),
                _by_operation(everything),
                _requests(everything) / places,
            )
        )
    lines.append("")
    return lines
