"""Checks on enable-flow-logs keys that JSON schema cannot express; each names its key."""
import re

from c7n.exceptions import PolicyValidationError

from .judge import Rules
from .naming import TemplateError, check_log_group_template
from .plan import Settings
from .role import parse_role

# Fields of VPC flow log records, versions 2 to 10.
LOG_FORMAT_FIELDS = frozenset((
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets", "bytes", "start", "end", "action", "log-status",
    "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
    "region", "az-id", "sublocation-type", "sublocation-id",
    "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
    "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
    "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id",
    "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
    "reject-reason", "resource-id", "encryption-status",
))
LOG_FORMAT_TOKEN = re.compile(r"^\$\{([a-z0-9-]+)\}$")
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
NOT_YET = ("s3", "kinesis-data-firehose")
MAX_USER_TAGS = 49  # AWS allows 50 per resource; one is our managed-by tag


def fail(key, message):
    raise PolicyValidationError("enable-flow-logs: %s %s" % (key, message))


def validate_log_format(log_format):
    tokens = log_format.split(" ")
    if not log_format.strip() or any(not token for token in tokens):
        fail("log-format", "must be ${field} names separated by single spaces, got %r"
             % log_format)
    for token in tokens:
        match = LOG_FORMAT_TOKEN.match(token)
        if not match:
            fail("log-format", "has %r; each field must be written ${field-name}" % token)
        if match.group(1) not in LOG_FORMAT_FIELDS:
            fail("log-format", "has unknown field %s; known fields: %s" % (
                token, " ".join(sorted(LOG_FORMAT_FIELDS))))


def validate_tags(tags):
    if len(tags) > MAX_USER_TAGS:
        fail("tags", "has %d tags; at most %d (AWS allows 50, one is managed-by)"
             % (len(tags), MAX_USER_TAGS))
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            fail("tags", "key %r uses the reserved prefix 'aws:'" % key)
        if not 1 <= len(key) <= 128:
            fail("tags", "key %r must be 1 to 128 characters" % key)
        if not isinstance(value, str) or len(value) > 256:
            fail("tags", "value of %r must be a string of at most 256 characters" % key)
        if key == "managed-by":
            fail("tags", "key 'managed-by' is reserved: enable-flow-logs sets it")


def validate_action_data(data):
    settings = Settings.from_data(data)
    if settings.destination_type in NOT_YET:
        fail("destination-type", "%s is not implemented yet; use cloud-watch-logs"
             % settings.destination_type)
    template = settings.log_group_template
    try:
        check_log_group_template(template)
    except TemplateError as e:
        fail("log-group-name", "%r %s" % (template, e))
    if "log-format" in data:
        validate_log_format(data["log-format"])
    validate_tags(data.get("tags") or {})
    if parse_role(settings.role) is None:
        fail("role", "%r is neither an IAM role name nor a role ARN" % settings.role)
    kms = data.get("kms-key-id")
    if kms is not None and not KMS_KEY_ARN.match(kms):
        fail("kms-key-id", "%r must be a KMS key ARN (CloudWatch Logs takes no alias or id)"
             % kms)


def validate_against_filters(data, filters):
    """The action must produce what the policy's own filter counts as compliant."""
    settings = Settings.from_data(data)
    traffic_type = settings.traffic_type
    for f in filters:
        if getattr(f, "type", None) != "flow-log-compliance":
            continue
        accepted = f.data.get("traffic-types", sorted(Rules().traffic_types))
        if traffic_type not in accepted:
            fail("traffic-type", "%s would not satisfy flow-log-compliance traffic-types %s"
                 % (traffic_type, accepted))
        minimum = f.data.get("min-retention-days")
        if minimum is not None and settings.retention_days < minimum:
            fail("retention-days", "%d would not satisfy flow-log-compliance "
                 "min-retention-days %d" % (settings.retention_days, minimum))
        destinations = f.data.get("destination-types")
        if destinations and settings.destination_type not in destinations:
            fail("destination-type", "%s would not satisfy flow-log-compliance "
                 "destination-types %s" % (settings.destination_type, destinations))
