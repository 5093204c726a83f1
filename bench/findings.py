"""The answers to issue 6, items 4-6, computed from the measured medians (RESULTS.md).

Every figure here comes from the summaries of this bench run; the targets and AWS limits
are constants below. A section is left out when its suite was not run.
"""

import math

from localaws.quotas import DEFAULT_QUOTAS

from . import cost, report_org
from .catalogue import SUITES
from .figures import FLOOR_RULE, by_operation, floor_seconds

PACING_TARGET = 1.1  # item 4: (b) within 1.1x the quota floor
AUDIT_TARGET = 1.1  # issue 15: our audit within 1.1x the built-in filter alone
LAMBDA_TIMEOUT_S = 900  # the longest a Lambda invocation may run
LAMBDA_MB_PER_VCPU = 1769  # Lambda's CPU share grows with memory: 1 vCPU at 1,769 MB
RATE = DEFAULT_QUOTAS[FLOOR_RULE]


def find(summaries, suite, scenario):
    for s in summaries:
        if s.suite == suite and s.scenario == scenario:
            return s
    return None


def verdict(ok):
    return "**met**" if ok else "**NOT met**"


def throttles(s):
    return by_operation(s.throttled) if s.throttled else "0"


def attempts(s):
    return int(sum(s.calls.values()) + sum(s.throttled.values()))


def pacing(summaries):
    b = find(summaries, "realistic-200", "enable")
    if b is None:
        return []
    floor = floor_seconds(b.vpcs, SUITES[b.suite])
    worst = b.wall_range[1] / floor
    lines = [
        "### Item 4: pacing (realistic mode, N = %d)" % b.vpcs,
        "",
        "- **(b) our enable policy**: %.1f s = **%.2f×** the quota floor of %.0f s (median of "
        "%d, slowest %.1f s = %.2f×); target ≤ %.1f× (≤ %.0f s): %s. Failed VPCs: %s (target 0). "
        "Throttled calls: %s of %d attempts."
        % (
            b.wall,
            b.wall / floor,
            floor,
            b.reps,
            b.wall_range[1],
            worst,
            PACING_TARGET,
            PACING_TARGET * floor,
            verdict(worst <= PACING_TARGET and b.failed_vpcs == 0),
            b.failed_vpcs,
            throttles(b),
            attempts(b),
        ),
        "- How: the plugin's defaults, a bounded thread pool per account-region "
        "(`max-workers: 4`) and client-side pacing of each CloudWatch Logs write operation "
        "at its quota (`logs-calls-per-second: 5`), with c7n's and botocore's retries "
        "behind it for throttling caused by other clients.",
    ]
    d = find(summaries, "realistic-200", "boto3")
    if d is not None:
        lines.append(
            "- **(d) plain sequential boto3** beside it: %.1f s = %.2f× the floor, throttled "
            "%s, failed VPCs %s." % (d.wall, d.wall / floor, throttles(d), d.failed_vpcs)
        )
    return lines


def org_scale(summaries):
    enable = find(summaries, "org-20x2", "org-enable")
    alone = find(summaries, "org-20x2", "org-filter")
    if enable is None:
        return []
    spec = SUITES["org-20x2"].estate
    places = len(spec.account_regions)
    per = spec.share(0)
    floor = per / RATE
    workers = int(enable.extra.get("c7n_org_workers", 0)) or places
    waves = math.ceil(places / workers)
    lines = [
        "### Item 5: org scale (c7n-org, %d accounts × %d regions, realistic mode)"
        % (len(spec.account_ids), len(spec.regions)),
        "",
        "- Estate: %d account-regions × %d VPCs = %d. c7n-org runs one account-region per "
        "worker process, %d at once (its default: 4 per CPU)." % (places, per, spec.vpcs, workers),
        "- Floor: the quotas are per account-region, so each needs ≥ %d / %g = %.0f s; with "
        "every account-region at once that is the whole floor (%.0f s, the × floor column); "
        "with c7n-org's %d workers, %d waves × %.0f s = **%.0f s**."
        % (per, RATE, floor, floor, workers, waves, floor, waves * floor),
        "- **(e) our enable policy**: %.1f s (%.1f× the %d-worker floor), failed VPCs %s, "
        "throttled %s. The proxy kept token buckets for %s account-regions in %s accounts: "
        "every account-region paced on its own."
        % (
            enable.wall,
            enable.wall / (waves * floor),
            workers,
            enable.failed_vpcs,
            throttles(enable),
            _int(enable.extra.get("bucket_account_regions")),
            _int(enable.extra.get("bucket_accounts")),
        ),
    ]
    creates = enable.calls.get("iam:CreateRole", 0)
    if creates > len(spec.account_ids):
        lines.append(
            "- IAM: CreateRole %s and PutRolePolicy %s for %d accounts: an account's regions "
            "run at once and race for the delivery role; the loser reuses the winner's role "
            "(EntityAlreadyExists) or puts the same policy again, and no VPC failed."
            % (_int(creates), _int(enable.calls.get("iam:PutRolePolicy")), len(spec.account_ids))
        )
    if alone is not None:
        lines += [
            "- **(f) the built-in filter alone**: %.1f s, throttled %s."
            % (alone.wall, throttles(alone)),
            "- **Ratio (e) / (f) = %.2f**: remediating costs %.1f s over finding the same "
            "VPCs. CPU (all processes): (e) %.0f s, (f) %.0f s for %.0f s and %.0f s of wall "
            "time. Peak RSS is the largest single process."
            % (
                enable.wall / alone.wall,
                enable.wall - alone.wall,
                enable.cpu,
                alone.cpu,
                enable.wall,
                alone.wall,
            ),
        ]
    return lines


