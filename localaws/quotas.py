"""What realistic mode knows about AWS's quotas: the rate each call may go at.

Pure logic, no I/O, so it is unit-tested with an injected clock (calls are
`localaws.wire.Call`s; the proxy answers a refused one with `localaws.wire.throttle`):

* `TokenBucket` is AWS's throttling model: ``rate`` tokens a second, at most ``burst``
  kept; a call finding no token is refused at once (AWS does not queue).
* `Quotas` maps a call to its rule and keeps one bucket per rule, account and region.
  Rule names: ``service:Operation`` (``logs:CreateLogGroup``), ``service:mutating`` (every
  operation of the service not named Describe*/Get*/List*), ``service:*``; the most
  specific rule that exists wins.
"""

import re
import threading
import time

DEFAULT_LATENCY_MS = 40.0
# The quotas of the issue: CloudWatch Logs control plane ~5 TPS, EC2 mutating calls 10/s.
DEFAULT_QUOTAS = {
    "logs:CreateLogGroup": 5.0,
    "logs:PutRetentionPolicy": 5.0,
    "ec2:mutating": 10.0,
}
# The account moto gives credentials it did not issue through AssumeRole.
DEFAULT_ACCOUNT = "default"
# Clock arithmetic in floats: 0.2 s at 5/s must make a whole token.
EPSILON = 1e-9


class TokenBucket:
    """`rate` tokens a second, at most `burst` (default: one second's worth) in store."""

    def __init__(self, rate, burst=None, clock=time.monotonic):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.capacity = float(burst if burst is not None else max(1.0, rate))
        self.clock = clock
        self.tokens = self.capacity
        self.stamp = clock()
        self.lock = threading.Lock()

    def _refill(self):
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self, n=1.0):
        """True (and n tokens spent) if n tokens are there; False, and nothing spent, if not."""
        with self.lock:
            self._refill()
            if self.tokens >= n - EPSILON:
                self.tokens = max(0.0, self.tokens - n)
                return True
            return False

    def wait_time(self, n=1.0):
        """Seconds until n tokens will be there (0 if they are now)."""
        with self.lock:
            self._refill()
            return max(0.0, (n - self.tokens) / self.rate)


def parse_quota(text):
    """'logs:CreateLogGroup=5' or 'ec2:mutating=10/20' (rate/burst) -> (rule, rate, burst)."""
    rule, _, value = text.partition("=")
    if ":" not in rule or not value:
        raise ValueError("quota %r: expected service:Operation=RATE[/BURST]" % text)
    rate, _, burst = value.partition("/")
    return rule.strip(), float(rate), float(burst) if burst else None


class Quotas:
    """Token buckets per (rule, account, region); learns accounts from AssumeRole answers."""

    def __init__(self, rules=None, bursts=None, clock=time.monotonic):
        self.rules = dict(DEFAULT_QUOTAS if rules is None else rules)
        self.bursts = dict(bursts or {})
        self.clock = clock
        self.buckets = {}
        self.accounts = {}  # access key id -> account id
        self.lock = threading.Lock()

    def rule_for(self, call):
        if call.protocol in ("internal", "rest"):
            return None
        kind = "mutating" if call.mutating else "read"
        for rule in (call.name, "%s:%s" % (call.service, kind), "%s:*" % call.service):
            if rule in self.rules:
                return rule
        return None

    def account_of(self, call):
        return self.accounts.get(call.access_key, DEFAULT_ACCOUNT)

    def admit(self, call):
        """(admitted, rule): False when the call's bucket is empty."""
        rule = self.rule_for(call)
        if rule is None:
            return True, None
        key = (rule, self.account_of(call), call.region)
        with self.lock:
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = TokenBucket(
                    self.rules[rule], self.bursts.get(rule), self.clock
                )
        return bucket.take(), rule

    def learn(self, call, status, body):
        """Remember whose credentials an STS AssumeRole answer hands out."""
        if call.service != "sts" or call.operation != "AssumeRole" or status != 200:
            return
        text = body.decode("utf-8", "replace")
        key = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", text)
        arn = re.search(r"<Arn>arn:[^:]+:sts::(\d{12}):assumed-role/", text)
        if key and arn:
            with self.lock:
                self.accounts[key.group(1)] = arn.group(1)

    def reset(self):
        with self.lock:
            self.buckets.clear()

    def describe(self):
        return {
            rule: {"rate": rate, "burst": self.bursts.get(rule, max(1.0, rate))}
            for rule, rate in sorted(self.rules.items())
        }
