"""The HTML report's VPC sections: per judged account-region, the VPCs still non-compliant
(a failed fix among them), the exempt ones (with their exemption), those fixed since the
verdict, and the compliant ones (collapsed), each with its reasons, flow logs and what was
done."""

from html import escape

from c7n_vpcflow.vocabulary import Figure

# Which VPCs each table lists, its heading, and whether it opens collapsed.
SECTIONS = (
    (Figure.NON_COMPLIANT, (Figure.NON_COMPLIANT, Figure.FAILED), False),
    (Figure.EXEMPT, (Figure.EXEMPT,), False),
    (Figure.FIXED, (Figure.FIXED,), False),
    (Figure.COMPLIANT, (Figure.COMPLIANT,), True),
)


def account_text(row):
    if row.account_id and row.account_id != row.account_name:
        return "%s (%s)" % (row.account_name, row.account_id)
    return row.account_name or row.account_id


def _flow_logs(entry):
    logs = entry.get("flow-logs")
    if logs:
        return ", ".join(
            "%s (%s)" % (escape(f["id"]), escape(f.get("managed-by") or "?")) for f in logs
        )
    return ", ".join(escape(i) for i in entry.get("flow-log-ids") or ()) or "none"


def _exemption(entry):
    """An exemption as its row says it (the reasons cell)."""
    record = entry.get("exemption")
    if not record or record["status"] == "unneeded":
        return ""
    return "<br>%s until %s: %s (approved by %s%s)" % (
        escape(record["status"]),
        escape(record["expires"]),
        escape(record["reason"]),
        escape(record["approved-by"]),
        escape(", %s" % record["ticket"]) if record.get("ticket") else "",
    )


def _done(result):
    if not result:
        return "nothing yet: no enable-flow-logs result since this verdict"
    details = ([result["error"]] if result.get("error") else []) + list(result.get("changes") or ())
    return "<b>%s</b>%s" % (
        escape(result["status"]),
        "".join("<br>%s" % escape(d) for d in details),
    )


def _table(row, kind, outcomes):
    where = "%s/%s" % (row.account_id or row.account_name, row.region)
    lines = [
        '<tr data-vpc-id="%s" data-status="%s"><td><code>%s</code></td><td>%s</td>'
        "<td>%s</td><td>%s</td><td>%s</td></tr>"
        % (
            escape(entry["vpc-id"]),
            figure,
            escape(entry["vpc-id"]),
            escape(entry.get("name") or ""),
            (escape(", ".join(entry["violations"])) or "-") + _exemption(entry),
            _flow_logs(entry),
            _done(result) if entry["violations"] else "-",
        )
        for entry, figure, result in outcomes
    ]
    return (
        '<table class="vpcs" id="%s:%s"><thead><tr><th>VPC</th><th>Name</th>'
        "<th>Reasons</th><th>Flow logs (managed by)</th><th>What was done</th></tr>"
        "</thead><tbody>%s</tbody></table>" % (kind, escape(where), "".join(lines))
    )


def vpc_sections(rows):
    sections = []
    for row in rows:
        outcomes = list(row.vpc_outcomes())
        if not row.judged or not outcomes:
            continue
        parts = ["<h3>%s / %s</h3>" % (escape(account_text(row)), escape(row.region))]
        for kind, figures, collapsed in SECTIONS:
            listed = [o for o in outcomes if o[1] in figures]
            if not listed:
                continue
            title = "%d %s" % (len(listed), kind.value)
            table = _table(row, kind, listed)
            parts.append(
                '<details class="compliant"><summary>%s</summary>%s</details>' % (title, table)
                if collapsed
                else "<h4>%s</h4>%s" % (title, table)
            )
        sections.append("\n".join(parts))
    return "\n".join(sections) or "<p>No VPC was judged.</p>"
