"""Every evidence file a test left behind, checked as the report checks it (its format,
its schema, what the schema cannot say); a dry run's plans and the cost filter's file too."""

import gzip
import json
import os

from c7n_vpcflow.report.checks import file_problem, not_counted
from c7n_vpcflow.vocabulary import COST_FILE, PLAN_FILE, RESULTS_FILE, VERDICTS_FILE
from localaws.lambda_boot import EVIDENCE_BUCKET
from support.constants import ACCOUNT_ID, REGION

EVIDENCE = (VERDICTS_FILE, RESULTS_FILE, PLAN_FILE, COST_FILE)


def evidence_problem(name, body):
    """What is wrong with one evidence file's bytes (gzipped or not); None when sound."""
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    try:
        data = json.loads(body)
    except ValueError as e:
        return "not valid JSON (%s)" % e
    return not_counted(name, data) or file_problem(name, data)


def evidence_problems(root):
    """['path: problem'] of every evidence file of EVIDENCE (or .gz) under root."""
    problems = []
    for directory, _dirs, files in os.walk(str(root)):
        for stored in files:
            name = stored[:-3] if stored.endswith(".gz") else stored
            if name in EVIDENCE:
                path = os.path.join(directory, stored)
                with open(path, "rb") as f:
                    problem = evidence_problem(name, f.read())
                if problem:
                    problems.append("%s: %s" % (path, problem))
    return problems


def bucket_evidence_problems(s3, bucket, prefix=""):
    """The same for every evidence object under an S3 prefix."""
    problems, found = [], 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", ()):
            stored = item["Key"].rsplit("/", 1)[-1]
            name = stored[:-3] if stored.endswith(".gz") else stored
            if name in EVIDENCE:
                found += 1
                body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                problem = evidence_problem(name, body)
                if problem:
                    problems.append("s3://%s/%s: %s" % (bucket, item["Key"], problem))
    assert found, "no evidence under s3://%s/%s" % (bucket, prefix)
    return problems


def lambda_evidence(s3, policy_name, account_id=ACCOUNT_ID, region=REGION, bucket=EVIDENCE_BUCKET):
    """{file name: parsed JSON} of a Lambda policy's run folders in the evidence bucket
    (under the prefix the shipped policies write to), gunzipped."""
    prefix = "vpc-flow-logs/%s/%s/%s/" % (account_id, region, policy_name)
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", ()):
            body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            name = item["Key"].rsplit("/", 1)[1]
            if name.endswith(".gz"):
                body, name = gzip.decompress(body), name[:-3]
            if name.endswith(".json"):
                found[name] = json.loads(body)
    return found
