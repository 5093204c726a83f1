"""Lambda-mode policies deployed by the stock `custodian run` really run the plugin.

The archive each deployment uploads is captured from the emulator, extracted, and its
handler run in an interpreter that sees only the archive, the Lambda runtime's packages and
the standard library.
"""

import io
import json
import os
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from localaws.lambda_boot import (
    EVIDENCE_BUCKET,
    LAMBDA_ROLE,
    evidence_vars,
    scheduled_event,
)
from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, REGION, policy_path
from support.e2e import recording
from support.evidence import bucket_evidence_problems, lambda_evidence
from support.lambda_runtime import (
    REGISTER_LOCATION,
    create_vpc_event,
    deploy_policy,
    publish_register,
    run_archive,
    with_register,
)
from support.policy import run_policy

pytestmark = pytest.mark.emulator


def deploy(emulator, cli, tmp_path, policy_file):
    """Deploy with the stock command; returns {function name: (handler, archive bytes)}."""
    deployed, archives, _calls = deploy_policy(emulator, cli, tmp_path, policy_file)
    assert deployed.returncode == 0, deployed.stderr
    return archives


def compliance(tmp_path):
    """{vpc id: compliant?} in the region, judged by the audit policy's filter."""
    judged = run_policy(
        {
            "name": "judge",
            "resource": "aws.vpc",
            "filters": [{"type": "flow-log-compliance", "match": "compliant"}],
        },
        RecordingSession(REGION),
        tmp_path / "judge",
        region=REGION,
    )
    compliant = {v["VpcId"] for v in judged}
    vpcs = RecordingSession(REGION).session.client("ec2").describe_vpcs()["Vpcs"]
    return {v["VpcId"]: v["VpcId"] in compliant for v in vpcs}


def assert_ran_only_from_the_archive(completed, report):
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert report is not None, completed.stdout[-2000:] + completed.stderr[-3000:]
    assert report["outside"] == [], "imported from outside the archive/runtime/stdlib"
    assert "Invalid action type" not in completed.stderr
    assert "Invalid filter type" not in completed.stderr


def test_periodic_policy_deploys_a_function_and_its_daily_schedule(emulator, cli, tmp_path):
    archives = deploy(emulator, cli, tmp_path, policy_path("vpc-flow-logs-periodic.yml"))
    assert list(archives) == ["custodian-vpc-flow-logs-periodic"]
    function = emulator.client("lambda", REGION).get_function(
        FunctionName="custodian-vpc-flow-logs-periodic"
    )["Configuration"]
    assert function["Handler"] == "c7n_vpcflow.lambda_handler.run"
    assert function["Role"] == "arn:aws:iam::%s:role/%s" % (ACCOUNT_ID, LAMBDA_ROLE)
    rule = emulator.client("events", REGION).describe_rule(Name="custodian-vpc-flow-logs-periodic")
    assert rule["ScheduleExpression"] == "rate(1 day)"


