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
import glob
import os
import re
from collections import namedtuple

import pytest
import yaml

from support.cli import Cli
from support.constants import ROOT
from support.hermetic import hermetic_environ

from c7n_vpcflow.action import EnableFlowLogs
from c7n_vpcflow.compliance import FlowLogCompliance

SHIPPED_POLICIES = sorted(glob.glob(os.path.join(ROOT, "policies", "*.yml")))

# What would show up if validation reached for the (dead) AWS endpoint, or crashed.
AWS_CALL_MARKERS = ("Could not connect", "EndpointConnectionError", "ConnectTimeout",
                    "127.0.0.1:9", "Traceback", "specific_error failed")

Case = namedtuple("Case", "id filter action keys mentions")


def case(id, filter=None, action=None, keys=(), mentions=()):
    return Case(id, filter, action, tuple(keys), tuple(mentions))


BAD = [
    # enable-flow-logs
    case("action-unknown-key", action={"log_group_name": "/vpc/{vpc_id}"},
         keys=["log_group_name"]),
    case("log-group-name-unknown-variable", action={"log-group-name": "/vpc/{vpcid}"},
         keys=["log-group-name"], mentions=["{vpcid}"]),
    case("log-group-name-space", action={"log-group-name": "/vpc flow logs/{vpc_id}"},
         keys=["log-group-name"], mentions=["' '"]),
    case("log-group-name-asterisk", action={"log-group-name": "/vpc/*/{vpc_id}"},
         keys=["log-group-name"], mentions=["*"]),
    case("log-group-name-aws-prefix", action={"log-group-name": "aws/vpc/{vpc_id}"},
         keys=["log-group-name"], mentions=["aws/"]),
    case("log-group-name-empty", action={"log-group-name": ""},
         keys=["log-group-name"]),
    case("log-group-name-conversion", action={"log-group-name": "/vpc/{vpc_id!r}"},
         keys=["log-group-name"], mentions=["!r"]),
    case("log-group-name-format-spec", action={"log-group-name": "/vpc/{vpc_id:x}"},
         keys=["log-group-name"], mentions=[":x"]),
    case("retention-days-42", action={"retention-days": 42},
         keys=["retention-days"], mentions=["42"]),
    case("traffic-type-BOTH", action={"traffic-type": "BOTH"},
         keys=["traffic-type"], mentions=["BOTH"]),
    case("max-aggregation-interval-300", action={"max-aggregation-interval": 300},
         keys=["max-aggregation-interval"], mentions=["300"]),
    case("log-format-unknown-field", action={"log-format": "${version} ${nope}"},
         keys=["log-format"], mentions=["${nope}"]),
    case("log-format-not-field-form", action={"log-format": "version vpc-id srcaddr"},
         keys=["log-format"], mentions=["version"]),
    case("log-format-double-space", action={"log-format": "${version}  ${vpc-id}"},
         keys=["log-format"]),
    case("tags-aws-prefix", action={"tags": {"aws:owner": "security"}},
         keys=["tags"], mentions=["aws:owner"]),
    case("tags-non-string-value", action={"tags": {"owner": 365}},
         keys=["tags"], mentions=["owner"]),
    case("tags-managed-by-reserved", action={"tags": {"managed-by": "me"}},
         keys=["tags"], mentions=["managed-by"]),
    case("role-neither-name-nor-arn", action={"role": "not a role!"},
         keys=["role"], mentions=["not a role!"]),
    case("role-arn-short-account", action={"role": "arn:aws:iam::1234:role/flow-logs"},
         keys=["role"], mentions=["arn:aws:iam::1234:role/flow-logs"]),
    case("log-group-name-without-fixed-prefix", action={"log-group-name": "{vpc_name}-flows"},
         keys=["log-group-name"], mentions=["no fixed prefix", "log-group:*",
                                            "unscoped-delivery-role: true"]),
    case("permissions-boundary-not-a-policy",
         action={"permissions-boundary": "arn:aws:iam::{account_id}:role/boundary"},
         keys=["permissions-boundary"], mentions=["not an IAM policy ARN"]),
    case("role-arn-region-variable", action={"role": "arn:aws:iam::{region}:role/x"},
         keys=["role"], mentions=["{region}"]),
    case("kms-key-id-alias", action={"kms-key-id": "alias/flow-logs"},
         keys=["kms-key-id"], mentions=["alias/flow-logs"]),
    case("kms-key-id-alias-arn",
         action={"kms-key-id": "arn:aws:kms:us-east-1:123456789012:alias/flow-logs"},
         keys=["kms-key-id"], mentions=["alias/flow-logs"]),
    case("destination-type-ftp", action={"destination-type": "ftp"},
         keys=["destination-type"], mentions=["ftp"]),
    # destination-specific keys
    case("s3-without-bucket", action={"destination-type": "s3"},
         keys=["bucket"], mentions=["required", "s3"]),
    case("bucket-with-cloud-watch-logs", action={"bucket": "flow-logs"},
         keys=["bucket"], mentions=["only to destination-type s3"]),
    case("log-group-name-with-s3",
         action={"destination-type": "s3", "bucket": "b1", "log-group-name": "/x/{vpc_id}"},
         keys=["log-group-name"], mentions=["cloud-watch-logs"]),
    case("bucket-uppercase", action={"destination-type": "s3", "bucket": "Flow_Logs"},
         keys=["bucket"], mentions=["Flow_Logs"]),
    case("bucket-per-vpc", action={"destination-type": "s3", "bucket": "logs-{vpc_id}"},
         keys=["bucket"], mentions=["{vpc_id}"]),
    case("bucket-arn-of-another-service",
         action={"destination-type": "s3", "bucket": "arn:aws:sqs:::queue"},
         keys=["bucket"], mentions=["arn:aws:sqs"]),
    case("prefix-leading-slash",
         action={"destination-type": "s3", "bucket": "b1", "prefix": "/flows"},
         keys=["prefix"], mentions=["/flows"]),
    case("prefix-awslogs",
         action={"destination-type": "s3", "bucket": "b1", "prefix": "AWSLogs/x"},
         keys=["prefix"], mentions=["AWSLogs"]),
    case("prefix-twice",
         action={"destination-type": "s3", "bucket": "arn:aws:s3:::b1/flows", "prefix": "x"},
         keys=["prefix"], mentions=["twice"]),
    case("file-format-csv",
         action={"destination-type": "s3", "bucket": "b1", "file-format": "csv"},
         keys=["file-format"], mentions=["csv"]),
    case("firehose-without-stream", action={"destination-type": "kinesis-data-firehose"},
         keys=["delivery-stream"], mentions=["required"]),
    case("delivery-stream-not-an-arn",
         action={"destination-type": "kinesis-data-firehose", "delivery-stream": "siem"},
         keys=["delivery-stream"], mentions=["siem"]),
    case("cross-account-role-not-an-arn",
         action={"destination-type": "kinesis-data-firehose", "cross-account-role": "x",
                 "delivery-stream": "arn:aws:firehose:us-east-1:123456789012:deliverystream/s"},
         keys=["cross-account-role"], mentions=["'x'"]),
    case("insights-queries-without-bytes",
         action={"insights-queries": True, "log-format": "${srcaddr} ${dstaddr} ${dstport} ${action}"},
         keys=["insights-queries"], mentions=["${bytes}"]),
    case("reject-alarm-without-action",
         action={"reject-alarm": {"threshold": 5}, "log-format": "${srcaddr} ${dstaddr}"},
         keys=["reject-alarm"], mentions=["${action}"]),
    case("reject-alarm-without-threshold", action={"reject-alarm": {"period": 60}},
         keys=["threshold"]),
    case("reject-alarm-topic-not-sns",
         action={"reject-alarm": {"threshold": 5, "sns-topic": "arn:aws:sqs:us-east-1:1:q"}},
         keys=["reject-alarm"], mentions=["sqs"]),
    case("insights-queries-with-s3",
         action={"destination-type": "s3", "bucket": "b1", "insights-queries": True},
         keys=["insights-queries"], mentions=["cloud-watch-logs"]),
    case("log-format-unknown-preset", action={"log-format": "forensics"},
         keys=["log-format"], mentions=["security"]),
    case("max-workers-zero", action={"max-workers": 0}, keys=["max-workers"]),
    case("logs-calls-per-second-zero", action={"logs-calls-per-second": 0},
         keys=["logs-calls-per-second"]),
    case("create-role-string-yes", action={"create-role": "yes"},
         keys=["create-role"], mentions=["yes"]),
    # flow-log-compliance
    case("filter-match-maybe", filter={"match": "maybe"},
         keys=["match"], mentions=["maybe"]),
    case("filter-traffic-types-BOTH", filter={"traffic-types": ["BOTH"]},
         keys=["traffic-types"], mentions=["BOTH"]),
    case("filter-min-retention-days-0", filter={"min-retention-days": 0},
         keys=["min-retention-days"]),
    case("filter-destination-types-ftp", filter={"destination-types": ["ftp"]},
         keys=["destination-types"], mentions=["ftp"]),
    case("filter-unknown-key", filter={"min_retention_days": 365},
         keys=["min_retention_days"]),
    # the action must produce what the policy's own filter counts as compliant
    case("action-traffic-type-outside-filter-traffic-types",
         filter={"traffic-types": ["ALL", "REJECT"]}, action={"traffic-type": "ACCEPT"},
         keys=["traffic-type", "traffic-types"], mentions=["ACCEPT"]),
    case("action-retention-below-filter-min-retention",
         filter={"min-retention-days": 365}, action={"retention-days": 180},
         keys=["retention-days", "min-retention-days"]),
    case("action-destination-outside-filter-destination-types",
         filter={"destination-types": ["s3"]}, action={},
         keys=["destination-type", "destination-types"]),
]


