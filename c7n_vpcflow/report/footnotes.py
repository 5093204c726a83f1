"""What every rendering of the report (Markdown, CSV and JSON in report.text; HTML) says
after its table, in the same words: the terms counted, the exemptions running out soon,
the unused VPCs and the runs not counted for being weaker than the profile."""

from c7n_vpcflow.report.exemptions import expiring
from c7n_vpcflow.report.profiles import CIS
from c7n_vpcflow.report.rows import duration_text, timestamp


def terms_text(terms):
    """What the report counted, in a sentence."""
    which = (
        "verdicts judged at least as strictly as CIS 3.7"
        if terms.profile == CIS
        else "every verdict as it was judged"
    )
    age = "of any age" if terms.max_age is None else "at most %s old" % duration_text(terms.max_age)
    lock = (
        ", under an S3 Object Lock retention in compliance mode (--require-lock)"
        if terms.require_lock
        else ""
    )
    exemptions = (
        "exemptions applied: an exempt VPC is counted apart and fails no gate"
        if terms.exemptions
        else "exemptions not applied (--no-exemptions): an exempt VPC counts as non-compliant"
    )
    return "Counted: %s (--profile %s), %s (--max-age)%s; %s." % (
        which,
        terms.profile,
        age,
        lock,
        exemptions,
    )


def expiring_exemptions(rows, terms):
    """(row, exemption record) of each exempt VPC whose exemption runs out soon."""
    return [
        (row, record)
        for row in rows
        if row.judged
        for record in expiring([v["exemption"] for v in row.exempt_vpcs], terms.now.date())
    ]


def expiring_lines(rows, terms):
    return [
        "%s %s/%s: expires %s: %s (approved by %s%s)"
        % (
            record["vpc-id"],
            row.account_name,
            row.region,
            record["expires"],
            record["reason"],
            record["approved-by"],
            ", %s" % record["ticket"] if record.get("ticket") else "",
        )
        for row, record in expiring_exemptions(rows, terms)
    ]


def unused_lines(rows):
    return [
        "%s%s %s/%s: %s"
        % (
            v["vpc-id"],
            " (%s)" % v["name"] if v.get("name") else "",
            row.account_name,
            row.region,
            ", ".join(v["violations"]),
        )
        for row in rows
        for v in row.unused_vpcs
    ]


def weaker_lines(rows):
    return [
        "%s/%s: %s (%s): %s" % (r.account_name, r.region, policy, timestamp(started), why)
        for r in rows
        for policy, started, why in r.weaker
    ]
