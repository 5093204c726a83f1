"""Template syntax: the {name} variables a templated key may use, parsed and filled in.

Shared by every element that takes a template (the log-group name, S3 prefix and bucket,
ARNs, tag values) and by the rule on policy variables (variables).
"""

import string

TEMPLATE_VARIABLES = ("vpc_id", "vpc_name", "account_id", "region", "partition")
# Variables that are the same for every VPC of an account (the role is account-wide).
ACCOUNT_WIDE_VARIABLES = ("account_id", "partition")
PER_REGION_VARIABLES = ACCOUNT_WIDE_VARIABLES + ("region",)
# Ours alone: Custodian's variable expansion does not know them.
PER_VPC_VARIABLES = ("vpc_id", "vpc_name")
# Custodian's run date and time, the one variable that may carry a format spec ({now:%Y}).
DATED = ("now",)


class TemplateError(ValueError):
    """A template or a rendered name that CloudWatch Logs would refuse."""


def parse_template(template):
    """Split a template into (literal, variable) pairs; variable is None at the end."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as e:
        raise TemplateError("is not a valid template (%s)" % e) from None
    for _literal, field, spec, conversion in parts:
        if field is not None and not field.isidentifier():
            raise TemplateError("uses {%s}; variables are plain names such as {vpc_id}" % field)
        if conversion:
            raise TemplateError(
                "uses a conversion (!%s) on {%s}; write plain {%s}" % (conversion, field, field)
            )
        if spec and field not in DATED:
            raise TemplateError(
                "uses a format spec (:%s) on {%s}; write plain {%s}" % (spec, field, field)
            )
    return [(literal, field) for literal, field, _, _ in parts]


def names_in(template):
    """The distinct variable names of `template`, in order; TemplateError if it is not one."""
    names = []
    for _literal, name in parse_template(template):
        if name is not None and name not in names:
            names.append(name)
    return names


def render_template(template, values, key):
    """`template` filled in; a variable nobody defined is a TemplateError naming `key`."""
    try:
        return template.format(**values)
    except KeyError as e:
        raise TemplateError(
            "%s %r uses {%s}, which no policy variable defines (pass it with --vars-file "
            "or c7n-org vars)" % (key, template, e.args[0])
        ) from None
