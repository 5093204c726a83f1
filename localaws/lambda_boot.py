"""Running a Custodian Lambda archive the way the Python Lambda runtime would, locally: the
archives deployed to the emulator, the boot script of a bare interpreter, the folder of what
the runtime provides, a scheduled event, and the evidence bucket the Lambda policies write
to. For the tests and the bench alike."""

import json
import os
import shutil

import boto3

from .wire import parse_recorded

EVIDENCE_BUCKET = "c7n-vpcflow-evidence"
# The role the shipped Lambda policies run as (iam/lambda-role.yml).
LAMBDA_ROLE = "c7n-vpcflow-lambda"
# What the AWS Lambda Python runtime provides besides the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "jmespath", "dateutil", "s3transfer", "urllib3", "six")

# argv: task root, runtime folder, handler, event file, extra file (figures are added to it).
BOOT = r"""
import importlib, json, os, resource, sys, sysconfig, time
started = time.monotonic()
task, runtime, handler, event_file, extra_file = sys.argv[1:6]
os.chdir(task)                     # Lambda runs the handler in its task root
sys.path[:0] = [task, runtime]
stdlib = {sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")}
module_name, function = handler.rsplit(".", 1)
with open(event_file) as f:
    event = json.load(f)

class Context:
    function_name = "custodian-vpc-flow-logs-periodic"
    aws_request_id = "5f7c4c1e-0000-4000-8000-000000000001"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + function_name
    memory_limit_in_mb = "512"

entry = getattr(importlib.import_module(module_name), function)
imported = time.monotonic()
result = entry(event, Context())
done = time.monotonic()
roots = [task, runtime] + sorted(stdlib)
outside = sorted(
    "%s (%s)" % (m.__name__, m.__file__) for m in list(sys.modules.values())
    if getattr(m, "__file__", None) and m.__name__ != "__main__"
    and not any(m.__file__.startswith(root + "/") for root in roots))
with open(extra_file) as f:
    extra = json.load(f)
extra.update(handler_import_s=imported - started, handler_run_s=done - imported,
             handler_result=bool(result), outside_modules=outside,
             self_peak_rss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
with open(extra_file, "w") as f:
    json.dump(extra, f)
"""


def created_functions(entries):
    """The CreateFunction calls among moto recorder entries: the deployed archives, each
    call's params the request body (FunctionName, Handler, Role, Code.ZipFile), its region
    the signer's."""
    return [c for c in map(parse_recorded, entries) if c.operation == "CreateFunction"]


def scheduled_event(account_id, region, rule):
    """The event EventBridge sends a function when its schedule `rule` fires."""
    return {
        "version": "0",
        "id": "89d1a02d-5ec7-412e-82f5-13505f849b41",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": "2026-11-27T03:00:00Z",
        "region": region,
        "resources": ["arn:aws:events:%s:%s:rule/%s" % (region, account_id, rule)],
        "detail": {},
    }


def create_lambda_role(iam):
    """The Lambda policies' role, trusting Lambda (the emulator checks it exists when a
    function is created); its ARN."""
    return iam.create_role(
        RoleName=LAMBDA_ROLE,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]


def config_rule_event(account_id, region, rule, token="result-token-1"):
    """What AWS Config sends the function of a periodic custom rule `rule`."""
    return {
        "invokingEvent": json.dumps(
            {
                "awsAccountId": account_id,
                "notificationCreationTime": "2026-12-06T09:00:00.000Z",
                "messageType": "ScheduledNotification",
                "recordVersion": "1.0",
            }
        ),
        "ruleParameters": "{}",
        "resultToken": token,
        "eventLeftScope": False,
        "configRuleArn": "arn:aws:config:%s:%s:config-rule/config-rule-0a1b2c"
        % (region, account_id),
        "configRuleName": rule,
        "configRuleId": "config-rule-0a1b2c",
        "accountId": account_id,
        "version": "1.0",
    }


def evidence_vars(workdir, s3, region, bucket=EVIDENCE_BUCKET, **more):
    """The evidence bucket (created) and a --vars-file naming it, for the Lambda policies;
    `more`: other policy variables the file holds."""
    try:
        s3.create_bucket(
            Bucket=bucket,
            **(
                {}
                if region == "us-east-1"
                else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            ),
        )
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    path = os.path.join(str(workdir), "evidence-vars.yml")
    with open(path, "w") as f:
        json.dump(dict(more, evidence_bucket=bucket, evidence_region=region), f)
    return path


def runtime_folder(path):
    """A folder with only the packages the Lambda Python runtime provides (made once)."""
    if os.path.isdir(path):
        return path
    site = os.path.dirname(os.path.dirname(boto3.__file__))
    partial = path + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    for name in RUNTIME_PACKAGES:
        if os.path.isdir(os.path.join(site, name)):
            shutil.copytree(os.path.join(site, name), os.path.join(partial, name))
        else:
            shutil.copy(os.path.join(site, name + ".py"), partial)
    os.rename(partial, path)
    return path
