"""The Security Hub pack: one finding per VPC that follows it (issue 12, item 3).

Stock `custodian run` of policies/vpc-flow-logs-securityhub.yml on the emulator (moto keeps
findings by Id, as Security Hub does): FAILED/NEW while a VPC fails, the same finding
PASSED/RESOLVED after vpc-flow-logs-enable fixed it, ARCHIVED when the VPC is gone; no tag
on any VPC; at most one BatchImportFindings per 100 findings; refused findings named.
"""

import json
import math

import pytest

from c7n_vpcflow.data.frameworks import cis_requirements, load
from c7n_vpcflow.securityhub.documents import finding_id
from support.constants import REGION, policy_path
from support.e2e import ENABLE_POLICY, custodian_run, recording
from support.estate import ACCOUNT_ID, seed_region

pytestmark = pytest.mark.emulator

POLICY = policy_path("vpc-flow-logs-securityhub.yml")
KINDS = ("bare", "healthy", "accept_only", "failing", "default")


def post(cli, out):
    proc = custodian_run(cli, out, POLICY, regions=(REGION,))
    return proc


def findings_by_vpc(emulator):
    found = {}
    hub = emulator.client("securityhub")
    for finding in (
        f for page in hub.get_paginator("get_findings").paginate() for f in page["Findings"]
    ):
        [resource] = finding["Resources"]
        found[resource["Id"].rsplit("/", 1)[1]] = finding
    return found


@pytest.fixture
def hub_estate(emulator):
    emulator.client("securityhub").enable_security_hub()
    return seed_region(emulator, REGION, kinds=KINDS)


def test_every_vpc_gets_one_finding_failed_with_its_reasons_or_passed(
    emulator, hub_estate, cli, tmp_path
):
    proc = post(cli, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr[-3000:]

    found = findings_by_vpc(emulator)
    assert set(found) == set(hub_estate.vpcs.values())
    for kind, vpc_id in hub_estate.vpcs.items():
        finding = found[vpc_id]
        assert finding["Id"] == finding_id("aws", REGION, ACCOUNT_ID, vpc_id)
        assert finding["Resources"][0] == {
            "Type": "AwsEc2Vpc",
            "Id": "arn:aws:ec2:%s:%s:vpc/%s" % (REGION, ACCOUNT_ID, vpc_id),
            "Partition": "aws",
            "Region": REGION,
        }
        assert finding["Compliance"]["RelatedRequirements"] == cis_requirements(
            load()["frameworks"]
        )
        assert finding["RecordState"] == "ACTIVE"
        if kind == "healthy":
            assert finding["Compliance"]["Status"] == "PASSED"
            assert finding["Workflow"]["Status"] == "RESOLVED"
        else:
            assert finding["Compliance"]["Status"] == "FAILED"
            assert finding["Workflow"]["Status"] == "NEW"
            assert finding["Severity"]["Label"] == "MEDIUM"
    failing = found[hub_estate.vpcs["failing"]]["Description"]
    assert "delivery-failed" in failing and "log-group-missing" in failing
    assert "missing" in found[hub_estate.vpcs["bare"]]["Description"]
    assert "traffic-type" in found[hub_estate.vpcs["accept_only"]]["Description"]
    requirements = found[hub_estate.vpcs["bare"]]["Compliance"]["RelatedRequirements"]
    assert "CIS AWS Foundations Benchmark v1.4.0/3.9" in requirements
    assert "CIS AWS Foundations Benchmark v5.0.0/3.7" in requirements
    assert "CIS AWS Foundations Benchmark v6.0.0/4.7" in requirements
    tags = [
        t["Key"] for v in emulator.client("ec2").describe_vpcs()["Vpcs"] for t in v.get("Tags", ())
    ]
    assert not [k for k in tags if k.startswith("c7n:FindingId")]


def test_after_remediation_the_same_findings_turn_passed_and_resolved(
    emulator, hub_estate, cli, tmp_path
):
    assert post(cli, tmp_path / "before").returncode == 0
    before = findings_by_vpc(emulator)
    enabled = custodian_run(cli, tmp_path / "enable", ENABLE_POLICY, regions=(REGION,))
    assert enabled.returncode == 0, enabled.stderr[-3000:]

    with recording(emulator) as recorder:
        assert post(cli, tmp_path / "after").returncode == 0
    after = findings_by_vpc(emulator)

    assert {f["Id"] for f in after.values()} == {f["Id"] for f in before.values()}
    assert len(emulator.client("securityhub").get_findings()["Findings"]) == len(before)
    for vpc_id, finding in after.items():
        assert finding["Compliance"]["Status"] == "PASSED", vpc_id
        assert finding["Workflow"]["Status"] == "RESOLVED", vpc_id
        assert finding["CreatedAt"] == before[vpc_id]["CreatedAt"]
    imports = [c for c in recorder.calls() if c.operation == "BatchImportFindings"]
    assert len(imports) == 1


def test_a_deleted_vpc_has_its_finding_archived(emulator, hub_estate, cli, tmp_path):
    assert post(cli, tmp_path / "first").returncode == 0
    gone = hub_estate.vpcs["bare"]
    emulator.client("ec2").delete_vpc(VpcId=gone)

    assert post(cli, tmp_path / "second").returncode == 0

    found = findings_by_vpc(emulator)
    assert found[gone]["RecordState"] == "ARCHIVED"
    assert {v for v, f in found.items() if f["RecordState"] == "ACTIVE"} == (
        set(hub_estate.vpcs.values()) - {gone}
    )


def test_findings_are_imported_a_hundred_per_call(emulator, cli, tmp_path):
    emulator.client("securityhub").enable_security_hub()
    ec2 = emulator.client("ec2")
    for i in range(149):  # with the default VPC: 150 VPCs
        ec2.create_vpc(CidrBlock="10.%d.0.0/16" % i)

    with recording(emulator) as recorder:
        proc = post(cli, tmp_path / "out")

    assert proc.returncode == 0, proc.stderr[-3000:]
    imports = [c for c in recorder.calls() if c.operation == "BatchImportFindings"]
    assert len(imports) == math.ceil(150 / 100)
    assert [len(c.params["Findings"]) for c in imports] == [100, 50]
    assert len(findings_by_vpc(emulator)) == 150


def test_refused_findings_are_named_and_fail_the_run(
    emulator, hub_estate, fault_proxy, cli, tmp_path
):
    refused = hub_estate.vpcs["accept_only"]

    def refuse_one(call, body):
        if call.operation != "BatchImportFindings":
            return body
        answer = json.loads(body)
        answer["SuccessCount"] -= 1
        answer["FailedCount"] = 1
        answer["FailedFindings"] = [
            {
                "Id": finding_id("aws", REGION, ACCOUNT_ID, refused),
                "ErrorCode": "InvalidInput",
                "ErrorMessage": "Finding does not adhere to ASFF",
            }
        ]
        return json.dumps(answer).encode()

    fault_proxy.rewrites.append(refuse_one)

    proc = post(cli, tmp_path / "out")

    assert proc.returncode != 0
    named = [
        line for line in proc.stderr.splitlines() if refused in line and "InvalidInput" in line
    ]
    assert named, proc.stderr[-3000:]
    assert "Security Hub refused 1 of 5 findings" in proc.stderr
