"""What realistic mode knows about AWS: which operation a request is, its quota, its refusal.

Pure logic, no I/O, so it is unit-tested with an injected clock:

* `identify` names the operation of a request the way AWS routes it: the JSON protocols
  (CloudWatch Logs) by the ``X-Amz-Target`` header, the query protocols (EC2, IAM, STS)
  by the form field ``Action``; service, region and access key come from the SigV4
  ``Authorization`` header.
* `TokenBucket` is AWS's throttling model: ``rate`` tokens a second, at most ``burst``
  kept; a call finding no token is refused at once (AWS does not queue).
* `Quotas` maps a call to its rule and keeps one bucket per rule, account and region.
  Rule names: ``service:Operation`` (``logs:CreateLogGroup``), ``service:mutating`` (every
  operation of the service not named Describe*/Get*/List*), ``service:*``; the most
  specific rule that exists wins.
* `throttle_response` is the refusal exactly as AWS words it for that protocol.
"""
import json
import re
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass

DEFAULT_LATENCY_MS = 40.0
# The quotas of the issue: CloudWatch Logs control plane ~5 TPS, EC2 mutating calls 10/s.
DEFAULT_QUOTAS = {
    "logs:CreateLogGroup": 5.0,
    "logs:PutRetentionPolicy": 5.0,
    "ec2:mutating": 10.0,
}
READ_ONLY_PREFIXES = ("Describe", "Get", "List")
# The account moto gives credentials it did not issue through AssumeRole.
DEFAULT_ACCOUNT = "default"
# Clock arithmetic in floats: 0.2 s at 5/s must make a whole token.
EPSILON = 1e-9
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    protocol: str        # json | ec2 | query | rest | internal
    region: str = ""
    access_key: str = ""

    @property
    def name(self):
        return "%s:%s" % (self.service, self.operation)

    @property
    def mutating(self):
        return not self.operation.startswith(READ_ONLY_PREFIXES)


def identify(method, path, headers, body=b""):
    """The Call a request makes (headers: a case-insensitive mapping or plain dict)."""
    headers = {k.lower(): v for k, v in headers.items()}
    url = urllib.parse.urlsplit(path)
    if url.path.startswith("/moto-api/"):
        return Call("moto-api", url.path, "internal")
    match = CREDENTIAL.search(headers.get("authorization", ""))
    access_key, region, service = match.groups() if match else ("", "", "unknown")
    target = headers.get("x-amz-target")
    if target:
        return Call(service, target.rsplit(".", 1)[-1], "json", region, access_key)
    fields = dict(urllib.parse.parse_qsl(url.query))
    if "form-urlencoded" in headers.get("content-type", "") and body:
        fields.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
    if "Action" in fields:
        protocol = "ec2" if service == "ec2" else "query"
        return Call(service, fields["Action"], protocol, region, access_key)
    return Call(service, "%s %s" % (method, url.path), "rest", region, access_key)


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
        self.accounts = {}   # access key id -> account id
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
                    self.rules[rule], self.bursts.get(rule), self.clock)
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
        return {rule: {"rate": rate, "burst": self.bursts.get(rule, max(1.0, rate))}
                for rule, rate in sorted(self.rules.items())}


def throttle_response(call):
    """(HTTP status, headers, body) AWS sends when `call` is over its quota."""
    request_id = str(uuid.uuid4())
    if call.protocol == "json":
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"})
        return 400, {"Content-Type": "application/x-amz-json-1.1",
                     "x-amzn-RequestId": request_id}, body.encode()
    if call.protocol == "ec2":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
                "<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
                "</Error></Errors><RequestID>%s</RequestID></Response>" % request_id)
        return 503, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    body = ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            "<Message>Rate exceeded</Message></Error><RequestId>%s</RequestId>"
            "</ErrorResponse>" % request_id)
    return 400, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode()
