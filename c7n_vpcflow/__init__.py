"""c7n-vpcflow: CIS AWS Foundations 3.7 (VPC flow logging) for Cloud Custodian.

Importing this package registers, on ``aws.vpc``, the ``flow-log-compliance`` and
``flow-log-cost`` filters and the ``enable-flow-logs``, ``flow-log-analytics`` and
``flow-log-finding`` actions. With the package installed, the start-up hook
``c7n_vpcflow_autoload`` does this by itself as soon as Custodian loads ``aws.vpc``. On
``aws.account`` (when Custodian loads it) it registers the ``vpc-flow-log-telemetry-rule``
filter and the ``put-vpc-flow-log-telemetry-rule`` action; and Custodian's execution modes
gain ``vpc-flow-log-config-rule``.

Subpackages, by capability (each one's docstring says what it holds and may import;
tests/test_import_rules.py holds them to it): audit (the filters, and what every
Custodian-facing part builds on), remediation (enable-flow-logs), analytics
(flow-log-analytics), securityhub (flow-log-finding), telemetry (CloudWatch telemetry
rules), config (the AWS Config rule mode), report (`c7n-vpcflow report`: reads evidence
files, imports no Custodian); pure and shared by both sides: cost (prices and the cost
model), evaluations (what a Config evaluation of a VPC says); data and schemas hold files.
Top level: registration, cli, lambda_handler, vocabulary, errors, account.
"""

# Registration happens at import (the telemetry package's once Custodian loads aws.account).
import c7n_vpcflow.analytics.action  # noqa: F401
import c7n_vpcflow.audit.cost_filter  # noqa: F401
import c7n_vpcflow.audit.filter  # noqa: F401
import c7n_vpcflow.config.mode  # noqa: F401
import c7n_vpcflow.remediation.action  # noqa: F401
import c7n_vpcflow.securityhub.finding  # noqa: F401
import c7n_vpcflow.telemetry  # noqa: F401

__version__ = "0.1.0"