def test_periodic_archive_runs_isolated_and_leaves_every_vpc_compliant(emulator, cli, tmp_path):
    ec2 = emulator.client("ec2", REGION)
    for cidr in ("10.1.0.0/16", "10.2.0.0/16"):
        ec2.create_vpc(CidrBlock=cidr)
    archives = deploy(emulator, cli, tmp_path, policy_path("vpc-flow-logs-periodic.yml"))
    handler, archive = archives["custodian-vpc-flow-logs-periodic"]
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert "c7n_vpcflow/lambda_handler.py" in names and "c7n_vpcflow/remediation/action.py" in names
    assert not any(compliance(tmp_path).values())

    with recording(emulator) as recorder:
        completed, report = run_archive(
            archive,
            handler,
            scheduled_event(ACCOUNT_ID, REGION, "custodian-vpc-flow-logs-periodic"),
            tmp_path / "lambda",
            dict(os.environ, AWS_REGION=REGION),
        )

    assert_ran_only_from_the_archive(completed, report)
    # Custodian's handler asks STS for the account; the plugin takes its word for it.
    assert [c.operation for c in recorder.calls()].count("GetCallerIdentity") == 1
    verdicts = compliance(tmp_path)
    assert len(verdicts) == 3 and all(verdicts.values()), verdicts
    # The function's evidence is in the bucket, under its account's and region's prefix.
    left = lambda_evidence(emulator.client("s3", REGION), "vpc-flow-logs-periodic")
    judged = left["flow-log-compliance.json"]
    assert judged["status"] == "judged" and len(judged["judged"]) == 3
    assert (judged["account-id"], judged["region"]) == (ACCOUNT_ID, REGION)
    results = left["flow-log-results.json"]
    assert results["complete"] and {r["status"] for r in results["results"]} == {"created"}
    assert not bucket_evidence_problems(emulator.client("s3"), EVIDENCE_BUCKET)
    assert (
        results["execution-id"]
        == judged["execution-id"]
        == (left["metadata.json"]["execution"]["id"])
    )
    # ... and the report reads it there: judged, every VPC fixed, a clean gate.
    shown = cli(
        "c7n-vpcflow", "report", "s3://%s/vpc-flow-logs" % EVIDENCE_BUCKET, "--format", "json"
    )
    assert shown.returncode == 0, shown.stderr
    [row] = json.loads(shown.stdout)["accounts"]
    assert (row["account-id"], row["region"], row["judged"]) == (ACCOUNT_ID, REGION, True)
    assert (row["vpcs"], row["non-compliant"], row["fixed"], row["failed"]) == (3, 3, 3, 0)


def test_on_create_archive_fixes_the_new_vpc_only(emulator, cli, tmp_path):
    ec2 = emulator.client("ec2", REGION)
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    archives = deploy(emulator, cli, tmp_path, policy_path("vpc-flow-logs-on-create.yml"))
    assert list(archives) == ["custodian-vpc-flow-logs-on-create"]
    handler, archive = archives["custodian-vpc-flow-logs-on-create"]
    pattern = json.loads(
        emulator.client("events", REGION).describe_rule(Name="custodian-vpc-flow-logs-on-create")[
            "EventPattern"
        ]
    )
    assert pattern["detail"]["eventName"] == ["CreateVpc"]
    created = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]

    completed, report = run_archive(
        archive,
        handler,
        create_vpc_event(ACCOUNT_ID, REGION, created),
        tmp_path / "lambda",
        dict(os.environ, AWS_REGION=REGION),
    )

    assert_ran_only_from_the_archive(completed, report)
    verdicts = compliance(tmp_path)
    assert verdicts[created] is True
    assert verdicts[other] is False
    assert sum(verdicts.values()) == 1
    # Custodian filtered before its output existed: no verdict file (it would pass the one
    # VPC of the event off as the account-region's verdict); its result carries its verdict.
    left = lambda_evidence(emulator.client("s3", REGION), "vpc-flow-logs-on-create")
    assert "flow-log-compliance.json" not in left
    results = left["flow-log-results.json"]
    assert (results["mode"], results["event"]) == ("cloudtrail", True)
    [result] = results["results"]
    assert (result["vpc-id"], result["status"]) == (created, "created")
    assert (result["verdict"]["vpc-id"], result["verdict"]["violations"]) == (created, ["missing"])
    assert results["execution-id"] == left["metadata.json"]["execution"]["id"]
    assert not bucket_evidence_problems(emulator.client("s3"), EVIDENCE_BUCKET)
    # The report judges no account-region by it (a fix counts against a verdict that does).
    shown = cli(
        "c7n-vpcflow", "report", "s3://%s/vpc-flow-logs" % EVIDENCE_BUCKET, "--format", "json"
    )
    assert shown.returncode == 3, shown.stderr
    [row] = json.loads(shown.stdout)["accounts"]
    assert (row["account-id"], row["region"], row["judged"]) == (ACCOUNT_ID, REGION, False)
    assert "event mode cloudtrail judges only the VPCs of its events" in row["cause"]


