"""The Security Hub pack: one CIS 3.7 finding per non-compliant VPC and reason."""
import os

import pytest

from support.estate import seed_region

pytestmark = pytest.mark.emulator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICY = os.path.join(ROOT, "policies", "vpc-flow-logs-securityhub.yml")
CIS_TYPE = ("Software and Configuration Checks/Industry and Regulatory Standards/"
            "CIS AWS Foundations Benchmark")


def test_each_non_compliant_vpc_gets_a_cis_finding_naming_its_reasons(emulator, cli, tmp_path):
    emulator.client("securityhub").enable_security_hub()
    estate = seed_region(emulator, "us-east-1",
                         kinds=("bare", "healthy", "accept_only", "failing", "default"))
    ran = cli("custodian", "run", "-s", tmp_path / "out", "--cache-period", "0",
              "-r", "us-east-1", POLICY)
    assert ran.returncode == 0, ran.stderr

    findings = emulator.client("securityhub").get_findings()["Findings"]
    titles_by_vpc = {}
    for finding in findings:
        assert finding["Types"] == [CIS_TYPE]
        assert finding["Compliance"] == {"Status": "FAILED"}
        assert finding["Severity"]["Label"] == "MEDIUM"
        [resource] = finding["Resources"]
        assert resource["Type"] == "AwsEc2Vpc"
        vpc_id = resource["Id"].rsplit("/", 1)[1]
        titles_by_vpc.setdefault(vpc_id, set()).add(finding["Title"])
    prefix = "CIS AWS Foundations 3.7: VPC flow log "
    assert titles_by_vpc == {
        estate.vpcs["bare"]: {prefix + "missing"},
        estate.vpcs["default"]: {prefix + "missing"},
        estate.vpcs["accept_only"]: {prefix + "misses rejected traffic"},
        estate.vpcs["failing"]: {prefix + "delivery failing", prefix + "destination missing"},
    }
