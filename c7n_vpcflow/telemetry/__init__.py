"""CloudWatch telemetry rules for VPC flow logs, on aws.account: the
`vpc-flow-log-telemetry-rule` filter (filter: report the rules), the
`put-vpc-flow-log-telemetry-rule` action (action: drive one; plan: its plan, under --dryrun
too), the rule they describe (spec, pure), reading and writing rules in either scope
(rules), and `c7n-vpcflow telemetry-check` (check: our verdicts beside AWS's own view).
Importing it registers the filter and the action on aws.account, now if Custodian has loaded
that resource, else when it does. May import the top-level modules, audit and remediation
(the rule is described by enable-flow-logs' keys); check alone reads evidence through
report; never analytics, securityhub or config.
"""

from c7n.manager import resources as aws_resources

from c7n_vpcflow.telemetry.action import PutVpcFlowLogTelemetryRule
from c7n_vpcflow.telemetry.filter import VpcFlowLogTelemetryRule


def register(registry, resource_class):
    """Called by Custodian for each AWS resource type it loads; we extend aws.account."""
    if getattr(resource_class, "type", None) != "account":
        return
    resource_class.filter_registry.register(VpcFlowLogTelemetryRule.type, VpcFlowLogTelemetryRule)
    resource_class.action_registry.register(
        PutVpcFlowLogTelemetryRule.type, PutVpcFlowLogTelemetryRule
    )


aws_resources.subscribe(register)
if aws_resources.get("account") is not None:
    register(aws_resources, aws_resources.get("account"))
