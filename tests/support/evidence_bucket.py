"""The central evidence bucket as iam/evidence-bucket.yml makes it, made on the emulator
through the S3 API (moto's CloudFormation does not apply Object Lock): the template's own
properties, resolved, are the API's arguments, so botocore checks their shapes too."""

import json
import os

from support.cloudformation import load_template, resolve
from support.constants import ROOT

TEMPLATE = os.path.join(ROOT, "iam", "evidence-bucket.yml")
ORG_ID = "o-exampleorgid"


def template_parameters(bucket, retention_days=None):
    template = load_template(TEMPLATE)
    days = retention_days or template["Parameters"]["RetentionDays"]["Default"]
    return {
        "AWS::Partition": "aws",
        "EvidenceBucket": bucket,
        "OrganizationId": ORG_ID,
        "RetentionDays": days,
        "Bucket": bucket,
    }


def template_resources(bucket, retention_days=None):
    return resolve(
        load_template(TEMPLATE)["Resources"], template_parameters(bucket, retention_days)
    )


def make_evidence_bucket(s3, bucket, retention_days=None):
    """Creates `bucket` with the template's Object Lock and versioning. Not its policy: the
    emulator speaks plain HTTP, which the policy refuses (put_template_policy)."""
    properties = template_resources(bucket, retention_days)["Bucket"]["Properties"]
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=properties["ObjectLockEnabled"])
    s3.put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration=properties["VersioningConfiguration"]
    )
    s3.put_object_lock_configuration(
        Bucket=bucket, ObjectLockConfiguration=properties["ObjectLockConfiguration"]
    )


def put_template_policy(s3, bucket):
    policy = template_resources(bucket)["BucketPolicy"]["Properties"]["PolicyDocument"]
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
