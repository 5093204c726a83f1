"""The generated docs: the configuration reference (docs/configuration.md) from the schemas,
and the permission table (docs/iam.md) from what policies declare. A development tool, not
part of the plugin:

    python docs/reference.py > docs/configuration.md           (or: make docs)
    python docs/reference.py --permissions README.md docs/*.md
"""

import inspect
import json
import os
import re
import sys

import yaml
from c7n.manager import resources
from c7n.resources import load_resources

from c7n_vpcflow.cli import declared

PLUGIN = "c7n_vpcflow"
# The resources the plugin extends: aws.vpc at import, aws.account when Custodian loads it.
RESOURCES = ("aws.vpc", "aws.account")

HEADER = """# Configuration reference

Generated from the filters' and the actions' JSON schemas by
`docs/reference.py` (`make docs`); a test keeps this file in step with them.
%s print the same schemas.
How each behaves: [the audit](audit.md) (flow-log-compliance), [the remediation](remediation.md)
(enable-flow-logs: destinations, the delivery role, existing log groups and flow logs, results
and the dry run), [analytics](analytics.md) (flow-log-analytics), [Security Hub](securityhub.md)
(flow-log-finding), [telemetry rules](telemetry-rules.md) (the telemetry-rule filter and action).
"""


BOUNDS = (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<"))


def type_text(schema):
    """What a value must be, as the schema says it: nested keys and numeric bounds included."""
    if "enum" in schema:
        return "one of " + ", ".join("`%s`" % v for v in schema["enum"])
    if schema.get("type") == "array":
        return "list of " + type_text(schema.get("items", {}))
    if schema.get("type") == "object":
        return mapping_text(schema)
    kind = schema.get("type", "any")
    bounds = ", ".join("%s %s" % (sign, schema[key]) for key, sign in BOUNDS if key in schema)
    return "%s %s" % (kind, bounds) if bounds else kind


def mapping_text(schema):
    if schema.get("properties"):
        required = set(schema.get("required", ()))
        keys = ", ".join(
            "`%s` (%s%s)" % (key, type_text(value), ", required" if key in required else "")
            for key, value in schema["properties"].items()
        )
        closed = schema.get("additionalProperties") is False
        return "mapping with " + keys + (" and no other key" if closed else "")
    values = schema.get("additionalProperties")
    if isinstance(values, dict):
        return "mapping of string to " + type_text(values)
    return "mapping"


def value_text(value):
    if value is None:
        return "-"
    return "`%s`" % (json.dumps(value) if not isinstance(value, str) else value)


def example_yaml(cls):
    """The YAML example of the class docstring."""
    doc = inspect.getdoc(cls)
    block = doc.split(".. code-block:: yaml", 1)[1]
    lines = [line for line in block.splitlines()[1:]]
    while lines and not lines[0].strip():
        lines.pop(0)
    indent = len(lines[0]) - len(lines[0].lstrip())
    kept = []
    for line in lines:
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break
        kept.append(line[indent:])
    return "\n".join(kept).rstrip()


def example_values(kind, cls):
    """{key: value} of the filter or action as first written in the docstring examples."""
    values = {}
    for policy in yaml.safe_load(example_yaml(cls))["policies"]:
        for element in policy[kind]:
            if isinstance(element, dict) and element["type"] == cls.type:
                values = dict(element, **values)
    return values


def elements():
    """[(kind, resource, class)] of every filter and action the plugin registers with Custodian."""
    load_resources(RESOURCES)
    found = []
    for resource in RESOURCES:
        manager = resources.get(resource.split(".", 1)[1])
        for kind, registry in (
            ("Filter", manager.filter_registry),
            ("Action", manager.action_registry),
        ):
            found += [
                (kind, resource, cls)
                for _name, cls in sorted(registry.items())
                if cls.__module__.startswith(PLUGIN + ".")
            ]
    return found


def section(kind, resource, cls):
    doc = inspect.getdoc(cls)
    purpose = doc.splitlines()[0]
    examples = example_values(kind.lower() + "s", cls)
    keys = sorted(set(cls.schema["properties"]) - {"type"})
    out = ["## %s `%s` (%s)" % (kind, cls.type, resource), "", purpose, ""]
    out += (
        ["| key | type | default | example | what it does |", "|---|---|---|---|---|"]
        if keys
        else ["No keys besides `type`."]
    )
    for key in keys:
        schema = cls.schema["properties"][key]
        example = examples.get(key)
        description = re.sub(r"\s+", " ", schema.get("description", "")).replace("|", "\\|")
        out.append(
            "| `%s` | %s | %s | %s | %s |"
            % (
                key,
                type_text(schema),
                value_text(schema.get("default")),
                value_text(example),
                description,
            )
        )
    out += ["", "Example:", "", "```yaml", example_yaml(cls), "```", ""]
    return "\n".join(out)


def render():
    documented = elements()
    commands = ",\n".join(
        "`custodian schema %s.%ss.%s`" % (resource, kind.lower(), cls.type)
        for kind, resource, cls in documented
    )
    return "\n".join([HEADER % commands] + [section(*element) for element in documented])


# The permission table: each row is what `c7n-vpcflow permissions` lists for a policy, less
# what the row it adds to lists. A policy is a file under policies/ or, for what no shipped
# policy does, the plugin's docstring example of that name (`custodian schema` prints it).
PERMISSION_ROWS = (  # (label, policy, the policy it adds to)
    ("the audit", "vpc-flow-logs-audit.yml", None),
    ("the remediation", "vpc-flow-logs-enable.yml", "vpc-flow-logs-audit.yml"),
    ("saved queries and a REJECT alarm", "vpc-flow-logs-analytics", "vpc-flow-logs-enable.yml"),
    ("the remediation into S3 instead", "vpc-flow-logs-enable-s3.yml", "vpc-flow-logs-audit.yml"),
    (
        "the remediation into Firehose instead",
        "vpc-flow-logs-enable-firehose",
        "vpc-flow-logs-audit.yml",
    ),
    ("what flow logs cost", "vpc-flow-logs-cost.yml", "vpc-flow-logs-audit.yml"),
    ("Security Hub findings", "vpc-flow-logs-securityhub.yml", "vpc-flow-logs-audit.yml"),
    (
        "the verdicts as an AWS Config rule (its function's role)",
        "vpc-flow-logs-config-rule.yml",
        "vpc-flow-logs-audit.yml",
    ),
    ("CloudWatch telemetry rules", "vpc-flow-logs-telemetry-rule.yml", None),
)
PERMISSIONS_BEGIN = "<!-- generated by `make docs` from `c7n-vpcflow permissions`: do not edit -->"
PERMISSIONS_END = "<!-- end of the generated permission table -->"


def example_policies(name):
    """[(policy data, `custodian schema` element)] of the docstring examples named `name`."""
    return [
        (policy, "%s.%ss.%s" % (resource, kind.lower(), cls.type))
        for kind, resource, cls in elements()
        for policy in yaml.safe_load(example_yaml(cls))["policies"]
        if policy["name"] == name
    ]


def policy_source(name, policy_dir):
    """(policy data list, where it is, in Markdown) of a shipped file or a docstring example."""
    if name.endswith(".yml"):
        with open(os.path.join(policy_dir, name)) as f:
            return yaml.safe_load(f)["policies"], "`policies/%s`" % name
    [(policy, element)] = example_policies(name)
    return [policy], "`%s`, an example of `custodian schema %s`" % (name, element)


def permission_table(policy_dir):
    labels = {policy: label for label, policy, _base in PERMISSION_ROWS}
    out = ["| for | policy | permissions |", "|---|---|---|"]
    for label, policy, base in PERMISSION_ROWS:
        documents, where = policy_source(policy, policy_dir)
        needed = declared(documents)
        if base:
            label += ", in addition to %s" % labels[base]
            left_out = set(declared(policy_source(base, policy_dir)[0]))
            needed = [p for p in needed if p not in left_out]
        out.append("| %s | %s | %s |" % (label, where, ", ".join("`%s`" % p for p in needed)))
    return "\n".join(out)


def with_permission_table(text, table):
    """`text` with its generated permission table replaced by `table` (as it was without one)."""
    start, end = text.find(PERMISSIONS_BEGIN), text.find(PERMISSIONS_END)
    if start < 0 or end < start:
        return text
    return "%s\n%s\n%s" % (text[: start + len(PERMISSIONS_BEGIN)], table, text[end:])


def refresh_permission_tables(paths, policy_dir="policies"):
    table = permission_table(policy_dir)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if with_permission_table(text, table) != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(with_permission_table(text, table))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--permissions"]:
        refresh_permission_tables(sys.argv[2:])
    else:
        sys.stdout.write(render())
