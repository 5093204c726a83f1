"""c7n-vpcflow: CIS AWS Foundations 3.7 (VPC flow logging) for Cloud Custodian.

Importing this package registers, on ``aws.vpc``, the ``flow-log-compliance`` filter and
the ``enable-flow-logs`` action. With the package installed, the start-up hook
``c7n_vpcflow_autoload`` does this by itself as soon as Custodian loads ``aws.vpc``.
On ``aws.account`` (when Custodian loads it) it registers the ``vpc-flow-log-telemetry-rule``
filter and the ``put-vpc-flow-log-telemetry-rule`` action (CloudWatch telemetry rules).
"""
# Registration happens at import (telemetry_rule_action's once Custodian loads aws.account).
from . import action, compliance, findings, telemetry_rule_action  # noqa: F401

__version__ = "0.1.0"
