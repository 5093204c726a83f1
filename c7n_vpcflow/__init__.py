"""c7n-vpcflow: CIS AWS Foundations 3.7 (VPC flow logging) for Cloud Custodian.

Importing this package registers, on ``aws.vpc``, the ``flow-log-compliance`` filter and
the ``enable-flow-logs`` action. With the package installed, the start-up hook
``c7n_vpcflow_autoload`` does this by itself as soon as Custodian loads ``aws.vpc``.
"""
from . import action, compliance  # noqa: F401  (registration happens at import)

__version__ = "0.1.0"
