"""The compliance report as one self-contained HTML page (inline CSS and SVG; nothing
fetched): what counted, the headline figures (judged, not judged, stale, weaker; VPCs;
the share compliant or fixed, of the judged account-regions only), a bar per
account-region with the cause of each one not judged in its own row, the VPCs of each
(non-compliant, fixed, and compliant collapsed) with reasons, flow logs and what was done,
compliance over time when the evidence holds several runs, what flow logs cost when the
evidence measured it (html_cost), the frameworks that map the control, and where it came
from; filled into the page of html_page.
"""

from collections import Counter
from datetime import datetime, timezone
from html import escape
from importlib.metadata import PackageNotFoundError, version

from c7n_vpcflow.data.frameworks import cis_numbering
from c7n_vpcflow.data.frameworks import load as load_frameworks
from c7n_vpcflow.report.chart import bar, compliance_series, not_judged_bar, over_time, percent
from c7n_vpcflow.report.exemptions import EXPIRING_WITHIN_DAYS
from c7n_vpcflow.report.footnotes import expiring_lines, terms_text, unused_lines, weaker_lines
from c7n_vpcflow.report.html_cost import cost_section
from c7n_vpcflow.report.html_page import FIGURE_WORDS, PAGE, STYLE
from c7n_vpcflow.report.html_vpcs import account_text, vpc_sections
from c7n_vpcflow.report.overall import total
from c7n_vpcflow.report.rows import age_text, timestamp
from c7n_vpcflow.report.source import locked_until_text
from c7n_vpcflow.vocabulary import Figure, Standing


def _summary_row(row, now):
    region = escape(row.region)
    where = 'data-account="%s" data-region="%s"' % (
        escape(row.account_id or row.account_name),
        region,
    )
    cells = ["<td>%s</td>" % escape(account_text(row)), "<td>%s</td>" % region]
    if not row.judged:
        when = (
            "%s, %s" % (timestamp(row.judged_at), age_text(row.age))
            if row.standing is Standing.STALE
            else ""
        )
        cells += (
            ['<td><span class="cause">%s</span></td>' % row.standing.label]
            + ["<td></td>"] * 5
            + [
                "<td>%s</td>" % not_judged_bar(),
                "<td>%s</td>" % escape(locked_until_text(row.lock, now)),
                "<td>%s</td>" % escape(when),
            ]
        )
        # The cause in a row of its own, across the table: causes can be long.
        return (
            '<tr class="%s" %s>%s</tr>\n<tr class="cause-row" %s><td colspan="11">'
            '<span class="cause">%s</span></td></tr>'
            % (row.standing.value, where, "".join(cells), where, escape(row.cause or ""))
        )
    compliance = "%s %s" % (
        bar(row.compliant, row.fixed, row.remaining, row.exempt),
        "%.0f%%" % percent(row.compliant + row.fixed, row.vpcs) if row.vpcs else "no VPCs",
    )
    cells += [
        '<td class="n">%d</td>' % n
        for n in (row.vpcs, row.compliant, row.exempt, row.non_compliant, row.fixed, row.failed)
    ]
    cells += [
        "<td>%s</td>" % compliance,
        "<td>%s</td>" % escape(locked_until_text(row.lock, now)),
        "<td>%s</td>" % escape(timestamp(row.judged_at)),
    ]
    return '<tr class="judged" %s>%s</tr>' % (where, "".join(cells))


def _totals(rows, terms):
    overall = total(rows)
    standings = Counter(r.standing for r in rows)
    locks = [Standing.UNLOCKED] if terms.require_lock else []
    figures = [
        ("account-regions judged", "%d of %d" % (standings[Standing.JUDGED], len(rows))),
        *(
            (s.label, standings[s])
            for s in [Standing.NOT_JUDGED, Standing.STALE, *locks, Standing.WEAKER]
        ),
        ("%s judged" % Figure.VPCS.heading, overall.vpcs),
        (Figure.COMPLIANT, overall.compliant),
        (Figure.EXEMPT, overall.exempt),
        (Figure.NON_COMPLIANT, overall.non_compliant),
        (Figure.FIXED, overall.fixed),
        (Figure.FAILED, overall.failed),
    ]
    boxes = [
        '<div class="total" data-total="%s"><b>%s</b>%s</div>'
        % (escape(label), escape(str(value)), escape(label))
        for label, value in figures
    ]
    if overall.vpcs:
        boxes.append(
            '<div class="total" data-total="share">%s<br>%.0f%% %s or %s, of the '
            "%d VPCs in the %d judged account-regions only</div>"
            % (
                bar(
                    overall.compliant,
                    overall.fixed,
                    overall.non_compliant - overall.fixed,
                    overall.exempt,
                ),
                percent(overall.compliant + overall.fixed, overall.vpcs),
                Figure.COMPLIANT,
                Figure.FIXED,
                overall.vpcs,
                standings[Standing.JUDGED],
            )
        )
    elif not rows:
        boxes.append('<div class="total cause">nothing was judged</div>')
    return "\n".join(boxes)


