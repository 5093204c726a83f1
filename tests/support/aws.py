"""AWS doubles for tests: sessions that record their calls, placebo flight data, and requests
as botocore signs them, never sent (the moto server is localaws.server.Emulator)."""

import copy
import json
import os

import boto3
import placebo

# A closed local port: any call that escapes placebo fails fast and never leaves the host.
DEAD_ENDPOINT = "http://127.0.0.1:9"


class RecordingSession:
    """A session factory serving one boto3 session, and a log of every call made through it."""

    def __init__(self, region):
        self.region = region
        self.session = boto3.Session(region_name=region)
        self.calls = []
        # Registered before any client exists, so every client of the session inherits it.
        self.session.events.register("before-parameter-build", self._record)

    def _record(self, params, model, **kwargs):
        self.calls.append((model.service_model.service_name, model.name, copy.deepcopy(params)))

    def __call__(self, *args, **kwargs):
        return self.session

    def operations(self):
        """'service.Operation' for each call made, in order."""
        return ["%s.%s" % (service, op) for service, op, _ in self.calls]

    def params(self, operation):
        """The boto3 parameters of each call of 'service.Operation'."""
        return [p for service, op, p in self.calls if "%s.%s" % (service, op) == operation]

    def mentioning(self, text):
        """'service.Operation' of the calls whose parameters contain `text` anywhere."""
        return [
            "%s.%s" % (service, op)
            for service, op, p in self.calls
            if text in json.dumps(p, default=str)
        ]


class FlightData(RecordingSession):
    """A recording session replaying the responses of tests/data/placebo/<case>/.

    One session serves every thread, so placebo's per-operation response counters are
    shared and the files of a case are replayed in order (tests that need a fixed order
    run the action with one worker).
    """

    def __init__(self, case_dir, region):
        if not os.path.isdir(case_dir):
            raise FileNotFoundError(case_dir)
        super().__init__(region)
        self.pill = placebo.attach(self.session, data_path=case_dir)
        self.pill.playback()


class Sent(Exception):
    """Raised in place of sending: the request botocore was about to send."""

    def __init__(self, request):
        self.request = request


def signed_request(service, operation, region="eu-west-1", **params):
    """(headers, body, method, url) of the request botocore signs for the call."""
    client = boto3.Session(
        aws_access_key_id="AKIAWIRETEST",
        aws_secret_access_key="not-a-secret",
        aws_session_token="session-token",
        region_name=region,
    ).client(service, endpoint_url="http://127.0.0.1:9")

    def stop(request, **kwargs):
        raise Sent(request)

    client.meta.events.register("before-send", stop)
    try:
        getattr(client, operation)(**params)
    except Sent as sent:
        request = sent.request
    else:
        raise AssertionError("botocore sent nothing")
    body = request.body.read() if hasattr(request.body, "read") else request.body or b""
    headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
    return headers, body.encode() if isinstance(body, str) else body, request.method, request.url
