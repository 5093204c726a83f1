"""What is measured: scenarios (one child process each), modes and suites, in registries.

A scenario turns a `RunContext` into the command of one child process; the runner seeds
the estate first, counts what reaches the emulator, and checks afterwards which VPCs still
lack a working flow log. To add one (say, the enable policy behind a client-side rate
limiter), register a function::

    @scenario("enable-paced", "(e) enable policy, paced at the quota floor")
    def enable_paced(ctx):
        return custodian(ctx, write_policy(ctx, "paced.yml", {...}))

and name it in a `Suite` (a module of scenarios of its own is listed in `catalogue.py`,
where the registries are read whole). A mode is the emulator bare (None) or behind the
proxy with the given latency and quotas; a suite is a mode, an estate and the scenarios run
on it.
"""

import os
import sys
from dataclasses import dataclass, field

import yaml

from localaws.quotas import DEFAULT_LATENCY_MS, DEFAULT_QUOTAS

from .estate import DEFAULT_ACCOUNT, EstateSpec

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICIES = os.path.join(REPO, "policies")
BIN = os.path.dirname(sys.executable)
SHARED_LOG_GROUP = "/vpc/flow-logs/shared"
DELIVERY_ROLE = "arn:aws:iam::%s:role/vpc-flow-logs-delivery"


@dataclass
class RunContext:
    endpoint: str  # where the child's AWS calls go: the emulator or the proxy
    workdir: str  # fresh, empty, the child's cwd
    estate: EstateSpec
    env: dict  # the child's environment (AWS_ENDPOINT_URL = endpoint)


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    command: object  # RunContext -> argv
    remediates: bool = True  # False: "failed VPCs" does not apply


SCENARIOS = {}


def scenario(name, label, remediates=True):
    def register(function):
        SCENARIOS[name] = Scenario(name, label, function, remediates)
        return function

    return register


@dataclass(frozen=True)
class Mode:
    name: str
    latency_ms: float = 0.0
    quotas: dict = None  # None: the bare emulator, no proxy
    bursts: dict = field(default_factory=dict)

    @property
    def proxied(self):
        return self.quotas is not None


MODES = {
    "bare": Mode("bare"),
    "realistic": Mode("realistic", DEFAULT_LATENCY_MS, dict(DEFAULT_QUOTAS)),
}


@dataclass(frozen=True)
class Suite:
    name: str
    mode: str
    estate: EstateSpec
    scenarios: tuple = ("audit", "enable", "builtin", "boto3")
    vpc_table: bool = True  # False: the suite's rows are in a section of their own


SUITES = {
    s.name: s
    for s in (
        Suite("bare-100", "bare", EstateSpec(100)),
        Suite("bare-1000", "bare", EstateSpec(1000)),
        Suite("realistic-200", "realistic", EstateSpec(200)),
    )
}


# --- helpers for scenario commands ---------------------------------------------------


def custodian(ctx, policy_file):
    args = [
        os.path.join(BIN, "custodian"),
        "run",
        "-s",
        os.path.join(ctx.workdir, "out"),
        "--cache-period",
        "0",
    ]
    for region in ctx.estate.regions:
        args += ["-r", region]
    return args + [policy_file]


def write_policy(ctx, name, policy):
    path = os.path.join(ctx.workdir, name)
    with open(path, "w") as f:
        yaml.safe_dump({"policies": [policy]}, f, sort_keys=False)
    return path


def single_account(ctx):
    if tuple(ctx.estate.account_ids) != (DEFAULT_ACCOUNT,):
        raise NotImplementedError("custodian scenarios run in one account; use c7n-org")
    return DEFAULT_ACCOUNT


# --- the scenarios of issue 6, items 1-3 -----------------------------------------------


@scenario("audit", "(a) our audit policy", remediates=False)
def audit(ctx):
    single_account(ctx)
    return custodian(ctx, os.path.join(POLICIES, "vpc-flow-logs-audit.yml"))


@scenario("enable", "(b) our enable policy")
def enable(ctx):
    single_account(ctx)
    return custodian(ctx, os.path.join(POLICIES, "vpc-flow-logs-enable.yml"))


@scenario("builtin", "(c) built-in flow-logs + set-flow-log, shared group")
def builtin(ctx):
    account_id = single_account(ctx)
    return custodian(
        ctx,
        write_policy(
            ctx,
            "builtin.yml",
            {
                "name": "builtin-flow-logs",
                "resource": "aws.vpc",
                "filters": [{"type": "flow-logs", "count": 0}],
                "actions": [
                    {
                        "type": "set-flow-log",
                        "attrs": {
                            "LogDestinationType": "cloud-watch-logs",
                            "LogGroupName": SHARED_LOG_GROUP,
                            "DeliverLogsPermissionArn": DELIVERY_ROLE % account_id,
                            "TrafficType": "REJECT",
                        },
                    }
                ],
            },
        ),
    )


@scenario("boto3", "(d) plain sequential boto3, default retries")
def plain_boto3(ctx):
    # By path: the script is standalone, and the child's sys.path stays clean.
    args = [sys.executable, os.path.join(REPO, "bench", "plain_boto3.py")]
    for region in ctx.estate.regions:
        args += ["--region", region]
    return args