def policy_name(case_id):
    return "bad-" + re.sub(r"[^A-Za-z0-9]+", "-", case_id).strip("-")


def policy_document(name, filter=None, action=None):
    policy = {"name": name, "resource": "aws.vpc"}
    if filter is not None:
        policy["filters"] = [dict({"type": "flow-log-compliance"}, **filter)]
    if action is not None:
        policy["actions"] = [dict({"type": "enable-flow-logs"}, **action)]
    return {"policies": [policy]}


# "...custodian.commands:ERROR Configuration invalid: <file>" (INFO ... valid: <file>)
REPORT_HEADER = re.compile(r"^.*\bConfiguration (valid|invalid): (\S.*?)\s*$", re.M)


def reports_by_file(output):
    """{file: [(verdict, text up to the next file's header)]} from validate's log."""
    headers = list(REPORT_HEADER.finditer(output))
    reports = {}
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(output)
        reports.setdefault(header.group(2), []).append(
            (header.group(1), output[header.end():end]))
    return reports


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


class ValidateRun:
    def __init__(self, result):
        self.result = result
        self.output = result.stdout + result.stderr
        self.reports = reports_by_file(self.output)

    def report(self, filename):
        reports = self.reports.get(filename)
        assert reports, "custodian validate did not report on %s; output:\n%s" % (
            filename, self.output[-4000:])
        assert len(reports) == 1, "%s reported %d times" % (filename, len(reports))
        return reports[0]


