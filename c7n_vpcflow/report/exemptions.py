"""Exemptions as the report lists them: those that run out soon.

The records are the verdict file's (an exemption's fields as the register names them,
`expires` an ISO date); the report decides nothing else about them.
"""

from datetime import date

EXPIRING_WITHIN_DAYS = 30


def expiring(exemptions, today, within_days=EXPIRING_WITHIN_DAYS):
    """The exemptions still current on `today` (a date, UTC) whose last day is at most
    `within_days` days later, soonest first (then by VPC id)."""
    due = sorted(
        (date.fromisoformat(e["expires"]), e["vpc-id"], n) for n, e in enumerate(exemptions)
    )
    return [exemptions[n] for day, _vpc, n in due if 0 <= (day - today).days <= within_days]
