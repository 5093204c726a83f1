"""`c7n-vpcflow report` names every account-region of a stock `c7n-org run` (issue 11, item 2).

An account whose role cannot be assumed leaves only an empty custodian-run.log per region:
it is listed as not judged, with the cause. Output of a policy that uses neither our filter
nor our action is ignored, said once. With `-c accounts.yml`, every account-region of the
configuration that left no output at all is listed as not judged too.
"""

import csv
import io
import json
import os

import pytest
import yaml

from localaws.lambda_boot import create_lambda_role
from support.e2e import AUDIT_POLICY, POLICY_DIR, org_run
from support.estate import seed_region
from support.report_runs import ACCOUNTS, DENIED, deny_assume_role, report, write_accounts

pytestmark = pytest.mark.emulator

KINDS = ("bare", "healthy")


@pytest.fixture
def estate(emulator):
    for account in ACCOUNTS:
        for region in account.get("regions", ("us-east-1", "us-west-2")):
            seed_region(emulator, region, kinds=KINDS, account_id=account["account_id"])


def test_an_account_whose_role_cannot_be_assumed_is_not_judged_in_every_format(
    estate, fault_proxy, cli, tmp_path
):
    fault_proxy.rules.append(deny_assume_role)
    accounts = write_accounts(tmp_path / "accounts.yml")
    out = tmp_path / "out"
    proc, _ = org_run(cli, accounts, out, AUDIT_POLICY, "-a", "network-prod", "-a", "locked-out")
    assert "Access denied api:AssumeRole" in proc.stderr
    assert os.listdir(out / "locked-out" / "us-east-1" / "vpc-flow-logs-audit") == [
        "custodian-run.log"
    ]

    shown = report(cli, out, "json")
    assert shown.returncode == 3, shown.stderr
    rows = {(r["account-name"], r["region"]): r for r in json.loads(shown.stdout)["accounts"]}
    assert set(rows) == {
        (a, r) for a in ("network-prod", "locked-out") for r in ("us-east-1", "eu-west-1")
    }
    for region in ("us-east-1", "eu-west-1"):
        judged, locked = rows["network-prod", region], rows["locked-out", region]
        assert (judged["judged"], judged["vpcs"], judged["non-compliant"]) == (True, 3, 2)
        assert (locked["judged"], locked["vpcs"], locked["compliant"]) == (False, None, None)
        assert "metadata.json" in locked["cause"] and "role could not be assumed" in locked["cause"]
        assert locked["account-id"] == ""  # nothing in the tree says; -c does (below)

    markdown = report(cli, out, "md").stdout
    line = next(x for x in markdown.splitlines() if x.startswith("| locked-out "))
    assert "not judged" in line and " 0 " not in line.split("|")[3]
    assert "Not judged:\n- locked-out/eu-west-1: vpc-flow-logs-audit: the run stopped" in markdown

    table = list(csv.DictReader(io.StringIO(report(cli, out, "csv").stdout)))
    locked = [r for r in table if r["account_name"] == "locked-out"]
    assert [(r["judged"], r["vpcs"]) for r in locked] == [("no", "")] * 2
    assert all("role could not be assumed" in r["cause"] for r in locked)

    with_config = json.loads(report(cli, out, "json", "-c", accounts).stdout)["accounts"]
    ids = {(r["account-name"], r["region"]): r["account-id"] for r in with_config}
    assert ids["locked-out", "us-east-1"] == DENIED