def _int(value):
    return "?" if value is None else "%d" % value


def lambda_fit(summaries, realistic=None):
    run = find(summaries, "lambda-1000", "lambda")
    if run is None:
        return []
    x = run.extra
    memory = int(x.get("memory_mb", 512))
    timeout = int(x.get("timeout_s") or LAMBDA_TIMEOUT_S)
    floor = run.vpcs / RATE
    overhead = run.wall - floor
    rss_mb = run.peak_rss_kb / 1024.0
    vcpu = memory / float(LAMBDA_MB_PER_VCPU)
    cpu_bound = run.cpu / vcpu
    fits = (
        run.wall_range[1] <= LAMBDA_TIMEOUT_S
        and run.failed_vpcs == 0
        and rss_mb < memory
        and cpu_bound < LAMBDA_TIMEOUT_S
    )
    lines = [
        "### Item 6: Lambda (%s, %s VPCs, bare emulator)"
        % ("policies/vpc-flow-logs-periodic.yml", _n(run.vpcs)),
        "",
        "- **Archive** (as the stock `custodian run` uploads it): %s bytes zipped (%.0f KiB), "
        "%s bytes unzipped (%.1f MiB), %s files, plugin inside: %s; handler `%s`, %s, "
        "MemorySize %d MB, Timeout %d s."
        % (
            _n(x.get("archive_zipped_bytes")),
            x.get("archive_zipped_bytes", 0) / 1024.0,
            _n(x.get("archive_unzipped_bytes")),
            x.get("archive_unzipped_bytes", 0) / 2**20,
            _n(x.get("archive_files")),
            "yes" if x.get("archive_has_plugin") else "NO",
            x.get("handler"),
            x.get("runtime"),
            memory,
            timeout,
        ),
        "- **Bare-runtime run** (archive + the Lambda runtime's packages + stdlib; modules "
        "imported from anywhere else: %s): %.1f s wall (%.1f-%.1f), of which %.1f s in the "
        "handler and %.2f s importing it; peak RSS **%.0f MB**; CPU %.1f s; failed VPCs %s; "
        "throttled %s."
        % (
            len(x.get("outside_modules") or []) or "none",
            run.wall,
            run.wall_range[0],
            run.wall_range[1],
            x.get("handler_run_s", 0),
            x.get("handler_import_s", 0),
            rss_mb,
            run.cpu,
            run.failed_vpcs,
            throttles(run),
        ),
        "- The quota floor: %s log groups / %g per s = %.0f s. The plugin paces itself at the "
        "quota even on the bare emulator, so this run *is* a run at the floor: %.2f× it, "
        "%.0f s of overhead." % (_n(run.vpcs), RATE, floor, run.wall / floor, overhead),
    ]
    if realistic is not None:
        ratio = realistic.wall / floor_seconds(realistic.vpcs, SUITES[realistic.suite])
        lines.append(
            "- With AWS's latency: realistic mode (40 ms a call) ran (b) at %.2f× its floor "
            "at N = %d; at that ratio %s VPCs take about %.0f s."
            % (ratio, realistic.vpcs, _n(run.vpcs), ratio * floor)
        )
    lines += [
        "- Memory and CPU: %.0f MB peak is %.0f%% of the function's %d MB. At %d MB Lambda "
        "gives about %.2f vCPU; the run's %.1f s of CPU would take about %.0f s on it, "
        "overlapped with the paced calls."
        % (rss_mb, 100.0 * rss_mb / memory, memory, memory, vcpu, run.cpu, cpu_bound),
        "- **Can one 15-minute Lambda remediate %s VPCs at the quota floor? %s** %.0f s "
        "(slowest run %.0f s) against the %d s limit, %.0f s to spare; at this overhead one "
        "invocation has room for about %s log groups (one per VPC)."
        % (
            _n(run.vpcs),
            "Yes." if fits else "No.",
            run.wall,
            run.wall_range[1],
            LAMBDA_TIMEOUT_S,
            LAMBDA_TIMEOUT_S - run.wall_range[1],
            _n((LAMBDA_TIMEOUT_S - max(overhead, 0)) * RATE),
        ),
    ]
    return lines


