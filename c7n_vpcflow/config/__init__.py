"""AWS Config: the ``vpc-flow-log-config-rule`` execution mode (mode), which puts the
flow-log-compliance filter's verdict on every VPC into AWS Config as a custom rule, one
evaluation per VPC, written in the pure evaluations subpackage's grammar. May import the
top-level modules, audit and evaluations; never remediation, analytics, telemetry,
securityhub or report. This __init__ imports nothing: importing the mode registers it.
"""
