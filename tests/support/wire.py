"""AWS requests and answers on the wire: a signed request parsed into a `Call` (service,
operation, parameters), and canned answers in each protocol's format (EC2 XML, IAM query XML,
CloudWatch Logs JSON, REST-JSON), so botocore parses them the way it parses AWS's own."""
import json
import re
import urllib.parse
import uuid
from dataclasses import dataclass, field

import botocore.exceptions
import botocore.session

READ_ONLY_PREFIXES = ("Describe", "Get", "List")


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


# Services whose requests botocore sends in the JSON protocol, and its version for each.
JSON_PROTOCOL = {"logs": "1.1", "monitoring": "1.0"}


def error(call, code, message, status=None):
    """(status, headers, body) of an AWS error for the call's protocol."""
    if call.service in JSON_PROTOCOL:
        body = json.dumps({"__type": code, "message": message}).encode()
        return status or 400, {
            "Content-Type": "application/x-amz-json-" + JSON_PROTOCOL[call.service],
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


def not_implemented(call):
    """What the moto server answers for an operation it does not implement: HTTP 500 with
    Flask's HTML page, no AWS error in it."""
    body = ("<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
            "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and "
            "was unable to complete your request.</p>\n")
    return 500, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


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
