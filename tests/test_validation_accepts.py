"""The stock `custodian validate` accepts every shipped policy and policies that use every
key of the filter and the action (one run over all of them, as test_validation.py does for
the bad ones)."""

import glob
import os

import pytest
import yaml

from c7n_vpcflow.analytics.action import FlowLogAnalytics
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.remediation.action import EnableFlowLogs
from support.constants import ROOT
from support.validate_run import validate_all

SHIPPED_POLICIES = sorted(glob.glob(os.path.join(ROOT, "policies", "*.yml")))


EVERY_CLOUDWATCH_KEY = {
    "type": "enable-flow-logs",
    "destination-type": "cloud-watch-logs",
    "log-group-name": "/vpc/{partition}/{account_id}/{region}/{vpc_name}-{vpc_id}#flow",
    "retention-days": 3653,
    "kms-key-id": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "tags": {"owner": "security", "cost-centre": "1234"},
    "traffic-type": "ALL",
    "log-format": "${version} ${account-id} ${vpc-id} ${subnet-id} ${srcaddr} ${dstaddr} "
    "${srcport} ${dstport} ${protocol} ${bytes} ${action} ${log-status} ${tcp-flags} "
    "${flow-direction} ${traffic-path} ${reject-reason}",
    "max-aggregation-interval": 60,
    "role": "arn:aws:iam::123456789012:role/service-role/vpc-flow-logs-delivery",
    "create-role": False,
    "permissions-boundary": "arn:{partition}:iam::{account_id}:policy/flow-logs-boundary",
    "unscoped-delivery-role": False,
    "replace-broken": True,
    "max-workers": 8,
    "logs-calls-per-second": 2.5,
    "log-group-class": "STANDARD",  # the policy's reject-alarm needs metric filters
    "deletion-protection": True,
}
EVERY_ANALYTICS_KEY = {
    "type": "flow-log-analytics",
    "log-group-name": EVERY_CLOUDWATCH_KEY["log-group-name"],
    "log-format": EVERY_CLOUDWATCH_KEY["log-format"],
    "insights-queries": True,
    "reject-alarm": {
        "threshold": 100,
        "period": 60,
        "sns-topic": "arn:aws:sns:{region}:{account_id}:flow-alerts",
    },
    "tags": {"owner": "security"},
}
EVERY_S3_KEY = {
    "type": "enable-flow-logs",
    "destination-type": "s3",
    "bucket": "{flow_log_bucket}",
    "prefix": "vpc/{partition}/{account_id}/{region}/{vpc_name}/{vpc_id}",
    "file-format": "parquet",
    "hive-compatible-partitions": True,
    "per-hour-partition": True,
    "traffic-type": "REJECT",
}
EVERY_FIREHOSE_KEY = {
    "type": "enable-flow-logs",
    "destination-type": "kinesis-data-firehose",
    "delivery-stream": "arn:{partition}:firehose:{region}:222233334444:deliverystream/siem",
    "cross-account-role": "arn:aws:iam::{account_id}:role/flow-logs-to-siem",
}
EVERY_FILTER_KEY = {
    "type": "flow-log-compliance",
    "match": "non-compliant",
    "traffic-types": ["ALL", "REJECT"],
    "min-retention-days": 365,
    "destination-types": ["cloud-watch-logs", "s3"],
    "exemptions": "s3://org-exemptions/cis/{account_id}.yml",
    "max-exemption-days": 180,
}
# AWS's default flow log format, written out.
AWS_DEFAULT_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} "
    "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} "
    "${end} ${action} ${log-status}"
)

