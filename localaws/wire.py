"""AWS requests and answers on the wire, for whatever stands in front of the emulator or reads
its request recording: a signed request parsed into a `Call`, and canned answers in each
protocol's own format, so botocore parses them the way it parses AWS's own.

A request is named the way AWS routes it: the JSON protocols (CloudWatch Logs) by the
``X-Amz-Target`` header, the query protocols (EC2, IAM, STS) by the field ``Action`` of the
form body or the URL, the REST protocols (S3, Security Hub, Lambda) by method, path and
query matched against the request URIs of botocore's service model; service, region and
access key come from the SigV4 ``Authorization`` header; ``/moto-api/`` is moto's own.
"""

import base64
import functools
import json
import re
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Optional

import botocore.exceptions
import botocore.session

READ_ONLY_PREFIXES = ("Describe", "Get", "List", "Head")
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
UNKNOWN = "?"
# Signing names that differ from the service's model name.
SIGNING_TO_SERVICE = {"execute-api": "apigateway", "monitoring": "cloudwatch"}


@dataclass
class Call:
    """One request: what it asks, who signed it, and what it was answered."""

    service: str
    operation: str
    protocol: str = "query"  # json | ec2 | query | rest | internal (moto's own API)
    region: str = UNKNOWN
    access_key: str = UNKNOWN  # the key id the request was signed with
    params: dict = field(default_factory=dict)
    token: Optional[str] = None  # its X-Amz-Security-Token, if any
    injected: Optional[str] = None  # the error code answered instead of the emulator
    quota: Optional[str] = None  # the quota rule that refused it, if one did
    status: int = 0
    response: bytes = field(default=b"", repr=False)

    @property
    def name(self):
        return "%s:%s" % (self.service, self.operation)

    @property
    def mutating(self):
        return self.protocol != "internal" and not self.operation.startswith(READ_ONLY_PREFIXES)

    def mentions(self, text):
        return text in json.dumps(self.params, default=str)


def parse_request(headers, body=b"", method="POST", path="/"):
    """The Call a signed AWS request makes (headers: any mapping; path may be a full URL)."""
    headers = {k.lower(): v for k, v in headers.items()}
    url = urllib.parse.urlsplit(path)
    if url.path.startswith("/moto-api/"):
        return Call("moto-api", url.path, "internal")
    match = CREDENTIAL.search(headers.get("authorization", ""))
    access_key, region, service = match.groups() if match else (UNKNOWN,) * 3
    signer = {
        "region": region,
        "access_key": access_key,
        "token": headers.get("x-amz-security-token"),
    }
    # S3 uploads (Custodian's gzipped output) carry bytes that are no text.
    text = body.decode("utf-8", errors="replace") if body else ""
    target = headers.get("x-amz-target")
    if target:
        return Call(service, target.rsplit(".", 1)[-1], "json", params=_json(text), **signer)
    fields = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
    if "form-urlencoded" in headers.get("content-type", "") and text:
        fields.update(urllib.parse.parse_qsl(text))
    if "Action" in fields:
        protocol = "ec2" if service == "ec2" else "query"
        return Call(service, fields.pop("Action"), protocol, params=fields, **signer)
    return Call(
        service,
        _rest_operation(service, method, url.path, fields, headers),
        "rest",
        params=_json(text),
        **signer,
    )


def parse_recorded(entry):
    """The Call of one entry of moto's request recording."""
    body = (entry.get("body") or "").encode("utf-8")
    if entry.get("body_encoded"):
        body = base64.b64decode(body)
    return parse_request(
        entry.get("headers") or {}, body, entry.get("method", "POST"), entry.get("url", "/")
    )


def _json(text):
    try:
        params = json.loads(text) if text.startswith("{") else {}
    except ValueError:
        return {}
    return params if isinstance(params, dict) else {}


@functools.lru_cache(maxsize=None)
def _model(service):
    """botocore's model of the service a request is signed for; None if it knows none."""
    try:
        return botocore.session.get_session().get_service_model(
            SIGNING_TO_SERVICE.get(service, service)
        )
    except botocore.exceptions.UnknownServiceError:
        return None


@functools.lru_cache(maxsize=None)
def _routes(service):
    """(method, path pattern, what it requires, operation) of each operation of a REST
    service, by its model; () for a service botocore does not know. What an operation
    requires: the query of its request URI (?tagging, ?x-id=GetObject) and its required
    members sent in the query or a header (UploadPart's uploadId, CopyObject's
    x-amz-copy-source), as (key, value or None) pairs."""
    model = _model(service)
    if model is None:
        return ()
    routes = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        uri_path, _, uri_query = operation.http["requestUri"].partition("?")
        pattern = re.escape(uri_path)
        pattern = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", pattern)  # {Key+}: any path
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)  # {Bucket}: one segment
        required = [
            (key, value or None)
            for key, _, value in (p.partition("=") for p in uri_query.split("&") if p)
        ]
        shape = operation.input_shape
        for member in shape.required_members if shape else ():
            where = shape.members[member].serialization
            if where.get("location") in ("querystring", "header"):
                required.append((where.get("name", member).lower(), None))
        routes.append(
            (
                operation.http["method"],
                re.compile("^%s/?$" % pattern.rstrip("/")),
                tuple(required),
                name,
            )
        )
    return tuple(routes)


