"""Faults for the tests, injected by localaws.proxy.Proxy in front of the moto server (the
`fault_proxy` fixture): rules that answer instead of moto, and the fixtures' building blocks.

Seed through `emulator.client(...)` (straight to moto); what follows the environment
(in-process policies, the stock CLI) goes through the proxy.
"""

import contextlib
import json
import os

import placebo.serializer
import pytest

from localaws.proxy import Proxy
from localaws.wire import aws_json, rest_json, throttle
from support.hermetic import hermetic_environ


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
    for a REST-JSON or JSON service the emulator lacks (or lacks outside its test mode); the
    console scripts then build their own sessions and clients and parse real answers off
    the wire."""
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
            recorded = json.load(f, object_hook=placebo.serializer.deserialize)
        if call.protocol == "json":
            return aws_json(call, recorded["status_code"], recorded["data"])
        return rest_json(recorded["status_code"], recorded["data"])

    return rule


def secrets_in(text, *secrets):
    """Which of `secrets` appear in `text`."""
    return [s for s in secrets if s and s in text]


# -- fixtures' building blocks ------------------------------------------------------------


@contextlib.contextmanager
def proxied_emulator(moto_server, home):
    """For module-scoped fixtures: the hermetic environment, the server reset, and a
    Proxy in front of it that AWS_ENDPOINT_URL points at (as `emulator` +
    `fault_proxy` give a single test)."""
    with hermetic_environ(home), pytest.MonkeyPatch.context() as mp:
        moto_server.reset()
        mp.setenv("AWS_MAX_ATTEMPTS", "2")
        with Proxy(moto_server.endpoint) as proxy:
            mp.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
            yield proxy


@contextlib.contextmanager
def proxying(emulator, monkeypatch):
    """A Proxy in front of the (reset) emulator; AWS_ENDPOINT_URL points at it."""
    with Proxy(emulator.endpoint) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
        yield proxy
