"""Running a deployed policy's Lambda archive the way the Python Lambda runtime would.

The archive is captured from the emulator's request recording (the CreateFunction call the
stock `custodian run` made), extracted, and its handler is run in a fresh interpreter whose
import path is only: the archive, a folder holding what the Lambda runtime provides, and
the standard library.
"""

import base64
import io
import json
import os
import subprocess
import sys
import zipfile

import yaml

from localaws.lambda_boot import (
    BOOT,
    create_lambda_role,
    created_functions,
    evidence_vars,
    runtime_folder,
)
from localaws.server import Recorder
from support.constants import REGION
from support.e2e import recording


def start_recording(endpoint):
    Recorder(endpoint).start()


def uploaded_archives(endpoint, by_account_region=False):
    """{function name: (handler, zip bytes)} of every CreateFunction recorded; keyed by
    (function name, account of its role, region) with `by_account_region`."""
    recorder = Recorder(endpoint)
    recorder.stop()
    archives = {}
    for call in created_functions(recorder.entries()):
        body = call.params
        key = body["FunctionName"]
        if by_account_region:
            key = (key, body["Role"].split(":")[4], call.region)
        archives[key] = (body["Handler"], base64.b64decode(body["Code"]["ZipFile"]))
    return archives


def deploy_policy(emulator, cli, tmp_path, policy_file, **variables):
    """`custodian run` deploying a Lambda policy to the emulator (its role made, its evidence
    bucket's variables given, `variables` too): (its process, {function: (handler,
    archive)}, the requests deploying made)."""
    create_lambda_role(emulator.client("iam"))
    vars_file = evidence_vars(tmp_path, emulator.client("s3", REGION), REGION, **variables)
    with recording(emulator) as recorder:
        deployed = cli(
            "custodian",
            "run",
            "-s",
            tmp_path / "out",
            "-r",
            REGION,
            "--vars-file",
            vars_file,
            policy_file,
        )
        archives = uploaded_archives(emulator.endpoint)
        calls = recorder.calls()
    return deployed, archives, calls


def archive_config(archive):
    """The policy configuration Custodian packed into a Lambda archive (config.json)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return json.loads(z.read("config.json"))


def run_archive(archive, handler, event, workdir, env):
    """Extract `archive`, run `handler(event)` isolated; returns (process, report).

    The run is the benchmark's (localaws/lambda_boot.py): `python -I -S` with only the
    archive, the Lambda runtime's packages and the standard library on its path. The
    report says whether the handler succeeded and what it imported from anywhere else.
    """
    task = os.path.join(str(workdir), "task")
    zipfile.ZipFile(io.BytesIO(archive)).extractall(task)
    runtime = runtime_folder(os.path.join(str(workdir), "runtime"))
    event_file = os.path.join(str(workdir), "event.json")
    extra_file = os.path.join(str(workdir), "extra.json")
    with open(event_file, "w") as f:
        json.dump(event, f)
    with open(extra_file, "w") as f:
        json.dump({}, f)
    lambda_env = {
        k: v for k, v in env.items() if k.startswith("AWS_") or k in ("HOME", "PATH", "TZ")
    }
    lambda_env.update(AWS_LAMBDA_FUNCTION_NAME="lambda-under-test", LAMBDA_TASK_ROOT=task)
    completed = subprocess.run(
        # -I: no user site, no PYTHON* variables; -S: no site-packages at all.
        [sys.executable, "-I", "-S", "-c", BOOT, task, runtime, handler, event_file, extra_file],
        cwd=task,
        env=lambda_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = None
    if completed.returncode == 0:
        with open(extra_file) as f:
            extra = json.load(f)
        report = {"outside": extra["outside_modules"], "result": extra["handler_result"]}
    return completed, report


def create_vpc_event(account_id, region, vpc_id):
    """A CloudTrail CreateVpc event as EventBridge delivers it."""
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.ec2",
        "account": account_id,
        "time": "2026-11-27T03:04:05Z",
        "region": region,
        "resources": [],
        "detail": {
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLEID:netadmin",
                "arn": "arn:aws:sts::%s:assumed-role/NetworkAdmin/netadmin" % account_id,
                "accountId": account_id,
            },
            "eventTime": "2026-11-27T03:04:05Z",
            "eventSource": "ec2.amazonaws.com",
            "eventName": "CreateVpc",
            "awsRegion": region,
            "sourceIPAddress": "203.0.113.10",
            "userAgent": "aws-cli/2.17.0",
            "requestParameters": {"cidrBlock": "10.20.0.0/16"},
            "responseElements": {
                "requestId": "a3c1b2d4-0000-4000-8000-000000000002",
                "vpc": {
                    "vpcId": vpc_id,
                    "state": "pending",
                    "ownerId": account_id,
                    "cidrBlock": "10.20.0.0/16",
                    "isDefault": False,
                },
            },
            "requestID": "a3c1b2d4-0000-4000-8000-000000000002",
            "eventID": "0d5c9a8e-0000-4000-8000-000000000003",
            "readOnly": False,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account_id,
            "eventCategory": "Management",
        },
    }


# What a Lambda policy naming an exemption register carries (docs/audit.md).
REGISTER_PACKAGES = ["c7n_vpcflow", "yaml", "fastjsonschema"]
REGISTER_BUCKET, REGISTER_KEY = "org-exemptions", "cis/exemptions.yml"
REGISTER_LOCATION = "s3://%s/%s" % (REGISTER_BUCKET, REGISTER_KEY)


def with_register(policy_file, path, packages=REGISTER_PACKAGES):
    """A copy of the shipped Lambda policy at `policy_file`, written to `path`, whose filter
    names the S3 register REGISTER_LOCATION and whose mode carries `packages`."""
    with open(policy_file) as f:
        document = yaml.safe_load(f)
    [policy] = document["policies"]
    policy["mode"]["packages"] = list(packages)
    policy["filters"][0]["exemptions"] = REGISTER_LOCATION
    with open(str(path), "w") as f:
        yaml.safe_dump(document, f)
    return path


def publish_register(s3, *exemptions):
    """Put a register of `exemptions` (entries as dicts) at REGISTER_LOCATION in a versioned
    bucket (created); its version id."""
    try:
        s3.create_bucket(Bucket=REGISTER_BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    s3.put_bucket_versioning(Bucket=REGISTER_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    text = yaml.safe_dump({"exemptions": list(exemptions)}, sort_keys=False)
    return s3.put_object(Bucket=REGISTER_BUCKET, Key=REGISTER_KEY, Body=text.encode())["VersionId"]
