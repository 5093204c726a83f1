"""Analytics: the `flow-log-analytics` action on aws.vpc (beyond CIS 3.7): saved Logs Insights
queries and a REJECT alarm per flow-log log group. action (the action), log_groups (which
log group per VPC), queries (listing and writing the queries, metric filter and alarm),
definitions (what is written, as AWS takes it), validation (checks beyond the schema),
dryrun (its plan under --dryrun). May import the top-level modules, audit, remediation
(enable-flow-logs' settings, naming and formats) and cost (what its queries and alarm cost);
never telemetry, securityhub, config or report.
"""
