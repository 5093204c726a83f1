"""The audit: the `flow-log-compliance` filter on aws.vpc, and what every element of the
plugin builds on.

The filter gathers an account-region once (inventory: flow logs, and the log groups found
by lookup), judges each VPC without calling AWS (judge; ownership says who manages a flow
log) and writes the verdict file (verdicts, through evidence). Shared by the other
subpackages: paging (every listing), variables and templates (policy variables and the
{name} syntax of templated keys), evidence (writing a file next to resources.json) and
handoff (the plan steps actions hand the filter under --dryrun). What flow logs cost:
ingestion (the bytes each log group took in, from CloudWatch's metric); the pricing is the
pure subpackage cost.
Exemptions: register_source reads the exemption register (a file or an S3 object), register
checks it (schemas/exemptions.schema.json and what a schema cannot say), exemptions says
which entry applies to a VPC and what it means there (pure); unused names the non-compliant
VPCs without a network interface.

May import only the top-level modules (account, errors, vocabulary), data, cost and
Custodian: never remediation, analytics, telemetry, securityhub or report.
"""
