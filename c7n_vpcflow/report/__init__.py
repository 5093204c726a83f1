"""The report: `c7n-vpcflow report` (options, its command line; command, the run), reading the
evidence runs leave and rendering it; it reads files only. Reading: source (local trees and
run folders) and s3 (S3 prefixes), each file through capped_read; tree (the runs found),
policy_run (one record per policy run), checked by checks (schemas, consistency;
exemption_checks for the exemptions cited) with our_runs and run_log; aggregator (an AWS
Config aggregator's evaluations instead, with --from-config); accounts (the c7n-org accounts
file: what must be present). Counting: profiles (which evidence counts), rows (one row per
account-region), overall (their total, and the gate), costs (what flow logs cost, as
recorded or re-priced) and exemptions (those running out soon). Rendering: text (Markdown,
CSV, JSON) with cost_text, html with html_page, html_vpcs, html_cost and chart, both with
footnotes (what each says after its table). May import the top-level vocabulary and the pure
subpackages data, cost and evaluations, nothing else of the package, and no Custodian module
(boto3 only to read an S3 prefix or an aggregator, when one is given);
tests/test_import_rules.py holds every part of the package to its rules.
"""
