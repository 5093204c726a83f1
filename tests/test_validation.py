"""The stock `custodian validate` refuses bad filter/action input, naming the offending key.

Every bad input is a policy file of its own; all of them go through ONE `custodian validate`
run (c7n validates each file and logs "Configuration invalid: <file>" followed by that
file's errors, or "Configuration valid: <file>"), and each case asserts on its own file's
report. The run happens in the hermetic environment (dummy credentials, AWS endpoint on a
dead local port): validation must finish before any AWS call, so no connection error may
show up. JSON-schema errors are printed by c7n with a dump of the whole element schema
(which lists every key); the key must be named outside that dump, in the message itself
or in the instance path ("On instance['retention-days']").
"""

import os
import re
from collections import namedtuple

import pytest
import yaml

from support.validate_run import validate_all

# What would show up if validation reached for the (dead) AWS endpoint, or crashed.
AWS_CALL_MARKERS = (
    "Could not connect",
    "EndpointConnectionError",
    "ConnectTimeout",
    "127.0.0.1:9",
    "Traceback",
    "specific_error failed",
)

Case = namedtuple("Case", "id filter action keys mentions")


def case(id, filter=None, action=None, keys=(), mentions=()):
    return Case(id, filter, action, tuple(keys), tuple(mentions))


BAD = [
    # enable-flow-logs
    case("action-unknown-key", action={"log_group_name": "/vpc/{vpc_id}"}, keys=["log_group_name"]),
    case(
        "log-group-name-policy-variable-beside-vpc-id",
        action={"log-group-name": "/vpc/{env}/{vpc_id}"},
        keys=["log-group-name"],
        mentions=["{env}", "{{vpc_id}}"],
    ),
    case(
        "prefix-policy-variable-beside-vpc-name",
        action={"destination-type": "s3", "bucket": "flow-logs-b1", "prefix": "{env}/{vpc_name}"},
        keys=["prefix"],
        mentions=["{env}", "{{vpc_name}}"],
    ),
    case(
        "log-group-name-custodian-placeholder",
        action={"log-group-name": "/vpc/{event}"},
        keys=["log-group-name"],
        mentions=["{event}", "allowed here"],
    ),
    case(
        "log-group-name-now",
        action={"log-group-name": "/vpc/{now}/{vpc_id}"},
        keys=["log-group-name"],
        mentions=["{now}"],
    ),
    case(
        "log-group-name-attribute",
        action={"log-group-name": "/vpc/{vpc.id}"},
        keys=["log-group-name"],
        mentions=["{vpc.id}"],
    ),
    case(
        "tags-variable-in-key",
        action={"tags": {"{owner}": "security"}},
        keys=["tags"],
        mentions=["{owner}", "never in keys"],
    ),
    case(
        "tags-per-vpc-value",
        action={"tags": {"vpc": "{vpc_id}"}},
        keys=["tags"],
        mentions=["{vpc_id}"],
    ),
    case(
        "analytics-tags-variable-in-key",
        action={"type": "flow-log-analytics", "tags": {"{team}": "x"}},
        keys=["tags"],
        mentions=["{team}"],
    ),
    case(
        "analytics-log-group-name-beside-vpc-id",
        action={"type": "flow-log-analytics", "log-group-name": "/{env}/{vpc_id}"},
        keys=["log-group-name"],
        mentions=["{{vpc_id}}"],
    ),
    case(
        "kms-key-id-per-vpc",
        action={"kms-key-id": "arn:aws:kms:{vpc_id}:1:key/x"},
        keys=["kms-key-id"],
        mentions=["{vpc_id}"],
    ),
    case(
        "log-group-name-space",
        action={"log-group-name": "/vpc flow logs/{vpc_id}"},
        keys=["log-group-name"],
        mentions=["' '"],
    ),
    case(
        "log-group-name-asterisk",
        action={"log-group-name": "/vpc/*/{vpc_id}"},
        keys=["log-group-name"],
        mentions=["*"],
    ),
    case(
        "log-group-name-aws-prefix",
        action={"log-group-name": "aws/vpc/{vpc_id}"},
        keys=["log-group-name"],
        mentions=["aws/"],
    ),
    case("log-group-name-empty", action={"log-group-name": ""}, keys=["log-group-name"]),
    case(
        "log-group-name-conversion",
        action={"log-group-name": "/vpc/{vpc_id!r}"},
        keys=["log-group-name"],
        mentions=["!r"],
    ),
    case(
        "log-group-name-format-spec",
        action={"log-group-name": "/vpc/{vpc_id:x}"},
        keys=["log-group-name"],
        mentions=[":x"],
    ),
    case(
        "retention-days-42", action={"retention-days": 42}, keys=["retention-days"], mentions=["42"]
    ),
    case(
        "traffic-type-BOTH",
        action={"traffic-type": "BOTH"},
        keys=["traffic-type"],
        mentions=["BOTH"],
    ),
    case(
        "max-aggregation-interval-300",
        action={"max-aggregation-interval": 300},
        keys=["max-aggregation-interval"],
        mentions=["300"],
    ),
    case(
        "log-format-unknown-field",
        action={"log-format": "${version} ${nope}"},
        keys=["log-format"],
        mentions=["${nope}"],
    ),
    case(
        "log-format-not-field-form",
        action={"log-format": "version vpc-id srcaddr"},
        keys=["log-format"],
        mentions=["version"],
    ),
    case(
        "log-format-double-space",
        action={"log-format": "${version}  ${vpc-id}"},
        keys=["log-format"],
    ),
    case(
        "tags-aws-prefix",
        action={"tags": {"aws:owner": "security"}},
        keys=["tags"],
        mentions=["aws:owner"],
    ),
    case(
        "tags-non-string-value", action={"tags": {"owner": 365}}, keys=["tags"], mentions=["owner"]
    ),
    case(
        "tags-managed-by-reserved",
        action={"tags": {"managed-by": "me"}},
        keys=["tags"],
        mentions=["managed-by"],
    ),
    case(
        "role-neither-name-nor-arn",
        action={"role": "not a role!"},
        keys=["role"],
        mentions=["not a role!"],
    ),
    case(
        "role-arn-short-account",
        action={"role": "arn:aws:iam::1234:role/flow-logs"},
        keys=["role"],
        mentions=["arn:aws:iam::1234:role/flow-logs"],
    ),
    case(
        "log-group-name-without-fixed-prefix",
        action={"log-group-name": "{vpc_name}-flows"},
        keys=["log-group-name"],
        mentions=["no fixed prefix", "log-group:*", "unscoped-delivery-role: true"],
    ),
    case(
        "permissions-boundary-not-a-policy",
        action={"permissions-boundary": "arn:aws:iam::{account_id}:role/boundary"},
        keys=["permissions-boundary"],
        mentions=["not an IAM policy ARN"],
    ),
    case(
        "role-arn-region-variable",
        action={"role": "arn:aws:iam::{region}:role/x"},
        keys=["role"],
        mentions=["{region}"],
    ),
    case(
        "kms-key-id-alias",
        action={"kms-key-id": "alias/flow-logs"},
        keys=["kms-key-id"],
        mentions=["alias/flow-logs"],
    ),
    case(
        "kms-key-id-alias-arn",
        action={"kms-key-id": "arn:aws:kms:us-east-1:123456789012:alias/flow-logs"},
        keys=["kms-key-id"],
        mentions=["alias/flow-logs"],
    ),
    case(
        "destination-type-ftp",
        action={"destination-type": "ftp"},
        keys=["destination-type"],
        mentions=["ftp"],
    ),
    # destination-specific keys
    case(
        "s3-without-bucket",
        action={"destination-type": "s3"},
        keys=["bucket"],
        mentions=["required", "s3"],
    ),
    case(
        "bucket-with-cloud-watch-logs",
        action={"bucket": "flow-logs"},
        keys=["bucket"],
        mentions=["only to destination-type s3"],
    ),
    case(
        "log-group-name-with-s3",
        action={
            "destination-type": "s3",
            "bucket": "flow-logs-b1",
            "log-group-name": "/x/{vpc_id}",
        },
        keys=["log-group-name"],
        mentions=["cloud-watch-logs"],
    ),
    case(
        "bucket-uppercase",
        action={"destination-type": "s3", "bucket": "Flow_Logs"},
        keys=["bucket"],
        mentions=["Flow_Logs"],
    ),
    case(
        "bucket-per-vpc",
        action={"destination-type": "s3", "bucket": "logs-{vpc_id}"},
        keys=["bucket"],
        mentions=["{vpc_id}"],
    ),
    case(
        "bucket-one-character",
        action={"destination-type": "s3", "bucket": "x"},
        keys=["bucket"],
        mentions=["3 to 63 characters"],
    ),
    case(
        "bucket-64-characters",
        action={"destination-type": "s3", "bucket": "b" * 64},
        keys=["bucket"],
        mentions=["3 to 63 characters"],
    ),
    case(
        "bucket-arn-one-character",
        action={"destination-type": "s3", "bucket": "arn:aws:s3:::x"},
        keys=["bucket"],
        mentions=["3 to 63 characters"],
    ),
    case(
        "bucket-adjacent-periods",
        action={"destination-type": "s3", "bucket": "flow..logs"},
        keys=["bucket"],
        mentions=["adjacent periods"],
    ),
    case(
        "bucket-ends-with-hyphen",
        action={"destination-type": "s3", "bucket": "flow-logs-"},
        keys=["bucket"],
        mentions=["begin and end"],
    ),
    case(
        "bucket-ip-address",
        action={"destination-type": "s3", "bucket": "192.168.10.5"},
        keys=["bucket"],
        mentions=["IP address"],
    ),
    case(
        "bucket-reserved-prefix",
        action={"destination-type": "s3", "bucket": "xn--flows"},
        keys=["bucket"],
        mentions=["xn--"],
    ),
    case(
        "bucket-variable-reserved-suffix",
        action={"destination-type": "s3", "bucket": "{flow_log_bucket}-s3alias"},
        keys=["bucket"],
        mentions=["-s3alias"],
    ),
    case(
        "bucket-arn-of-another-service",
        action={"destination-type": "s3", "bucket": "arn:aws:sqs:::queue"},
        keys=["bucket"],
        mentions=["arn:aws:sqs"],
    ),
    case(
        "prefix-leading-slash",
        action={"destination-type": "s3", "bucket": "flow-logs-b1", "prefix": "/flows"},
        keys=["prefix"],
        mentions=["/flows"],
    ),
    case(
        "prefix-awslogs",
        action={"destination-type": "s3", "bucket": "flow-logs-b1", "prefix": "AWSLogs/x"},
        keys=["prefix"],
        mentions=["AWSLogs"],
    ),
    case(
        "prefix-twice",
        action={
            "destination-type": "s3",
            "bucket": "arn:aws:s3:::flow-logs-b1/flows",
            "prefix": "x",
        },
        keys=["prefix"],
        mentions=["twice"],
    ),
    case(
        "file-format-csv",
        action={"destination-type": "s3", "bucket": "flow-logs-b1", "file-format": "csv"},
        keys=["file-format"],
        mentions=["csv"],
    ),
    case(
        "firehose-without-stream",
        action={"destination-type": "kinesis-data-firehose"},
        keys=["delivery-stream"],
        mentions=["required"],
    ),
    case(
        "delivery-stream-not-an-arn",
        action={"destination-type": "kinesis-data-firehose", "delivery-stream": "siem"},
        keys=["delivery-stream"],
        mentions=["siem"],
    ),
    case(
        "cross-account-role-not-an-arn",
        action={
            "destination-type": "kinesis-data-firehose",
            "cross-account-role": "x",
            "delivery-stream": "arn:aws:firehose:us-east-1:123456789012:deliverystream/s",
        },
        keys=["cross-account-role"],
        mentions=["'x'"],
    ),
    # flow-log-analytics
    case(
        "insights-queries-without-bytes",
        action={
            "type": "flow-log-analytics",
            "insights-queries": True,
            "log-format": "${srcaddr} ${dstaddr} ${dstport} ${action}",
        },
        keys=["insights-queries"],
        mentions=["${bytes}"],
    ),
    case(
        "reject-alarm-without-action",
        action={
            "type": "flow-log-analytics",
            "reject-alarm": {"threshold": 5},
            "log-format": "${srcaddr} ${dstaddr}",
        },
        keys=["reject-alarm"],
        mentions=["${action}"],
    ),
    case(
        "reject-alarm-without-threshold",
        action={"type": "flow-log-analytics", "reject-alarm": {"period": 60}},
        keys=["threshold"],
    ),
    case(
        "reject-alarm-topic-not-sns",
        action={
            "type": "flow-log-analytics",
            "reject-alarm": {"threshold": 5, "sns-topic": "arn:aws:sqs:us-east-1:1:q"},
        },
        keys=["reject-alarm"],
        mentions=["sqs"],
    ),
    case(
        "insights-queries-with-s3",
        action=[
            {"destination-type": "s3", "bucket": "flow-logs-b1"},
            {"type": "flow-log-analytics", "insights-queries": True},
        ],
        keys=["insights-queries"],
        mentions=["cloud-watch-logs"],
    ),
    case(
        "infrequent-access-with-reject-alarm",
        action=[
            {"log-group-class": "INFREQUENT_ACCESS"},
            {"type": "flow-log-analytics", "reject-alarm": {"threshold": 5}},
        ],
        keys=["log-group-class", "reject-alarm", "flow-log-analytics"],
        mentions=["INFREQUENT_ACCESS", "metric filter"],
    ),
    case(
        "reject-alarm-before-infrequent-access",
        action=[
            {"type": "flow-log-analytics", "reject-alarm": {"threshold": 5}},
            {"log-group-class": "INFREQUENT_ACCESS"},
        ],
        keys=["log-group-class", "reject-alarm"],
    ),
    # enable-flow-logs
    case(
        "log-group-class-unknown",
        action={"log-group-class": "DELIVERY"},
        keys=["log-group-class"],
        mentions=["DELIVERY"],
    ),
    case(
        "log-group-class-with-s3",
        action={
            "destination-type": "s3",
            "bucket": "flow-logs-b1",
            "log-group-class": "INFREQUENT_ACCESS",
        },
        keys=["log-group-class"],
        mentions=["cloud-watch-logs"],
    ),
    case(
        "deletion-protection-string",
        action={"deletion-protection": "yes"},
        keys=["deletion-protection"],
        mentions=["yes"],
    ),
    case(
        "log-format-unknown-preset",
        action={"log-format": "forensics"},
        keys=["log-format"],
        mentions=["security"],
    ),
    case("max-workers-zero", action={"max-workers": 0}, keys=["max-workers"]),
    case(
        "logs-calls-per-second-zero",
        action={"logs-calls-per-second": 0},
        keys=["logs-calls-per-second"],
    ),
    case(
        "create-role-string-yes",
        action={"create-role": "yes"},
        keys=["create-role"],
        mentions=["yes"],
    ),
    # flow-log-compliance
    case("filter-match-maybe", filter={"match": "maybe"}, keys=["match"], mentions=["maybe"]),
    case(
        "filter-traffic-types-BOTH",
        filter={"traffic-types": ["BOTH"]},
        keys=["traffic-types"],
        mentions=["BOTH"],
    ),
    case(
        "filter-min-retention-days-0", filter={"min-retention-days": 0}, keys=["min-retention-days"]
    ),
    case(
        "filter-min-retention-days-not-a-cloudwatch-period",
        filter={"min-retention-days": 100},
        keys=["min-retention-days"],
        mentions=["100"],
    ),
    case(
        "filter-min-retention-days-10000",
        filter={"min-retention-days": 10000},
        keys=["min-retention-days"],
        mentions=["10000"],
    ),
    case(
        "filter-destination-types-ftp",
        filter={"destination-types": ["ftp"]},
        keys=["destination-types"],
        mentions=["ftp"],
    ),
    case("filter-unknown-key", filter={"min_retention_days": 365}, keys=["min_retention_days"]),
    # the action must produce what the policy's own filter counts as compliant
    case(
        "action-traffic-type-outside-filter-traffic-types",
        filter={"traffic-types": ["ALL", "REJECT"]},
        action={"traffic-type": "ACCEPT"},
        keys=["traffic-type", "traffic-types"],
        mentions=["ACCEPT"],
    ),
    case(
        "action-retention-below-filter-min-retention",
        filter={"min-retention-days": 365},
        action={"retention-days": 180},
        keys=["retention-days", "min-retention-days"],
    ),
    case(
        "action-destination-outside-filter-destination-types",
        filter={"destination-types": ["s3"]},
        action={},
        keys=["destination-type", "destination-types"],
    ),
]


