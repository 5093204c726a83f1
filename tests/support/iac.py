"""Where the shift-left policies, their gate and the Terraform trees they judge are; running
a command without the CI variables that change what the gate prints."""

import os
import subprocess
import sys
from pathlib import Path

from support.constants import ROOT

TREES = Path(ROOT) / "tests" / "data" / "terraform"
POLICY_DIR = Path(ROOT) / "policies" / "iac"
OPT_IN_DIR = POLICY_DIR / "opt-in"
CHECK = Path(ROOT) / "iac" / "check.py"
C7N_LEFT = str(Path(sys.executable).parent / "c7n-left")
TAG = "CIS-AWS-3.7"
MISSING, TRAFFIC, RETENTION = (
    "vpc-flow-logs-iac-missing",
    "vpc-flow-logs-iac-traffic-type",
    "vpc-flow-logs-iac-log-group-retention",
)


def run(*args, cwd=None, **env):
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "C7N_VPCFLOW_MIN_RETENTION_DAYS")
    }
    return subprocess.run(
        list(args), cwd=cwd, env={**environ, **env}, capture_output=True, text=True, timeout=300
    )
