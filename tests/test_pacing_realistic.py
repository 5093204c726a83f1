"""Issue 6, item 4, in miniature: the stock enable policy through the realistic proxy.

The proxy holds CreateLogGroup and PutRetentionPolicy to 5 calls a second (burst 5) per
account-region and adds 40 ms to every call, as `make bench`'s realistic mode does. With
the plugin's default pacing (5/s per operation, 4 workers) not one call is throttled, every
VPC gets its flow log, and the run takes about the quota floor. The control run, paced far
above the quota, shows the proxy does throttle this workload when the plugin does not pace.
"""

import time

import pytest
import yaml

from localaws.proxy import Proxy
from localaws.quotas import DEFAULT_LATENCY_MS, Quotas
from support.constants import REGION
from support.e2e import ENABLE_POLICY
from support.estate import seed_crowd

pytestmark = pytest.mark.emulator

N = 15  # VPCs, the default one included
RATE = 5.0  # the CreateLogGroup quota, calls a second
PER_VPC = ("logs:CreateLogGroup", "logs:PutRetentionPolicy", "ec2:CreateFlowLogs")


def seed(emulator):
    return {one.vpc_id for one in seed_crowd(emulator, N)}


def unfixed(emulator, ids):
    flow_logs = emulator.client("ec2", REGION).describe_flow_logs()["FlowLogs"]
    return ids - {f["ResourceId"] for f in flow_logs if f["FlowLogStatus"] == "ACTIVE"}


def enable_through_proxy(emulator, cli, tmp_path, policy_file):
    """(exit, wall seconds, proxy stats) of `custodian run` through a realistic proxy."""
    # The bench's realistic mode: AWS's default quotas and a real endpoint's round trip.
    with Proxy(emulator.endpoint, DEFAULT_LATENCY_MS, Quotas()) as proxy:
        started = time.monotonic()
        # botocore's default 5 attempts, as `make bench` runs it.
        proc = cli(
            "custodian",
            "run",
            "-s",
            tmp_path / "out",
            "--cache-period",
            "0",
            "-r",
            REGION,
            policy_file,
            env={"AWS_ENDPOINT_URL": proxy.endpoint, "AWS_MAX_ATTEMPTS": "5"},
        )
        wall = time.monotonic() - started
        stats = proxy.stats()
    assert proc.returncode == 0, proc.stderr[-3000:]
    return wall, stats


def test_default_pacing_meets_the_quota_with_no_throttled_call(emulator, cli, tmp_path):
    ids = seed(emulator)
    wall, stats = enable_through_proxy(emulator, cli, tmp_path, ENABLE_POLICY)

    assert stats["throttled"] == {}, stats
    # One attempt per call: nothing was retried, so nothing was refused.
    for name in PER_VPC:
        assert stats["calls"][name] == N, (name, stats["calls"])
    assert unfixed(emulator, ids) == set()
    # Paced, not bursting: N calls of one operation at 5/s start over at least (N-1)/5 s.
    # (How close a run comes to that floor is measured by `make bench`, not asserted here:
    # an upper bound on wall time fails on a loaded machine.)
    assert wall >= (N - 1) / RATE, wall


def test_without_pacing_the_same_run_is_throttled(emulator, cli, tmp_path):
    ids = seed(emulator)
    with open(ENABLE_POLICY) as f:
        policy = yaml.safe_load(f)
    policy["policies"][0]["actions"] = [
        {"type": "enable-flow-logs", "logs-calls-per-second": 100, "max-workers": 8}
    ]
    fast = tmp_path / "unpaced.yml"
    fast.write_text(yaml.safe_dump(policy))

    _wall, stats = enable_through_proxy(emulator, cli, tmp_path, str(fast))

    assert stats["throttled"].get("logs:CreateLogGroup", 0) > 0, stats
    # Retries absorbed the throttling: every VPC fixed all the same.
    assert unfixed(emulator, ids) == set()