def validate_all(workdir, files):
    with hermetic_environ(os.path.join(str(workdir), "home")):
        return ValidateRun(Cli(workdir)("custodian", "validate", *files))


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


def test_unknown_template_variable_message_lists_the_known_variables(bad_run):
    _verdict, text = bad_run.report("log-group-name-unknown-variable.yml")
    for variable in ("{vpc_id}", "{vpc_name}", "{account_id}", "{region}", "{partition}"):
        assert variable in text


# -- what must pass -------------------------------------------------------------------

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
    "insights-queries": True,
    "reject-alarm": {"threshold": 100, "period": 60,
                     "sns-topic": "arn:aws:sns:{region}:{account_id}:flow-alerts"},
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
}
# AWS's default flow log format, written out.
AWS_DEFAULT_FORMAT = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} "
                      "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} "
                      "${end} ${action} ${log-status}")

GOOD = {
    "every-key": {"policies": [{
        "name": "good-every-key", "resource": "aws.vpc",
        "filters": [EVERY_FILTER_KEY], "actions": [EVERY_CLOUDWATCH_KEY]}]},
    "every-s3-key": {"policies": [{
        "name": "good-every-s3-key", "resource": "aws.vpc",
        "filters": [EVERY_FILTER_KEY], "actions": [EVERY_S3_KEY]}]},
    "every-firehose-key": {"policies": [{
        "name": "good-every-firehose-key", "resource": "aws.vpc",
        "filters": [{"type": "flow-log-compliance"}], "actions": [EVERY_FIREHOSE_KEY]}]},
    "bucket-arn-with-prefix": {"policies": [{
        "name": "good-bucket-arn", "resource": "aws.vpc",
        "actions": [{"type": "enable-flow-logs", "destination-type": "s3",
                     "bucket": "arn:aws:s3:::org-flow-logs/vpc/{account_id}"}]}]},
    "defaults-only": {"policies": [{
        "name": "good-defaults-only", "resource": "aws.vpc",
        "filters": [{"type": "flow-log-compliance"}],
        "actions": [{"type": "enable-flow-logs"}]}]},
    "aws-default-format-role-name-gov-kms": {"policies": [{
        "name": "good-aws-default-format", "resource": "aws.vpc",
        "actions": [{
            "type": "enable-flow-logs", "log-format": AWS_DEFAULT_FORMAT,
            "role": "flow-logs_delivery+role=1,2.x@y",
            "kms-key-id": "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/abcd-1234",
            "retention-days": 1, "traffic-type": "ACCEPT", "max-aggregation-interval": 600,
            "log-group-name": "{vpc_id}", "unscoped-delivery-role": True}]}]},
    "role-arn-of-the-account": {"policies": [{
        "name": "good-role-arn-template", "resource": "aws.vpc",
        "actions": [{"type": "enable-flow-logs", "permissions-boundary": "required",
                     "role": "arn:{partition}:iam::{account_id}:role/x"}]}]},
    "after-builtin-flow-logs-filter": {"policies": [{
        "name": "good-after-builtin-filter", "resource": "aws.vpc",
        "filters": [{"type": "flow-logs", "count": 0}],
        "actions": [{"type": "enable-flow-logs", "traffic-type": "ACCEPT"}]}]},
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


@pytest.mark.parametrize("filename", [
    pytest.param(p, id="policies/" + os.path.basename(p)) for p in SHIPPED_POLICIES
] + [pytest.param(name + ".yml", id=name) for name in GOOD])
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
