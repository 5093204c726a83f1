"""Realistic mode: an HTTP proxy on 127.0.0.1 in front of the moto server.

Every request waits `latency_ms` (the round trip to a real AWS endpoint) and is checked
against the quotas of `localaws.quotas`: an over-quota call is answered as AWS answers it
(``ThrottlingException`` JSON for CloudWatch Logs, ``RequestLimitExceeded`` XML for EC2,
``Throttling`` XML for IAM/STS) and never reaches the emulator; the rest are forwarded
unchanged (``/moto-api/`` included). Standard library only.

Its own endpoints (no latency, never forwarded):

    GET  /bench-proxy/stats    {"calls": {...}, "throttled": {...}, "latency_ms", "quotas"}
    POST /bench-proxy/reset    zero the counters, refill every bucket
    POST /bench-proxy/config   {"latency_ms": 40, "quotas": {"logs:CreateLogGroup": 5},
                                "bursts": {...}}: replaces what it names (buckets refilled)

Run on its own: ``python -m localaws.proxy --upstream http://127.0.0.1:5000 --port 5001
[--latency-ms 40] [--quota logs:CreateLogGroup=5 ...]`` (``--quota`` replaces the defaults).
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .quotas import DEFAULT_LATENCY_MS, Quotas, identify, parse_quota, throttle_response

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te",
              "trailer", "upgrade"}
# Set by this server itself on every reply.
OWN_HEADERS = {"server", "date", "content-length"}
CONTROL = "/bench-proxy/"


class ProxyState:
    """Latency, quotas and counters; shared by the handler threads."""

    def __init__(self, upstream, latency_ms=DEFAULT_LATENCY_MS, quotas=None):
        parsed = urllib.parse.urlsplit(upstream)
        if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the upstream must be a loopback address, not %r" % upstream)
        self.upstream = (parsed.hostname, parsed.port or 80)
        self.latency = latency_ms / 1000.0
        self.quotas = quotas if quotas is not None else Quotas()
        self.lock = threading.Lock()
        self.calls = Counter()
        self.throttled = Counter()

    def count(self, name, throttled):
        with self.lock:
            self.calls[name] += 1
            if throttled:
                self.throttled[name] += 1

    def stats(self):
        with self.lock:
            return {"calls": dict(self.calls), "throttled": dict(self.throttled),
                    "latency_ms": self.latency * 1000.0, "quotas": self.quotas.describe()}

    def reset(self):
        with self.lock:
            self.calls.clear()
            self.throttled.clear()
        self.quotas.reset()

    def configure(self, config):
        if "latency_ms" in config:
            self.latency = float(config["latency_ms"]) / 1000.0
        if "quotas" in config or "bursts" in config:
            rules = config.get("quotas", self.quotas.rules)
            bursts = config.get("bursts", self.quotas.bursts)
            accounts = self.quotas.accounts
            self.quotas = Quotas(rules, bursts, self.quotas.clock)
            self.quotas.accounts = accounts


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bench-proxy"

    def log_message(self, format, *args):  # quiet: thousands of calls per run
        pass

    @property
    def state(self):
        return self.server.state

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
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() not in OWN_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _control(self, body):
        path = urllib.parse.urlsplit(self.path).path
        if path == CONTROL + "stats" and self.command == "GET":
            answer = self.state.stats()
        elif path == CONTROL + "reset" and self.command == "POST":
            self.state.reset()
            answer = {"reset": True}
        elif path == CONTROL + "config" and self.command == "POST":
            self.state.configure(json.loads(body or b"{}"))
            answer = self.state.stats()
        else:
            return self._reply(404, [("Content-Type", "application/json")], b'{"error": "no"}')
        self._reply(200, [("Content-Type", "application/json")], json.dumps(answer).encode())

    def _forward(self, body):
        connection = http.client.HTTPConnection(*self.state.upstream, timeout=300)
        try:
            connection.putrequest(self.command, self.path, skip_host=True,
                                  skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _handle(self):
        body = self._body()
        if self.path.startswith(CONTROL):
            return self._control(body)
        call = identify(self.command, self.path, self.headers, body)
        admitted, _rule = self.state.quotas.admit(call)
        self.state.count(call.name, throttled=not admitted)
        if self.state.latency:
            time.sleep(self.state.latency)
        if not admitted:
            status, headers, answer = throttle_response(call)
            return self._reply(status, list(headers.items()), answer)
        try:
            status, headers, answer = self._forward(body)
        except OSError as e:
            return self._reply(502, [("Content-Type", "text/plain")],
                               ("bench proxy: upstream failed: %s" % e).encode())
        self.state.quotas.learn(call, status, answer)
        self._reply(status, headers, answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle


class ThrottlingProxy:
    """The proxy served from a daemon thread of this process; `endpoint` is its URL."""

    def __init__(self, upstream, latency_ms=DEFAULT_LATENCY_MS, quotas=None, port=0):
        self.state = ProxyState(upstream, latency_ms, quotas)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.server.state = self.state
        self.endpoint = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = None

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="bench-proxy")
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m localaws.proxy", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", required=True, help="the moto server, http://127.0.0.1:PORT")
    parser.add_argument("--port", type=int, default=0, help="listen port (default: any free one)")
    parser.add_argument("--latency-ms", type=float, default=DEFAULT_LATENCY_MS)
    parser.add_argument("--quota", action="append", default=None, metavar="RULE=RATE[/BURST]",
                        help="e.g. logs:CreateLogGroup=5 or ec2:mutating=10/20 (repeatable; "
                             "replaces the defaults)")
    args = parser.parse_args(argv)
    quotas = None
    if args.quota is not None:
        parsed = [parse_quota(q) for q in args.quota]
        quotas = Quotas({r: rate for r, rate, _ in parsed},
                        {r: burst for r, _, burst in parsed if burst is not None})
    proxy = ThrottlingProxy(args.upstream, args.latency_ms, quotas, args.port)
    print("bench proxy on %s -> %s, latency %g ms, quotas %s" % (
        proxy.endpoint, args.upstream, args.latency_ms, json.dumps(proxy.state.quotas.describe())),
        flush=True)
    try:
        proxy.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        proxy.server.server_close()


if __name__ == "__main__":
    main()
