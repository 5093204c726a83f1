"""Checks on enable-flow-logs keys that JSON schema cannot express; each names its key."""
import re

from c7n.exceptions import PolicyValidationError

from . import formats
from .action_schema import BY_DESTINATION, REQUIRED
from .analytics_definitions import ALARM_FIELDS, QUERY_FIELDS
from .account import Account
from .judge import Rules
from .naming import (
    ACCOUNT_WIDE_VARIABLES, TEMPLATE_VARIABLES, TemplateError, bucket_name_problem,
    check_log_group_template, fixed_prefix, parse_template, render_template)
from .role import parse_role
from .vocabulary import ACTION, ANALYTICS_ACTION, CLOUDWATCH, FIREHOSE, OUR_TAG, S3

KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
PER_REGION_VARIABLES = ACCOUNT_WIDE_VARIABLES + ("region",)
BUCKET_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9.{}_-]+(/.*)?$")
PREFIX_CHARS = re.compile(r"^[A-Za-z0-9!_.*'()/-]*$")
STREAM_ARN = re.compile(r"^arn:[^:]+:firehose:[^:]+:[^:]+:deliverystream/.+$")
POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+$")
ANY_ROLE_ARN = re.compile(r"^arn:[^:]+:iam::[^:]+:role/.+$")
SNS_TOPIC_ARN = re.compile(r"^arn:[^:]+:sns:[^:]+:[^:]+:[A-Za-z0-9_{}-]+$")
MAX_USER_TAGS = 49  # AWS allows 50 per resource; one is our managed-by tag
# An account to try templates on, and one that shows the account-wide variables unrendered.
SAMPLE_ACCOUNT = Account("111122223333", "", "aws")
PLACEHOLDER_ACCOUNT = Account("{account_id}", "{region}", "{partition}")


def fail(key, message, element=ACTION):
    raise PolicyValidationError("%s: %s %s" % (element, key, message))


def validate_log_format(log_format, element=ACTION):
    try:
        formats.fields(log_format)
    except formats.LogFormatError as e:
        fail("log-format", str(e), element)


def validate_tags(tags, element=ACTION):
    if len(tags) > MAX_USER_TAGS:
        fail("tags", "has %d tags; at most %d (AWS allows 50, one is managed-by)"
             % (len(tags), MAX_USER_TAGS), element)
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            fail("tags", "key %r uses the reserved prefix 'aws:'" % key, element)
        if not 1 <= len(key) <= 128:
            fail("tags", "key %r must be 1 to 128 characters" % key, element)
        if not isinstance(value, str) or len(value) > 256:
            fail("tags", "value of %r must be a string of at most 256 characters" % key,
                 element)
        if key == OUR_TAG[0]:
            fail("tags", "key %r is reserved: %s sets it" % (OUR_TAG[0], element), element)


def validate_destination_keys(data, destination_type):
    """Keys of another destination type are mistakes; the target key is required."""
    for other, keys in BY_DESTINATION.items():
        for key in keys:
            if other != destination_type and key in data:
                fail(key, "applies only to destination-type %s; this action writes to %s"
                     % (other, destination_type))
    required = REQUIRED.get(destination_type)
    if required and required not in data:
        fail(required, "is required with destination-type %s" % destination_type)


def check_template(key, template, allowed, literal_chars=None, element=ACTION):
    """Variables: ours where allowed; any other is left to policy variables (--vars-file)."""
    try:
        parts = parse_template(template)
    except TemplateError as e:
        fail(key, "%r %s" % (template, e), element)
    for literal, field in parts:
        if field in TEMPLATE_VARIABLES and field not in allowed:
            fail(key, "%r cannot use {%s}; allowed here: %s" % (
                template, field, ", ".join("{%s}" % v for v in allowed)), element)
        if literal_chars and not literal_chars.match(literal):
            fail(key, "%r has characters not allowed in an S3 %s" % (template, key), element)
    return "".join(literal for literal, _ in parts)


def validate_s3(settings):
    bucket = name = settings.bucket
    check_template("bucket", bucket, PER_REGION_VARIABLES)
    if bucket.startswith("arn:"):
        if not BUCKET_ARN.match(bucket):
            fail("bucket", "%r is not an S3 bucket ARN (arn:aws:s3:::name)" % bucket)
        name, _, folder = bucket.split(":::", 1)[1].partition("/")
        if folder and settings.prefix:
            fail("prefix", "given twice: in the bucket ARN %r and as prefix" % bucket)
    problem = bucket_name_problem(name)
    if problem:
        fail("bucket", "%r: the bucket name %s (S3's naming rules)" % (bucket, problem))
    if settings.prefix:
        literal = check_template("prefix", settings.prefix, TEMPLATE_VARIABLES, PREFIX_CHARS)
        if settings.prefix.startswith("/") or "AWSLogs" in literal:
            fail("prefix", "%r must not start with '/' or use AWSLogs (AWS reserves it)"
                 % settings.prefix)