def policy_name(case_id):
    return "bad-" + re.sub(r"[^A-Za-z0-9]+", "-", case_id).strip("-")


def policy_document(name, filter=None, action=None):
    policy = {"name": name, "resource": "aws.vpc"}
    if filter is not None:
        policy["filters"] = [dict({"type": "flow-log-compliance"}, **filter)]
    if action is not None:
        policy["actions"] = [
            dict({"type": "enable-flow-logs"}, **a)
            for a in (action if isinstance(action, list) else [action])
        ]
    return {"policies": [policy]}


def without_schema_dumps(text):
    """The error text minus the indented schema/instance dumps jsonschema appends.

    jsonschema's str(error) is: message, "Failed validating ... in schema...:" + a dump of
    the whole (sub)schema, "On instance[path]:" + a dump of the instance. The schema dump
    of an action lists every key it has, so it must not count as naming the key.
    """
    kept, dump_indent = [], None
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if dump_indent is not None:
            if not line.strip() or indent > dump_indent:
                continue
            dump_indent = None
        kept.append(line)
        stripped = line.strip()
        if stripped.endswith(":") and stripped.startswith(("Failed validating", "On instance")):
            dump_indent = indent
    return "\n".join(kept)


def names_key(text, key):
    """The key appears as a whole word ('retention-days' is not in 'min-retention-days')."""
    return re.search(r"(?<![A-Za-z0-9_-])%s(?![A-Za-z0-9_-])" % re.escape(key), text)


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    """One `custodian validate` over one file per BAD case."""
    workdir = tmp_path_factory.mktemp("bad-policies")
    files = []
    for c in BAD:
        filename = c.id + ".yml"
        with open(os.path.join(str(workdir), filename), "w") as f:
            yaml.safe_dump(policy_document(policy_name(c.id), c.filter, c.action), f)
        files.append(filename)
    return validate_all(workdir, files)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BAD])
