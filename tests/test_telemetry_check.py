"""`c7n-vpcflow telemetry-check`: our verdict per VPC beside AWS's
ListResourceTelemetryForOrganization; the VPCs where they disagree are named, and only those.

AWS's answers are flight data shaped on botocore's model: attached to a session for the
comparison itself, served on the wire (localaws.proxy in front of the emulator) for the
installed command, which builds its own sessions as Custodian does. The emulator alone has
no Observability Admin: there the command ends in one line naming the call.
"""

import json
import os
import threading

import c7n.utils
import pytest

from c7n_vpcflow.telemetry.check import as_markdown, check
from support.constants import ACCOUNT_ID, OTHER_ACCOUNT_ID
from support.policy import run_policy
from support.results import recorded

LISTING = "ListResourceTelemetryForOrganization"
DISAGREEING = [
    "vpc-01b4c5d6e7f809a1b",
    "vpc-03d6e7f809a1b2c3d",
    "vpc-07e7f809a1b2c3d4e",
    "vpc-0eeeeeeeeeeeeeeee",
    "vpc-0f3a4b5c6d7e8f901",
]


@pytest.fixture
def telemetry_check_org(flight_data):
    """AWS's organisation-wide telemetry listing, in two pages."""
    return flight_data("telemetry_check_org")


def our_verdict(filter_reasons, out):
    """flow-log-compliance.json of a real audit run on the filter_reasons account."""
    run_policy(
        {"name": "audit", "resource": "aws.vpc", "filters": [{"type": "flow-log-compliance"}]},
        filter_reasons,
        out,
    )
    # A new process would start with no cached session: the check gets its own.
    c7n.utils.CONN_CACHE = threading.local()
    with open(out / "audit" / "flow-log-compliance.json") as f:
        return json.load(f)


def telemetry_check(cli, *args):
    """(exit code, stdout, stderr lines) of the installed `c7n-vpcflow telemetry-check`."""
    shown = cli("c7n-vpcflow", "telemetry-check", *args)
    assert "Traceback" not in shown.stderr, shown.stderr
    return shown.returncode, shown.stdout, shown.stderr.splitlines()


# -- the comparison -------------------------------------------------------------------------


def test_vpcs_where_our_verdict_and_aws_disagree_are_named_with_both_sides(
    filter_reasons, telemetry_check_org, tmp_path
):
    verdict = our_verdict(filter_reasons, tmp_path)
    flight = telemetry_check_org

    found, failures = check([verdict], lambda region: flight)

    assert failures == []
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
    pages = flight.params("observabilityadmin." + LISTING)
    token = recorded("telemetry_check_org", "observabilityadmin.%s_1.json" % LISTING)["NextToken"]
    assert [p.get("NextToken") for p in pages] == [None, token]
    assert all(p["ResourceTypes"] == ["AWS::EC2::VPC"] for p in pages)
    table = as_markdown(found)
    assert all(d.vpc_id in table for d in found) and "vpc-0918a2b3c4d5e6f70" not in table


def test_a_verdict_that_judged_nothing_is_not_compared(
    filter_reasons, telemetry_check_org, tmp_path
):
    verdict = dict(our_verdict(filter_reasons, tmp_path), status="not-judged", judged=[])
    flight = telemetry_check_org
    assert check([verdict], lambda region: flight) == ([], [])
    assert flight.operations() == []


def test_a_region_whose_listing_is_refused_is_named_in_one_line_and_not_compared(
    flight_data, filter_reasons, tmp_path
):
    here = our_verdict(filter_reasons, tmp_path)
    there = dict(here, region="eu-west-1")
    refused, listed = flight_data(), flight_data("telemetry_check_org", region="eu-west-1")
    factories = {"us-east-1": refused, "eu-west-1": listed}

    found, failures = check([here, there], factories.__getitem__)

    assert failures == [
        "observabilityadmin:%s in us-east-1: AccessDeniedException: Account %s is not the "
        "management account or a delegated administrator; organization-wide calls need "
        "trusted access for Observability Admin and the management or a delegated-admin "
        "account" % (LISTING, ACCOUNT_ID)
    ]
    # The refused region is not taken for one where AWS evaluated nothing.
    assert {d.region for d in found} == {"eu-west-1"}
    assert [d.vpc_id for d in found] == DISAGREEING


