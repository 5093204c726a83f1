"""A run judges and changes only the account it is configured for (issue 11, item 1).

A mistyped account id in accounts.yml made every VPC look shared by another account: 0 VPCs
judged, exit 0, nothing done. Now the filter and the action confirm the account first; a
mismatch fails the policy with one error naming both ids, changes nothing, makes the stock
`c7n-org run` exit non-zero and leaves a verdict file saying the account-region was not
judged. The first of them to ask settles it for the rest of that policy run, and only that
run (issue 22).
"""

import json
import logging
import os
from collections import Counter

import pytest
import yaml

from c7n_vpcflow.account import AccountMismatch
from support.aws import RecordingSession
from support.constants import REGION, REGIONS
from support.e2e import AUDIT_POLICY, ENABLE_POLICY, org_run, recording
from support.emulated import new_vpc
from support.estate import seed_region
from support.policy import enable_policy, run_policy

REAL = "111111111111"
TYPO = "111111111199"
KINDS = ("bare", "healthy", "default")


def audit_policy():
    return {
        "name": "vpc-flow-logs-audit",
        "resource": "aws.vpc",
        "filters": [{"type": "flow-log-compliance"}],
    }


def write_accounts(path, **account):
    entry = dict({"name": "network-prod", "account_id": TYPO, "regions": list(REGIONS)}, **account)
    path.write_text(yaml.safe_dump({"accounts": [entry]}))
    return path


def verdicts(out, region, policy):
    path = os.path.join(str(out), "network-prod", region, policy, "flow-log-compliance.json")
    with open(path) as f:
        return json.load(f)


@pytest.fixture
def estate(emulator):
    return {
        region: seed_region(emulator, region, kinds=KINDS, account_id=REAL) for region in REGIONS
    }


def flow_logs(emulator):
    return {
        region: sorted(
            f["FlowLogId"]
            for f in emulator.client("ec2", region, REAL).describe_flow_logs()["FlowLogs"]
        )
        for region in REGIONS
    }


@pytest.mark.emulator
def test_a_mistyped_account_id_fails_the_org_audit_naming_both_accounts(
    emulator, estate, cli, tmp_path
):
    accounts = write_accounts(
        tmp_path / "accounts.yml", role="arn:aws:iam::%s:role/c7n-vpcflow-runner" % REAL
    )

    proc, everything = org_run(cli, accounts, tmp_path / "out", AUDIT_POLICY)

    assert proc.returncode != 0
    assert "configured for account %s" % TYPO in everything
    assert "is in account %s" % REAL in everything
    for region in REGIONS:
        found = verdicts(tmp_path / "out", region, "vpc-flow-logs-audit")
        assert found["status"] == "not-judged"
        assert TYPO in found["cause"] and REAL in found["cause"]
        assert found["judged"] == [] and found["shared"] == []
        assert (found["account-id"], found["region"]) == (TYPO, region)
        assert found["execution-id"] and found["started"]


@pytest.mark.emulator
def test_a_mistyped_account_id_makes_the_org_enable_change_nothing(emulator, estate, cli, tmp_path):
    accounts = write_accounts(
        tmp_path / "accounts.yml", role="arn:aws:iam::%s:role/c7n-vpcflow-runner" % REAL
    )
    before = flow_logs(emulator)

    with recording(emulator) as recorder:
        proc, everything = org_run(cli, accounts, tmp_path / "out", ENABLE_POLICY)

    assert proc.returncode != 0
    assert "configured for account %s" % TYPO in everything
    assert flow_logs(emulator) == before
    assert [c for c in recorder.mutating() if c != "sts.AssumeRole"] == []
    assert all(c.operation != "DescribeFlowLogs" for c in recorder.calls())