def test_with_the_accounts_file_every_account_region_without_output_is_listed(
    estate, cli, tmp_path
):
    accounts = write_accounts(tmp_path / "accounts.yml")
    out = tmp_path / "out"
    assert org_run(cli, accounts, out, AUDIT_POLICY, "-a", "network-prod")[0].returncode == 0
    assert report(cli, out, "json").returncode == 1  # judged, VPCs non-compliant

    shown = report(cli, out, "json", "-c", accounts)

    assert shown.returncode == 3
    rows = {
        (r["account-name"], r["account-id"], r["region"]): r
        for r in json.loads(shown.stdout)["accounts"]
    }
    assert set(rows) == {
        ("network-prod", "111111111111", "us-east-1"),
        ("network-prod", "111111111111", "eu-west-1"),
        ("locked-out", DENIED, "us-east-1"),
        ("locked-out", DENIED, "eu-west-1"),
        ("sandbox", "333333333333", "us-east-1"),
        ("sandbox", "333333333333", "us-west-2"),
    }
    for (name, _id, _region), row in rows.items():
        assert row["judged"] is (name == "network-prod")
        if name != "network-prod":
            assert row["cause"] == "no output of this account-region in the tree"
    total = json.loads(shown.stdout)["total"]
    assert (total["judged"], total["vpcs"]) == (False, 6)
    assert total["cause"] == "4 of 6 account-regions not judged"


def test_output_of_a_policy_using_neither_is_ignored_and_said_once(estate, cli, tmp_path):
    accounts = write_accounts(tmp_path / "accounts.yml")
    policies = tmp_path / "policies.yml"
    policies.write_text(
        yaml.safe_dump(
            {
                "policies": [
                    {
                        "name": "audit-in-a-block",
                        "resource": "aws.vpc",
                        "filters": [
                            {
                                "or": [
                                    {"type": "flow-log-compliance"},
                                    {"not": [{"IsDefault": True}]},
                                ]
                            }
                        ],
                    },
                    {
                        "name": "default-vpcs",
                        "resource": "aws.vpc",
                        "filters": [{"IsDefault": True}],
                    },
                ]
            }
        )
    )
    out = tmp_path / "out"
    assert org_run(cli, accounts, out, policies, "-a", "network-prod")[0].returncode == 0
    assert (out / "network-prod" / "eu-west-1" / "default-vpcs" / "metadata.json").exists()

    shown = report(cli, out, "json")

    assert shown.returncode == 1, shown.stderr
    said = [line for line in shown.stderr.splitlines() if "default-vpcs" in line]
    assert said == [
        "c7n-vpcflow report: ignored the output of policies that use neither "
        "flow-log-compliance nor enable-flow-logs: default-vpcs (2 directories)"
    ]
    rows = json.loads(shown.stdout)["accounts"]
    assert [(r["region"], r["judged"], r["vpcs"]) for r in rows] == [
        ("eu-west-1", True, 3),
        ("us-east-1", True, 3),
    ]

    only_other = report(cli, out / "network-prod" / "eu-west-1" / "default-vpcs", "json")
    assert only_other.returncode == 3
    assert json.loads(only_other.stdout)["accounts"] == []
    assert json.loads(only_other.stdout)["total"]["cause"] == "nothing was judged"
    assert "nothing was judged" in only_other.stderr


def test_deploying_a_lambda_policy_is_not_a_run_that_judged(emulator, estate, cli, tmp_path):
    create_lambda_role(emulator.client("iam", account_id="111111111111"))
    accounts = write_accounts(tmp_path / "accounts.yml")
    # The periodic policy needs its evidence bucket's variables to be deployed at all.
    config = yaml.safe_load(accounts.read_text())
    config["vars"] = {"evidence_bucket": "org-c7n-vpcflow-evidence", "evidence_region": "us-east-1"}
    accounts.write_text(yaml.safe_dump(config))
    out = tmp_path / "out"
    periodic = os.path.join(POLICY_DIR, "vpc-flow-logs-periodic.yml")
    assert org_run(cli, accounts, out, periodic, "-a", "network-prod")[0].returncode == 0
    assert org_run(cli, accounts, out, AUDIT_POLICY, "-a", "network-prod")[0].returncode == 0

    shown = report(cli, out, "json")

    assert shown.returncode == 1, shown.stderr
    said = [line for line in shown.stderr.splitlines() if "vpc-flow-logs-periodic" in line]
    assert len(said) == 1 and "deploying Lambda policies" in said[0]
    assert all(r["judged"] for r in json.loads(shown.stdout)["accounts"])