# -- the installed command ------------------------------------------------------------------


def test_the_command_names_each_disagreement_from_aws_answers_and_exits_1(
    filter_reasons, observabilityadmin_answers, cli, tmp_path
):
    our_verdict(filter_reasons, tmp_path / "out")
    proxy = observabilityadmin_answers("telemetry_check_org")

    code, out, said = telemetry_check(cli, tmp_path / "out", "--format", "json")

    assert code == 1, said
    rows = json.loads(out)
    assert [r["vpc-id"] for r in rows] == DISAGREEING
    assert rows[0] == {
        "account-id": ACCOUNT_ID,
        "region": "us-east-1",
        "vpc-id": "vpc-01b4c5d6e7f809a1b",
        "ours": "non-compliant",
        "violations": ["traffic-type"],
        "aws": "Enabled",
    }
    # Both pages were asked for at AWS_ENDPOINT_URL, in the verdict's region, with the
    # environment's credentials.
    pages = proxy.calls_of(LISTING)
    assert [(c.region, c.access_key, c.params.get("NextToken")) for c in pages] == [
        ("us-east-1", "AKIATESTINGONLY00000", None),
        (
            "us-east-1",
            "AKIATESTINGONLY00000",
            recorded("telemetry_check_org", "observabilityadmin.%s_1.json" % LISTING)["NextToken"],
        ),
    ]


def test_on_the_emulator_the_missing_service_is_one_line_naming_the_call_and_exits_3(
    filter_reasons, emulator, cli, tmp_path
):
    our_verdict(filter_reasons, tmp_path / "out")

    code, out, said = telemetry_check(cli, tmp_path / "out")

    assert code == 3
    assert said == [
        "c7n-vpcflow telemetry-check: observabilityadmin:%s in us-east-1: HTTP 500 and no "
        "AWS error from %s: it does not support this call; not compared"
        % (LISTING, emulator.endpoint)
    ]
    # No listing came back: nothing was compared, and it does not say they agree.
    assert out == (
        "Nothing compared: AWS's resource telemetry could not be listed in any region judged.\n"
    )


def test_assume_role_lists_with_the_roles_credentials(
    filter_reasons, observabilityadmin_answers, cli, tmp_path
):
    our_verdict(filter_reasons, tmp_path / "out")
    proxy = observabilityadmin_answers("telemetry_check_org")
    role = "arn:aws:iam::%s:role/telemetry-admin" % OTHER_ACCOUNT_ID

    code, _out, said = telemetry_check(cli, tmp_path / "out", "--assume-role", role)

    assert code == 1, said
    (assumed,) = proxy.calls_of("AssumeRole")
    assert assumed.params["RoleArn"] == role
    keys = {c.access_key for c in proxy.calls_of(LISTING)}
    assert len(keys) == 1 and keys != {"AKIATESTINGONLY00000"}
    assert {c.token for c in proxy.calls_of(LISTING)} != {None}


def test_profile_lists_with_that_profiles_credentials_and_an_unknown_one_is_a_usage_error(
    filter_reasons, observabilityadmin_answers, cli, tmp_path
):
    our_verdict(filter_reasons, tmp_path / "out")
    proxy = observabilityadmin_answers("telemetry_check_org")
    with open(os.environ["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
        f.write(
            "[telemetry-admin]\naws_access_key_id = AKIAPROFILEKEY000000\n"
            "aws_secret_access_key = profile-secret-not-real\n"
        )

    code, _out, said = telemetry_check(cli, tmp_path / "out", "--profile", "telemetry-admin")
    assert code == 1, said
    assert {c.access_key for c in proxy.calls_of(LISTING)} == {"AKIAPROFILEKEY000000"}

    code, out, said = telemetry_check(cli, tmp_path / "out", "--profile", "nobody")
    assert (code, out) == (2, "")
    assert said == [
        "c7n-vpcflow telemetry-check: --profile: The config profile (nobody) could not be found"
    ]


def test_the_command_compares_nothing_when_nothing_was_judged(tmp_path, capsys):
    from c7n_vpcflow import cli

    (tmp_path / "empty").mkdir()
    assert cli.main(["telemetry-check", str(tmp_path / "empty")]) == 3
    assert "nothing to compare" in capsys.readouterr().err
