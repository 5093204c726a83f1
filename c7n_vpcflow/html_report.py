"""The compliance report as one self-contained HTML page (inline CSS and SVG; nothing
fetched): totals and a bar per account-region, each non-compliant VPC with its reasons,
flow logs and what was done, the account-regions not judged, compliance over time when the
evidence holds several runs, the frameworks that map the control, and where it came from.
"""
from datetime import datetime, timezone
from html import escape
from importlib.metadata import PackageNotFoundError, version
from string import Template

from .account_rows import timestamp, total
from .frameworks import cis_numbering, load as load_frameworks
from .report_chart import bar, compliance_series, not_judged_bar, over_time, percent
from .vocabulary import Figure, Judgement

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933;
       margin: 0 auto; max-width: 1100px; padding: 24px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.gate { padding: 10px 14px; border-radius: 6px; font-weight: 600; margin: 12px 0; }
.gate.pass { background: #e8f5e9; color: #1b5e20; }
.gate.fail { background: #ffebee; color: #b71c1c; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.total { border: 1px solid #d9e2ec; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.total b { display: block; font-size: 22px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e4e7eb;
         vertical-align: top; }
th { background: #f5f7fa; font-weight: 600; } td.n { text-align: right; }
tr.not-judged td { color: #7b8794; } .cause { color: #9a3412; }
.axis { font-size: 11px; fill: #52606d; } .muted { color: #7b8794; } code { font-size: 12px; }
#frameworks td:first-child { width: 38%; }
#account-regions td:nth-child(2), #account-regions td:nth-child(8),
.vpcs td:first-child { white-space: nowrap; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; }
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>VPC flow logs: CIS AWS Foundations compliance</title>
<style>$style</style></head>
<body>
<h1>VPC flow logs: CIS AWS Foundations
&ldquo;Ensure VPC flow logging is enabled in all VPCs&rdquo;</h1>
<p class="muted">$cis</p>
<p class="gate $gate_class" id="gate">$gate</p>
<div class="totals" id="totals">$totals</div>
<h2>Per account and region</h2>
<p class="legend muted">Bar: <span style="background:#2e7d32"></span>$compliant when judged
<span style="background:#4db6ac"></span>$fixed since
<span style="background:#c62828"></span>still $non_compliant</p>
<table id="account-regions"><thead><tr><th>Account</th><th>Region</th><th>$vpcs_heading</th>
<th>$compliant_heading</th><th>$non_compliant_heading</th><th>$fixed_heading</th>\
<th>$failed_heading</th><th>Compliance</th>
<th>Judged at</th></tr></thead><tbody>
$rows
</tbody></table>
$history
<h2>Non-compliant VPCs</h2>
$details
<h2>Frameworks</h2>
$frameworks
<h2>About this report</h2>
<p id="generated">$generated</p>
</body></html>
""")
# The figures' words and headings, as PAGE names them ($fixed, $fixed_heading).
FIGURE_WORDS = {**{f.name.lower(): f.value for f in Figure},
                **{f.name.lower() + "_heading": f.heading for f in Figure}}


def _account(row):
    if row.account_id and row.account_id != row.account_name:
        return "%s (%s)" % (row.account_name, row.account_id)
    return row.account_name or row.account_id


def _summary_row(row):
    region = escape(row.region)
    cells = [escape(_account(row)), region]
    if not row.judged:
        cells += ['<span class="cause">%s</span>' % Judgement.NOT_JUDGED.label, "", "", "", "", not_judged_bar(),
                  '<span class="cause">%s</span>' % escape(row.cause or "")]
        return '<tr class="not-judged" data-account="%s" data-region="%s">%s</tr>' % (
            escape(row.account_id or row.account_name), region,
            "".join("<td>%s</td>" % c for c in cells))
    compliance = "%s %s" % (bar(row.compliant, row.fixed, row.remaining),
                            "%.0f%%" % percent(row.compliant + row.fixed, row.vpcs)
                            if row.vpcs else "no VPCs")
    cells += ['<td class="n">%d</td>' % n for n in (
        row.vpcs, row.compliant, row.non_compliant, row.fixed, row.failed)]
    cells = ["<td>%s</td>" % c for c in cells[:2]] + cells[2:]
    cells += ["<td>%s</td>" % compliance, "<td>%s</td>" % escape(timestamp(row.judged_at))]
    return '<tr class="judged" data-account="%s" data-region="%s">%s</tr>' % (
        escape(row.account_id or row.account_name), region, "".join(cells))


def _totals(rows):
    overall = total(rows)
    judged = [r for r in rows if r.judged]
    figures = [("account-regions judged", "%d of %d" % (len(judged), len(rows))),
               ("%s judged" % Figure.VPCS.heading, overall.vpcs),
               (Figure.COMPLIANT, overall.vpcs - overall.non_compliant),
               (Figure.NON_COMPLIANT, overall.non_compliant), (Figure.FIXED, overall.fixed),
               (Figure.FAILED, overall.failed)]
    boxes = ['<div class="total" data-total="%s"><b>%s</b>%s</div>' % (
        escape(label), escape(str(value)), escape(label)) for label, value in figures]
    if overall.vpcs:
        boxes.append('<div class="total">%s<br>%.0f%% %s or %s</div>' % (
            bar(overall.vpcs - overall.non_compliant, overall.fixed,
                overall.non_compliant - overall.fixed),
            percent(overall.vpcs - overall.non_compliant + overall.fixed, overall.vpcs),
            Figure.COMPLIANT, Figure.FIXED))
    elif not rows:
        boxes.append('<div class="total cause">nothing was judged</div>')
    return "\n".join(boxes)


def _flow_logs(entry):
    logs = entry.get("flow-logs")
    if logs:
        return ", ".join("%s (%s)" % (escape(f["id"]), escape(f.get("managed-by") or "?"))
                         for f in logs)
    return ", ".join(escape(i) for i in entry.get("flow-log-ids") or ()) or "none"


def _done(result):
    if not result:
        return "nothing yet: no enable-flow-logs result since this verdict"
    details = ([result["error"]] if result.get("error") else []) + list(
        result.get("changes") or ())
    return "<b>%s</b>%s" % (escape(result["status"]), "".join(
        "<br>%s" % escape(d) for d in details))


def _details(rows):
    sections = []
    for row in rows:
        if not row.judged or not row.non_compliant_vpcs:
            continue
        lines = ['<tr data-vpc-id="%s"><td><code>%s</code></td><td>%s</td><td>%s</td>'
                 '<td>%s</td><td>%s</td></tr>' % (
                     escape(v["vpc-id"]), escape(v["vpc-id"]), escape(v.get("name") or ""),
                     escape(", ".join(v["violations"])), _flow_logs(v),
                     _done(row.latest_results.get(v["vpc-id"])))
                 for v in row.non_compliant_vpcs]
        sections.append(
            '<h3>%s / %s</h3><table class="vpcs" data-account="%s" data-region="%s"><thead>'
            '<tr><th>VPC</th><th>Name</th><th>Reasons</th><th>Flow logs (managed by)</th>'
            '<th>What was done</th></tr></thead><tbody>%s</tbody></table>' % (
                escape(_account(row)), escape(row.region),
                escape(row.account_id or row.account_name), escape(row.region),
                "".join(lines)))
    not_judged = [r for r in rows if not r.judged]
    if not_judged:
        sections.append('<h3>Not judged</h3><ul id="not-judged">%s</ul>' % "".join(
            '<li><b>%s / %s</b>: <span class="cause">%s</span></li>' % (
                escape(_account(r)), escape(r.region), escape(r.cause or ""))
            for r in not_judged))
    return "\n".join(sections) or "<p>None: every VPC judged was compliant.</p>"


def _history(verdicts):
    series = compliance_series(verdicts)
    if len(series) < 2:
        return ""
    return ("<h2>Compliance over time</h2><p class=\"muted\">Share of the VPCs judged that "
            "were compliant when judged, at each of %d sweeps (each account-region counted "
            "with its latest verdict so far).</p>%s" % (len(series), over_time(series)))


def _cis_text():
    ids = {}
    for cis_version, rid in cis_numbering(load_frameworks()["frameworks"]):
        ids.setdefault(rid, []).append(cis_version)
    return "CIS AWS Foundations Benchmark numbers this control " + "; ".join(
        "%s in %s" % (rid, ", ".join(versions)) for rid, versions in ids.items()) + "."


def _frameworks():
    mapping = load_frameworks()
    rows = ["<tr><td>%s</td><td>%s</td><td>%s</td></tr>" % (
        escape(f["name"]), escape(f["version"]), escape(", ".join(
            "%s (%s)" % (r["id"], r["name"]) if r["name"] else r["id"]
            for r in f["requirements"])))
        for f in mapping["frameworks"]]
    source = mapping["source"]
    return ('<p class="muted">Every framework requirement that Prowler maps its <code>%s</code> '
            'check to, from Prowler\'s compliance files (%s, commit <code>%s</code>, %s). %s'
            '</p><table id="frameworks"><thead><tr><th>Framework</th><th>Version</th>'
            '<th>Requirements</th></tr></thead><tbody>%s</tbody></table>' % (
                escape(source["check"]), escape(source["files"]),
                escape(source["commit"][:12]), escape(source["date"]),
                escape(source["caveat"]), "".join(rows)))


def _tool_version():
    try:
        return version("c7n-vpcflow")
    except PackageNotFoundError:
        return "unknown"


def as_html(rows, verdicts, sources, gate, generated=None):
    """The page; `gate` is (exit code, what it means), `sources` the locations read."""
    code, meaning = gate
    generated = generated or datetime.now(timezone.utc)
    about = ("Generated %s by c7n-vpcflow %s from %s: %d account-regions; the history "
             "from %d verdicts." % (timestamp(generated), _tool_version(), ", ".join(sources),
                                    len(rows), len(verdicts)))
    return PAGE.substitute(
        style=STYLE, cis=escape(_cis_text()),
        gate_class="pass" if code == 0 else "fail",
        gate=escape("Exit %d: %s" % (code, meaning)), totals=_totals(rows),
        rows="\n".join(_summary_row(r) for r in rows), history=_history(verdicts),
        details=_details(rows), frameworks=_frameworks(), generated=escape(about),
        **FIGURE_WORDS)
