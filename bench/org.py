"""Issue 6, item 5: the stock c7n-org over many accounts x regions, in realistic mode.

The estate spreads N VPCs over `ORG_ACCOUNTS` x `ORG_REGIONS`; c7n-org assumes the runner
role of each account (through the proxy, which learns whose credentials the answer hands
out and gives every account-region buckets of its own) and runs one account-region per
worker process, `C7N_ORG_PARALLEL` of them at once (default 4 per CPU).

(e) is our enable policy; (f) is Custodian's built-in `flow-logs` filter alone
(`count: 0`, no action), the cheapest way c7n-org can find the same VPCs. The ratio of
their wall times is what remediation costs over merely looking.
"""

import json
import multiprocessing
import os

import yaml

from .estate import EstateSpec
from .scenarios import BIN, POLICIES, SUITES, Suite, scenario, write_policy

ORG_ACCOUNTS = tuple("2100000000%02d" % n for n in range(1, 21))
ORG_REGIONS = ("us-east-1", "eu-west-1")
RUNNER_ROLE = "arn:aws:iam::%s:role/c7n-vpcflow-runner"
# The cheapest way Custodian finds the VPCs without a flow log: its built-in filter alone.
BUILTIN_FILTER = {
    "name": "builtin-flow-logs-filter",
    "resource": "aws.vpc",
    "filters": [{"type": "flow-logs", "count": 0}],
}


def org_estate(vpcs_per_account_region, **kinds):
    count = len(ORG_ACCOUNTS) * len(ORG_REGIONS)
    return EstateSpec(vpcs_per_account_region * count, ORG_ACCOUNTS, ORG_REGIONS, **kinds)


def worker_count(env=None):
    """c7n-org's process pool size (its own default: 4 per CPU)."""
    env = os.environ if env is None else env
    return int(env.get("C7N_ORG_PARALLEL", multiprocessing.cpu_count() * 4))


def accounts_file(ctx):
    accounts = [
        {
            "name": "bench-%02d" % n,
            "account_id": account_id,
            "role": RUNNER_ROLE % account_id,
            "regions": list(ctx.estate.regions),
        }
        for n, account_id in enumerate(ctx.estate.account_ids, 1)
    ]
    path = os.path.join(ctx.workdir, "accounts.yml")
    with open(path, "w") as f:
        yaml.safe_dump({"accounts": accounts}, f, sort_keys=False)
    return path


def c7n_org(ctx, policy_file):
    """c7n-org's argv; the run's shape goes to bench-extra.json for the report."""
    with open(os.path.join(ctx.workdir, "bench-extra.json"), "w") as f:
        json.dump(
            {
                "c7n_org_workers": worker_count(ctx.env),
                "account_regions": len(ctx.estate.account_regions),
            },
            f,
        )
    return [
        os.path.join(BIN, "c7n-org"),
        "run",
        "-c",
        accounts_file(ctx),
        "-s",
        os.path.join(ctx.workdir, "out"),
        "-u",
        policy_file,
        "--cache-period",
        "0",
    ]


@scenario("org-enable", "(e) our enable policy via c7n-org")
def org_enable(ctx):
    return c7n_org(ctx, os.path.join(POLICIES, "vpc-flow-logs-enable.yml"))


@scenario(
    "org-filter", "(f) built-in flow-logs filter alone (count: 0) via c7n-org", remediates=False
)
def org_filter(ctx):
    return c7n_org(ctx, write_policy(ctx, "builtin-filter.yml", BUILTIN_FILTER))


SUITES["org-20x2"] = Suite("org-20x2", "realistic", org_estate(10), ("org-enable", "org-filter"))
