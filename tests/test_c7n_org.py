"""The stock c7n-org runs the plugin in every worker: three accounts x two regions.

The accounts are those of the shipped accounts.yml; the emulator treats an AssumeRole
into arn:aws:iam::<id>:role/... as that account.
"""

import json
import os

import jsonschema
import pytest
import yaml
from c7n_org.cli import CONFIG_SCHEMA

from localaws.lambda_boot import create_lambda_role
from support.constants import ROOT, policy_path
from support.e2e import org_run
from support.estate import seed_region

pytestmark = pytest.mark.emulator

ACCOUNTS_FILE = os.path.join(ROOT, "accounts.yml")
KINDS = ("bare", "healthy", "accept_only", "failing", "default")
INVALID_MARKERS = ("Invalid action", "Invalid filter", "invalid policy", "is invalid", "Traceback")


def accounts():
    with open(ACCOUNTS_FILE) as f:
        return yaml.safe_load(f)["accounts"]


def org_run_valid(cli, out_dir, policy):
    """c7n-org run of a shipped policy over accounts.yml; no worker found it invalid."""
    completed, everything = org_run(cli, ACCOUNTS_FILE, out_dir, policy_path(policy))
    for marker in INVALID_MARKERS:
        assert marker not in everything, everything[-4000:]
    return completed


def lambda_role(emulator, account_id):
    create_lambda_role(emulator.client("iam", account_id=account_id))


def resources(out_dir, account, region, policy):
    with open(os.path.join(str(out_dir), account, region, policy, "resources.json")) as f:
        return {r["VpcId"]: r["c7n:flow-log-violations"] for r in json.load(f)}


@pytest.fixture
def org_estate(emulator):
    """{(account name, region): RegionEstate} for every account and region of accounts.yml."""
    return {
        (a["name"], region): seed_region(emulator, region, kinds=KINDS, account_id=a["account_id"])
        for a in accounts()
        for region in a["regions"]
    }


def test_accounts_sample_passes_c7n_orgs_schema_and_follows_the_conventions():
    with open(ACCOUNTS_FILE) as f:
        config = yaml.safe_load(f)
    jsonschema.validate(config, CONFIG_SCHEMA)
    assert len(config["accounts"]) == 3
    for account in config["accounts"]:
        assert (
            account["role"] == "arn:aws:iam::%s:role/c7n-vpcflow-runner" % (account["account_id"])
        )
        assert account["regions"] and account["tags"] and account["vars"]


def test_org_audit_then_enable_remediates_every_account_and_region(
    emulator, org_estate, cli, tmp_path
):
    audited = org_run_valid(cli, tmp_path / "audit", "vpc-flow-logs-audit.yml")
    assert audited.returncode == 0, audited.stderr[-3000:]
    for (account, region), estate in org_estate.items():
        found = resources(tmp_path / "audit", account, region, "vpc-flow-logs-audit")
        assert set(found) == set(estate.non_compliant.values()), (account, region)
        assert found[estate.vpcs["accept_only"]] == ["traffic-type"]

    enabled = org_run_valid(cli, tmp_path / "enable", "vpc-flow-logs-enable.yml")
    assert enabled.returncode == 0, enabled.stderr[-3000:]
    ids = {a["name"]: a["account_id"] for a in accounts()}
    for (account, region), estate in org_estate.items():
        flow_logs = emulator.client("ec2", region, ids[account]).describe_flow_logs()
        for kind, vpc_id in estate.vpcs.items():
            mine = [
                f
                for f in flow_logs["FlowLogs"]
                if f["ResourceId"] == vpc_id and f["LogGroupName"] == "/vpc/flow-logs/" + vpc_id
            ]
            assert len(mine) == (0 if kind == "healthy" else 1), (account, region, kind)
            for flow_log in mine:
                assert flow_log["DeliverLogsPermissionArn"] == (
                    "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % ids[account]
                )

    after = org_run_valid(cli, tmp_path / "after", "vpc-flow-logs-audit.yml")
    assert after.returncode == 0
    for account, region in org_estate:
        assert resources(tmp_path / "after", account, region, "vpc-flow-logs-audit") == {}


@pytest.mark.parametrize(
    "policy,function",
    [
        ("vpc-flow-logs-periodic.yml", "custodian-vpc-flow-logs-periodic"),
        ("vpc-flow-logs-on-create.yml", "custodian-vpc-flow-logs-on-create"),
    ],
)
def test_org_deploys_lambda_policies_into_every_account_and_region(
    emulator, cli, tmp_path, policy, function
):
    for account in accounts():
        lambda_role(emulator, account["account_id"])
    deployed = org_run_valid(cli, tmp_path / "out", policy)
    assert deployed.returncode == 0, deployed.stderr[-3000:]
    for account in accounts():
        for region in account["regions"]:
            config = emulator.client("lambda", region, account["account_id"]).get_function(
                FunctionName=function
            )["Configuration"]
            assert config["Handler"] == "c7n_vpcflow.lambda_handler.run"
            assert (
                config["Role"]
                == "arn:aws:iam::%s:role/c7n-vpcflow-lambda" % (account["account_id"])
            )
