"""Exemptions and unused VPCs in flow-log-compliance (issue 23, items 1, 2 and 6): the
`exemptions` and `max-exemption-days` keys, a register checked when the policy is validated
(a local file) or before any VPC is judged (S3), the verdicts exempt, expired and unneeded,
and one DescribeNetworkInterfaces listing per account-region, only when some VPC is
non-compliant."""

import hashlib
import json
import logging
import os
from datetime import datetime, timedelta, timezone

import pytest
import yaml
from c7n.exceptions import PolicyValidationError
from test_filter_flight_data import REASON_VPCS

from c7n_vpcflow.audit.exempting import RegisterRefused
from c7n_vpcflow.report.checks import file_problem
from c7n_vpcflow.vocabulary import EXEMPTION, UNUSED, VERDICTS_FILE, VIOLATIONS
from support.aws import RecordingSession
from support.constants import REGION, ROOT
from support.policy import make_policy, run_policy

ACCOUNT = "123456789012"
TODAY = datetime.now(timezone.utc).date()
V = REASON_VPCS
BUCKET, KEY = "org-exemptions", "cis/exemptions.yml"


def entry(vpc_id, days, **keys):
    """One entry expiring `days` after today, its keys as given (None: left out)."""
    written = dict(
        {
            "vpc-id": vpc_id,
            "account-id": ACCOUNT,
            "region": REGION,
            "reason": "vendor-managed VPC",
            "approved-by": "jane.doe@example.com",
            "ticket": "SEC-4411",
            "expires": (TODAY + timedelta(days=days)).isoformat(),
        },
        **keys,
    )
    return {k: v for k, v in written.items() if v is not None}


def register_text(*entries):
    return yaml.safe_dump({"exemptions": list(entries)}, sort_keys=False)


def write_register(path, *entries):
    path.write_text(register_text(*entries))
    return str(path)


def audit(**keys):
    return {
        "name": "vpc-flow-logs-audit",
        "resource": "aws.vpc",
        "filters": [dict({"type": "flow-log-compliance"}, **keys)],
    }


def verdicts(out):
    with open(os.path.join(str(out), "vpc-flow-logs-audit", VERDICTS_FILE)) as f:
        return json.load(f)


@pytest.fixture
def register(tmp_path):
    """A register for filter_reasons: missing exempt 30 more days, inactive expired
    yesterday, good (compliant) exempt anyway, delivery exempt in another account only."""
    return write_register(
        tmp_path / "exemptions.yml",
        entry(V["missing"], 30),
        entry(V["inactive"], -1),
        entry(V["good"], 90, ticket=None),
        entry(V["delivery"], 30, **{"account-id": "210987654321"}),
    )


def test_an_exempt_vpc_keeps_its_violations_is_never_compliant_and_stays_in_the_filter(
    flight_data, register, tmp_path
):
    found = {
        r["VpcId"]: r
        for r in run_policy(audit(exemptions=register), flight_data("filter_reasons"), tmp_path)
    }
    exempt = found[V["missing"]]
    assert exempt[VIOLATIONS] == ["missing"]
    assert exempt[EXEMPTION] == {
        "vpc-id": V["missing"],
        "account-id": ACCOUNT,
        "region": REGION,
        "reason": "vendor-managed VPC",
        "approved-by": "jane.doe@example.com",
        "ticket": "SEC-4411",
        "expires": (TODAY + timedelta(days=30)).isoformat(),
        "entry": 1,
        "status": "exempt",
    }
    [record] = [v for v in verdicts(tmp_path)["judged"] if v["vpc-id"] == V["missing"]]
    assert (record["status"], record["compliant"], record["violations"]) == (
        "exempt",
        False,
        ["missing"],
    )
    assert record["exemption"] == exempt[EXEMPTION]


def test_an_expired_exemption_adds_its_reason_beside_the_real_ones(flight_data, register, tmp_path):
    found = {
        r["VpcId"]: r
        for r in run_policy(audit(exemptions=register), flight_data("filter_reasons"), tmp_path)
    }
    expired = found[V["inactive"]]
    assert expired[VIOLATIONS] == ["inactive", "exemption-expired"]
    assert expired[EXEMPTION]["status"] == "expired"
    [record] = [v for v in verdicts(tmp_path)["judged"] if v["vpc-id"] == V["inactive"]]
    assert record["status"] == "non-compliant"
    # Another account's entry does not apply here.
    assert EXEMPTION not in found[V["delivery"]]
    assert found[V["delivery"]][VIOLATIONS] == ["delivery-failed"]


