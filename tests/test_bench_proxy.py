"""Realistic mode (bench/): the proxy in front of the emulator, with latency and quotas.

Unit tests of the quota logic with an injected clock, then real boto3 clients through the
proxy to a moto server: latency added, over-quota calls refused exactly as AWS refuses
them (botocore must parse the right error code), counters, per-account buckets.
"""

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from localaws.proxy import Handler, Proxy
from localaws.quotas import DEFAULT_QUOTAS, Quotas, TokenBucket, parse_quota
from localaws.wire import Call
from support.constants import ROOT

NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "legacy"})


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


# --- unit: token bucket and quota rules ---------------------------------------------


def test_token_bucket_spends_its_burst_then_refills_at_its_rate():
    clock = Clock()
    bucket = TokenBucket(5, clock=clock)
    assert [bucket.take() for _ in range(6)] == [True] * 5 + [False]
    assert bucket.wait_time() == pytest.approx(0.2)
    clock.now += 0.1
    assert not bucket.take()  # half a token: refused, and nothing spent
    clock.now += 0.1
    assert bucket.take()
    assert not bucket.take()
    clock.now += 60  # idle for a minute: never more than the burst
    assert [bucket.take() for _ in range(6)] == [True] * 5 + [False]


def test_token_bucket_burst_and_slow_rates():
    clock = Clock()
    bucket = TokenBucket(10, burst=20, clock=clock)
    assert sum(bucket.take() for _ in range(30)) == 20
    clock.now += 1.0
    assert sum(bucket.take() for _ in range(30)) == 10
    slow = TokenBucket(0.5, clock=clock)  # one token at most, one every 2 s
    assert slow.take() and not slow.take()
    clock.now += 1.9
    assert not slow.take()
    clock.now += 0.1
    assert slow.take()
    with pytest.raises(ValueError):
        TokenBucket(0)


def test_most_specific_rule_wins_and_reads_are_free_by_default():
    quotas = Quotas(dict(DEFAULT_QUOTAS, **{"ec2:CreateFlowLogs": 2, "iam:*": 1}))
    rule = lambda service, op, protocol="query": quotas.rule_for(  # noqa: E731
        Call(service, op, protocol, "us-east-1")
    )
    assert rule("logs", "CreateLogGroup", "json") == "logs:CreateLogGroup"
    assert rule("logs", "PutRetentionPolicy", "json") == "logs:PutRetentionPolicy"
    assert rule("logs", "DescribeLogGroups", "json") is None
    assert rule("logs", "TagResource", "json") is None
    assert rule("ec2", "CreateTags", "ec2") == "ec2:mutating"
    assert rule("ec2", "DeleteFlowLogs", "ec2") == "ec2:mutating"
    assert rule("ec2", "CreateFlowLogs", "ec2") == "ec2:CreateFlowLogs"
    assert rule("ec2", "DescribeVpcs", "ec2") is None
    assert rule("iam", "GetRole") == "iam:*"
    assert rule("moto-api", "/moto-api/reset", "internal") is None


def test_buckets_are_per_rule_account_and_region_and_accounts_are_learned():
    clock = Clock()
    quotas = Quotas({"logs:CreateLogGroup": 1, "logs:PutRetentionPolicy": 1}, clock=clock)
    east = Call("logs", "CreateLogGroup", "json", "us-east-1", "AKIADEFAULT")
    assert quotas.admit(east) == (True, "logs:CreateLogGroup")
    assert quotas.admit(east) == (False, "logs:CreateLogGroup")
    assert quotas.admit(Call("logs", "PutRetentionPolicy", "json", "us-east-1", "AKIADEFAULT"))[0]
    assert quotas.admit(Call("logs", "CreateLogGroup", "json", "eu-west-1", "AKIADEFAULT"))[0]
    # Any other key moto did not issue is the same (default) account.
    assert not quotas.admit(Call("logs", "CreateLogGroup", "json", "us-east-1", "AKIAOTHER"))[0]
    answer = (
        b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE"
        b"</AccessKeyId></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:"
        b"assumed-role/runner/x</Arn></AssumedRoleUser></AssumeRoleResult>"
        b"</AssumeRoleResponse>"
    )
    quotas.learn(Call("sts", "AssumeRole", "query", "us-east-1", "AKIADEFAULT"), 200, answer)
    assert quotas.accounts == {"ASIAROLE": "111122223333"}
    assert quotas.admit(Call("logs", "CreateLogGroup", "json", "us-east-1", "ASIAROLE"))[0]
    clock.now += 1.0
    assert quotas.admit(east)[0]
    quotas.reset()
    assert quotas.admit(Call("logs", "CreateLogGroup", "json", "us-east-1", "ASIAROLE"))[0]


