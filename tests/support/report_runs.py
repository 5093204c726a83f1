"""What the report tests share: an organisation with a locked-out account, the evidence
bucket on the emulator, and `c7n-vpcflow report` run without a traceback."""

import json
import os
from datetime import datetime, timedelta

import yaml

from localaws.wire import error

ACCOUNTS = [
    {"name": "network-prod", "account_id": "111111111111", "regions": ["us-east-1", "eu-west-1"]},
    {"name": "locked-out", "account_id": "222222222222", "regions": ["us-east-1", "eu-west-1"]},
    {"name": "sandbox", "account_id": "333333333333"},  # c7n-org's default regions
]
DENIED = "222222222222"
BUCKET = "custodian-evidence"


def write_accounts(path):
    accounts = [
        dict(a, role="arn:aws:iam::%s:role/c7n-vpcflow-runner" % a["account_id"]) for a in ACCOUNTS
    ]
    path.write_text(yaml.safe_dump({"accounts": accounts}))
    return path


def deny_assume_role(call):
    """A fault-proxy rule: the locked-out account's role cannot be assumed."""
    if call.operation == "AssumeRole" and DENIED in call.params.get("RoleArn", ""):
        return error(
            call,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/runner is "
            "not authorized to perform: sts:AssumeRole on resource: %s" % call.params["RoleArn"],
            status=403,
        )
    return None


def report(cli, location, fmt="json", *options):
    shown = cli("c7n-vpcflow", "report", location, "--format", fmt, *options)
    assert "Traceback" not in shown.stderr, shown.stderr
    return shown


def s3_url(prefix):
    # The emulator cannot answer Custodian's unauthenticated region lookup (NOTES.md).
    return "s3://%s/%s?region=us-east-1" % (BUCKET, prefix)


def keys(s3, prefix):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", ())]


def shift_started(name, data, days):
    """A run's file as if the run had started `days` earlier."""
    if name.startswith("metadata.json"):
        data["execution"]["start"] -= days * 86400
    elif data.get("started"):
        data["started"] = (
            datetime.fromisoformat(data["started"]) - timedelta(days=days)
        ).isoformat()
    return data


def age_local_tree(root, days):
    for directory, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".json") and name != "resources.json":
                path = os.path.join(directory, name)
                with open(path) as f:
                    data = shift_started(name, json.load(f), days)
                with open(path, "w") as f:
                    json.dump(data, f)
