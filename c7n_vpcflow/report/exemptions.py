"""Exemptions as the report lists them: those that run out soon, and a verdict as judged
before its register applied (--no-exemptions).

The records are the verdict file's (an exemption's fields as the register names them,
`expires` an ISO date); the report decides nothing else about them.
"""

from datetime import date

from c7n_vpcflow.vocabulary import EXEMPTION_EXPIRED, Verdict

EXPIRING_WITHIN_DAYS = 30


def expiring(exemptions, today, within_days=EXPIRING_WITHIN_DAYS):
    """The exemptions still current on `today` (a date, UTC) whose last day is at most
    `within_days` days later, soonest first (then by VPC id)."""
    due = sorted(
        (date.fromisoformat(e["expires"]), e["vpc-id"], n) for n, e in enumerate(exemptions)
    )
    return [exemptions[n] for day, _vpc, n in due if 0 <= (day - today).days <= within_days]


def without_register(verdict):
    """A VPC's verdict entry as judged before the register applied: no exemption, and not
    the reason exemption-expired, which only the register gives."""
    if not verdict.get("exemption"):
        return verdict
    violations = [r for r in verdict["violations"] if r != EXEMPTION_EXPIRED]
    return dict(
        verdict,
        exemption=None,
        violations=violations,
        status=Verdict.NON_COMPLIANT.value if violations else Verdict.COMPLIANT.value,
    )
