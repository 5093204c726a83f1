"""The moto server on a free 127.0.0.1 port, for the tests, the demo and the bench; reading
its request recording."""

import json
import os
import socket
import sys
import threading
import time
import urllib.request

from . import processes
from .environment import base_environment
from .estate import clients

# moto's server with the query-definition calls it lacks (see moto_server.py).
LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "moto_server.py")


class EmulatorError(Exception):
    pass


def recording_entries(text):
    """The entries of moto's request recording: one JSON object a line, except that
    requests recorded at the same moment (c7n-org's parallel workers) may share a line."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    decoder = json.JSONDecoder()
    entries, index = [], 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return entries
        entry, index = decoder.raw_decode(text, index)
        entries.append(entry)


def post(endpoint, path, body=b""):
    request = urllib.request.Request(endpoint + path, data=body, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def get(endpoint, path):
    with urllib.request.urlopen(endpoint + path, timeout=300) as response:
        return response.read()


class Recorder:
    """moto's request recorder: what reached the emulator, whoever sent it."""

    def __init__(self, endpoint):
        self.endpoint = endpoint

    def start(self):
        post(self.endpoint, "/moto-api/recorder/reset-recording")
        post(self.endpoint, "/moto-api/recorder/start-recording")

    def entries(self):
        """What was recorded so far."""
        return recording_entries(get(self.endpoint, "/moto-api/recorder/download-recording"))

    def stop(self):
        post(self.endpoint, "/moto-api/recorder/stop-recording")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """moto's server on loopback, its log in `workdir` (shown only on failure)."""

    def __init__(self, workdir):
        self.workdir = str(workdir)
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.log_path = os.path.join(self.workdir, "moto.log")
        self.process = None
        self.lock = threading.Lock()

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def start(self, timeout=30, **settings):
        """Start the server; `settings` are moto's own variables (INITIAL_NO_AUTH_ACTION_COUNT)."""
        # Built from scratch too: the server needs no credentials and sees no MOTO_* of ours.
        env = dict(base_environment(self.workdir), **settings)
        with open(self.log_path, "wb") as log:
            self.process = processes.spawn(
                [sys.executable, LAUNCHER, "-H", "127.0.0.1", "-p", str(self.port)],
                env=env,
                cwd=self.workdir,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmulatorError("moto server exited at start-up:\n" + self.log_tail())
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise EmulatorError(
            "moto server did not answer within %ds:\n%s" % (timeout, self.log_tail())
        )

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        processes.stop(self.process)

    def reset(self):
        """Forget everything the server holds (moto's own reset)."""
        post(self.endpoint, "/moto-api/reset")

    def client(self, service, region="us-east-1", account_id=None):
        """A client on the emulator: of its default account, or acting in `account_id`.

        From localaws.estate's one boto3 session, so each service model is loaded once (a
        new session costs ~0.15 s of CPU, a client of a warm one ~0.015 s); one at a time,
        since botocore does not promise that a session makes clients safely from several
        threads at once, and tests make them so."""
        with self.lock:
            (client,) = clients(self.endpoint, account_id, region, service)
        return client
