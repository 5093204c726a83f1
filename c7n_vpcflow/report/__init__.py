"""The report: `c7n-vpcflow report` (command), reading the evidence runs leave and
rendering it.

Reading: source (local trees and run folders) and s3 (S3 prefixes), each file through
capped_read; tree (one record per policy run), checked by checks (schemas, consistency)
with our_runs and run_log. Counting: profiles (which evidence counts) and rows (one row per
account-region, and the gate); exemptions (those running out soon). Rendering: text
(Markdown, CSV, JSON), html with html_vpcs and chart.

Reads files only: imports the top-level vocabulary and data, nothing else of the package,
and no Custodian module (boto3 only to read an S3 prefix, when one is given).
"""