def test_a_compliant_vpc_with_an_exemption_is_compliant_and_the_exemption_unneeded(
    flight_data, register, tmp_path
):
    found = {
        r["VpcId"]: r
        for r in run_policy(
            audit(exemptions=register, match="all"), flight_data("filter_reasons"), tmp_path
        )
    }
    assert found[V["good"]][VIOLATIONS] == []
    assert found[V["good"]][EXEMPTION]["status"] == "unneeded"
    [record] = [v for v in verdicts(tmp_path)["judged"] if v["vpc-id"] == V["good"]]
    assert (record["status"], record["compliant"], record["exemption"]["ticket"]) == (
        "compliant",
        True,
        None,
    )


def test_the_verdict_file_records_the_register_applied_and_matches_its_schema(
    flight_data, register, tmp_path
):
    run_policy(
        audit(exemptions=register, **{"max-exemption-days": 100}),
        flight_data("filter_reasons"),
        tmp_path,
    )
    written = verdicts(tmp_path)
    assert file_problem(VERDICTS_FILE, written) is None
    with open(register, "rb") as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()
    assert written["register"] == {
        "location": register,
        "sha256": sha256,
        "version-id": None,
        "entries": 4,
    }
    assert (written["settings"]["exemptions"], written["settings"]["max-exemption-days"]) == (
        register,
        100,
    )
    statuses = {v["vpc-id"]: v["status"] for v in written["judged"]}
    assert statuses[V["missing"]] == "exempt" and statuses[V["good"]] == "compliant"


def test_without_a_register_no_vpc_is_exempt_whatever_its_tags_say(flight_data, tmp_path):
    found = run_policy(audit(), flight_data("filter_reasons"), tmp_path)
    assert not [r for r in found if EXEMPTION in r]
    written = verdicts(tmp_path)
    assert written["register"] is None
    assert {v["status"] for v in written["judged"]} == {"compliant", "non-compliant"}


def test_non_compliant_vpcs_without_a_network_interface_are_unused_in_one_listing(
    flight_data, register, tmp_path
):
    flight = flight_data("filter_reasons")
    found = {
        r["VpcId"]: r for r in run_policy(audit(exemptions=register, match="all"), flight, tmp_path)
    }
    non_compliant = sorted(v for v, r in found.items() if r[VIOLATIONS])
    # Asked about the non-compliant VPCs alone (the exempt one too), in one call.
    [asked] = flight.params("ec2.DescribeNetworkInterfaces")
    assert asked["Filters"] == [{"Name": "vpc-id", "Values": non_compliant}]
    assert {v: found[v].get(UNUSED) for v in non_compliant} == {
        V["missing"]: True,
        V["inactive"]: False,
        V["delivery"]: True,
        V["accept"]: False,
        V["nogroup"]: True,
        V["multi"]: True,
    }
    unused = {v["vpc-id"]: v["unused"] for v in verdicts(tmp_path)["judged"]}
    assert unused[V["good"]] is None and unused[V["missing"]] is True


def test_an_all_compliant_account_region_costs_no_interface_listing(flight_data, tmp_path):
    flight = flight_data()
    found = run_policy(audit(match="all"), flight, tmp_path)
    assert [r[VIOLATIONS] for r in found] == [[]]
    assert "ec2.DescribeNetworkInterfaces" not in flight.operations()


def test_a_refused_interface_listing_leaves_unused_unknown_and_the_verdict_standing(
    flight_data, tmp_path, caplog
):
    with caplog.at_level(logging.WARNING, logger="custodian.vpcflow"):
        found = run_policy(audit(), flight_data(), tmp_path)
    assert len(found) == 2 and all(r[UNUSED] is None for r in found)
    [said] = [r.getMessage() for r in caplog.records if "unused" in r.getMessage()]
    assert "ec2:DescribeNetworkInterfaces" in said and "UnauthorizedOperation" in said
    assert {v["unused"] for v in verdicts(tmp_path)["judged"] if v["violations"]} == {None}


