"""What each evidence file says it was written under (issue 20, item 1), and its published
schema (item 3): flow-log-compliance.json records the filter's settings (every key, defaults
filled in), the policy, the plugin's and Custodian's versions and the format;
flow-log-results.json the action's settings likewise. The schemas ship in the package."""

import json
import os
from importlib.resources import files

import c7n.version
import pytest
from jsonschema import Draft202012Validator

import c7n_vpcflow
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.remediation.schema import BY_DESTINATION, COMMON, properties, recorded_settings
from c7n_vpcflow.report.checks import file_problem, schema_file, validators
from c7n_vpcflow.vocabulary import (
    DESTINATION_TYPES,
    MANAGERS,
    REASONS,
    RESULTS_FILE,
    TRAFFIC_TYPES,
    VERDICTS_FILE,
    Status,
)
from support.constants import REGION
from support.e2e import custodian_run, write_policy
from support.estate import seed_region
from support.policy import run_policy

VERSIONS = {"c7n-vpcflow": c7n_vpcflow.__version__, "custodian": c7n.version.version}


def schema(name):
    return json.loads(files("c7n_vpcflow").joinpath("schemas", schema_file(name)).read_text())


def read(out, policy, name):
    with open(os.path.join(str(out), policy, name)) as f:
        return json.load(f)


@pytest.mark.parametrize("name", [VERDICTS_FILE, RESULTS_FILE])
def test_each_schema_is_a_valid_draft_2020_12_schema_shipped_in_the_package(name):
    published = schema(name)
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(published)
    assert published["properties"]["settings"]["additionalProperties"] is False


def test_the_schemas_words_are_the_vocabulary():
    definitions = schema(VERDICTS_FILE)["$defs"]
    assert definitions["reason"]["enum"] == list(REASONS)
    assert definitions["manager"]["enum"] == list(MANAGERS)
    assert definitions["traffic-type"]["enum"] == list(TRAFFIC_TYPES)
    assert definitions["destination-type"]["enum"] == list(DESTINATION_TYPES)
    assert schema(RESULTS_FILE)["$defs"]["status"]["enum"] == [s.value for s in Status]


def test_every_filter_key_is_recorded_with_its_default_and_described_by_the_schema():
    keys = set(FlowLogCompliance.schema["properties"]) - {"type"}
    described = schema(VERDICTS_FILE)["properties"]["settings"]
    assert set(described["properties"]) == set(described["required"]) == keys
    assert FlowLogCompliance({"type": "flow-log-compliance"}).settings == {
        "match": "non-compliant",
        "traffic-types": ["ALL", "REJECT"],
        "min-retention-days": None,
        "destination-types": None,
        "exemptions": None,
        "max-exemption-days": 365,
    }


@pytest.mark.parametrize("destination", DESTINATION_TYPES)
def test_every_action_key_of_its_destination_is_recorded_and_described_by_the_schema(destination):
    described = schema(RESULTS_FILE)["properties"]["settings"]
    assert set(described["properties"]) == set(properties())
    recorded = recorded_settings(
        {"destination-type": destination, "bucket": "b", "delivery-stream": "arn:aws:firehose:x"}
    )
    assert set(recorded) == set(COMMON) | set(BY_DESTINATION[destination])
    assert not list(validators()[RESULTS_FILE].evolve(schema=described).iter_errors(recorded))
    assert (recorded["destination-type"], recorded["traffic-type"]) == (destination, "REJECT")


def test_a_verdict_says_the_settings_policy_versions_and_format_it_was_judged_under(
    flight_data, tmp_path
):
    policy = {
        "name": "strict-audit",
        "resource": "aws.vpc",
        "filters": [
            {"type": "flow-log-compliance", "traffic-types": ["REJECT"], "min-retention-days": 365}
        ],
    }
    run_policy(policy, flight_data("filter_paging"), tmp_path)

    verdict = read(tmp_path, "strict-audit", VERDICTS_FILE)
    assert file_problem(VERDICTS_FILE, verdict) is None
    assert (verdict["format"], verdict["policy"], verdict["versions"]) == (
        3,
        "strict-audit",
        VERSIONS,
    )
    assert verdict["settings"] == {
        "match": "non-compliant",
        "traffic-types": ["REJECT"],
        "min-retention-days": 365,
        "destination-types": None,
        "exemptions": None,
        "max-exemption-days": 365,
    }
    assert verdict["register"] is None
    assert list(verdict)[:8] == [
        "format",
        "execution-id",
        "started",
        "account-id",
        "region",
        "policy",
        "versions",
        "settings",
    ]


@pytest.mark.emulator
def test_stock_custodian_writes_the_filters_and_the_actions_settings(emulator, cli, tmp_path):
    seed_region(emulator, REGION, kinds=("bare", "healthy"))
    policy = write_policy(
        tmp_path / "p.yml",
        "fix-all-traffic",
        filters=[{"type": "flow-log-compliance", "traffic-types": ["ALL"]}],
        action={"type": "enable-flow-logs", "traffic-type": "ALL", "retention-days": 400},
    )
    assert custodian_run(cli, tmp_path / "out", policy, regions=(REGION,)).returncode == 0

    verdict = read(tmp_path / "out", "fix-all-traffic", VERDICTS_FILE)
    results = read(tmp_path / "out", "fix-all-traffic", RESULTS_FILE)
    assert verdict["settings"]["traffic-types"] == ["ALL"]
    assert results["settings"] == recorded_settings({"traffic-type": "ALL", "retention-days": 400})
    assert (results["settings"]["log-group-name"], results["settings"]["kms-key-id"]) == (
        "/vpc/flow-logs/{vpc_id}",
        None,
    )
    for data in (verdict, results):
        assert (data["policy"], data["versions"], data["format"]) == (
            "fix-all-traffic",
            VERSIONS,
            3,
        )
