"""Security Hub: the `flow-log-finding` action on aws.vpc (finding), one finding per VPC
judged, kept current: documents builds each finding, workflow suppresses an exempt VPC's.
May import the top-level modules, audit and data; never remediation, analytics,
telemetry, config or report.
"""
