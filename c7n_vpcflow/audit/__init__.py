"""The audit: the `flow-log-compliance` and `flow-log-cost` filters on aws.vpc, and what every
Custodian-facing part of the plugin builds on. flow-log-compliance (filter) gathers an
account-region once (inventory: flow logs, and the log groups found by lookup), judges each
VPC without calling AWS (judge; ownership says who manages a flow log), applies the
exemption register (register_source reads it, register checks it, exemptions matches it,
pure; unused names non-compliant VPCs without a network interface) and writes the verdict
file (verdicts, through evidence). flow-log-cost (cost_filter) measures what each VPC's flow
logs ingest (usage, ingestion) and prices it with the pure cost subpackage. Shared by the
other subpackages: paging (every listing), variables and templates (policy variables and the
{name} syntax of templated keys), evidence (writing a file next to resources.json), handoff
(the interfaces the filter asks the policy's actions through: their log groups, their plan
under --dryrun) and readonly (module-level constants that cannot change). May import only
the top-level modules (vocabulary, errors, account), the pure cost and data, and Custodian:
never remediation, analytics, telemetry, securityhub, config or report.
"""
