"""The cost section of the Markdown and JSON reports (and the CSV's cost columns): GB and USD a
month per account-region and in total, the ten most expensive VPCs, and the cheaper choices
with their estimated saving, each figure labelled measured or estimated (report.costs)."""

from c7n_vpcflow.report import costs as cost_figures
from c7n_vpcflow.report.rows import timestamp

NOT_ESTIMATED = "-"
TOTAL = "TOTAL"  # report.overall.total's account name


def usd(value):
    return NOT_ESTIMATED if value is None else "%.2f" % value


def gb(value):
    return NOT_ESTIMATED if value is None else "%.1f" % value


def retention_text(record):
    if "retention-days" not in record:
        return "several groups"
    return (
        "never expires"
        if record["retention-days"] is None
        else "%d days" % record["retention-days"]
    )


def choice_text(choice):
    """One cheaper choice as a person reads it."""
    if choice.get("blocked"):
        return "%s: blocked (%s)" % (choice["choice"], choice["blocked"])
    if choice.get("saving-usd") is None:
        return "%s: saving not estimated (%s)" % (choice["choice"], choice["why"])
    return "%s: saves about %s USD a month (estimated%s)" % (
        choice["choice"],
        usd(choice["saving-usd"]),
        "; %s" % choice["why"] if choice.get("why") else "",
    )


def choices_text(record):
    """A VPC's cheaper choices as a person reads them: each one names its log group when the
    VPC writes to several, whose choices would otherwise read as the same one repeated."""
    several = len(record.get("log-groups", ())) > 1
    return [
        "%s: %s" % (choice["log-group"], choice_text(choice)) if several else choice_text(choice)
        for choice in record["choices"]
    ]


def summary_text(counts):
    """What one cheaper choice comes to over every log group measured."""
    parts = (
        [
            "about %s USD a month saved over %d log groups (estimated)"
            % (usd(counts["saving-usd"]), counts["log-groups"])
        ]
        if counts["log-groups"]
        else []
    )
    if counts["not-estimated"]:
        parts.append("not estimated for %d" % counts["not-estimated"])
    if counts["blocked"]:
        parts.append("blocked for %d" % counts["blocked"])
    return "; ".join(parts)


def basis_lines(costs):
    """What was measured and what is estimated, and at which prices."""
    days = sorted({c.days for c in costs})
    priced = sorted({c.priced_with for c in costs})
    return [
        "Measured: the bytes each VPC's log group ingested over the last %s whole days "
        "(CloudWatch IncomingBytes) and stores (storedBytes), its class and retention. "
        "Estimated: every figure a month and every amount in USD, at %s (GB = 10^9 "
        "bytes; a log group several VPCs share counts once in a total, in full for each "
        "VPC). How: docs/cost.md." % ("/".join(str(d) for d in days), "; ".join(priced))
    ]


def markdown(costs):
    """The Markdown lines of the cost section; none without cost evidence."""
    if not costs:
        return []
    out = (
        ["", "## What flow logs cost", ""]
        + basis_lines(costs)
        + [
            "",
            (
                "| Account | Region | Measured at | Log groups (measured) | GB a month (estimated) "
                "| Ingestion USD (estimated) | Storage USD (estimated) | USD a month (estimated) "
                "| VPCs not measured |"
            ),
            "|---|---|---|--:|--:|--:|--:|--:|--:|",
        ]
    )
    for cost in costs:
        figures = cost_figures.shown(cost.totals)
        out.append(
            "| %s | %s | %s | %d | %s | %s | %s | %s | %d |"
            % (
                cost.account_name or cost.account_id,
                cost.region,
                timestamp(cost.measured_at),
                figures["log-groups"],
                gb(figures["monthly-gb"]),
                usd(figures["ingestion-usd"]),
                usd(figures["storage-usd"]),
                usd(figures["monthly-usd"]),
                figures["vpcs-not-measured"],
            )
        )
    overall = cost_figures.shown(cost_figures.total(costs))
    out.append(
        "| TOTAL | | | %d | %s | %s | %s | %s | %d |"
        % (
            overall["log-groups"],
            gb(overall["monthly-gb"]),
            usd(overall["ingestion-usd"]),
            usd(overall["storage-usd"]),
            usd(overall["monthly-usd"]),
            overall["vpcs-not-measured"],
        )
    )
    for note in cost_figures.left_out(overall):
        out += ["", note]
    top = cost_figures.most_expensive(costs)
    if top:
        out += [
            "",
            "The %d most expensive VPCs (estimated USD a month):" % len(top),
            "",
            "| VPC | Account | Region | Class | Retention | GB a month | USD a month "
            "| Shared with | Cheaper choices |",
            "|---|---|---|---|---|--:|--:|---|---|",
        ]
        for cost, vpc_id, _name, record in top:
            shared = sorted({v for g in record["log-groups"] for v in g["shared-with"]})
            out.append(
                "| %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                % (
                    vpc_id,
                    cost.account_name or cost.account_id,
                    cost.region,
                    record.get("log-group-class", "several groups"),
                    retention_text(record),
                    gb(record["monthly-gb"]),
                    usd(record["monthly-usd"]),
                    ", ".join(shared) or "-",
                    "; ".join(choices_text(record)).replace("|", "\\|") or "-",
                )
            )
    summary = cost_figures.choice_summary(costs)
    if summary:
        out += ["", "Cheaper choices over every log group measured (each once):"]
        out += [
            "- %s: %s" % (choice, summary_text(counts))
            for choice, counts in sorted(summary.items())
        ]
    return out


def csv_figures(costs, row):
    """(GB a month, USD a month) of a CSV row (an account-region, or the total), or blanks
    where there is no cost evidence of it."""
    if row.account_name == TOTAL and costs:
        figures = cost_figures.total(costs)
    else:
        found = [
            c.totals for c in costs if (c.account_id, c.region) == (row.account_id, row.region)
        ]
        figures = found[0] if found else None
    if not figures:
        return "", ""
    usd_a_month = cost_figures.shown(figures)["monthly-usd"]
    return figures["monthly-gb"], "" if usd_a_month is None else usd_a_month


def json_record(costs):
    """The cost section of the JSON report; None without cost evidence."""
    if not costs:
        return None
    return {
        "basis": basis_lines(costs)[0],
        "account-regions": [
            {
                "account-name": c.account_name,
                "account-id": c.account_id,
                "region": c.region,
                "measured-at": c.measured_at.isoformat() if c.measured_at else None,
                "policy": c.policy,
                "days": c.days,
                "priced-with": c.priced_with,
                "totals": c.totals,
                "vpcs": [
                    {"vpc-id": vpc_id, "name": name, "cost": record}
                    for vpc_id, name, record in c.vpcs
                ],
            }
            for c in costs
        ],
        "total": cost_figures.total(costs),
        "most-expensive": [
            {
                "account-id": c.account_id,
                "region": c.region,
                "vpc-id": vpc_id,
                "monthly-usd": record["monthly-usd"],
            }
            for c, vpc_id, _name, record in cost_figures.most_expensive(costs)
        ],
        "choices": cost_figures.choice_summary(costs),
    }