def test_custodian_validate_rejects_bad_input_and_names_the_key(case, bad_run):
    assert bad_run.result.returncode != 0
    verdict, text = bad_run.report(case.id + ".yml")
    assert verdict == "invalid", "%s was accepted:\n%s" % (case.id, text)
    message = without_schema_dumps(text)
    # The error belongs to this file's policy ("Policy: NAME is invalid" or
    # "Error on policy:NAME").
    assert policy_name(case.id) in message, message
    for key in case.keys:
        assert names_key(message, key), "message does not name %r:\n%s" % (key, message)
    for mention in case.mentions:
        assert mention in message, "message does not mention %r:\n%s" % (mention, message)
    for marker in AWS_CALL_MARKERS:
        assert marker not in text, text


def test_validating_bad_policies_reports_every_file_and_calls_no_aws(bad_run):
    assert bad_run.result.returncode == 1, bad_run.output[-4000:]
    assert set(bad_run.reports) == {c.id + ".yml" for c in BAD}
    for marker in AWS_CALL_MARKERS:
        assert marker not in bad_run.output


def test_a_variable_refused_where_it_is_not_allowed_lists_those_allowed(bad_run):
    _verdict, text = bad_run.report("bucket-per-vpc.yml")
    assert "allowed here: {account_id}, {partition}, {region}" in text
