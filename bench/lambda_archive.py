"""Issue 6, item 6: the periodic policy's Lambda archive, run in a bare Lambda runtime.

Before each run the scenario deploys `policies/vpc-flow-logs-periodic.yml` with the stock
`custodian run` against the emulator and takes the archive from the CreateFunction call
moto's recorder saw (the same capture as tests/support/lambda_runtime.py). The runner then
reseeds the estate (the deployed function goes with the reset: only the archive is kept)
and measures the archive's handler run in a fresh interpreter (`-I -S`) whose import path
is only the extracted archive, the packages the AWS Lambda Python runtime provides, and the
standard library, on a scheduled event, with the Lambda runtime's environment variables.

Its figures (archive size zipped and unzipped, the function's memory and timeout, the time
spent in the handler, modules imported from outside archive/runtime/stdlib) go to
`bench-extra.json` for the report.
"""

import base64
import io
import json
import os
import subprocess
import sys
import zipfile

from localaws.estate import clients
from localaws.lambda_boot import (
    BOOT,
    create_lambda_role,
    created_functions,
    evidence_vars,
    runtime_folder,
    scheduled_event,
)
from localaws.server import Recorder

from . import estate as estates
from .scenarios import BIN, POLICIES, SUITES, Suite, scenario

POLICY = os.path.join(POLICIES, "vpc-flow-logs-periodic.yml")
FUNCTION = "custodian-vpc-flow-logs-periodic"
LAMBDA_ROLE = "c7n-vpcflow-lambda"
DEFAULT_MEMORY_MB = 512  # Custodian's default for Lambda modes (c7n.mu)


def deploy(ctx, region):
    """Deploy the periodic policy with the stock custodian; returns the CreateFunction body."""
    iam, s3 = clients(
        ctx.endpoint, estates.DEFAULT_ACCOUNT, region, "iam", "s3", config=estates.DIRECT
    )
    vars_file = evidence_vars(ctx.workdir, s3, region)
    try:
        create_lambda_role(iam)
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    recorder = Recorder(ctx.endpoint)
    recorder.start()
    try:
        completed = subprocess.run(
            [
                os.path.join(BIN, "custodian"),
                "run",
                "-s",
                os.path.join(ctx.workdir, "deploy"),
                "-r",
                region,
                "--vars-file",
                vars_file,
                POLICY,
            ],
            env=ctx.env,
            cwd=ctx.workdir,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        recorder.stop()
        entries = recorder.entries()
    if completed.returncode != 0:
        raise RuntimeError("deploying %s failed:\n%s" % (POLICY, completed.stderr[-3000:]))
    bodies = [
        c.params for c in created_functions(entries) if c.params.get("FunctionName") == FUNCTION
    ]
    if not bodies:
        raise RuntimeError("no CreateFunction for %s was recorded" % FUNCTION)
    return bodies[-1]


def lambda_environment(env, region, memory_mb, task):
    """The variables a Lambda function sees (here: the emulator's endpoint and dummies)."""
    lambda_env = {
        k: v for k, v in env.items() if k.startswith("AWS_") or k in ("HOME", "PATH", "LANG", "TZ")
    }
    lambda_env.update(
        AWS_REGION=region,
        AWS_DEFAULT_REGION=region,
        AWS_LAMBDA_FUNCTION_NAME=FUNCTION,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(memory_mb),
        AWS_EXECUTION_ENV="AWS_Lambda_python3.11",
        LAMBDA_TASK_ROOT=task,
    )
    return lambda_env


def archive_figures(function, archive):
    members = zipfile.ZipFile(io.BytesIO(archive)).infolist()
    return {
        "archive_zipped_bytes": len(archive),
        "archive_unzipped_bytes": sum(m.file_size for m in members),
        "archive_files": len(members),
        "archive_has_plugin": any(
            m.filename == "c7n_vpcflow/remediation/action.py" for m in members
        ),
        "handler": function["Handler"],
        "runtime": function.get("Runtime"),
        "memory_mb": function.get("MemorySize", DEFAULT_MEMORY_MB),
        "timeout_s": function.get("Timeout"),
    }


@scenario("lambda", "(g) periodic policy's Lambda archive, bare runtime")
def lambda_run(ctx):
    region = ctx.estate.regions[0]
    function = deploy(ctx, region)
    archive = base64.b64decode(function["Code"]["ZipFile"])
    task = os.path.join(ctx.workdir, "task")
    zipfile.ZipFile(io.BytesIO(archive)).extractall(task)
    runtime = runtime_folder(os.path.join(os.path.dirname(ctx.workdir), "lambda-runtime"))
    event_file = os.path.join(ctx.workdir, "event.json")
    with open(event_file, "w") as f:
        json.dump(scheduled_event(estates.DEFAULT_ACCOUNT, region, FUNCTION), f)
    extra_file = os.path.join(ctx.workdir, "bench-extra.json")
    figures = archive_figures(function, archive)
    with open(extra_file, "w") as f:
        json.dump(figures, f)
    lambda_env = lambda_environment(ctx.env, region, figures["memory_mb"], task)
    ctx.env.clear()
    ctx.env.update(lambda_env)
    # -I: no user site, no PYTHON* variables, no script directory; -S: no site-packages.
    return [
        sys.executable,
        "-I",
        "-S",
        "-c",
        BOOT,
        task,
        runtime,
        function["Handler"],
        event_file,
        extra_file,
    ]


SUITES["lambda-1000"] = Suite("lambda-1000", "bare", estates.EstateSpec(1000), ("lambda",))
