"""Running a policy in-process against a given session factory (placebo or emulator)."""
import threading

import c7n.utils
from c7n.config import Config
from c7n.policy import Policy
from c7n.resources import load_resources

import c7n_vpcflow  # noqa: F401  (registers the filter and the action)


def run_policy(data, session_factory, output_dir, region="us-east-1",
               account_id="123456789012", dryrun=False):
    """Validate and run one policy dict the way `custodian run` does; returns resources.

    Each call starts like a new process: c7n's per-thread session cache is emptied, so the
    given session factory serves this run.
    """
    c7n.utils.CONN_CACHE = threading.local()
    load_resources(("aws.vpc",))
    options = Config.empty(
        region=region, regions=[region], account_id=account_id, output_dir=str(output_dir),
        cache="", cache_period=0, dryrun=dryrun)
    policy = Policy(data, options, session_factory=session_factory)
    policy.validate()
    return policy()
