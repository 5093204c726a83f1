"""The configuration reference (docs/configuration.md), generated from the schemas.

    python -m c7n_vpcflow.reference > docs/configuration.md     (or: make docs)
"""
import inspect
import json
import re
import sys

import yaml

from .action import EnableFlowLogs
from .analytics_action import FlowLogAnalytics
from .compliance import FlowLogCompliance

HEADER = """# Configuration reference

Generated from the filter's and the actions' JSON schemas by
`python -m c7n_vpcflow.reference` (`make docs`); a test keeps this file in step with them.
`custodian schema aws.vpc.filters.flow-log-compliance` and
`custodian schema aws.vpc.actions.enable-flow-logs` and
`custodian schema aws.vpc.actions.flow-log-analytics` print the same schemas.
How the action behaves (destinations, the delivery role, existing log groups and flow logs,
results and the dry run): [enable-flow-logs.md](enable-flow-logs.md).
"""


def type_text(schema):
    if "enum" in schema:
        return "one of " + ", ".join("`%s`" % v for v in schema["enum"])
    if schema.get("type") == "array":
        return "list of " + type_text(schema.get("items", {}))
    if schema.get("type") == "object":
        return "mapping of string to string"
    return schema.get("type", "any")


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


def section(kind, cls):
    doc = inspect.getdoc(cls)
    purpose = doc.splitlines()[0]
    examples = example_values(kind.lower() + "s", cls)
    out = ["## %s `%s` (aws.vpc)" % (kind, cls.type), "", purpose, "",
           "| key | type | default | example | what it does |", "|---|---|---|---|---|"]
    for key, schema in sorted(cls.schema["properties"].items()):
        if key == "type":
            continue
        example = examples.get(key)
        description = re.sub(r"\s+", " ", schema.get("description", "")).replace("|", "\\|")
        out.append("| `%s` | %s | %s | %s | %s |" % (
            key, type_text(schema), value_text(schema.get("default")), value_text(example),
            description))
    out += ["", "Example:", "", "```yaml", example_yaml(cls), "```", ""]
    return "\n".join(out)


def render():
    return "\n".join([HEADER, section("Filter", FlowLogCompliance),
                      section("Action", EnableFlowLogs), section("Action", FlowLogAnalytics)])


if __name__ == "__main__":
    sys.stdout.write(render())