def _rest_operation(service, method, path, query, headers):
    """The operation a REST request calls: of the routes its method, path, query and headers
    match, the one that requires most (GET /b?tagging is GetBucketTagging, not ListObjects;
    PUT /b/k is PutObject unless it names a source to copy or a part to upload)."""
    sent = dict(headers, **{k.lower(): v for k, v in query.items()})

    def has(required):
        return all(
            key.lower() in sent and value in (None, sent[key.lower()]) for key, value in required
        )

    matches = [
        (len(required), name)
        for verb, pattern, required, name in _routes(service)
        if verb == method and pattern.match(path) and has(required)
    ]
    return max(matches)[1] if matches else UNKNOWN


# -- canned answers, as AWS sends them -------------------------------------------------


def _request_id():
    return str(uuid.uuid4())


def error(call, code, message, status=None):
    """(status, headers, body) of an AWS error in the call's protocol."""
    if call.protocol == "json":
        model = _model(call.service)
        version = model.metadata.get("jsonVersion", "1.1") if model else "1.1"
        body = json.dumps({"__type": code, "message": message}).encode()
        return (
            status or 400,
            {
                "Content-Type": "application/x-amz-json-" + version,
                "x-amzn-RequestId": _request_id(),
            },
            body,
        )
    if call.protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
            "<Code>%s</Code><Message>%s</Message></Error></Errors>"
            "<RequestID>%s</RequestID></Response>" % (code, message, _request_id())
        )
        return (
            status or (503 if code == "RequestLimitExceeded" else 400),
            {"Content-Type": "text/xml;charset=UTF-8", "Server": "AmazonEC2"},
            body.encode(),
        )
    request_id = _request_id()
    body = (
        '<ErrorResponse xmlns="https://%s.amazonaws.com/doc/2010-05-08/"><Error>'
        "<Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
        "<RequestId>%s</RequestId></ErrorResponse>" % (call.service, code, message, request_id)
    )
    return (
        status or 400,
        {"Content-Type": "text/xml", "x-amzn-RequestId": request_id},
        body.encode(),
    )


def not_implemented(call):
    """What the moto server answers for an operation it does not implement: HTTP 500 with
    Flask's HTML page, no AWS error in it."""
    body = (
        "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
        "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and "
        "was unable to complete your request.</p>\n"
    )
    return 500, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


def aws_json(call, status, data):
    """(status, headers, body) of a JSON-protocol service (X-Amz-Target, e.g. AWS Config)
    answering `call` with placebo's `data`: the output members as the body, datetimes as
    the epoch seconds the protocol sends; or for an error its code and message."""
    if status >= 300:
        return error(call, data["Error"]["Code"], data["Error"]["Message"], status)
    model = _model(call.service)
    body = {k: v for k, v in data.items() if k != "ResponseMetadata"}
    return (
        status,
        {
            "Content-Type": "application/x-amz-json-" + model.metadata.get("jsonVersion", "1.1"),
            "x-amzn-RequestId": _request_id(),
        },
        json.dumps(body, default=lambda when: when.timestamp()).encode(),
    )


def rest_json(status, data):
    """(status, headers, body) of a REST-JSON service (e.g. observabilityadmin) answering
    with placebo's `data`: the output members as the body, or for an error its code in
    x-amzn-ErrorType and its message in the body."""
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": _request_id()}
    if status >= 300:
        headers["x-amzn-ErrorType"] = data["Error"]["Code"]
        return status, headers, json.dumps({"message": data["Error"]["Message"]}).encode()
    body = {k: v for k, v in data.items() if k != "ResponseMetadata"}
    return status, headers, json.dumps(body).encode()


def throttle(call):
    """The refusal AWS sends a call over its rate, worded as that service words it."""
    code, message = {
        "json": ("ThrottlingException", "Rate exceeded"),
        "ec2": ("RequestLimitExceeded", "Request limit exceeded."),
    }.get(call.protocol, ("Throttling", "Rate exceeded"))
    return error(call, code, message)


def create_flow_logs_unsuccessful(call, code, message):
    """A 200 CreateFlowLogs answer listing every requested resource as Unsuccessful."""
    items = "".join(
        "<item><error><code>%s</code><message>%s</message></error>"
        "<resourceId>%s</resourceId></item>" % (code, message, resource_id)
        for key, resource_id in sorted(call.params.items())
        if key.startswith("ResourceId.")
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CreateFlowLogsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        "<requestId>%s</requestId><flowLogIdSet/><unsuccessful>%s</unsuccessful>"
        "</CreateFlowLogsResponse>" % (_request_id(), items)
    )
    return 200, {"Content-Type": "text/xml;charset=UTF-8", "Server": "AmazonEC2"}, body.encode()


def error_code(payload):
    """The error code of a canned answer's body (JSON __type, or an XML Code)."""
    text = payload.decode("utf-8", "replace")
    if text.startswith("{"):
        return json.loads(text).get("__type", UNKNOWN)
    for tag in ("Code", "code"):
        if "<%s>" % tag in text:
            return text.split("<%s>" % tag, 1)[1].split("</%s>" % tag, 1)[0]
    return UNKNOWN
