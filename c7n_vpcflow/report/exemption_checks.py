"""What the report checks of exemptions before a verdict counts, beyond their schema: an
exempt VPC fails no gate, so a hand edit must not be able to make one.

Each exemption a verdict cites is the register's entry for that VPC (its VPC, and its
account and region when it names them, those of the file), and means what it meant on the
day the run started (UTC, the day the filter judged it on: audit.exemptions): exempt only
when current that day, expired (with the reason exemption-expired, which nothing else
gives) only when past, unneeded only for a compliant VPC. A verdict file citing any records
the register it applied, holding at least the entries cited, each cited for one VPC. A
result skipped as exempt is for a VPC the run judged exempt, until its exemption's date.
No exemption a verdict file cites ends later than its max-exemption-days after the run's
day, since its register would have been refused.

Each check returns one line saying what is wrong, or None.
"""

from datetime import date, datetime, timezone

from c7n_vpcflow.vocabulary import (
    EXEMPT_UNTIL,
    EXEMPTION_EXPIRED,
    VERDICTS_FILE,
    ExemptionStatus,
    Status,
    Verdict,
)

VERDICTS_IN_RUN = "the run's %s" % VERDICTS_FILE


def run_day(header):
    """The UTC day of the file's `started`, the day its exemptions were judged on."""
    started = datetime.fromisoformat(header["started"])
    return started.astimezone(timezone.utc).date()


def _meaning_problem(verdict, exemption, day):
    """Whether the exemption's status is what its expiry and the VPC's violations make it."""
    status, expires = exemption["status"], date.fromisoformat(exemption["expires"])
    expired_reason = EXEMPTION_EXPIRED in verdict["violations"]
    if status == ExemptionStatus.EXEMPT.value and expires < day:
        return "is exempt under an exemption that expired %s, before the run's day %s" % (
            expires,
            day,
        )
    if status == ExemptionStatus.EXPIRED.value and expires >= day:
        return "has an exemption marked expired that runs until %s, not before the run's day %s" % (
            expires,
            day,
        )
    if status == ExemptionStatus.EXPIRED.value and not expired_reason:
        return "has an expired exemption without the reason %s" % EXEMPTION_EXPIRED
    if status == ExemptionStatus.UNNEEDED.value and verdict["violations"]:
        return "is non-compliant but its exemption is marked unneeded"
    return None


def verdict_exemption_problem(verdict, header):
    """One VPC's verdict against the file's `header` (account-id, region, started)."""
    exemption = verdict["exemption"]
    expired = exemption is not None and exemption["status"] == ExemptionStatus.EXPIRED.value
    if EXEMPTION_EXPIRED in verdict["violations"] and not expired:
        return "%s has the reason %s without an expired exemption" % (
            verdict["vpc-id"],
            EXEMPTION_EXPIRED,
        )
    if exemption is None:
        return None
    problem = None
    if exemption["vpc-id"] != verdict["vpc-id"]:
        problem = "cites the exemption of %s" % exemption["vpc-id"]
    for key in ("account-id", "region"):
        if problem is None and exemption[key] not in (None, header[key]):
            problem = "cites an exemption for %s %s, but the file says %s" % (
                key.replace("-id", ""),
                exemption[key],
                header[key],
            )
    problem = problem or _meaning_problem(verdict, exemption, run_day(header))
    return problem and "%s %s" % (verdict["vpc-id"], problem)


def register_problem(verdicts):
    """A verdict file citing exemptions records the register applied, and it holds them."""
    cited = {}
    for verdict in verdicts["judged"]:
        if verdict["exemption"] is not None:
            cited.setdefault(verdict["exemption"]["entry"], []).append(verdict["vpc-id"])
    if not cited:
        return None
    register = verdicts["register"]
    if register is None:
        return "cites exemptions (for %s) but records no exemption register applied" % ", ".join(
            vpc for vpcs in cited.values() for vpc in vpcs
        )
    beyond = sorted(entry for entry in cited if entry > register["entries"])
    if beyond:
        return "cites entry %d of an exemption register recorded as holding %d" % (
            beyond[-1],
            register["entries"],
        )
    shared = next((entry for entry, vpcs in sorted(cited.items()) if len(vpcs) > 1), None)
    if shared is not None:
        return "cites entry %d of the exemption register for %s: an entry names one VPC" % (
            shared,
            " and ".join(cited[shared]),
        )
    return None


def beyond_limit_problem(verdict, header):
    """An exemption cited ends no later after the run's day than the file's
    max-exemption-days allowed its register (which refuses a later one)."""
    limit = header["settings"].get("max-exemption-days")
    exemption = verdict["exemption"]
    if not limit or exemption is None:
        return None
    day = run_day(header)
    days = (date.fromisoformat(exemption["expires"]) - day).days
    if days <= limit:
        return None
    return (
        "%s cites an exemption until %s, %d days after the run's day %s: its register "
        "held none beyond %d (max-exemption-days)"
        % (verdict["vpc-id"], exemption["expires"], days, day, limit)
    )


def verdicts_exemption_problem(verdicts):
    """Every exemption a verdict file cites."""
    for verdict in verdicts["judged"]:
        problem = verdict_exemption_problem(verdict, verdicts) or beyond_limit_problem(
            verdict, verdicts
        )
        if problem:
            return problem
    return register_problem(verdicts)


def exempt_until(result):
    """The date a result says its VPC was left alone until as exempt; None for others."""
    reason = result.get("reason") or ""
    if result["status"] != Status.SKIPPED.value or not reason.startswith(EXEMPT_UNTIL):
        return None
    return reason[len(EXEMPT_UNTIL) :].split(":", 1)[0]


def skipped_exempt_problem(result, verdict, source, absent):
    """A result skipped as exempt agrees with the run's `verdict` on its VPC, read from
    `source` (`absent` says there is none)."""
    until = exempt_until(result)
    if until is None:
        return None
    skipped = "has %s skipped as %s%s" % (result["vpc-id"], EXEMPT_UNTIL, until)
    if verdict is None:
        return "%s, but %s" % (skipped, absent)
    if verdict["status"] != Verdict.EXEMPT.value:
        return "%s, but %s judges it %s" % (skipped, source, verdict["status"])
    if verdict["exemption"]["expires"] != until:
        return "%s, but %s gives its exemption until %s" % (
            skipped,
            source,
            verdict["exemption"]["expires"],
        )
    return None


def results_exemption_problem(results):
    """The verdict each result carries, and a result skipped as exempt against it."""
    for result in results["results"]:
        verdict = result.get("verdict")
        problem = verdict and verdict_exemption_problem(verdict, results)
        if problem:
            return "carries a verdict: %s" % problem
        if verdict or results["event"]:
            problem = skipped_exempt_problem(
                result, verdict, "the verdict it carries", "it carries no verdict"
            )
            if problem:
                return problem
    return None


def results_against_verdicts_problem(results, verdicts):
    """A result skipped as exempt is for a VPC the run's verdict file judges exempt."""
    judged = {v["vpc-id"]: v for v in verdicts["judged"]}
    for result in results["results"]:
        problem = skipped_exempt_problem(
            result,
            judged.get(result["vpc-id"]),
            VERDICTS_IN_RUN,
            "%s does not judge it" % VERDICTS_IN_RUN,
        )
        if problem:
            return problem
    return None
