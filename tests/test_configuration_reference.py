"""docs/configuration.md is generated from the schemas and complete: every filter and action
the plugin registers with Custodian, on aws.vpc and (once Custodian loads it) aws.account."""

import os
import re

import pytest

from docs.reference import elements, render
from support.constants import ROOT

REFERENCE = os.path.join(ROOT, "docs", "configuration.md")
ELEMENTS = elements()
TELEMETRY_FILTER = ("Filter", "vpc-flow-log-telemetry-rule", "aws.account")


def sections():
    """{(kind, type, resource): {key: [type, default, example, what it does]}}, as committed."""
    found, rows = {}, None
    with open(REFERENCE) as f:
        for line in f:
            heading = re.match(r"## (Filter|Action) `([^`]+)` \((aws\.\w+)\)$", line)
            if heading:
                rows = found.setdefault(heading.groups(), {})
            elif line.startswith("| `"):
                cells = [c.strip() for c in line.split("|")[1:-1]]
                rows[cells[0].strip("`")] = cells[1:]
    return found


def section_of(kind, resource, cls):
    return sections()[kind, cls.type, resource]


def test_committed_reference_is_what_the_schemas_generate():
    with open(REFERENCE) as f:
        assert f.read() == render(), "regenerate with: make docs"


def test_every_filter_and_action_of_the_plugin_has_its_section():
    assert set(sections()) == {
        ("Filter", "flow-log-compliance", "aws.vpc"),
        ("Filter", "flow-log-cost", "aws.vpc"),
        ("Action", "enable-flow-logs", "aws.vpc"),
        ("Action", "flow-log-analytics", "aws.vpc"),
        ("Action", "flow-log-finding", "aws.vpc"),
        TELEMETRY_FILTER,
        ("Action", "put-vpc-flow-log-telemetry-rule", "aws.account"),
    }


@pytest.mark.parametrize("element", ELEMENTS, ids=lambda e: e[2].type)
def test_every_key_has_a_type_and_an_example(element):
    rows = section_of(*element)
    assert set(rows) == set(element[2].schema["properties"]) - {"type"}
    for key, (type_text, _default, example, _description) in rows.items():
        assert type_text and example != "-", key


@pytest.mark.parametrize("element", ELEMENTS, ids=lambda e: e[2].type)
def test_every_key_says_what_it_does(element):
    for key, (_type, _default, _example, description) in section_of(*element).items():
        assert description, key


def test_defaults_shown_are_the_ones_applied():
    found = sections()
    enable = found["Action", "enable-flow-logs", "aws.vpc"]
    assert enable["retention-days"][1] == "`365`"
    assert enable["traffic-type"][1] == "`REJECT`"
    assert enable["log-group-name"][1] == "`/vpc/flow-logs/{vpc_id}`"
    assert (
        found["Filter", "flow-log-compliance", "aws.vpc"]["traffic-types"][1]
        == '`["ALL", "REJECT"]`'
    )
    put = found["Action", "put-vpc-flow-log-telemetry-rule", "aws.account"]
    assert put["rule-name"][1] == "`c7n-vpcflow-vpc-flow-logs`"
    assert put["scope"][1] == "`organization`"
    assert put["traffic-type"][1] == "`REJECT`"


def test_a_mapping_with_keys_shows_each_key_its_type_and_which_are_required():
    analytics = sections()["Action", "flow-log-analytics", "aws.vpc"]
    assert analytics["reject-alarm"][0] == (
        "mapping with `threshold` (integer ≥ 1, required), `period` (one of `60`, `300`, "
        "`900`, `3600`), `sns-topic` (string) and no other key"
    )
    assert analytics["tags"][0] == "mapping of string to string"


@pytest.mark.parametrize("element", ELEMENTS, ids=lambda e: e[2].type)
def test_every_nested_key_and_numeric_bound_of_the_schema_is_in_the_type(element):
    properties = element[2].schema["properties"]
    for key, (type_text, *_rest) in section_of(*element).items():
        schema = properties[key]
        for nested, nested_schema in schema.get("properties", {}).items():
            assert "`%s` (%s" % (nested, nested_schema.get("type", "one of")) in type_text, key
        if type_text == "mapping of string to string":
            assert schema.get("additionalProperties") == {"type": "string"}, key
        for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if bound in schema:
                assert str(schema[bound]) in type_text, (key, bound)
