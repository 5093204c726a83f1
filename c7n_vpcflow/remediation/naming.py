"""Names: log-group name templates (validated at policy load, rendered per VPC) and S3
bucket names."""

import re

from c7n_vpcflow.audit.templates import (
    TEMPLATE_VARIABLES,
    TemplateError,
    parse_template,
    render_template,
)

LOG_GROUP_NAME_MAX = 512
DISALLOWED_RUN = re.compile(r"[^.\-_/#A-Za-z0-9]+")

# S3's rules for general purpose bucket names (docs.aws.amazon.com/AmazonS3/latest/userguide/
# bucketnamingrules.html, read December 2026).
BUCKET_NAME_LENGTH = (3, 63)
BUCKET_CHARS = re.compile(r"^[a-z0-9.-]*$")
BUCKET_EDGE = re.compile(r"^[a-z0-9]$")
RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3")
IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def check_log_group_template(template):
    """Raise TemplateError if the template can never render a valid log-group name (which
    variables it may use is the rule of audit.variables)."""
    if not template:
        raise TemplateError("must not be empty")
    for literal, _field in parse_template(template):
        bad = DISALLOWED_RUN.search(literal)
        if bad:
            raise TemplateError(
                "contains %r; CloudWatch Logs allows only letters, digits and . - _ / #"
                % bad.group(0)
            )
    if template.startswith("aws/"):
        raise TemplateError("must not start with 'aws/' (reserved by AWS)")
    fixed = "".join(literal for literal, _ in parse_template(template))
    if len(fixed) > LOG_GROUP_NAME_MAX:
        raise TemplateError("is longer than %d characters" % LOG_GROUP_NAME_MAX)


def sanitize_name_tag(value):
    """A Name tag made safe for a log-group name: runs of other characters become '-'."""
    return DISALLOWED_RUN.sub("-", value or "").strip("-")


def vpc_name(vpc):
    """The VPC's Name tag, sanitised; the VPC id when the tag is absent or empty."""
    for tag in vpc.get("Tags") or ():
        if tag.get("Key") == "Name":
            cleaned = sanitize_name_tag(tag.get("Value"))
            if cleaned:
                return cleaned
    return vpc["VpcId"]


def template_values(vpc, account):
    return dict(account.values(), vpc_id=vpc["VpcId"], vpc_name=vpc_name(vpc))


def render_log_group_name(template, vpc, account):
    """The log-group name for one VPC; TemplateError if CloudWatch would refuse it."""
    name = render_template(template, template_values(vpc, account), "log-group-name")
    if len(name) > LOG_GROUP_NAME_MAX:
        raise TemplateError(
            "log group name for %s is %d characters, over CloudWatch's %d"
            % (vpc["VpcId"], len(name), LOG_GROUP_NAME_MAX)
        )
    if name.startswith("aws/"):
        raise TemplateError(
            "log group name %r for %s starts with the reserved 'aws/'" % (name, vpc["VpcId"])
        )
    return name


def fixed_prefix(template, account):
    """The part of every rendered name that is known for the whole account.

    Rendering stops at the first per-VPC or per-region variable; the delivery role's
    policy and the log-group listing are both scoped to this prefix. A policy variable
    (left only while validating without variables) stands for fixed text.
    """
    prefix = []
    for literal, field in parse_template(template):
        prefix.append(literal)
        if field is None:
            break
        if field == "account_id":
            prefix.append(account.account_id)
        elif field == "partition":
            prefix.append(account.partition)
        elif field not in TEMPLATE_VARIABLES:
            prefix.append("{%s}" % field)
        else:
            break
    return "".join(prefix)


def bucket_name_problem(template):
    """Why S3 would refuse the bucket name `template` names, or None.

    Every rule applies to a name without variables; with variables, the rules its fixed
    parts can break (characters, '..', its first and last character, reserved prefixes and
    suffixes, length).
    """
    parts = parse_template(template)
    literals = [literal for literal, _ in parts]
    fixed = "".join(literals)
    low, high = BUCKET_NAME_LENGTH
    variables = any(field is not None for _, field in parts)
    if len(fixed) > high or (not variables and len(fixed) < low):
        return "must be %d to %d characters long" % (low, high)
    if not all(BUCKET_CHARS.match(literal) for literal in literals):
        return "may hold only lowercase letters, digits, '.' and '-'"
    if any(".." in literal for literal in literals):
        return "must not hold two adjacent periods"
    first, last = literals[0], parts[-1][0] if parts[-1][1] is None else ""
    if (first and not BUCKET_EDGE.match(first[0])) or (last and not BUCKET_EDGE.match(last[-1])):
        return "must begin and end with a letter or digit"
    if first.startswith(RESERVED_BUCKET_PREFIXES) or last.endswith(RESERVED_BUCKET_SUFFIXES):
        return "uses a prefix or suffix S3 reserves (%s)" % ", ".join(
            RESERVED_BUCKET_PREFIXES + RESERVED_BUCKET_SUFFIXES
        )
    if not variables and IP_ADDRESS.match(fixed):
        return "must not be formatted as an IP address"
    return None