def _weaker(rows, terms):
    lines = weaker_lines(rows)
    if not lines:
        return ""
    return '<h2>Not counted: weaker than --profile %s</h2><ul id="weaker">%s</ul>' % (
        escape(terms.profile),
        "".join("<li>%s</li>" % escape(line) for line in lines),
    )


def _lists(rows, terms):
    """The exemptions running out soon and the unused VPCs, each a list of its own."""
    parts = []
    for key, title, lines in (
        (
            "expiring",
            "Exempt, expiring within %d days" % EXPIRING_WITHIN_DAYS,
            expiring_lines(rows, terms),
        ),
        (
            "unused",
            "Unused VPCs: no network interface (delete rather than log)",
            unused_lines(rows),
        ),
    ):
        if lines:
            parts.append(
                '<h2>%s</h2><ul id="%s">%s</ul>'
                % (escape(title), key, "".join("<li>%s</li>" % escape(line) for line in lines))
            )
    return "\n".join(parts)


def _history(verdicts):
    series = compliance_series(verdicts)
    if len(series) < 2:
        return ""
    return (
        '<h2>Compliance over time</h2><p class="muted">Share of the VPCs judged that '
        "were compliant when judged, at each of %d sweeps (each account-region counted "
        "with its latest verdict so far).</p>%s" % (len(series), over_time(series))
    )


def _cis_text():
    ids = {}
    for cis_version, rid in cis_numbering(load_frameworks()["frameworks"]):
        ids.setdefault(rid, []).append(cis_version)
    return (
        "CIS AWS Foundations Benchmark numbers this control "
        + "; ".join("%s in %s" % (rid, ", ".join(versions)) for rid, versions in ids.items())
        + "."
    )


def _frameworks():
    mapping = load_frameworks()
    rows = [
        "<tr><td>%s</td><td>%s</td><td>%s</td></tr>"
        % (
            escape(f["name"]),
            escape(f["version"]),
            escape(
                ", ".join(
                    "%s (%s)" % (r["id"], r["name"]) if r["name"] else r["id"]
                    for r in f["requirements"]
                )
            ),
        )
        for f in mapping["frameworks"]
    ]
    source = mapping["source"]
    return (
        '<p class="muted">Every framework requirement that Prowler maps its <code>%s</code> '
        "check to, from Prowler's compliance files (%s, commit <code>%s</code>, %s). %s"
        '</p><table id="frameworks"><thead><tr><th>Framework</th><th>Version</th>'
        "<th>Requirements</th></tr></thead><tbody>%s</tbody></table>"
        % (
            escape(source["check"]),
            escape(source["files"]),
            escape(source["commit"][:12]),
            escape(source["date"]),
            escape(source["caveat"]),
            "".join(rows),
        )
    )


def _tool_version():
    try:
        return version("c7n-vpcflow")
    except PackageNotFoundError:
        return "unknown"


def as_html(rows, verdicts, sources, gate, terms, generated=None, costs=()):
    """The page; `gate` is (exit code, what it means), `sources` the locations read,
    `terms` what counted (report.rows.Terms), `costs` the cost of each account-region whose
    evidence has it (report.costs)."""
    code, meaning = gate
    generated = generated or datetime.now(timezone.utc)
    about = (
        "Generated %s by c7n-vpcflow %s from %s: %d account-regions; the history "
        "from %d verdicts."
        % (timestamp(generated), _tool_version(), ", ".join(sources), len(rows), len(verdicts))
    )
    return PAGE.substitute(
        style=STYLE,
        cis=escape(_cis_text()),
        gate_class="pass" if code == 0 else "fail",
        gate=escape("Exit %d: %s" % (code, meaning)),
        terms=escape(terms_text(terms)),
        totals=_totals(rows, terms),
        rows="\n".join(_summary_row(r, terms.now) for r in rows),
        weaker=_weaker(rows, terms),
        expiring=_lists(rows, terms),
        history=_history(verdicts),
        cost=cost_section(costs),
        details=vpc_sections(rows),
        frameworks=_frameworks(),
        generated=escape(about),
        **FIGURE_WORDS,
    )