def test_a_malformed_local_register_fails_validation_naming_the_entry_before_any_call(tmp_path):
    path = write_register(
        tmp_path / "exemptions.yml", entry(V["missing"], 30), entry(V["inactive"], 400)
    )
    session = RecordingSession(REGION)
    with pytest.raises(PolicyValidationError) as raised:
        make_policy(audit(exemptions=path), session, tmp_path / "out")
    assert str(raised.value) == (
        "exemption register %s: entry 2 (%s, line 9): expires: %s is 400 days after this run "
        "(%s): at most 365 (max-exemption-days)"
        % (path, V["inactive"], TODAY + timedelta(days=400), TODAY)
    )
    assert session.operations() == []
    # max-exemption-days decides what is too far.
    make_policy(audit(exemptions=path, **{"max-exemption-days": 400}), session, tmp_path / "out")


def test_custodian_validate_refuses_a_malformed_local_register_in_one_line(cli, tmp_path):
    path = write_register(
        tmp_path / "exemptions.yml", entry(V["missing"], 30), entry(V["missing"], 20)
    )
    policy = tmp_path / "audit.yml"
    policy.write_text(yaml.safe_dump({"policies": [audit(exemptions=path)]}))
    done = cli("custodian", "validate", policy)
    assert done.returncode != 0
    [line] = [x for x in done.stderr.splitlines() if "exemption register" in x]
    assert (
        "entry 2 (%s, line 9): vpc-id: entry 1 (%s, line 2)" % (V["missing"], V["missing"]) in line
    )


def test_a_register_named_by_a_policy_variable_is_read_once_the_run_fills_it(flight_data, tmp_path):
    write_register(tmp_path / ("%s.yml" % ACCOUNT), entry(V["missing"], 30))
    data = audit(exemptions=str(tmp_path / "{account_id}.yml"))
    # Validated without variables (custodian validate): nothing to read yet.
    make_policy(data, RecordingSession(REGION), tmp_path / "out")
    policy = make_policy(data, flight_data("filter_reasons"), tmp_path / "out")
    policy.expand_variables(policy.get_variables())
    policy.validate()
    found = {r["VpcId"]: r for r in policy()}
    assert found[V["missing"]][EXEMPTION]["status"] == "exempt"


LAMBDA_MODES = {
    "periodic": {"type": "periodic", "schedule": "rate(1 day)"},
    "on-create": {
        "type": "cloudtrail",
        "events": [
            {
                "source": "ec2.amazonaws.com",
                "event": "CreateVpc",
                "ids": "responseElements.vpc.vpcId",
            }
        ],
    },
    "config-rule": {"type": "vpc-flow-log-config-rule"},
}
REGISTER_PACKAGES = ["c7n_vpcflow", "yaml", "fastjsonschema"]


def lambda_audit(mode, packages, location="s3://%s/%s" % (BUCKET, KEY)):
    return dict(
        audit(exemptions=location, match="all"),
        mode=dict(
            LAMBDA_MODES[mode],
            role="arn:aws:iam::%s:role/x" % ACCOUNT,
            packages=packages,
            handler="c7n_vpcflow.lambda_handler.run",
        ),
    )


@pytest.mark.parametrize("mode", list(LAMBDA_MODES))
@pytest.mark.parametrize(
    "packages,missing",
    [
        (["c7n_vpcflow"], "yaml, fastjsonschema"),
        (["c7n_vpcflow", "yaml"], "fastjsonschema"),
        (["yaml", "fastjsonschema"], "c7n_vpcflow"),
    ],
    ids=["plugin-only", "no-checker", "no-plugin"],
)
def test_a_lambda_policy_naming_a_register_must_carry_its_readers(
    mode, packages, missing, tmp_path
):
    session = RecordingSession(REGION)
    with pytest.raises(PolicyValidationError) as raised:
        make_policy(lambda_audit(mode, packages), session, tmp_path / "out")
    assert str(raised.value) == (
        "exemption register s3://%s/%s: policy vpc-flow-logs-audit runs as a Lambda "
        "function whose archive needs %s to read it: its mode must have packages: "
        "[c7n_vpcflow, yaml, fastjsonschema]" % (BUCKET, KEY, missing)
    )
    assert session.operations() == []


