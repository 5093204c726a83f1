"""Client-side pacing at the AWS control-plane quotas, shared by the action's workers;
and c7n's retry, counted.

CloudWatch Logs allows about 5 calls a second per account-region for CreateLogGroup,
PutRetentionPolicy and the other control-plane writes. Calling faster only earns
throttling errors and back-off; pacing each operation to its quota reaches the same floor
(N / 5 seconds for N log groups) with no throttled call. Retries still absorb throttling
caused by other clients sharing the quota.
"""

import threading
import time

# Calls a second, per operation of the CloudWatch Logs client.
LOGS_WRITES = (
    "create_log_group",
    "put_retention_policy",
    "tag_resource",
    "put_log_group_deletion_protection",
    "put_query_definition",
    "put_metric_filter",
)


class Pacer:
    """One token bucket per operation; `wait(op)` blocks until a call may start."""

    def __init__(self, rate, operations, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate
        self.operations = frozenset(operations)
        self.clock = clock
        self.sleep = sleep
        self.next_slot = {}
        self.lock = threading.Lock()

    def wait(self, operation):
        with self.lock:
            now = self.clock()
            slot = max(now, self.next_slot.get(operation, now))
            self.next_slot[operation] = slot + self.interval
        delay = slot - now
        if delay > 0:
            self.sleep(delay)


class PacedClient:
    """A boto3 client whose paced operations wait for their slot first."""

    def __init__(self, client, pacer):
        self._client = client
        self._pacer = pacer

    def __getattr__(self, name):
        method = getattr(self._client, name)
        if name not in self._pacer.operations:
            return method

        def paced(*args, **kwargs):
            self._pacer.wait(name)
            return method(*args, **kwargs)

        paced.__name__ = name
        return paced


class CountingRetry:
    """c7n's retry, counting the attempts beyond the first of every call."""

    def __init__(self, retry):
        self.retry = retry
        self.calls = 0
        self.attempts = 0
        self.lock = threading.Lock()

    def __call__(self, func, *args, **kwargs):
        def attempt(*a, **kw):
            with self.lock:
                self.attempts += 1
            return func(*a, **kw)

        with self.lock:
            self.calls += 1
        return self.retry(attempt, *args, **kwargs)

    @property
    def retries(self):
        return self.attempts - self.calls