def _n(value):
    return "?" if value is None else "{:,}".format(int(value))


def audit_scale(summaries):
    """Issue 15: our audit beside the built-in filter on remediated, crowded estates."""
    ours, builtin = (
        find(summaries, "estate-1000", "audit"),
        find(summaries, "estate-1000", "builtin-audit"),
    )
    org_ours, org_alone = (
        find(summaries, "org-audit-20x2", "org-audit"),
        find(summaries, "org-audit-20x2", "org-filter"),
    )
    lines = []
    if ours is not None:
        spec = SUITES["estate-1000"].estate
        groups = spec.vpcs + spec.unrelated_log_groups
        lines += [
            "### One account-region: %s VPCs amid %s unrelated log groups (realistic mode)"
            % (_n(spec.vpcs), _n(spec.unrelated_log_groups)),
            "",
            "- Every VPC has a healthy flow log into a group of its own, half under "
            "`/vpc/flow-logs/`, half under `/aws/vpc/` (two conventions).",
            "- **(h) our audit**: %s; %.1f s." % (by_operation(ours.calls), ours.wall),
            "- The formula (docs/audit.md): DescribeLogGroups = one listing per convention of "
            "ceil(%d/50) pages each = %d calls, whatever else the account holds. Before issue "
            "15 the single listing under the names' common prefix (`/`) would have paged "
            "through all %s groups: ceil(%s/50) = %d calls (computed, not measured)."
            % (
                spec.vpcs // 2,
                2 * math.ceil(spec.vpcs / 2 / 50),
                _n(groups),
                _n(groups),
                math.ceil(groups / 50),
            ),
        ]
        if builtin is not None:
            lines.append(
                "- **(i) the built-in filter alone**, same estate, same run: %s; %.1f s"
                " (ratio (h) / (i) = %.2f; it judges only whether a flow log exists)."
                % (by_operation(builtin.calls), builtin.wall, ours.wall / builtin.wall)
            )
        lines.append("")
    if org_ours is not None and org_alone is not None:
        spec = SUITES["org-audit-20x2"].estate
        ratio = org_ours.wall / org_alone.wall
        lines += [
            "### c7n-org, %d accounts × %d regions: our audit against the built-in filter "
            "alone (realistic mode)" % (len(spec.account_ids), len(spec.regions)),
            "",
            "- Estate: %d account-regions × %d VPCs, remediated under two conventions, amid "
            "%s unrelated log groups each (%s in all)."
            % (
                len(spec.account_regions),
                spec.share(0),
                _n(spec.unrelated_log_groups),
                _n(spec.unrelated_log_groups * len(spec.account_regions)),
            ),
            "- **(j) our audit**: %.1f s, %s. Per account-region the %d names of 2 "
            "conventions take one exact lookup on AWS (ceil(%d/50) = 1 < 2); moto ignores its "
            "identifiers, so here the audit then lists both conventions: 3 calls."
            % (org_ours.wall, by_operation(org_ours.calls), spec.share(0), spec.share(0)),
            "- **(f) the built-in filter alone**: %.1f s, %s."
            % (org_alone.wall, by_operation(org_alone.calls)),
            "- **Ratio (j) / (f) = %.2f** (target ≤ %.1f: %s). CPU (all processes): (j) %.0f s,"
            " (f) %.0f s."
            % (ratio, AUDIT_TARGET, verdict(ratio <= AUDIT_TARGET), org_ours.cpu, org_alone.cpu),
        ]
    return lines


def findings(summaries):
    realistic = find(summaries, "realistic-200", "enable")
    sections = [pacing(summaries), org_scale(summaries), lambda_fit(summaries, realistic)]
    body = [line for section in sections if section for line in section + [""]]
    parts = ["## Issue 6, items 4-6", ""] + body if body else []
    scale = audit_scale(summaries)
    if scale:
        parts += ["## Issue 15: the audit at real account sizes", ""] + scale
    for heading, section in (
        (report_org.REPORTS_HEADING, report_org.section),
        (cost.HEADING, cost.section),
    ):
        lines = section(summaries)
        if lines:
            parts += ["", "## " + heading, ""] + lines
    return "\n".join(parts).rstrip()
