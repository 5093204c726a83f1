"""Checks on enable-flow-logs keys that JSON schema cannot express; each names its key.

Every templated key follows the rule of audit.variables. A policy is checked here when
Custodian validates it (without its variables, or with them: see audit.variables) and again
when its run starts (run_settings), once its account and region are known: neither another
account's or region's ARN nor a variable nobody defined gets as far as a write.
"""

import re
from dataclasses import replace
from types import MappingProxyType

from c7n.exceptions import PolicyValidationError

from c7n_vpcflow.account import Account
from c7n_vpcflow.audit.templates import (
    ACCOUNT_WIDE_VARIABLES,
    DATED,
    PER_REGION_VARIABLES,
    TEMPLATE_VARIABLES,
    TemplateError,
    parse_template,
    render_template,
)
from c7n_vpcflow.remediation import formats
from c7n_vpcflow.remediation.naming import (
    bucket_name_problem,
    check_log_group_template,
    fixed_prefix,
)
from c7n_vpcflow.remediation.role import parse_role
from c7n_vpcflow.remediation.schema import BY_DESTINATION, REQUIRED
from c7n_vpcflow.remediation.settings import Settings
from c7n_vpcflow.vocabulary import ACTION, CLOUDWATCH, FIREHOSE, OUR_TAG, S3

KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
BUCKET_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9.{}_-]+(/.*)?$")
PREFIX_CHARS = re.compile(r"^[A-Za-z0-9!_.*'()/-]*$")
STREAM_ARN = re.compile(r"^arn:[^:]+:firehose:[^:]+:[^:]+:deliverystream/.+$")
POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+$")
ANY_ROLE_ARN = re.compile(r"^arn:[^:]+:iam::[^:]+:role/.+$")
MAX_USER_TAGS = 49  # AWS allows 50 per resource; one is our managed-by tag
# An account to try templates on, and one that shows the account-wide variables unrendered.
SAMPLE_ACCOUNT = Account("111122223333", "us-east-1", "aws")
PLACEHOLDER_ACCOUNT = Account("{account_id}", "{region}", "{partition}")
# Each templated key of enable-flow-logs: its Settings attribute, the variables of ours it
# may use. Tag values may use the account-region's and {now}; tag keys none.
TEMPLATED = MappingProxyType(
    {
        "log-group-name": ("log_group_template", TEMPLATE_VARIABLES),
        "prefix": ("prefix", TEMPLATE_VARIABLES),
        "bucket": ("bucket", PER_REGION_VARIABLES),
        "delivery-stream": ("delivery_stream", PER_REGION_VARIABLES),
        "kms-key-id": ("kms_key_id", PER_REGION_VARIABLES),
        "role": ("role", ACCOUNT_WIDE_VARIABLES),
        "permissions-boundary": ("permissions_boundary", ACCOUNT_WIDE_VARIABLES),
        "cross-account-role": ("cross_account_role", ACCOUNT_WIDE_VARIABLES),
    }
)
TAG_VALUE_VARIABLES = PER_REGION_VARIABLES + DATED


def fail(key, message, element=ACTION):
    raise PolicyValidationError("%s: %s %s" % (element, key, message))


def check_variables(key, template, allowed, variables, element=ACTION, what=None):
    """`template` as Custodian hands it over (variables.view); refused, naming `key` (and
    `what` in it), when its variables cannot all be filled."""
    try:
        problem = variables.problem(template, allowed)
    except TemplateError as e:
        problem = str(e)
    if problem:
        fail(key, "%s%r %s" % (what + " " if what else "", template, problem), element)
    return variables.view(template)


def check_tag_variables(tags, allowed, variables, element=ACTION):
    """The tags as Custodian hands them over: variables in values only."""
    viewed = {}
    for key, value in tags.items():
        if "{" in key or "}" in key:
            fail(
                "tags",
                "key %r: Custodian fills variables in tag values only, never in "
                "keys (and CloudWatch Logs refuses braces in them)" % key,
                element,
            )
        viewed[key] = (
            check_variables("tags", value, allowed, variables, element, "%r:" % key)
            if isinstance(value, str)
            else value
        )
    return viewed


def viewed_settings(settings, variables):
    """`settings` with each templated value as Custodian hands it over; refuses a value
    whose variables cannot all be filled, naming its key."""
    changes = {}
    for key, (attribute, allowed) in TEMPLATED.items():
        value = getattr(settings, attribute)
        if value is not None:
            changes[attribute] = check_variables(key, value, allowed, variables)
    changes["tags"] = tuple(
        sorted(check_tag_variables(settings.tag_map, TAG_VALUE_VARIABLES, variables).items())
    )
    return replace(settings, **changes)


def sample(value, variables):
    """`value` filled in for a sample account-region, to check its shape; None when it holds
    a policy variable (its shape is known only once the run fills it)."""
    if variables.policy_variables(value):
        return None
    return render_template(value, SAMPLE_ACCOUNT.values(), "")


def validate_log_format(log_format, element=ACTION):
    try:
        formats.fields(log_format)
    except formats.LogFormatError as e:
        fail("log-format", str(e), element)


