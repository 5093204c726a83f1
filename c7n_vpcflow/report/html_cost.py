"""The HTML report's cost section (report.costs): GB and USD a month per account-region and
in total, the ten most expensive VPCs, and every VPC measured with its cheaper choices and
their estimated saving (collapsed), each figure labelled measured or estimated."""

from html import escape

from c7n_vpcflow.report import costs as cost_figures
from c7n_vpcflow.report.cost_text import basis_lines, choices_text, gb, retention_text, usd
from c7n_vpcflow.report.rows import timestamp

TOTALS_HEAD = (
    "<tr><th>Account</th><th>Region</th><th>Measured at</th><th>Log groups "
    "(measured)</th><th>GB a month (estimated)</th><th>Ingestion USD "
    "(estimated)</th><th>Storage USD (estimated)</th><th>USD a month "
    "(estimated)</th><th>VPCs not measured</th></tr>"
)
VPC_HEAD = (
    "<tr><th>VPC</th><th>Account / region</th><th>Log group class, retention "
    "(measured)</th><th>Ingested bytes (measured)</th><th>GB a month (estimated)</th>"
    "<th>USD a month (estimated)</th><th>Cheaper choices (estimated saving a month)"
    "</th></tr>"
)


def _totals_row(cost):
    figures = cost.totals
    cells = [
        escape(cost.account_name or cost.account_id),
        escape(cost.region),
        escape(timestamp(cost.measured_at)),
    ] + _figures(figures)
    return '<tr data-account="%s" data-region="%s">%s</tr>' % (
        escape(cost.account_id),
        escape(cost.region),
        "".join("<td>%s</td>" % c for c in cells),
    )


def _total_row(overall):
    cells = ["<b>TOTAL</b>", "", ""] + _figures(overall)
    return '<tr class="total">%s</tr>' % "".join("<td>%s</td>" % c for c in cells)


def _figures(figures):
    figures = cost_figures.shown(figures)
    return [
        str(figures["log-groups"]),
        gb(figures["monthly-gb"]),
        usd(figures["ingestion-usd"]),
        usd(figures["storage-usd"]),
        "<b>%s</b>" % usd(figures["monthly-usd"]),
        str(figures["vpcs-not-measured"]),
    ]


def _vpc_row(cost, vpc_id, name, record):
    if record.get("not-measured"):
        figures = [
            '<td colspan="4" class="muted">not measured: %s</td>' % escape(record["not-measured"]),
            "<td></td>",
        ]
    else:
        shared = sorted({v for g in record["log-groups"] for v in g["shared-with"]})
        figures = [
            "<td>%s, %s</td>"
            % (
                escape(record.get("log-group-class", "several groups")),
                escape(retention_text(record)),
            ),
            '<td class="n">%d</td>' % record["ingested-bytes"],
            '<td class="n">%s</td>' % gb(record["monthly-gb"]),
            '<td class="n">%s%s</td>'
            % (
                usd(record["monthly-usd"]),
                (
                    '<br><span class="muted">log group shared with %s</span>'
                    % escape(", ".join(shared))
                )
                if shared
                else "",
            ),
            "<td>%s</td>" % "<br>".join(escape(text) for text in choices_text(record)),
        ]
    return '<tr data-vpc-id="%s"><td><code>%s</code>%s</td><td>%s / %s</td>%s</tr>' % (
        escape(vpc_id),
        escape(vpc_id),
        "<br>%s" % escape(name) if name else "",
        escape(cost.account_name or cost.account_id),
        escape(cost.region),
        "".join(figures),
    )


def cost_section(costs):
    """The section's HTML; empty without cost evidence."""
    if not costs:
        return ""
    overall = cost_figures.total(costs)
    top = cost_figures.most_expensive(costs)
    every = sorted(
        ((c, *vpc) for c in costs for vpc in c.vpcs),
        key=lambda item: (-(item[3].get("monthly-usd") or -1), item[1]),
    )
    return "".join(
        [
            '<h2 id="cost">What flow logs cost</h2><p class="muted" id="cost-basis">%s</p>'
            % escape(basis_lines(costs)[0]),
            '<table id="cost-totals"><thead>%s</thead><tbody>%s%s</tbody></table>'
            % (TOTALS_HEAD, "".join(_totals_row(c) for c in costs), _total_row(overall)),
            "".join(
                '<p class="muted cost-left-out">%s</p>' % escape(note)
                for note in cost_figures.left_out(overall)
            ),
            "<h3>The %d most expensive VPCs</h3>" % len(top) if top else "",
            '<table class="vpcs" id="cost-top"><thead>%s</thead><tbody>%s</tbody></table>'
            % (VPC_HEAD, "".join(_vpc_row(*item) for item in top))
            if top
            else "",
            '<details id="cost-vpcs"><summary>Every VPC (%d): its cost and cheaper choices, or why '
            "it was not measured"
            '</summary><table class="vpcs"><thead>%s</thead><tbody>%s</tbody></table></details>'
            % (len(every), VPC_HEAD, "".join(_vpc_row(*item) for item in every)),
        ]
    )