GOOD = {
    "every-key": {
        "policies": [
            {
                "name": "good-every-key",
                "resource": "aws.vpc",
                "filters": [EVERY_FILTER_KEY],
                "actions": [EVERY_CLOUDWATCH_KEY, EVERY_ANALYTICS_KEY],
            }
        ]
    },
    "every-s3-key": {
        "policies": [
            {
                "name": "good-every-s3-key",
                "resource": "aws.vpc",
                "filters": [EVERY_FILTER_KEY],
                "actions": [EVERY_S3_KEY],
            }
        ]
    },
    "every-firehose-key": {
        "policies": [
            {
                "name": "good-every-firehose-key",
                "resource": "aws.vpc",
                "filters": [{"type": "flow-log-compliance"}],
                "actions": [EVERY_FIREHOSE_KEY],
            }
        ]
    },
    "bucket-arn-with-prefix": {
        "policies": [
            {
                "name": "good-bucket-arn",
                "resource": "aws.vpc",
                "actions": [
                    {
                        "type": "enable-flow-logs",
                        "destination-type": "s3",
                        "bucket": "arn:aws:s3:::org-flow-logs/vpc/{account_id}",
                    }
                ],
            }
        ]
    },
    "defaults-only": {
        "policies": [
            {
                "name": "good-defaults-only",
                "resource": "aws.vpc",
                "filters": [{"type": "flow-log-compliance"}],
                "actions": [{"type": "enable-flow-logs"}],
            }
        ]
    },
    "aws-default-format-role-name-gov-kms": {
        "policies": [
            {
                "name": "good-aws-default-format",
                "resource": "aws.vpc",
                "actions": [
                    {
                        "type": "enable-flow-logs",
                        "log-format": AWS_DEFAULT_FORMAT,
                        "role": "flow-logs_delivery+role=1,2.x@y",
                        "kms-key-id": "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/abcd-1234",
                        "retention-days": 1,
                        "traffic-type": "ACCEPT",
                        "max-aggregation-interval": 600,
                        "log-group-name": "{vpc_id}",
                        "unscoped-delivery-role": True,
                    }
                ],
            }
        ]
    },
    "role-arn-of-the-account": {
        "policies": [
            {
                "name": "good-role-arn-template",
                "resource": "aws.vpc",
                "actions": [
                    {
                        "type": "enable-flow-logs",
                        "permissions-boundary": "required",
                        "role": "arn:{partition}:iam::{account_id}:role/x",
                    }
                ],
            }
        ]
    },
    # Meant for --vars-file / c7n-org vars: validated without them, any name may come.
    "meant-for-vars-file": {
        "policies": [
            {
                "name": "good-meant-for-vars-file",
                "resource": "aws.vpc",
                "actions": [
                    {
                        "type": "enable-flow-logs",
                        "log-group-name": "/vpc/{env}/{{vpc_id}}",
                        "kms-key-id": "arn:aws:kms:{region}:{key_account}:key/mrk-1234abcd",
                        "role": "{delivery_role}",
                        "tags": {"owner": "{owner}", "since": "{now:%Y-%m-%d}"},
                    },
                    {
                        "type": "flow-log-analytics",
                        "log-group-name": "/vpc/{env}/{{vpc_id}}",
                        "reject-alarm": {"threshold": 5, "sns-topic": "{alerts_topic}"},
                        "tags": {"team": "{team}"},
                    },
                ],
            }
        ]
    },
    "s3-meant-for-vars-file": {
        "policies": [
            {
                "name": "good-s3-meant-for-vars-file",
                "resource": "aws.vpc",
                "actions": [
                    {
                        "type": "enable-flow-logs",
                        "destination-type": "s3",
                        "bucket": "arn:aws:s3:::{flow_log_bucket}",
                        "prefix": "{env}/{{vpc_name}}",
                    }
                ],
            }
        ]
    },
    # Infrequent Access keeps Logs Insights: saved queries go with it, an alarm does not.
    "infrequent-access-with-insights-queries": {
        "policies": [
            {
                "name": "good-infrequent-access",
                "resource": "aws.vpc",
                "actions": [
                    {
                        "type": "enable-flow-logs",
                        "log-group-class": "INFREQUENT_ACCESS",
                        "deletion-protection": True,
                    },
                    {"type": "flow-log-analytics", "insights-queries": True},
                ],
            }
        ]
    },
    "after-builtin-flow-logs-filter": {
        "policies": [
            {
                "name": "good-after-builtin-filter",
                "resource": "aws.vpc",
                "filters": [{"type": "flow-logs", "count": 0}],
                "actions": [{"type": "enable-flow-logs", "traffic-type": "ACCEPT"}],
            }
        ]
    },
}


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    """One `custodian validate` over the shipped policies and the GOOD documents."""
    workdir = tmp_path_factory.mktemp("good-policies")
    files = list(SHIPPED_POLICIES)
    for name, document in GOOD.items():
        with open(os.path.join(str(workdir), name + ".yml"), "w") as f:
            yaml.safe_dump(document, f)
        files.append(name + ".yml")
    return validate_all(workdir, files)


@pytest.mark.parametrize(
    "filename",
    [pytest.param(p, id="policies/" + os.path.basename(p)) for p in SHIPPED_POLICIES]
    + [pytest.param(name + ".yml", id=name) for name in GOOD],
)
def test_custodian_validate_accepts_good_policy(filename, good_run):
    verdict, text = good_run.report(filename)
    assert verdict == "valid", text


def test_custodian_validate_exits_zero_on_good_policies(good_run):
    assert good_run.result.returncode == 0, good_run.output[-4000:]
    assert "ERROR" not in good_run.output, good_run.output[-4000:]


def test_the_every_key_policy_really_uses_every_key():
    every_action_key = set(EVERY_CLOUDWATCH_KEY) | set(EVERY_S3_KEY) | set(EVERY_FIREHOSE_KEY)
    assert every_action_key == set(EnableFlowLogs.schema["properties"])
    assert set(EVERY_FILTER_KEY) == set(FlowLogCompliance.schema["properties"])
    assert set(EVERY_ANALYTICS_KEY) == set(FlowLogAnalytics.schema["properties"])
