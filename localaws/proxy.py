"""The one HTTP proxy in front of the moto server: faults, latency and quotas, on 127.0.0.1.

Point AWS_ENDPOINT_URL at `Proxy.endpoint` (in-process boto3 and the stock `custodian`
alike honour it). Every request is parsed into a `localaws.wire.Call` and kept in `calls`,
in order; then

* `rules` may answer instead of the emulator: `rule(call) -> (status, headers, body) | DROP
  | None`, in order, the first answer wins (throttling, AccessDenied, a limit, an
  `Unsuccessful` entry; DROP closes the connection unanswered, a network failure);
* it waits `latency_ms` (the round trip to a real AWS endpoint, realistic mode);
* `quotas` (`localaws.quotas.Quotas`) may refuse it as AWS refuses a call over its rate
  (``ThrottlingException`` JSON for CloudWatch Logs, ``RequestLimitExceeded`` XML for
  EC2, ``Throttling`` XML for IAM/STS);
* the rest reach the emulator unchanged (``/moto-api/`` included), and `rewrites` may edit
  its answer: `rewrite(call, body) -> body`.

By default it adds nothing (the tests' fault proxy); the bench gives it latency and quotas.
Its own endpoints (no latency, never forwarded, never in `calls`):

    GET  /bench-proxy/stats    {"calls": {...}, "throttled": {...}, "peak_in_flight",
                                "busy_seconds", "latency_ms", "quotas"}
    POST /bench-proxy/reset    forget the calls, refill every bucket
    POST /bench-proxy/config   {"latency_ms": 40, "quotas": {"logs:CreateLogGroup": 5},
                                "bursts": {...}}: replaces what it names (buckets refilled)

Run on its own, in realistic mode: ``python -m localaws.proxy --upstream
http://127.0.0.1:5000 --port 5001 [--latency-ms 40] [--quota logs:CreateLogGroup=5 ...]``
(``--quota`` replaces the default quotas). Standard library only.
"""

import argparse
import http.client
import json
import threading
import time
import urllib.parse
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .quotas import DEFAULT_LATENCY_MS, Quotas, parse_quota
from .wire import error_code, parse_request, throttle

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
}
# Set by this server itself on every reply.
OWN_HEADERS = {"server", "date", "content-length"}
CONTROL = "/bench-proxy/"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# A rule's answer that closes the connection instead of answering (a network failure).
DROP = object()