def test_periodic_archive_applies_an_s3_register_and_refuses_a_malformed_one_first(
    emulator, cli, tmp_path
):
    ec2, s3 = emulator.client("ec2", REGION), emulator.client("s3", REGION)
    exempt = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    expires = (datetime.now(timezone.utc).date() + timedelta(days=30)).isoformat()

    def publish(vpc_id):
        return publish_register(
            s3,
            {
                "vpc-id": vpc_id,
                "account-id": ACCOUNT_ID,
                "region": REGION,
                "reason": "vendor-managed VPC",
                "approved-by": "jane.doe@example.com",
                "ticket": "SEC-4411",
                "expires": expires,
            },
        )

    version = publish(exempt)
    periodic = policy_path("vpc-flow-logs-periodic.yml")
    # Without the register's readers in its archive the policy is refused, nothing deployed.
    refused = cli(
        "custodian",
        "run",
        "-s",
        tmp_path / "out",
        "-r",
        REGION,
        "--vars-file",
        evidence_vars(tmp_path, s3, REGION),
        with_register(periodic, tmp_path / "bare.yml", ["c7n_vpcflow"]),
    )
    assert refused.returncode != 0
    [line] = [x for x in refused.stderr.splitlines() if "exemption register" in x]
    assert "needs yaml, fastjsonschema to read it" in line
    assert emulator.client("lambda", REGION).list_functions()["Functions"] == []

    archives = deploy(emulator, cli, tmp_path, with_register(periodic, tmp_path / "p.yml"))
    handler, archive = archives["custodian-vpc-flow-logs-periodic"]
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert "yaml/__init__.py" in names and "fastjsonschema/__init__.py" in names
    event = scheduled_event(ACCOUNT_ID, REGION, "custodian-vpc-flow-logs-periodic")
    completed, report = run_archive(
        archive, handler, event, tmp_path / "lambda", dict(os.environ, AWS_REGION=REGION)
    )

    assert_ran_only_from_the_archive(completed, report)
    verdicts = compliance(tmp_path)
    assert verdicts.pop(exempt) is False and all(verdicts.values()), verdicts
    left = lambda_evidence(s3, "vpc-flow-logs-periodic")
    judged = {v["vpc-id"]: v for v in left["flow-log-compliance.json"]["judged"]}
    assert (judged[exempt]["status"], judged[exempt]["exemption"]["expires"]) == ("exempt", expires)
    register = left["flow-log-compliance.json"]["register"]
    assert (register["version-id"], register["entries"]) == (version, 1)
    [skipped] = [r for r in left["flow-log-results.json"]["results"] if r["vpc-id"] == exempt]
    assert skipped["status"] == "skipped"
    assert skipped["reason"].startswith("exempt until %s: vendor-managed VPC" % expires)

    # A malformed register fails the next invocation in one line before any VPC is judged.
    publish("vpc-123")
    with recording(emulator) as recorder:
        failed, _ = run_archive(
            archive, handler, event, tmp_path / "lambda-2", dict(os.environ, AWS_REGION=REGION)
        )
    assert failed.returncode != 0
    # What Lambda reports as the invocation's error: the exception, its message one line.
    line = failed.stderr.strip().splitlines()[-1]
    assert line.startswith("c7n_vpcflow.audit.exempting.RegisterRefused: exemption register")
    assert (
        "exemption register %s: entry 1 (vpc-123, line 2): vpc-id: 'vpc-123': "
        "expected" % REGISTER_LOCATION in line
    )
    operations = [c.operation for c in recorder.calls()]
    assert "GetObject" in operations and "DescribeFlowLogs" not in operations
    assert "CreateFlowLogs" not in operations
