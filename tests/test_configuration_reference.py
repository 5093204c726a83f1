"""docs/configuration.md is generated from the schemas and complete."""
import os

import pytest

from c7n_vpcflow.action import EnableFlowLogs
from c7n_vpcflow.analytics_action import FlowLogAnalytics
from c7n_vpcflow.compliance import FlowLogCompliance
from c7n_vpcflow.reference import render
from support.constants import ROOT

REFERENCE = os.path.join(ROOT, "docs", "configuration.md")


def table_rows():
    with open(REFERENCE) as f:
        return {line.split("|")[1].strip().strip("`"): [c.strip() for c in line.split("|")[2:-1]]
                for line in f if line.startswith("| `")}


def test_committed_reference_is_what_the_schemas_generate():
    with open(REFERENCE) as f:
        assert f.read() == render(), "regenerate with: make docs"


@pytest.mark.parametrize("cls", [FlowLogCompliance, EnableFlowLogs, FlowLogAnalytics],
                         ids=lambda c: c.type)
def test_every_key_has_a_type_and_an_example(cls):
    rows = table_rows()
    for key in set(cls.schema["properties"]) - {"type"}:
        type_text, default, example, description = rows[key]
        assert type_text and example != "-" and description, key


def test_defaults_shown_are_the_ones_applied():
    rows = table_rows()
    assert rows["retention-days"][1] == "`365`"
    assert rows["traffic-type"][1] == "`REJECT`"
    assert rows["log-group-name"][1] == "`/vpc/flow-logs/{vpc_id}`"
    assert rows["traffic-types"][1] == '`["ALL", "REJECT"]`'