def validate_firehose(settings):
    stream = settings.delivery_stream
    literal = check_template("delivery-stream", stream, PER_REGION_VARIABLES)
    if literal and not STREAM_ARN.match(stream):
        fail("delivery-stream", "%r is not a Firehose delivery stream ARN "
             "(arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME)" % stream)
    role = settings.cross_account_role
    if role is not None and not ANY_ROLE_ARN.match(role):
        fail("cross-account-role", "%r is not an IAM role ARN" % role)


def validate_cloudwatch(settings):
    template = settings.log_group_template
    try:
        check_log_group_template(template)
    except TemplateError as e:
        fail("log-group-name", "%r %s" % (template, e))
    if not fixed_prefix(template, SAMPLE_ACCOUNT).strip("/") and not (
            settings.unscoped_delivery_role):
        fail("log-group-name", "%r has no fixed prefix before its first per-VPC or per-region "
             "variable, so the delivery role would be allowed to write to every log group of "
             "the account (log-group:%s*); start it with a fixed path such as /vpc/flow-logs/, "
             "or accept that with unscoped-delivery-role: true" % (
                 template, fixed_prefix(template, PLACEHOLDER_ACCOUNT)))
    validate_account_arn("role", settings.role, parse_role, "an IAM role name or role ARN")
    boundary = settings.permissions_boundary
    if boundary not in (None, "required"):
        validate_account_arn("permissions-boundary", boundary, POLICY_ARN.match,
                             "an IAM policy ARN")
    kms = settings.kms_key_id
    if kms is not None and not KMS_KEY_ARN.match(kms):
        fail("kms-key-id", "%r must be a KMS key ARN (CloudWatch Logs takes no alias or id)"
             % kms)


def validate_account_arn(key, value, parse, what):
    """A name or ARN that may use the account-wide variables {account_id}, {partition}."""
    check_template(key, value, ACCOUNT_WIDE_VARIABLES)
    try:
        sample = render_template(value, SAMPLE_ACCOUNT.values(), key)
    except TemplateError:
        fail(key, "%r may use only {account_id} and {partition}" % value)
    if parse(sample) is None:
        fail(key, "%r is not %s" % (value, what))


def validate_analytics(settings, data, writes_elsewhere=None):
    """Saved queries and the REJECT alarm read fields the log format must carry, from a
    CloudWatch Logs log group (`writes_elsewhere`: the destination type an enable-flow-logs
    of the same policy writes to instead)."""
    def refuse(key, message):
        fail(key, message, ANALYTICS_ACTION)
    if "log-format" in data:
        validate_log_format(data["log-format"], ANALYTICS_ACTION)
    try:
        present = set(formats.fields(settings.log_format))
    except formats.LogFormatError:
        return  # reported under log-format
    for key, needed in (("insights-queries", QUERY_FIELDS if settings.insights_queries else ()),
                        ("reject-alarm", ALARM_FIELDS if settings.reject_alarm else ())):
        if needed and writes_elsewhere:
            refuse(key, "needs flow logs in cloud-watch-logs; the policy's %s writes to %s"
                   % (ACTION, writes_elsewhere))
        missing = [f for f in needed if f not in present]
        if missing:
            refuse(key, "needs the fields %s in log-format" % ", ".join(
                "${%s}" % f for f in missing))
    try:
        check_log_group_template(settings.log_group_template)
    except TemplateError as e:
        refuse("log-group-name", "%r %s" % (settings.log_group_template, e))
    topic = (settings.reject_alarm or {}).get("sns-topic")
    if topic is not None:
        check_template("reject-alarm", topic, PER_REGION_VARIABLES, element=ANALYTICS_ACTION)
        if not SNS_TOPIC_ARN.match(topic):
            refuse("reject-alarm", "sns-topic %r is not an SNS topic ARN" % topic)
    validate_tags(data.get("tags") or {}, ANALYTICS_ACTION)


def validate_action_data(settings, data):
    validate_destination_keys(data, settings.destination_type)
    {CLOUDWATCH: validate_cloudwatch, S3: validate_s3,
     FIREHOSE: validate_firehose}[settings.destination_type](settings)
    if "log-format" in data:
        validate_log_format(data["log-format"])
    validate_tags(data.get("tags") or {})


def validate_against_filters(settings, filters):
    """The action must produce what the policy's flow-log-compliance filters count as
    compliant."""
    traffic_type = settings.traffic_type
    for f in filters:
        accepted = f.data.get("traffic-types", sorted(Rules().traffic_types))
        if traffic_type not in accepted:
            fail("traffic-type", "%s would not satisfy flow-log-compliance traffic-types %s"
                 % (traffic_type, accepted))
        minimum = f.data.get("min-retention-days")
        if (minimum is not None and settings.destination_type == CLOUDWATCH
                and settings.retention_days < minimum):
            fail("retention-days", "%d would not satisfy flow-log-compliance "
                 "min-retention-days %d" % (settings.retention_days, minimum))
        destinations = f.data.get("destination-types")
        if destinations and settings.destination_type not in destinations:
            fail("destination-type", "%s would not satisfy flow-log-compliance "
                 "destination-types %s" % (settings.destination_type, destinations))
