"""`custodian schema` documents the filter and the action: help, a complete YAML example,
every key."""

import pytest
import yaml

from c7n_vpcflow.analytics.action import FlowLogAnalytics
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.remediation.action import EnableFlowLogs
from c7n_vpcflow.securityhub.finding import FlowLogFinding
from c7n_vpcflow.telemetry.action import PutVpcFlowLogTelemetryRule
from c7n_vpcflow.telemetry.filter import VpcFlowLogTelemetryRule
from support.cli import Cli
from support.hermetic import hermetic_environ
from support.packaging import split_schema_output

ELEMENTS = {
    "aws.vpc.actions.enable-flow-logs": ("actions", EnableFlowLogs),
    "aws.vpc.actions.flow-log-analytics": ("actions", FlowLogAnalytics),
    "aws.vpc.filters.flow-log-compliance": ("filters", FlowLogCompliance),
    "aws.vpc.actions.flow-log-finding": ("actions", FlowLogFinding),
    "aws.account.actions.put-vpc-flow-log-telemetry-rule": ("actions", PutVpcFlowLogTelemetryRule),
    "aws.account.filters.vpc-flow-log-telemetry-rule": ("filters", VpcFlowLogTelemetryRule),
}


@pytest.fixture(scope="module")
def schema_outputs(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("schema")
    with hermetic_environ(workdir / "home"):
        cli = Cli(workdir)
        return {element: cli("custodian", "schema", element) for element in ELEMENTS}


@pytest.mark.parametrize("element", list(ELEMENTS))
def test_custodian_schema_prints_help_with_a_complete_yaml_example(element, schema_outputs):
    result = schema_outputs[element]
    assert result.returncode == 0, result.stderr
    kind, cls = ELEMENTS[element]
    help_text, example, _schema = split_schema_output(result.stdout)
    assert "Help" in help_text
    assert example, "no `.. code-block:: yaml` example in:\n" + help_text
    shown = set()
    for policy in yaml.safe_load(example)["policies"]:
        assert policy["resource"] in ("aws.vpc", "vpc", "aws.account")
        elements = [e for e in policy[kind] if isinstance(e, dict) and e.get("type") == cls.type]
        assert len(elements) == 1, policy
        shown |= set(elements[0])
    # Complete: the examples (one per destination type for the action) show every key.
    assert shown == set(cls.schema["properties"])


@pytest.mark.parametrize("element", list(ELEMENTS))
def test_custodian_schema_lists_every_key_of_the_class_schema(element, schema_outputs):
    result = schema_outputs[element]
    assert result.returncode == 0, result.stderr
    _kind, cls = ELEMENTS[element]
    _help, _example, printed = split_schema_output(result.stdout)
    assert set(printed["properties"]) == set(cls.schema["properties"])
    assert printed["properties"] == cls.schema["properties"]


def test_schema_examples_pass_custodian_validate(schema_outputs, tmp_path, cli):
    files = []
    for n, element in enumerate(ELEMENTS):
        _help, example, _schema = split_schema_output(schema_outputs[element].stdout)
        path = tmp_path / ("example-%d.yml" % n)
        path.write_text(example)
        files.append(path)
    result = cli("custodian", "validate", *files)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Configuration valid") == len(files), result.stderr
