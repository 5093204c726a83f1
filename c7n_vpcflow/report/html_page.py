"""The HTML report's page around its parts: STYLE (the inline CSS), PAGE (the document, each
part a placeholder html fills) and FIGURE_WORDS (the figures' words and headings, as PAGE
names them); text only, nothing fetched.
"""

from string import Template
from types import MappingProxyType

from c7n_vpcflow.vocabulary import Figure

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933;
       margin: 0 auto; max-width: 1100px; padding: 24px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.gate { padding: 10px 14px; border-radius: 6px; font-weight: 600; margin: 12px 0; }
.gate.pass { background: #e8f5e9; color: #1b5e20; }
.gate.fail { background: #ffebee; color: #b71c1c; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.totals > .total { border: 1px solid #d9e2ec; border-radius: 6px; padding: 8px 14px;
                  min-width: 110px; }
.totals > .total b { display: block; font-size: 22px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e4e7eb;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #f5f7fa; font-weight: 600; } td.n { text-align: right; }
th, td.n { overflow-wrap: normal; }
tr.not-judged td, tr.stale td, tr.weaker td { color: #7b8794; } .cause { color: #9a3412; }
tr.cause-row td { padding-top: 0; } h4 { font-size: 14px; margin: 10px 0 4px; }
summary { cursor: pointer; margin: 8px 0; }
.axis { font-size: 11px; fill: #52606d; } .muted { color: #7b8794; } code { font-size: 12px; }
#frameworks td:first-child { width: 38%; }
#account-regions td:nth-child(2), .vpcs td:first-child { white-space: nowrap; }
#account-regions td:first-child { min-width: 15ch; }
#account-regions td:last-child { overflow-wrap: normal; min-width: 11ch; }
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
<p class="muted" id="terms">$terms</p>
<div class="totals" id="totals">$totals</div>
<h2>Per account and region</h2>
<p class="legend muted">Bar: <span style="background:#2e7d32"></span>$compliant when judged
<span style="background:#4db6ac"></span>$fixed since
<span style="background:#f9a825"></span>$exempt
<span style="background:#c62828"></span>still $non_compliant</p>
<table id="account-regions"><thead><tr><th>Account</th><th>Region</th><th>$vpcs_heading</th>
<th>$compliant_heading</th><th>$exempt_heading</th><th>$non_compliant_heading</th>\
<th>$fixed_heading</th><th>$failed_heading</th><th>Compliance</th>
<th>Locked until</th><th>Judged at</th></tr></thead><tbody>
$rows
</tbody></table>
$weaker
$expiring
$history
$cost
<h2>VPCs</h2>
$details
<h2>Frameworks</h2>
$frameworks
<h2>About this report</h2>
<p id="generated">$generated</p>
</body></html>
""")
# The figures' words and headings, as PAGE names them ($fixed, $fixed_heading).
FIGURE_WORDS = MappingProxyType(
    {
        **{f.name.lower(): f.value for f in Figure},
        **{f.name.lower() + "_heading": f.heading for f in Figure},
    }
)