def test_parse_quota():
    assert parse_quota("logs:CreateLogGroup=5") == ("logs:CreateLogGroup", 5.0, None)
    assert parse_quota("ec2:mutating=10/20") == ("ec2:mutating", 10.0, 20.0)
    with pytest.raises(ValueError):
        parse_quota("CreateLogGroup")


# --- integration: boto3 -> proxy -> moto ------------------------------------------------


@pytest.fixture
def proxy(emulator):
    quotas = Quotas(
        {
            "logs:CreateLogGroup": 2,
            "logs:PutRetentionPolicy": 2,
            "ec2:mutating": 2,
            "iam:CreateRole": 1,
        }
    )
    with Proxy(emulator.endpoint, latency_ms=0, quotas=quotas) as running:
        yield running


def client(endpoint, service, config=NO_RETRY, **credentials):
    credentials = credentials or {
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1", config=config, **credentials
    )


def stats(proxy):
    with urllib.request.urlopen(proxy.endpoint + "/bench-proxy/stats", timeout=10) as r:
        return json.loads(r.read())


def error_of(call, **params):
    with pytest.raises(ClientError) as info:
        call(**params)
    return info.value.response["Error"]["Code"], info.value.response["ResponseMetadata"][
        "HTTPStatusCode"
    ]


@pytest.mark.emulator
def test_over_quota_calls_get_the_aws_errors_and_are_counted(proxy, emulator):
    logs, ec2, iam = (client(proxy.endpoint, s) for s in ("logs", "ec2", "iam"))
    logs.create_log_group(logGroupName="/a")
    logs.create_log_group(logGroupName="/b")
    assert error_of(logs.create_log_group, logGroupName="/c") == ("ThrottlingException", 400)
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    for _ in range(2):
        ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "k", "Value": "v"}])
    assert error_of(ec2.create_tags, Resources=[vpc_id], Tags=[{"Key": "k", "Value": "v"}]) == (
        "RequestLimitExceeded",
        503,
    )
    for _ in range(5):
        ec2.describe_vpcs()  # reads: no quota
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument="{}")
    assert error_of(iam.create_role, RoleName="r2", AssumeRolePolicyDocument="{}") == (
        "Throttling",
        400,
    )

    # Refused calls never reached the emulator.
    direct = client(emulator.endpoint, "logs")
    assert [g["logGroupName"] for g in direct.describe_log_groups()["logGroups"]] == ["/a", "/b"]
    counted = stats(proxy)
    assert counted["calls"] == {
        "logs:CreateLogGroup": 3,
        "ec2:DescribeVpcs": 6,
        "ec2:CreateTags": 3,
        "iam:CreateRole": 2,
    }
    assert counted["throttled"] == {
        "logs:CreateLogGroup": 1,
        "ec2:CreateTags": 1,
        "iam:CreateRole": 1,
    }
    request = urllib.request.Request(proxy.endpoint + "/bench-proxy/reset", data=b"", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    assert stats(proxy)["calls"] == {}
    logs.create_log_group(logGroupName="/d")  # buckets refilled


@pytest.mark.emulator
def test_botocore_retries_throttled_calls_and_each_attempt_is_counted(proxy, emulator):
    retrying = client(
        proxy.endpoint, "logs", config=Config(retries={"total_max_attempts": 10, "mode": "legacy"})
    )
    for n in range(4):
        retrying.create_log_group(logGroupName="/retried/%d" % n)
    counted = stats(proxy)
    assert (
        counted["calls"]["logs:CreateLogGroup"] == 4 + counted["throttled"]["logs:CreateLogGroup"]
    )
    assert counted["throttled"]["logs:CreateLogGroup"] >= 1
    assert len(client(emulator.endpoint, "logs").describe_log_groups()["logGroups"]) == 4


@pytest.mark.emulator
def test_latency_is_added_and_moto_api_passes_through(emulator):
    with Proxy(emulator.endpoint, latency_ms=150) as slow:
        ec2 = client(slow.endpoint, "ec2")
        ec2.describe_vpcs()  # connection set up
        started = time.monotonic()
        for _ in range(3):
            ec2.describe_vpcs()
        assert time.monotonic() - started >= 0.45
        with urllib.request.urlopen(slow.endpoint + "/moto-api/", timeout=10) as r:
            assert r.status == 200
        assert stats(slow)["latency_ms"] == 150
        assert stats(slow)["calls"]["ec2:DescribeVpcs"] == 4


@pytest.mark.emulator
def test_accounts_have_their_own_buckets(proxy):
    sts = client(proxy.endpoint, "sts")
    creds = sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/x", RoleSessionName="tests")[
        "Credentials"
    ]
    other = client(
        proxy.endpoint,
        "logs",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    mine = client(proxy.endpoint, "logs")
    for n in range(2):
        mine.create_log_group(logGroupName="/mine/%d" % n)
    assert error_of(mine.create_log_group, logGroupName="/mine/x")[0] == "ThrottlingException"
    for n in range(2):
        other.create_log_group(logGroupName="/other/%d" % n)
    assert error_of(other.create_log_group, logGroupName="/other/x")[0] == "ThrottlingException"


@pytest.mark.emulator
def test_proxy_runs_on_its_own_with_quotas_from_the_command_line(emulator, tmp_path):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "localaws.proxy",
            "--upstream",
            emulator.endpoint,
            "--latency-ms",
            "0",
            "--quota",
            "logs:CreateLogGroup=1/1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline()
        endpoint = line.split(" on ", 1)[1].split(" ", 1)[0]
        logs = client(endpoint, "logs")
        logs.create_log_group(logGroupName="/cli/1")
        assert error_of(logs.create_log_group, logGroupName="/cli/2")[0] == "ThrottlingException"
        with urllib.request.urlopen(endpoint + "/bench-proxy/stats", timeout=10) as r:
            assert json.loads(r.read())["quotas"] == {
                "logs:CreateLogGroup": {"rate": 1.0, "burst": 1.0}
            }
    finally:
        process.terminate()
        process.wait(10)


def test_proxy_refuses_a_non_loopback_upstream():
    with pytest.raises(ValueError):
        Proxy("http://example.com:80")


@pytest.mark.emulator
def test_the_proxy_counts_requests_in_flight_at_once_and_their_time(emulator):
    with Proxy(emulator.endpoint, latency_ms=100) as slow:
        clients = [client(slow.endpoint, "ec2") for _ in range(4)]
        threads = [threading.Thread(target=c.describe_vpcs) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        counted = stats(slow)
        assert counted["peak_in_flight"] == 4
        assert counted["busy_seconds"] >= 4 * 0.1
        slow.reset()
        assert (stats(slow)["peak_in_flight"], stats(slow)["busy_seconds"]) == (0, 0.0)


@pytest.mark.emulator
def test_replies_are_not_held_back_by_nagles_algorithm(emulator, monkeypatch):
    """A reply is written as headers then body; with Nagle's algorithm on, the body waits
    for the client's delayed ACK (about 40 ms on every request, whatever the latency)."""
    no_delay = []
    handle = Handler.handle

    def recording(self):
        no_delay.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        return handle(self)

    monkeypatch.setattr(Handler, "handle", recording)
    with Proxy(emulator.endpoint) as running:
        client(running.endpoint, "ec2").describe_vpcs()
    assert no_delay and all(no_delay)
