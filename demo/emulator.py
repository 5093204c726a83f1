"""The moto server: a free 127.0.0.1 port, started and stopped by the demo (and bench);
reading its request recording (also for the tests)."""
import json
import os
import socket
import sys
import time
import urllib.request

from . import processes
from .environment import base_environment


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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """moto's server on loopback, its log in `workdir` (shown only on failure)."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.log_path = os.path.join(workdir, "moto.log")
        self.process = None

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def start(self, timeout=30):
        # Built from scratch too: the server needs no credentials and must not see MOTO_*.
        env = base_environment(self.workdir)
        with open(self.log_path, "wb") as log:
            self.process = processes.spawn(
                [sys.executable, LAUNCHER, "-H", "127.0.0.1", "-p", str(self.port)],
                env=env, cwd=self.workdir, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmulatorError("moto server exited at start-up:\n" + self.log_tail())
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise EmulatorError("moto server did not answer within %ds:\n%s" % (
            timeout, self.log_tail()))

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        processes.stop(self.process)