def validate_tags(tags, element=ACTION):
    if len(tags) > MAX_USER_TAGS:
        fail(
            "tags",
            "has %d tags; at most %d (AWS allows 50, one is managed-by)"
            % (len(tags), MAX_USER_TAGS),
            element,
        )
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            fail("tags", "key %r uses the reserved prefix 'aws:'" % key, element)
        if not 1 <= len(key) <= 128:
            fail("tags", "key %r must be 1 to 128 characters" % key, element)
        if not isinstance(value, str) or len(value) > 256:
            fail("tags", "value of %r must be a string of at most 256 characters" % key, element)
        if key == OUR_TAG[0]:
            fail("tags", "key %r is reserved: %s sets it" % (OUR_TAG[0], element), element)


def validate_destination_keys(data, destination_type):
    """Keys of another destination type are mistakes; the target key is required."""
    for other, keys in BY_DESTINATION.items():
        for key in keys:
            if other != destination_type and key in data:
                fail(
                    key,
                    "applies only to destination-type %s; this action writes to %s"
                    % (other, destination_type),
                )
    required = REQUIRED.get(destination_type)
    if required and required not in data:
        fail(required, "is required with destination-type %s" % destination_type)


def literal_text(key, template, literal_chars):
    """The fixed text of `template`, refused naming `key` when a character is not allowed."""
    literals = [literal for literal, _ in parse_template(template)]
    if not all(literal_chars.match(literal) for literal in literals):
        fail(key, "%r has characters not allowed in an S3 %s" % (template, key))
    return "".join(literals)


def validate_s3(settings, variables):
    bucket = name = settings.bucket
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
        literal = literal_text("prefix", settings.prefix, PREFIX_CHARS)
        if settings.prefix.startswith("/") or "AWSLogs" in literal:
            fail(
                "prefix",
                "%r must not start with '/' or use AWSLogs (AWS reserves it)" % settings.prefix,
            )


def validate_firehose(settings, variables):
    stream = sample(settings.delivery_stream, variables)
    if stream is not None and not STREAM_ARN.match(stream):
        fail(
            "delivery-stream",
            "%r is not a Firehose delivery stream ARN "
            "(arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME)" % settings.delivery_stream,
        )
    role = settings.cross_account_role
    if (
        role is not None
        and sample(role, variables) is not None
        and not ANY_ROLE_ARN.match(sample(role, variables))
    ):
        fail("cross-account-role", "%r is not an IAM role ARN" % role)


def validate_cloudwatch(settings, variables):
    template = settings.log_group_template
    try:
        check_log_group_template(template)
    except TemplateError as e:
        fail("log-group-name", "%r %s" % (template, e))
    if not fixed_prefix(template, SAMPLE_ACCOUNT).strip("/") and not (
        settings.unscoped_delivery_role
    ):
        fail(
            "log-group-name",
            "%r has no fixed prefix before its first per-VPC or per-region "
            "variable, so the delivery role would be allowed to write to every log group of "
            "the account (log-group:%s*); start it with a fixed path such as /vpc/flow-logs/, "
            "or accept that with unscoped-delivery-role: true"
            % (template, fixed_prefix(template, PLACEHOLDER_ACCOUNT)),
        )
    boundary = settings.permissions_boundary
    for key, value, parse, what in (
        ("role", settings.role, parse_role, "an IAM role name or role ARN"),
        (
            "permissions-boundary",
            None if boundary in (None, "required") else boundary,
            POLICY_ARN.match,
            "an IAM policy ARN",
        ),
        (
            "kms-key-id",
            settings.kms_key_id,
            KMS_KEY_ARN.match,
            "a KMS key ARN (CloudWatch Logs takes no alias or id)",
        ),
    ):
        shape = sample(value, variables) if value is not None else None
        if shape is not None and parse(shape) is None:
            fail(key, "%r is not %s" % (value, what))


def validate_action_data(data, variables):
    """The checks of every key; returns the settings as Custodian hands them over."""
    settings = Settings.from_data(data)
    validate_destination_keys(data, settings.destination_type)
    settings = viewed_settings(settings, variables)
    {CLOUDWATCH: validate_cloudwatch, S3: validate_s3, FIREHOSE: validate_firehose}[
        settings.destination_type
    ](settings, variables)
    if "log-format" in data:
        validate_log_format(data["log-format"])
    validate_tags(data.get("tags") or {})
    return settings


def validate_against_filters(settings, rules):
    """The action must produce what the policy's flow-log-compliance filters (`rules`: what
    each judges by) count as compliant."""
    traffic_type = settings.traffic_type
    for judged_by in rules:
        if traffic_type not in judged_by.traffic_types:
            fail(
                "traffic-type",
                "%s would not satisfy flow-log-compliance traffic-types %s"
                % (traffic_type, sorted(judged_by.traffic_types)),
            )
        minimum = judged_by.min_retention_days
        if (
            minimum is not None
            and settings.destination_type == CLOUDWATCH
            and settings.retention_days < minimum
        ):
            fail(
                "retention-days",
                "%d would not satisfy flow-log-compliance "
                "min-retention-days %d" % (settings.retention_days, minimum),
            )
        destinations = judged_by.destination_types
        if destinations and settings.destination_type not in destinations:
            fail(
                "destination-type",
                "%s would not satisfy flow-log-compliance "
                "destination-types %s" % (settings.destination_type, sorted(destinations)),
            )
