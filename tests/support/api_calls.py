"""What a placebo run asked of AWS, as API parameters, and what it annotated.

FlightData records botocore's serialised request (wire form: EC2 `Filter.1.Value.1`, a
JSON body for CloudWatch Logs); these helpers record the parameters as passed to boto3.
"""
import copy
import json
import os

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "placebo")


class ApiCalls:
    """Every call of a FlightData session as ('service.Operation', params), in order."""

    def __init__(self, flight):
        self.calls = []
        # Registered on the session before any client exists, so every client inherits it.
        flight.session.events.register("before-parameter-build", self._record)

    def _record(self, params, model, **kwargs):
        name = "%s.%s" % (model.service_model.service_name, model.name)
        self.calls.append((name, copy.deepcopy(params)))

    def params(self, operation):
        return [p for name, p in self.calls if name == operation]

    def mentioning(self, text):
        """Operations whose parameters contain `text` anywhere."""
        return [name for name, p in self.calls if text in json.dumps(p, default=str)]


def capture_resources(monkeypatch, cls):
    """The resource lists handed to cls.process (annotated in place), one per call."""
    seen = []
    original = cls.process

    def process(self, resources, *args, **kwargs):
        seen.append(resources)
        return original(self, resources, *args, **kwargs)

    monkeypatch.setattr(cls, "process", process)
    return seen


def recorded(case, filename):
    """The response data of one flight-data file."""
    with open(os.path.join(DATA_DIR, case, filename)) as f:
        return json.load(f)["data"]


def read_results(output_dir, policy_name):
    with open(os.path.join(str(output_dir), policy_name, "flow-log-results.json")) as f:
        return {r["vpc-id"]: r for r in json.load(f)}
