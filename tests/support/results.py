"""What a placebo run annotated and wrote, and what its flight data answered."""

import json
import os

from support.constants import DATA_DIR


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


def results_by_vpc(results_file):
    """{VPC id: result} of a flow-log-results.json (its data, or the path to it)."""
    if not isinstance(results_file, dict):
        with open(str(results_file)) as f:
            results_file = json.load(f)
    return {r["vpc-id"]: r for r in results_file["results"]}


def read_results(output_dir, policy_name):
    return results_by_vpc(os.path.join(str(output_dir), policy_name, "flow-log-results.json"))