class Proxy:
    """Forwards to `upstream` (a loopback URL), served from a daemon thread of this process."""

    def __init__(self, upstream, latency_ms=0.0, quotas=None, port=0):
        parsed = urllib.parse.urlsplit(upstream)
        if parsed.hostname not in LOOPBACK:
            raise ValueError("the upstream must be a loopback address, not %r" % upstream)
        self.upstream = (parsed.hostname, parsed.port or 80)
        self.latency_ms = float(latency_ms)
        self.quotas = quotas
        self.rules = []
        self.rewrites = []
        self.calls = []
        self.lock = threading.Lock()
        self.in_flight = self.peak_in_flight = 0
        self.busy_seconds = 0.0  # the summed time requests spent here
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.server.proxy = self
        self.endpoint = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = None

    def start(self):
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            daemon=True,
            kwargs={"poll_interval": 0.05},
            name="localaws-proxy",
        )
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- what it was asked, for the tests and the bench -----------------------------------

    def calls_of(self, operation):
        with self.lock:
            return [c for c in self.calls if c.operation == operation]

    def injected(self):
        """The calls a rule or a quota answered instead of the emulator."""
        with self.lock:
            return [c for c in self.calls if c.injected]

    def mutating(self):
        with self.lock:
            return ["%s.%s" % (c.service, c.operation) for c in self.calls if c.mutating]

    def stats(self):
        """The calls by name; `busy_seconds` over a period's wall time is the mean number
        of requests in flight during it (Little's law), `peak_in_flight` the most at once."""
        with self.lock:
            calls = Counter(c.name for c in self.calls)
            throttled = Counter(c.name for c in self.calls if c.quota)
            busy, peak = self.busy_seconds, self.peak_in_flight
        return {
            "calls": dict(calls),
            "throttled": dict(throttled),
            "peak_in_flight": peak,
            "busy_seconds": busy,
            "latency_ms": self.latency_ms,
            "quotas": self.quotas.describe() if self.quotas else {},
        }

    def reset(self):
        with self.lock:
            self.calls.clear()
            self.peak_in_flight, self.busy_seconds = self.in_flight, 0.0
        if self.quotas:
            self.quotas.reset()

    @contextmanager
    def serving(self):
        """Counts a request in flight while it is here (rules, latency, emulator, reply)."""
        started = time.monotonic()
        with self.lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self.lock:
                self.in_flight -= 1
                self.busy_seconds += time.monotonic() - started

    def configure(self, config):
        if "latency_ms" in config:
            self.latency_ms = float(config["latency_ms"])
        if "quotas" in config or "bursts" in config:
            old = self.quotas or Quotas({})
            self.quotas = Quotas(
                config.get("quotas", old.rules), config.get("bursts", old.bursts), old.clock
            )
            self.quotas.accounts = old.accounts

    # -- one request --------------------------------------------------------------------

    def answer(self, call, forward):
        """(status, headers, body) for the call, or DROP; forward() asks the emulator."""
        with self.lock:
            self.calls.append(call)
            for rule in self.rules:
                answer = rule(call)
                if answer is DROP:
                    call.injected = "connection dropped"
                    return DROP
                if answer is not None:
                    call.injected = error_code(answer[2])
                    return answer
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000.0)
        if self.quotas:
            admitted, rule = self.quotas.admit(call)
            if not admitted:
                call.quota = rule
                status, headers, body = throttle(call)
                call.injected = error_code(body)
                return status, list(headers.items()), body
        status, headers, body = forward()
        for rewrite in self.rewrites:
            body = rewrite(call, body)
        if self.quotas:
            self.quotas.learn(call, status, body)
        return status, headers, body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "localaws-proxy"
    # A reply goes out as two writes (headers, body): with Nagle's algorithm the body
    # waits for the client's delayed ACK of the headers, about 40 ms more per request.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet: thousands of calls per run
        pass

    @property
    def proxy(self):
        return self.server.proxy

    def _body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items() if isinstance(headers, dict) else headers:
            if name.lower() not in HOP_BY_HOP and name.lower() not in OWN_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _control(self, body):
        path = urllib.parse.urlsplit(self.path).path
        if path == CONTROL + "stats" and self.command == "GET":
            answer = self.proxy.stats()
        elif path == CONTROL + "reset" and self.command == "POST":
            self.proxy.reset()
            answer = {"reset": True}
        elif path == CONTROL + "config" and self.command == "POST":
            self.proxy.configure(json.loads(body or b"{}"))
            answer = self.proxy.stats()
        else:
            return self._reply(404, [("Content-Type", "application/json")], b'{"error": "no"}')
        self._reply(200, [("Content-Type", "application/json")], json.dumps(answer).encode())

    def _forward(self, body):
        """The emulator's answer, the request passed on as it came (its Host too: moto
        checks SigV4 signatures when its IAM authentication is on)."""
        connection = http.client.HTTPConnection(*self.proxy.upstream, timeout=300)
        try:
            connection.putrequest(
                self.command, self.path, skip_host=True, skip_accept_encoding=True
            )
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        except OSError as e:
            return (
                502,
                [("Content-Type", "text/plain")],
                ("localaws proxy: upstream failed: %s" % e).encode(),
            )
        finally:
            connection.close()

    def _handle(self):
        body = self._body()
        if self.path.startswith(CONTROL):
            return self._control(body)
        with self.proxy.serving():
            call = parse_request(self.headers, body, self.command, self.path)
            answer = self.proxy.answer(call, lambda: self._forward(body))
            if answer is DROP:
                self.close_connection = True
                return
            call.status, _headers, call.response = answer
            self._reply(*answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m localaws.proxy",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--upstream", required=True, help="the moto server, http://127.0.0.1:PORT")
    parser.add_argument("--port", type=int, default=0, help="listen port (default: any free one)")
    parser.add_argument("--latency-ms", type=float, default=DEFAULT_LATENCY_MS)
    parser.add_argument(
        "--quota",
        action="append",
        default=None,
        metavar="RULE=RATE[/BURST]",
        help="e.g. logs:CreateLogGroup=5 or ec2:mutating=10/20 (repeatable; replaces the defaults)",
    )
    args = parser.parse_args(argv)
    quotas = Quotas()
    if args.quota is not None:
        parsed = [parse_quota(q) for q in args.quota]
        quotas = Quotas(
            {r: rate for r, rate, _ in parsed},
            {r: burst for r, _, burst in parsed if burst is not None},
        )
    proxy = Proxy(args.upstream, args.latency_ms, quotas, args.port)
    print(
        "localaws proxy on %s -> %s, latency %g ms, quotas %s"
        % (proxy.endpoint, args.upstream, args.latency_ms, json.dumps(quotas.describe())),
        flush=True,
    )
    try:
        proxy.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        proxy.server.server_close()


if __name__ == "__main__":
    main()