@pytest.mark.emulator
def test_without_a_role_one_caller_identity_per_account_region_settles_it(
    emulator, estate, cli, tmp_path
):
    # A profile's credentials: the emulator's own account, not the one configured.
    home = os.environ["HOME"]
    with open(os.environ["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
        f.write("[emu]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    assert os.path.dirname(os.environ["AWS_SHARED_CREDENTIALS_FILE"]) == home
    accounts = write_accounts(tmp_path / "accounts.yml", profile="emu")

    with recording(emulator) as recorder:
        proc, everything = org_run(cli, accounts, tmp_path / "out", AUDIT_POLICY)

    assert proc.returncode != 0
    assert "credentials belong to account 123456789012" in everything
    assert "configured for account %s" % TYPO in everything
    operations = Counter(c.operation for c in recorder.calls())
    assert operations["GetCallerIdentity"] == len(REGIONS)
    assert operations["DescribeFlowLogs"] == 0
    for region in REGIONS:
        assert verdicts(tmp_path / "out", region, "vpc-flow-logs-audit")["status"] == "not-judged"


@pytest.mark.emulator
def test_the_right_account_is_judged_with_no_extra_call_when_a_role_names_it(
    emulator, estate, cli, tmp_path
):
    accounts = write_accounts(
        tmp_path / "accounts.yml",
        account_id=REAL,
        role="arn:aws:iam::%s:role/c7n-vpcflow-runner" % REAL,
    )

    with recording(emulator) as recorder:
        proc, _everything = org_run(cli, accounts, tmp_path / "out", AUDIT_POLICY)

    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "GetCallerIdentity" not in {c.operation for c in recorder.calls()}
    for region, seeded in estate.items():
        found = verdicts(tmp_path / "out", region, "vpc-flow-logs-audit")
        assert found["status"] == "judged" and found["cause"] is None
        assert {v["vpc-id"] for v in found["judged"]} == set(seeded.vpcs.values())


def test_credentials_of_another_account_stop_the_filter_before_it_judges(flight_data, tmp_path):
    flight = flight_data()

    with pytest.raises(AccountMismatch) as raised:
        run_policy(audit_policy(), flight, tmp_path)

    assert "123456789012" in str(raised.value) and "444455556666" in str(raised.value)
    assert flight.operations() == ["ec2.DescribeVpcs", "sts.GetCallerIdentity"]
    with open(tmp_path / "vpc-flow-logs-audit" / "flow-log-compliance.json") as f:
        found = json.load(f)
    assert found["status"] == "not-judged" and "444455556666" in found["cause"]
    assert found["judged"] == []


def test_all_shared_vpcs_are_skipped_and_said_at_info(flight_data, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="custodian.vpcflow")
    flight = flight_data()

    assert run_policy(audit_policy(), flight, tmp_path) == []

    said = [r for r in caplog.records if "shared by other accounts" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.INFO
    assert "210987654321" in said[0].getMessage() and "310987654321" in said[0].getMessage()
    with open(tmp_path / "vpc-flow-logs-audit" / "flow-log-compliance.json") as f:
        found = json.load(f)
    assert found["status"] == "judged" and found["judged"] == []
    assert {s["owner-id"] for s in found["shared"]} == {"210987654321", "310987654321"}


def enable_with_analytics():
    policy = enable_policy()
    policy["actions"].append({"type": "flow-log-analytics", "reject-alarm": {"threshold": 50}})
    return policy


@pytest.mark.parametrize("dryrun", [False, True], ids=["run", "dry-run"])
def test_the_filter_and_every_action_of_a_policy_run_share_one_confirmation(
    emulator, tmp_path, dryrun
):
    bare = new_vpc(emulator, "10.1.0.0/16")
    session = RecordingSession(REGION)

    found = {
        v["VpcId"]: v for v in run_policy(enable_with_analytics(), session, tmp_path, dryrun=dryrun)
    }

    assert session.operations().count("sts.GetCallerIdentity") == 1
    key = "c7n:flow-log-plan" if dryrun else "c7n:flow-log-result"
    assert key in found[bare]


def test_each_policy_run_confirms_its_account_itself(emulator, tmp_path):
    session = RecordingSession(REGION)

    for _run in range(2):
        run_policy(audit_policy(), session, tmp_path)

    assert session.operations().count("sts.GetCallerIdentity") == 2
