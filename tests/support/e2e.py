"""End-to-end helpers: the stock `custodian` run against the emulator, its output, its calls."""

import contextlib
import glob
import json
import os
import re

import yaml

from localaws.server import Recorder
from localaws.wire import parse_recorded
from support.constants import REGIONS, ROOT, policy_path

POLICY_DIR = os.path.join(ROOT, "policies")
AUDIT_POLICY = policy_path("vpc-flow-logs-audit.yml")
ENABLE_POLICY = policy_path("vpc-flow-logs-enable.yml")


def assert_no_secret(*texts):
    """The fixture's secret access key must never be printed or written."""
    secret = os.environ["AWS_SECRET_ACCESS_KEY"]
    assert secret
    for text in texts:
        assert secret not in text, "the AWS secret access key leaked into the output"


def custodian_run(cli, out_dir, policy_file, *options, regions=REGIONS):
    """`custodian run` over `regions`; every run is checked for a leaked secret."""
    args = ["run", "-s", out_dir, "--cache-period", "0", *options]
    for region in regions:
        args += ["-r", region]
    proc = cli("custodian", *args, policy_file)
    assert_no_secret(proc.stdout, proc.stderr)
    return proc


def org_run(cli, accounts, out, policy_file, *options):
    """`c7n-org run` of one policy file over an accounts file; (process, its output and
    every run log joined), checked for a leaked secret."""
    proc = cli(
        "c7n-org",
        "run",
        "-c",
        accounts,
        "-s",
        out,
        "-u",
        policy_file,
        "--cache-period",
        "0",
        *options,
    )
    logs = [
        open(p).read() for p in glob.glob(os.path.join(str(out), "**", "*.log"), recursive=True)
    ]
    everything = "\n".join([proc.stdout, proc.stderr] + logs)
    assert_no_secret(everything)
    return proc, everything


def output_dir(out_dir, region, policy, regions=REGIONS):
    """c7n writes <out>/<region>/<policy>/ when run over more than one region."""
    if len(regions) > 1:
        return os.path.join(str(out_dir), region, policy)
    return os.path.join(str(out_dir), policy)


def read_output(out_dir, region, policy, name="resources.json", regions=REGIONS):
    with open(os.path.join(output_dir(out_dir, region, policy, regions), name)) as f:
        return json.load(f)


def read_plans(out_dir, region, policy, regions=REGIONS):
    """The resources a dry run planned, as annotated ([{"VpcId": id, plan key: plan}]), from
    its flow-log-plan.json (Custodian writes no resources.json when a plan would fail)."""
    planned = {}
    for answer in read_output(out_dir, region, policy, "flow-log-plan.json", regions)["actions"]:
        for vpc_id, plan in answer["plans"].items():
            planned.setdefault(vpc_id, {"VpcId": vpc_id})[answer["annotation"]] = plan
    return list(planned.values())


def run_results(out_dir, region, policy, regions=REGIONS):
    """{VPC id: result} of the policy's flow-log-results.json."""
    return {
        r["vpc-id"]: r
        for r in read_output(out_dir, region, policy, "flow-log-results.json", regions=regions)[
            "results"
        ]
    }


# The line that ends a Python traceback with its exception, and the line that opens a log
# record (Custodian's format: a timestamp first).
RAISED = re.compile(r"^(c7n_vpcflow(?:\.\w+)+): (.*)$")
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def custodian_reported(stderr):
    """[(exception class, message)] of each of our exceptions `custodian run` reported a
    failed policy with (its standard report: the traceback, then the exception and its whole
    message), asserting that none was chained to another exception."""
    assert "During handling of the above exception" not in stderr, stderr
    assert "The above exception was the direct cause" not in stderr, stderr
    reported, lines = [], stderr.splitlines()
    for number, line in enumerate(lines):
        raised = RAISED.match(line)
        if raised:
            message = [raised.group(2)]
            for more in lines[number + 1 :]:
                if LOG_RECORD.match(more):
                    break
                message.append(more)
            reported.append((raised.group(1), "\n".join(message)))
    return reported


def write_policy(path, name, filters=None, action=None):
    """A one-policy file on aws.vpc; returns its path."""
    policy = {"name": name, "resource": "aws.vpc"}
    if filters:
        policy["filters"] = filters
    if action is not None:
        policy["actions"] = [action]
    with open(path, "w") as f:
        yaml.safe_dump({"policies": [policy]}, f)
    return str(path)


def audit(cli, out_dir, regions=REGIONS):
    """{region: {VPC id: violations}} from our audit policy, which must exit 0."""
    proc = custodian_run(cli, out_dir, AUDIT_POLICY, regions=regions)
    assert proc.returncode == 0, proc.stderr
    return {
        region: {
            r["VpcId"]: r["c7n:flow-log-violations"]
            for r in read_output(out_dir, region, "vpc-flow-logs-audit", regions=regions)
        }
        for region in regions
    }


class Recording:
    def __init__(self, recorder):
        self.recorder = recorder

    def calls(self):
        return [parse_recorded(entry) for entry in self.recorder.entries()]

    def mutating(self):
        """The calls that were not Describe/Get/List; the recording must not be empty."""
        calls = self.calls()
        assert any(c.operation == "DescribeVpcs" for c in calls), "recorder saw no run"
        return ["%s.%s" % (c.service, c.operation) for c in calls if c.mutating]


@contextlib.contextmanager
def recording(emulator):
    """Records every request the emulator receives inside the block (moto's recorder)."""
    recorder = Recorder(emulator.endpoint)
    recorder.start()
    try:
        yield Recording(recorder)
    finally:
        recorder.stop()