@pytest.mark.parametrize("mode", list(LAMBDA_MODES))
def test_a_lambda_policy_carrying_the_registers_readers_validates(mode, tmp_path):
    session = RecordingSession(REGION)
    policy = make_policy(
        lambda_audit(mode, REGISTER_PACKAGES + ["botocore"]), session, tmp_path / "out"
    )
    assert policy.data["filters"][0]["exemptions"] == "s3://%s/%s" % (BUCKET, KEY)
    assert session.operations() == []


def test_a_lambda_policy_cannot_name_a_local_register(tmp_path):
    location = write_register(tmp_path / "exemptions.yml", entry(V["missing"], 30))
    with pytest.raises(PolicyValidationError) as raised:
        make_policy(
            lambda_audit("periodic", REGISTER_PACKAGES, location),
            RecordingSession(REGION),
            tmp_path / "out",
        )
    assert str(raised.value) == (
        "exemption register %s: policy vpc-flow-logs-audit runs as a Lambda function, "
        "which has no checkout: name an S3 object (s3://bucket/key)" % location
    )


def test_a_lambda_policy_without_a_register_needs_no_more_packages(tmp_path):
    data = lambda_audit("periodic", ["c7n_vpcflow"])
    del data["filters"][0]["exemptions"]
    assert make_policy(data, RecordingSession(REGION), tmp_path / "out").is_lambda


def test_the_docs_lambda_example_validates_and_their_refusal_line_is_what_validate_says(tmp_path):
    page = open(os.path.join(ROOT, "docs", "audit.md"), encoding="utf-8").read()
    section = page[page.index("A policy deployed as a Lambda function") :]
    example = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    data = dict(example, name="vpc-flow-logs-periodic", resource="aws.vpc")
    assert make_policy(data, RecordingSession(REGION), tmp_path / "out").is_lambda
    data["mode"]["packages"] = ["c7n_vpcflow"]
    with pytest.raises(PolicyValidationError) as raised:
        make_policy(data, RecordingSession(REGION), tmp_path / "out")
    assert str(raised.value) == section.split("```text\n", 1)[1].split("```", 1)[0].strip()


def test_custodian_validate_names_the_packages_a_lambda_register_needs(cli, tmp_path):
    policy = tmp_path / "periodic.yml"
    policy.write_text(yaml.safe_dump({"policies": [lambda_audit("periodic", ["c7n_vpcflow"])]}))
    done = cli("custodian", "validate", policy)
    assert done.returncode != 0
    [line] = [x for x in done.stderr.splitlines() if "exemption register" in x]
    assert (
        "policy vpc-flow-logs-audit runs as a Lambda function whose archive needs yaml, "
        "fastjsonschema to read it" in line
    )


@pytest.fixture
def bucket(emulator):
    s3 = emulator.client("s3", REGION)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})

    def put(text):
        return s3.put_object(Bucket=BUCKET, Key=KEY, Body=text.encode())["VersionId"]

    return put


@pytest.mark.emulator
def test_a_malformed_s3_register_stops_the_run_before_any_vpc_is_judged(bucket, tmp_path):
    bucket(register_text(entry("vpc-123", 30)))
    session = RecordingSession(REGION)
    with pytest.raises(RegisterRefused) as raised:
        run_policy(audit(exemptions="s3://%s/%s" % (BUCKET, KEY)), session, tmp_path)
    assert "entry 1 (vpc-123, line 2): vpc-id: 'vpc-123': expected" in str(raised.value)
    assert "ec2.DescribeFlowLogs" not in session.operations()
    written = verdicts(tmp_path)
    assert (written["status"], written["judged"]) == ("not-judged", [])
    assert written["cause"] == str(raised.value)


@pytest.mark.emulator
def test_an_s3_register_is_read_once_by_the_run_and_recorded_by_its_version(
    emulator, bucket, tmp_path
):
    default_vpc = emulator.client("ec2", REGION).describe_vpcs()["Vpcs"][0]["VpcId"]
    version = bucket(register_text(entry(default_vpc, 10)))
    session = RecordingSession(REGION)
    found = run_policy(audit(exemptions="s3://%s/%s" % (BUCKET, KEY)), session, tmp_path)
    assert {r["VpcId"]: r[EXEMPTION]["status"] for r in found} == {default_vpc: "exempt"}
    assert session.operations().count("s3.GetObject") == 1
    written = verdicts(tmp_path)
    assert (written["register"]["version-id"], written["register"]["entries"]) == (version, 1)
    assert file_problem(VERDICTS_FILE, written) is None
