"""The stock commands of this environment (`c7n-org`, `c7n-vpcflow`), run as children.

Their output (c7n-org's logging included) is captured, never shown unless a step fails.
"""

import json
import os
import sys
import tempfile

from localaws import processes

BIN = os.path.dirname(sys.executable)


class StepFailed(Exception):
    """A command failed: `summary` is the one-line reason, `output` what it printed."""

    def __init__(self, summary, output=""):
        super().__init__(summary)
        self.summary = summary
        self.output = output


class Commands:
    def __init__(self, root, workdir, env):
        self.root = root
        self.workdir = workdir
        self.env = env

    def _run(self, name, *args):
        """(exit code, stdout, stderr) of .venv/bin/<name> args."""
        with (
            tempfile.TemporaryFile(dir=self.workdir) as out,
            tempfile.TemporaryFile(dir=self.workdir) as err,
        ):
            child = processes.spawn(
                [os.path.join(BIN, name), *args],
                env=self.env,
                cwd=self.workdir,
                stdout=out,
                stderr=err,
            )
            try:
                code = child.wait()
            finally:
                # Also when interrupted: the child and its workers go with the demo.
                processes.stop(child)
            out.seek(0)
            err.seek(0)
            return (
                code,
                out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"),
            )

    def org_run(self, policy, out_dir, policy_dir="policies"):
        """`c7n-org run` of <policy_dir>/<policy> over accounts.yml into out_dir."""
        code, stdout, stderr = self._run(
            "c7n-org",
            "run",
            "-c",
            os.path.join(self.root, "accounts.yml"),
            "-u",
            os.path.join(self.root, policy_dir, policy),
            "-s",
            out_dir,
            "--cache-period",
            "0",
        )
        if code != 0:
            raise StepFailed(
                "c7n-org run %s exited %d" % (policy, code), stdout + stderr + _policy_logs(out_dir)
            )
        return stdout + stderr

    def report(self, out_dir, fmt="md", expect=0):
        """`c7n-vpcflow report out_dir --format fmt`: the text (md) or the parsed JSON.

        The report is a gate: `expect` is the exit code this step should see (1 while
        VPCs remain non-compliant); any other code fails the step.
        """
        code, stdout, stderr = self._run("c7n-vpcflow", "report", out_dir, "--format", fmt)
        if code != expect:
            raise StepFailed(
                "c7n-vpcflow report exited %d, expected %d" % (code, expect), stdout + stderr
            )
        return json.loads(stdout) if fmt == "json" else stdout


def _policy_logs(out_dir):
    """custodian-run.log of every account-region, for the failure message."""
    found = []
    for directory, _dirs, files in sorted(os.walk(out_dir)):
        for name in files:
            if name.endswith(".log"):
                with open(os.path.join(directory, name), errors="replace") as f:
                    found.append(
                        "== %s\n%s"
                        % (os.path.relpath(os.path.join(directory, name), out_dir), f.read())
                    )
    return "\n".join(found)
