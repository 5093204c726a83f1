"""Security Hub: the `flow-log-finding` action on aws.vpc, one finding per VPC judged, kept
current. May import the top-level modules, audit and data; never remediation, analytics,
telemetry, config or report.
"""
