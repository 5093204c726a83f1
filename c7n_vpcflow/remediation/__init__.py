"""The remediation: the `enable-flow-logs` action on aws.vpc (action). Its keys (settings,
schema; validation checks what JSON schema cannot; run_settings fills them in for the run's
account-region and refuses what it cannot use), a pure per-VPC plan (plan; destinations
and naming say where each VPC's flow log goes), the plans of an account-region's VPCs
together (account_plan: judged by the action itself when no filter did, shared per-VPC
targets refused), the dry run of those plans (dryrun), carrying them out (apply: log groups
through loggroups, the delivery role through role and role_policy, paced at the quotas by
pacing) and what was done (results). formats: flow-log record formats. May import the
top-level modules and audit; never analytics, telemetry, securityhub, config or report.
"""
