"""Log-group name templates: validation at policy load, rendering per VPC."""
import re
import string

TEMPLATE_VARIABLES = ("vpc_id", "vpc_name", "account_id", "region", "partition")
# Variables that are the same for every VPC of an account (the role is account-wide).
ACCOUNT_WIDE_VARIABLES = ("account_id", "partition")

LOG_GROUP_NAME_MAX = 512
DISALLOWED_RUN = re.compile(r"[^.\-_/#A-Za-z0-9]+")


class TemplateError(ValueError):
    """A template or a rendered name that CloudWatch Logs would refuse."""


def parse_template(template):
    """Split a template into (literal, variable) pairs; variable is None at the end."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as e:
        raise TemplateError("is not a valid template (%s)" % e)
    for _literal, field, spec, conversion in parts:
        if conversion:
            raise TemplateError("uses a conversion (!%s) on {%s}; write plain {%s}" % (
                conversion, field, field))
        if spec:
            raise TemplateError("uses a format spec (:%s) on {%s}; write plain {%s}" % (
                spec, field, field))
    return [(literal, field) for literal, field, _, _ in parts]


def check_log_group_template(template):
    """Raise TemplateError if the template can never render a valid log-group name."""
    if not template:
        raise TemplateError("must not be empty")
    for _literal, field in parse_template(template):
        if field is None:
            continue
        if field not in TEMPLATE_VARIABLES:
            raise TemplateError(
                "uses unknown variable {%s}; known variables: %s" % (
                    field, ", ".join("{%s}" % v for v in TEMPLATE_VARIABLES)))
    for literal, _field in parse_template(template):
        bad = DISALLOWED_RUN.search(literal)
        if bad:
            raise TemplateError(
                "contains %r; CloudWatch Logs allows only letters, digits and . - _ / #"
                % bad.group(0))
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


def render_template(template, values, key):
    """`template` filled in; a variable nobody defined is a TemplateError naming `key`."""
    try:
        return template.format(**values)
    except KeyError as e:
        raise TemplateError(
            "%s %r uses {%s}, which no policy variable defines (pass it with --vars-file "
            "or c7n-org vars)" % (key, template, e.args[0]))


def render_log_group_name(template, vpc, account):
    """The log-group name for one VPC; TemplateError if CloudWatch would refuse it."""
    name = render_template(template, template_values(vpc, account), "log-group-name")
    if len(name) > LOG_GROUP_NAME_MAX:
        raise TemplateError(
            "log group name for %s is %d characters, over CloudWatch's %d" % (
                vpc["VpcId"], len(name), LOG_GROUP_NAME_MAX))
    if name.startswith("aws/"):
        raise TemplateError(
            "log group name %r for %s starts with the reserved 'aws/'" % (name, vpc["VpcId"]))
    return name


def fixed_prefix(template, account):
    """The part of every rendered name that is known for the whole account.

    Rendering stops at the first per-VPC or per-region variable; the delivery role's
    policy and the log-group listing are both scoped to this prefix.
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
        else:
            break
    return "".join(prefix)
