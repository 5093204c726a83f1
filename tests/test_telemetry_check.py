"""Our verdict per VPC beside AWS's ListResourceTelemetryForOrganization (flight data shaped on
botocore's model): the VPCs where they disagree are named, and only those."""
import json
import threading

import c7n.utils
import pytest

from c7n_vpcflow.telemetry_check import as_markdown, check
from support.constants import ACCOUNT_ID
from support.policy import run_policy
from support.results import recorded

@pytest.fixture
def telemetry_check_org(flight_data):
    """AWS's organisation-wide telemetry listing, in two pages."""
    return flight_data()


def our_verdict(filter_reasons, tmp_path):
    """flow-log-compliance.json of a real audit run on the filter_reasons account."""
    run_policy({"name": "audit", "resource": "aws.vpc",
                "filters": [{"type": "flow-log-compliance"}]},
               filter_reasons, tmp_path)
    # A new process would start with no cached session: the check gets its own.
    c7n.utils.CONN_CACHE = threading.local()
    with open(tmp_path / "audit" / "flow-log-compliance.json") as f:
        return json.load(f)


def test_vpcs_where_our_verdict_and_aws_disagree_are_named_with_both_sides(
        filter_reasons, telemetry_check_org, tmp_path):
    verdict = our_verdict(filter_reasons, tmp_path)
    flight = telemetry_check_org

    found = check([verdict], flight)

    assert [(d.vpc_id, d.ours, d.aws) for d in found] == [
        # AWS counts an ACCEPT-only flow log as enabled; CIS's remediation does not.
        ("vpc-01b4c5d6e7f809a1b", "non-compliant", "Enabled"),
        # Compliant by us, never evaluated by AWS (not onboarded, or evaluation stopped).
        ("vpc-03d6e7f809a1b2c3d", "compliant", "not evaluated"),
        ("vpc-07e7f809a1b2c3d4e", "compliant", "Disabled"),
        # Created after our run: AWS knows it, our verdict does not.
        ("vpc-0eeeeeeeeeeeeeeee", "not judged", "Enabled"),
        # AWS counts a flow log that fails delivery as enabled.
        ("vpc-0f3a4b5c6d7e8f901", "non-compliant", "Enabled"),
    ]
    assert {d.account_id for d in found} == {ACCOUNT_ID}  # the unjudged account is not compared
    by_vpc = {d.vpc_id: d for d in found}
    assert by_vpc["vpc-01b4c5d6e7f809a1b"].violations == ["traffic-type"]
    # Both pages of the one listing, of VPCs only.
    pages = flight.params("observabilityadmin.ListResourceTelemetryForOrganization")
    token = recorded("telemetry_check_org",
                     "observabilityadmin.ListResourceTelemetryForOrganization_1.json")["NextToken"]
    assert [p.get("NextToken") for p in pages] == [None, token]
    assert all(p["ResourceTypes"] == ["AWS::EC2::VPC"] for p in pages)
    table = as_markdown(found)
    assert all(d.vpc_id in table for d in found) and "vpc-0918a2b3c4d5e6f70" not in table


def test_a_verdict_that_judged_nothing_is_not_compared(
        filter_reasons, telemetry_check_org, tmp_path):
    verdict = dict(our_verdict(filter_reasons, tmp_path), status="not-judged", judged=[])
    flight = telemetry_check_org
    assert check([verdict], flight) == []
    assert flight.operations() == []


def test_the_command_reads_an_output_tree_and_exits_1_naming_each_disagreement(
        filter_reasons, telemetry_check_org, tmp_path, monkeypatch, capsys):
    from c7n_vpcflow import cli, telemetry_check
    our_verdict(filter_reasons, tmp_path / "out")
    flight = telemetry_check_org
    monkeypatch.setattr(telemetry_check, "SessionFactory", lambda *a, **k: flight)

    code = cli.main(["telemetry-check", str(tmp_path / "out"), "--format", "json"])

    rows = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [r["vpc-id"] for r in rows] == [
        "vpc-01b4c5d6e7f809a1b", "vpc-03d6e7f809a1b2c3d", "vpc-07e7f809a1b2c3d4e",
        "vpc-0eeeeeeeeeeeeeeee", "vpc-0f3a4b5c6d7e8f901"]
    assert rows[0] == {"account-id": ACCOUNT_ID, "region": "us-east-1",
                       "vpc-id": "vpc-01b4c5d6e7f809a1b", "ours": "non-compliant",
                       "violations": ["traffic-type"], "aws": "Enabled"}


def test_the_command_compares_nothing_when_nothing_was_judged(tmp_path, capsys):
    from c7n_vpcflow import cli
    (tmp_path / "empty").mkdir()
    assert cli.main(["telemetry-check", str(tmp_path / "empty")]) == 3
    assert "nothing to compare" in capsys.readouterr().err
