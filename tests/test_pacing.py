"""Client-side pacing: each paced operation waits for its slot; others pass straight on."""

import threading

from c7n_vpcflow.remediation.pacing import PacedClient, Pacer


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_calls_of_one_operation_are_spaced_at_the_rate():
    clock = FakeClock()
    pacer = Pacer(5, ["create_log_group"], clock=clock, sleep=clock.sleep)
    for _ in range(6):
        pacer.wait("create_log_group")
    assert clock.sleeps == [0.2] * 5
    assert round(clock.now - 100.0, 6) == 1.0  # 6 calls at 5/s: the last starts at 1.0 s


def test_operations_are_paced_independently_and_idle_time_is_not_banked():
    clock = FakeClock()
    pacer = Pacer(5, ["create_log_group", "put_retention_policy"], clock=clock, sleep=clock.sleep)
    pacer.wait("create_log_group")
    pacer.wait("put_retention_policy")
    assert clock.sleeps == []
    clock.now += 10  # a long pause earns no burst
    pacer.wait("create_log_group")
    pacer.wait("create_log_group")
    assert clock.sleeps == [0.2]


def test_threads_share_the_slots():
    """Six threads asking at the same instant each get a slot of their own, 20 ms apart (the
    clock stands still: each sleep is recorded, not slept, so the test cannot race)."""
    now = 100.0
    delays = []
    lock = threading.Lock()

    def record(seconds):
        with lock:
            delays.append(round(seconds, 6))

    pacer = Pacer(50, ["create_log_group"], clock=lambda: now, sleep=record)
    threads = [threading.Thread(target=pacer.wait, args=("create_log_group",)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The first starts at once (no sleep); the others wait 1..5 slots, each a different one.
    assert sorted(delays) == [0.02, 0.04, 0.06, 0.08, 0.1]


def test_paced_client_paces_only_the_listed_operations():
    clock = FakeClock()

    class Client:
        def create_log_group(self, **kw):
            return ("created", kw)

        def describe_log_groups(self, **kw):
            return "listed"

    client = PacedClient(Client(), Pacer(1, ["create_log_group"], clock=clock, sleep=clock.sleep))
    assert client.create_log_group(logGroupName="a") == ("created", {"logGroupName": "a"})
    assert client.create_log_group(logGroupName="b")[0] == "created"
    assert client.describe_log_groups() == "listed"
    assert client.describe_log_groups() == "listed"
    assert clock.sleeps == [1.0]
