"""A fault-injecting proxy in front of the moto server, for AWS behaviour moto cannot produce.

Point AWS_ENDPOINT_URL at `FaultProxy.endpoint`: every request is parsed into a `Call`
(service, operation, parameters), logged in order, and either answered with a canned AWS
response when a rule says so (throttling, AccessDenied, a limit, an `Unsuccessful` entry)
or forwarded to moto unchanged. Works for in-process boto3 and for the stock `custodian`
alike, since both honour AWS_ENDPOINT_URL. Canned bodies follow the wire format of each
protocol (support.wire) so botocore parses them the way it parses AWS's own answers.
"""
import contextlib
import http.client
import json
import os
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support.hermetic import hermetic_environ
from support.wire import parse_request, rest_json, throttle

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


# A rule's answer that closes the connection instead of answering (a network failure).
DROP = object()


# -- the proxy ----------------------------------------------------------------------------

class FaultProxy:
    """Forwards to `upstream`; `rules` may answer instead, `rewrites` may edit moto's answer.

    A rule is `rule(call) -> (status, headers, body) | None`; a rewrite is
    `rewrite(call, body) -> body`. Rules run in order; the first answer wins.
    """

    def __init__(self, upstream):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.rules = []
        self.rewrites = []
        self.calls = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                proxy._handle(self)

            do_GET = do_PUT = do_DELETE = do_HEAD = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        call = parse_request(headers, body, handler.command, handler.path)
        with self.lock:
            self.calls.append(call)
            answer = None
            for rule in self.rules:
                answer = rule(call)
                if answer is not None:
                    break
        if answer is DROP:
            # No answer at all: the client sees its connection closed mid-request.
            call.injected = "connection dropped"
            handler.close_connection = True
            return
        if answer is None:
            status, response_headers, payload = self._forward(handler, body)
            for rewrite in self.rewrites:
                payload = rewrite(call, payload)
        else:
            status, response_headers, payload = answer
            call.injected = _code_of(payload)
        call.status, call.response = status, payload
        handler.send_response(status)
        for name, value in response_headers.items():
            if name.lower() not in HOP_BY_HOP:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _forward(self, handler, body):
        connection = http.client.HTTPConnection(
            self.upstream.hostname, self.upstream.port, timeout=60)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Host"] = self.upstream.netloc
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    # -- what the tests ask ------------------------------------------------------------

    def calls_of(self, operation):
        with self.lock:
            return [c for c in self.calls if c.operation == operation]

    def injected(self):
        with self.lock:
            return [c for c in self.calls if c.injected]

    def mutating(self):
        with self.lock:
            return ["%s.%s" % (c.service, c.operation) for c in self.calls if c.mutating]


def _code_of(payload):
    text = payload.decode("utf-8", "replace")
    if text.startswith("{"):
        return json.loads(text).get("__type", "?")
    if "<Code>" in text:
        return text.split("<Code>", 1)[1].split("</Code>", 1)[0]
    if "<code>" in text:
        return text.split("<code>", 1)[1].split("</code>", 1)[0]
    return "?"


def every_mutating_call_throttled(times):
    """A rule throttling each distinct mutating request `times` times before it may pass.

    Requests are told apart by service, operation and parameters (less the ClientToken
    botocore draws afresh for each call), so every call of a run meets its own storm,
    whatever thread makes it and whenever.
    """
    seen = {}

    def rule(call):
        if not call.mutating:
            return None
        params = {k: v for k, v in call.params.items() if k != "ClientToken"}
        key = (call.service, call.operation, json.dumps(params, sort_keys=True))
        seen[key] = seen.get(key, 0) + 1
        return throttle(call) if seen[key] <= times else None
    return rule


def flight_data_answers(case_dir, service):
    """A rule answering `service`'s calls from placebo flight data (case_dir's
    <service>.<Operation>_<n>.json, in order, starting over after the last as placebo does),
    for a REST-JSON service the emulator lacks; the console scripts then build their own
    sessions and clients and parse real answers off the wire."""
    served = {}

    def rule(call):
        if call.service != service:
            return None
        n = served.get(call.operation, 0) + 1
        path = os.path.join(case_dir, "%s.%s_%d.json" % (service, call.operation, n))
        if not os.path.exists(path):
            n, path = 1, os.path.join(case_dir, "%s.%s_1.json" % (service, call.operation))
        served[call.operation] = n
        with open(path) as f:
            recorded = json.load(f)
        return rest_json(recorded["status_code"], recorded["data"])
    return rule


def secrets_in(text, *secrets):
    """Which of `secrets` appear in `text`."""
    return [s for s in secrets if s and s in text]


# -- fixtures' building blocks ------------------------------------------------------------

@contextlib.contextmanager
def proxied_emulator(moto_server, home):
    """For module-scoped fixtures: the hermetic environment, the server reset, and a
    FaultProxy in front of it that AWS_ENDPOINT_URL points at (as `emulator` +
    `fault_proxy` give a single test)."""
    with hermetic_environ(home), pytest.MonkeyPatch.context() as mp:
        moto_server.reset()
        mp.setenv("AWS_MAX_ATTEMPTS", "2")
        with FaultProxy(moto_server.endpoint) as proxy:
            mp.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
            yield proxy


@contextlib.contextmanager
def proxying(emulator, monkeypatch):
    """A FaultProxy in front of the (reset) emulator; AWS_ENDPOINT_URL points at it.

    For a test module's `fault_proxy` fixture. Seed through `emulator.client(...)`
    (straight to moto); what follows the environment (in-process policies, the stock CLI)
    goes through the proxy.
    """
    with FaultProxy(emulator.endpoint) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
        yield proxy
