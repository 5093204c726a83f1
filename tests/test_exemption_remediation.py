"""enable-flow-logs respects exemptions (issue 23, item 3): an exempt VPC is left alone, as
the filter annotated it (the action never reads the register), and its result and dry-run
plan say `skipped: exempt until ...`; an expired exemption protects nothing, and tags that
look like an exemption are none."""

import json

import pytest
from test_exemption_filter import entry, write_register

from c7n_vpcflow.vocabulary import RESULT, VERDICTS_FILE
from localaws.estate import create_vpc
from support.aws import RecordingSession
from support.constants import REGION
from support.emulated import flow_logs_of, new_vpc
from support.policy import ENABLE_NAME, enable_policy, make_policy, run_policy
from support.results import read_results

pytestmark = pytest.mark.emulator


def exempting(register, **action):
    policy = enable_policy(**action)
    policy["filters"] = [{"type": "flow-log-compliance", "exemptions": register}]
    return policy


def test_an_exempt_vpc_is_left_alone_and_its_result_says_until_when(emulator, tmp_path):
    exempt, expired = new_vpc(emulator, "10.61.0.0/16"), new_vpc(emulator, "10.62.0.0/16")
    register = write_register(tmp_path / "exemptions.yml", entry(exempt, 20), entry(expired, -3))
    session = RecordingSession(REGION)
    found = {r["VpcId"]: r for r in run_policy(exempting(register), session, tmp_path / "out")}

    logged = flow_logs_of(emulator)
    assert exempt not in logged and expired in logged
    results = read_results(tmp_path / "out", ENABLE_NAME)
    until = entry(exempt, 20)["expires"]
    assert results[exempt]["status"] == "skipped"
    assert results[exempt]["reason"] == (
        "exempt until %s: vendor-managed VPC (approved by jane.doe@example.com, SEC-4411; "
        "entry 1 of the exemption register)" % until
    )
    assert found[exempt][RESULT]["status"] == "skipped"
    assert results[expired]["status"] == "created"
    # Each result carries the verdict it acted on: the exemption's fields with it.
    assert results[exempt]["verdict"]["status"] == "exempt"
    assert results[expired]["verdict"]["violations"] == ["missing", "exemption-expired"]
    # The action asked nothing of S3 and made no call naming the exempt VPC but the audit's.
    assert not [
        op
        for op in session.mentioning(exempt)
        if op not in ("ec2.DescribeFlowLogs", "ec2.DescribeNetworkInterfaces")
    ]


def test_a_dry_run_plans_an_exempt_vpc_as_skipped_until_its_date(emulator, tmp_path):
    exempt = new_vpc(emulator, "10.63.0.0/16")
    register = write_register(tmp_path / "exemptions.yml", entry(exempt, 5))
    make_policy(exempting(register), RecordingSession(REGION), tmp_path / "out", dryrun=True)()
    with open(tmp_path / "out" / ENABLE_NAME / "flow-log-plan.json") as f:
        [answer] = json.load(f)["actions"]
    plan = answer["plans"][exempt]
    assert (plan["outcome"], plan["calls"]) == ("skip", [])
    assert plan["reason"].startswith("exempt until %s: " % entry(exempt, 5)["expires"])
    assert exempt not in flow_logs_of(emulator)


# Tags anyone who may tag a VPC could write: none of them is an exemption.
EXEMPTION_LOOKALIKE_TAGS = {
    "exempt": "true",
    "exemption-expires": "2027-03-31",
    "exemption-reason": "vendor-managed VPC",
    "approved-by": "jane.doe@example.com",
    "ticket": "SEC-4411",
}


def test_tags_that_look_like_an_exemption_exempt_nothing_and_the_vpc_is_fixed(emulator, tmp_path):
    tagged = create_vpc(emulator.client("ec2", REGION), "10.64.0.0/16", EXEMPTION_LOOKALIKE_TAGS)
    listed = new_vpc(emulator, "10.65.0.0/16")
    register = write_register(tmp_path / "exemptions.yml", entry(listed, 20))

    run_policy(exempting(register), RecordingSession(REGION), tmp_path / "out")

    with open(tmp_path / "out" / ENABLE_NAME / VERDICTS_FILE) as f:
        verdicts = {v["vpc-id"]: v for v in json.load(f)["judged"]}
    assert (verdicts[tagged]["status"], verdicts[tagged]["exemption"]) == ("non-compliant", None)
    assert verdicts[tagged]["violations"] == ["missing"]
    assert verdicts[listed]["status"] == "exempt"  # the register is applied, to its VPC only
    results = read_results(tmp_path / "out", ENABLE_NAME)
    assert results[tagged]["status"] == "created"
    assert [f["TrafficType"] for f in flow_logs_of(emulator)[tagged]] == ["REJECT"]
    assert listed not in flow_logs_of(emulator)
