"""Running a policy in-process against a given session factory (placebo or emulator)."""

import threading

import c7n.utils
from c7n.config import Config
from c7n.policy import Policy
from c7n.resources import load_resources

import c7n_vpcflow  # noqa: F401  (registers the filter and the action)

ENABLE_NAME = "vpc-flow-logs-enable"


def enable_policy(filtered=True, name=ENABLE_NAME, **action):
    """The enable-flow-logs policy on aws.vpc with the given action keys; `filtered` puts
    flow-log-compliance before it, unfiltered it reaches compliant VPCs as well."""
    data = {"name": name, "resource": "aws.vpc", "actions": [dict(action, type="enable-flow-logs")]}
    if filtered:
        data["filters"] = [{"type": "flow-log-compliance"}]
    return data


def make_policy(
    data, session_factory, output_dir, region="us-east-1", account_id="123456789012", dryrun=False
):
    """One policy dict, loaded and validated the way `custodian run` does.

    Each call starts like a new process: c7n's per-thread session cache is emptied, so the
    given session factory serves this run.
    """
    c7n.utils.CONN_CACHE = threading.local()
    load_resources(("aws.vpc",))
    options = Config.empty(
        region=region,
        regions=[region],
        account_id=account_id,
        output_dir=str(output_dir),
        cache="",
        cache_period=0,
        dryrun=dryrun,
    )
    policy = Policy(data, options, session_factory=session_factory)
    policy.validate()
    return policy


def run_policy(data, session_factory, output_dir, **options):
    """Validate and run one policy dict the way `custodian run` does; returns resources."""
    return make_policy(data, session_factory, output_dir, **options)()
