"""A fault-injecting proxy in front of the moto server, for AWS behaviour moto cannot produce;
and cheap clients for looking at what the emulator holds.

Point AWS_ENDPOINT_URL at `FaultProxy.endpoint`: every request is parsed into a `Call`
(service, operation, parameters), logged in order, and either answered with a canned AWS
response when a rule says so (throttling, AccessDenied, a limit, an `Unsuccessful` entry)
or forwarded to moto unchanged. Works for in-process boto3 and for the stock `custodian`
alike, since both honour AWS_ENDPOINT_URL. Canned bodies follow the wire format of each
protocol (EC2 XML, IAM query XML, CloudWatch Logs JSON) so botocore parses them the way it
parses AWS's own answers.
"""
import contextlib
import http.client
import json
import re
import threading
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import botocore.exceptions
import botocore.session
import pytest

from support.hermetic import hermetic_environ

READ_ONLY_PREFIXES = ("Describe", "Get", "List")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass
class Call:
    service: str
    region: str
    operation: str
    params: dict
    access_key: str = "?"                     # the key id the request was signed with
    token: str = None                         # its X-Amz-Security-Token, if any
    injected: str = None                      # the error code answered instead of moto
    status: int = 0
    response: bytes = field(default=b"", repr=False)

    @property
    def mutating(self):
        return not self.operation.startswith(READ_ONLY_PREFIXES)

    def mentions(self, text):
        return text in json.dumps(self.params, default=str)


def _rest_operation(service, method, path):
    """The operation of a REST-protocol request, by the service model's request URIs."""
    try:
        model = botocore.session.get_session().get_service_model(
            _SIGNING_TO_SERVICE.get(service, service))
    except botocore.exceptions.UnknownServiceError:
        return "?"
    path = urllib.parse.urlsplit(path).path
    for name in model.operation_names:
        http = model.operation_model(name).http
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+",
                               re.escape(http["requestUri"].split("?")[0])) + "$"
        if http["method"] == method and re.match(pattern, path):
            return name
    return "?"


# Signing names that differ from the service's model name.
_SIGNING_TO_SERVICE = {"execute-api": "apigateway"}


def parse_request(headers, body, method="POST", path="/"):
    """A Call from a signed AWS request (query, EC2, JSON or REST protocol)."""
    scope = headers.get("authorization", "").split("Credential=", 1)[-1].split(",")[0]
    parts = scope.split("/")
    service, region = (parts[3], parts[2]) if len(parts) >= 5 else ("?", "?")
    signer = {"access_key": parts[0], "token": headers.get("x-amz-security-token")}
    # S3 uploads (Custodian's gzipped output) carry bytes that are no text.
    text = body.decode("utf-8", errors="replace") if body else ""
    target = headers.get("x-amz-target")
    if target:
        return Call(service, region, target.rsplit(".", 1)[-1], json.loads(text or "{}"),
                    **signer)
    params = dict(urllib.parse.parse_qsl(text)) if "=" in text or not text else {}
    if "Action" in params or service in ("?", "s3"):
        return Call(service, region, params.pop("Action", "?"), params, **signer)
    try:
        params = json.loads(text) if text.startswith("{") else params
    except ValueError:
        params = {}
    return Call(service, region, _rest_operation(service, method, path), params, **signer)


# -- canned answers, as AWS sends them -------------------------------------------------

def _request_id():
    return str(uuid.uuid4())


def error(call, code, message, status=None):
    """(status, headers, body) of an AWS error for the call's protocol."""
    if call.service == "logs":
        body = json.dumps({"__type": code, "message": message}).encode()
        return status or 400, {"Content-Type": "application/x-amz-json-1.1",
                               "x-amzn-RequestId": _request_id()}, body
    if call.service == "ec2":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
                "<Code>%s</Code><Message>%s</Message></Error></Errors>"
                "<RequestID>%s</RequestID></Response>" % (code, message, _request_id()))
        return status or (503 if code == "RequestLimitExceeded" else 400), {
            "Content-Type": "text/xml;charset=UTF-8", "Server": "AmazonEC2"}, body.encode()
    body = ('<ErrorResponse xmlns="https://%s.amazonaws.com/doc/2010-05-08/"><Error>'
            "<Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
            "<RequestId>%s</RequestId></ErrorResponse>" % (
                call.service, code, message, _request_id()))
    return status or 400, {"Content-Type": "text/xml"}, body.encode()


def throttle(call):
    """The throttling error each service answers with."""
    code, message = {
        "ec2": ("RequestLimitExceeded", "Request limit exceeded."),
        "logs": ("ThrottlingException", "Rate exceeded"),
    }.get(call.service, ("Throttling", "Rate exceeded"))
    return error(call, code, message)


def create_flow_logs_unsuccessful(call, code, message):
    """A 200 CreateFlowLogs answer listing every requested resource as Unsuccessful."""
    items = "".join(
        "<item><error><code>%s</code><message>%s</message></error>"
        "<resourceId>%s</resourceId></item>" % (code, message, resource_id)
        for key, resource_id in sorted(call.params.items()) if key.startswith("ResourceId."))
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<CreateFlowLogsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            "<requestId>%s</requestId><flowLogIdSet/><unsuccessful>%s</unsuccessful>"
            "</CreateFlowLogsResponse>" % (_request_id(), items))
    return 200, {"Content-Type": "text/xml;charset=UTF-8", "Server": "AmazonEC2"}, body.encode()


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


# -- looking at what the emulator holds --------------------------------------------------

_SESSIONS = {}


def emulator_client(emulator, service, region="us-east-1"):
    """A client straight to the emulator (past any proxy), from one cached boto3 session
    per region: botocore loads each service model once instead of once per client."""
    if region not in _SESSIONS:
        _SESSIONS[region] = boto3.Session(aws_access_key_id="testing",
                                          aws_secret_access_key="testing", region_name=region)
    return _SESSIONS[region].client(service, endpoint_url=emulator.endpoint)


def flow_logs_of(emulator, region="us-east-1"):
    """{VPC id: [flow log, ...]} of one region (support.estate.flow_logs_by_vpc, cheaper)."""
    found = {}
    for flow_log in emulator_client(emulator, "ec2", region).describe_flow_logs()["FlowLogs"]:
        found.setdefault(flow_log["ResourceId"], []).append(flow_log)
    return found


def log_groups_of(emulator, region="us-east-1"):
    """{log group name: retention in days or None (never expire)} of one region."""
    logs = emulator_client(emulator, "logs", region)
    return {g["logGroupName"]: g.get("retentionInDays")
            for page in logs.get_paginator("describe_log_groups").paginate()
            for g in page["logGroups"]}
