"""AWS doubles for tests: placebo flight data and a moto server on 127.0.0.1."""
import copy
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

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
        return ["%s.%s" % (service, op) for service, op, p in self.calls
                if text in json.dumps(p, default=str)]


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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """moto in server mode, listening on a free 127.0.0.1 port."""

    def __init__(self, workdir):
        self.workdir = str(workdir)
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.process = None

    def start(self, timeout=30):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_DEFAULT_REGION="us-east-1")
        self.log = open(os.path.join(self.workdir, "moto.log"), "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=self.workdir)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("moto server exited; see %s/moto.log" % self.workdir)
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("moto server did not start within %ss" % timeout)

    def reset(self):
        self._post("/moto-api/reset")

    def _post(self, path, body=b""):
        request = urllib.request.Request(self.endpoint + path, data=body, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.process:
            self.log.close()

    def session(self, region="us-east-1", account_id=None):
        """A boto3 session on the emulator, as `account_id` (via AssumeRole) if given."""
        base = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                             region_name=region)
        if account_id is None:
            return base
        creds = base.client("sts", endpoint_url=self.endpoint).assume_role(
            RoleArn="arn:aws:iam::%s:role/c7n-vpcflow-runner" % account_id,
            RoleSessionName="tests")["Credentials"]
        return boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"], region_name=region)

    def client(self, service, region="us-east-1", account_id=None):
        return self.session(region, account_id).client(service, endpoint_url=self.endpoint)


def read_json(path):
    with open(path) as f:
        return json.load(f)
