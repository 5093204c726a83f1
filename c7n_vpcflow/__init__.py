"""c7n-vpcflow: CIS AWS Foundations 3.7 (VPC flow logging) for Cloud Custodian.

Importing this package registers, on ``aws.vpc``, the ``flow-log-compliance`` filter and
the ``enable-flow-logs``, ``flow-log-analytics`` and ``flow-log-finding`` actions. With the package installed, the
start-up hook ``c7n_vpcflow_autoload`` does this by itself as soon as Custodian loads
``aws.vpc``. On ``aws.account`` (when Custodian loads it) it registers the
``vpc-flow-log-telemetry-rule`` filter and the ``put-vpc-flow-log-telemetry-rule`` action.

Where things live:

- vocabulary: every word read or written (destination and traffic types, managed-by tags,
  reason codes, outcomes and statuses, annotation keys); account: one account-region.
- compliance (the filter), inventory (flow logs and log groups, gathered once;
  loggroup_lookup finds the log groups cheaply; paging lists), judge (reason codes, pure),
  ownership (who manages a flow log).
- action (enable-flow-logs: validate, plan, apply, report), settings (its keys with
  defaults), action_schema (its schema and permissions), validation (checks beyond the
  schema).
- naming: log-group and S3-prefix templates, validated and rendered per VPC.
- destinations: each VPC's target and the CreateFlowLogs call per destination type.
- role and role_policy: the delivery role, assessed, created or widened; its policies.
- plan (decide per VPC, reading only), handoff (how actions hand a filter their plan
  steps under --dryrun) and dryrun (those steps), apply (carry the plans out: loggroups,
  pacing, the delivery role, flow logs), results (each VPC's result).
- analytics_action (flow-log-analytics, beyond CIS 3.7), analytics: saved Insights queries
  and the REJECT alarm per log group.
- findings (flow-log-finding: Security Hub); telemetry_rules, telemetry_rule_spec,
  telemetry_rule_action, telemetry_check (CloudWatch telemetry rules).
- evidence and outputs (the files a run leaves; their schemas in schemas/),
  evidence_source, evidence_s3, capped_read, evidence_tree, evidence_checks, our_runs,
  run_log (reading them back and checking them), profiles and account_rows (what counts),
  report, html_report, html_vpcs, report_chart, frameworks (rendering);
  cli, permissions, reference (the c7n-vpcflow command and the generated docs).
"""
# Registration happens at import (telemetry_rule_action's once Custodian loads aws.account).
from . import (  # noqa: F401
    action, analytics_action, compliance, findings, telemetry_rule_action)

__version__ = "0.1.0"
