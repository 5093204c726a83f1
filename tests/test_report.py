"""`c7n-vpcflow report` on real output trees of `custodian run` and `c7n-org run`."""

import csv
import io
import json
import os
import re

import pytest
import yaml

from support.constants import ROOT, policy_path
from support.e2e import custodian_run
from support.estate import seed_region

pytestmark = pytest.mark.emulator

KINDS = ("bare", "healthy", "accept_only", "failing", "default")
# What seed_region's KINDS give: 5 VPCs, 4 non-compliant.
EXPECTED_REASONS = {"missing": 2, "traffic-type": 1, "delivery-failed": 1, "log-group-missing": 1}


def report(cli, out_dir, fmt=None, code=1):
    """The report's text; its exit code must be `code` (1: VPCs remain non-compliant)."""
    args = ["report", out_dir] + (["--format", fmt] if fmt else [])
    completed = cli("c7n-vpcflow", *args)
    assert completed.returncode == code, completed.stderr
    return completed.stdout


def json_report(cli, out_dir):
    return json.loads(report(cli, out_dir, "json"))


def test_single_region_audit_tree_reports_vpcs_and_reasons(emulator, cli, tmp_path):
    seed_region(emulator, "us-east-1", kinds=KINDS)
    out = tmp_path / "out"
    ran = custodian_run(cli, out, policy_path("vpc-flow-logs-audit.yml"), regions=("us-east-1",))
    assert ran.returncode == 0, ran.stderr

    data = json_report(cli, out)
    [row] = data["accounts"]
    assert (row["account-id"], row["region"]) == ("123456789012", "us-east-1")
    assert row["judged"] is True and row["cause"] is None
    assert row["judged-at"].startswith("20")
    assert (row["vpcs"], row["compliant"], row["non-compliant"]) == (5, 1, 4)
    assert row["reasons"] == EXPECTED_REASONS
    assert row["managed-by"] == {"other": 3}  # the seeded flow logs are nobody's we know
    assert (row["fixed"], row["failed"]) == (0, 0)

    markdown = report(cli, out)
    lines = markdown.splitlines()
    assert lines[0].split("|")[1].strip() == "Account"
    cells = [c.strip() for c in lines[2].split("|")[1:-1]]
    assert (
        cells
        == [
            "123456789012",
            "us-east-1",
            "5",
            "1",
            "0",
            "4",
            "missing 2, delivery-failed 1, traffic-type 1, log-group-missing 1",
            "other 3",
            "0",
            "0",
            "-",  # Locked until: a local file has none
            row["judged-at"][:19].replace("T", " ") + " UTC",
        ]
    )
    table, said = lines[: lines.index("")], lines[lines.index("") + 1 :]
    assert table[-1].startswith("| TOTAL ")
    assert len({len(line) for line in table}) == 1  # aligned for a terminal
    # The emulator's VPCs have no network interface: each non-compliant one is unused.
    assert said[0] == "Unused (no network interface: delete rather than log):"
    assert len([line for line in said if line.startswith("- vpc-")]) == 4
    assert said[-1] == (
        "Counted: verdicts judged at least as strictly as CIS 3.7 (--profile "
        "cis), at most 48h old (--max-age); exemptions applied: an exempt VPC "
        "is counted apart and fails no gate."
    )


def test_multi_region_enable_tree_counts_fixed_and_names_failures(emulator, cli, tmp_path):
    for region in ("us-east-1", "eu-west-1"):
        seed_region(emulator, region, kinds=KINDS, at_limit=(region == "eu-west-1"))
    out = tmp_path / "out"
    ran = custodian_run(
        cli,
        out,
        policy_path("vpc-flow-logs-enable.yml"),
        regions=(
            "us-east-1",
            "eu-west-1",
        ),
    )
    assert ran.returncode != 0  # the VPC at the flow-log limit cannot be fixed

    data = json_report(cli, out)
    rows = {r["region"]: r for r in data["accounts"]}
    assert set(rows) == {"us-east-1", "eu-west-1"}
    assert (rows["us-east-1"]["non-compliant"], rows["us-east-1"]["fixed"]) == (4, 4)
    assert (
        rows["eu-west-1"]["non-compliant"],
        rows["eu-west-1"]["fixed"],
        rows["eu-west-1"]["failed"],
    ) == (5, 4, 1)
    [failure] = rows["eu-west-1"]["failures"]
    assert "limit" in failure["error"]
    total = data["total"]
    assert (total["vpcs"], total["non-compliant"], total["fixed"], total["failed"]) == (11, 9, 8, 1)
    assert total["reasons"]["traffic-type"] == 3

    markdown = report(cli, out)
    assert "Failed:" in markdown and failure["vpc-id"] in markdown


def test_c7n_org_tree_reports_every_account_by_name_in_csv(emulator, cli, tmp_path):
    with open(os.path.join(ROOT, "accounts.yml")) as f:
        accounts = yaml.safe_load(f)["accounts"]
    for account in accounts:
        for region in account["regions"]:
            seed_region(emulator, region, kinds=KINDS, account_id=account["account_id"])
    out = tmp_path / "out"
    ran = cli(
        "c7n-org",
        "run",
        "-c",
        os.path.join(ROOT, "accounts.yml"),
        "-s",
        out,
        "-u",
        policy_path("vpc-flow-logs-audit.yml"),
        "--cache-period",
        "0",
    )
    assert ran.returncode == 0, ran.stderr

    rows = list(csv.DictReader(io.StringIO(report(cli, out, "csv"))))
    *per_region, total = rows
    assert {(r["account_name"], r["account_id"], r["region"]) for r in per_region} == {
        (a["name"], a["account_id"], region) for a in accounts for region in a["regions"]
    }
    for row in per_region:
        assert (row["vpcs"], row["non_compliant"], row["missing"], row["traffic_type"]) == (
            "5",
            "4",
            "2",
            "1",
        )
    assert (total["account_name"], total["vpcs"], total["non_compliant"]) == ("TOTAL", "30", "24")


def test_report_on_a_tree_without_policy_output_says_nothing_was_judged(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    completed = cli("c7n-vpcflow", "report", tmp_path / "empty")
    assert completed.returncode == 3
    assert "nothing was judged" in completed.stderr
    missing = cli("c7n-vpcflow", "report", tmp_path / "nope")
    assert missing.returncode == 2 and "not a directory" in missing.stderr


def test_an_account_name_with_a_pipe_keeps_the_markdown_table_whole(cli, tmp_path):
    (tmp_path / "out").mkdir()
    accounts = tmp_path / "accounts.yml"
    accounts.write_text(
        yaml.safe_dump(
            {
                "accounts": [
                    {
                        "name": "prod|eu \\ edge",
                        "account_id": "111111111111",
                        "regions": ["us-east-1"],
                    }
                ]
            }
        )
    )

    shown = cli("c7n-vpcflow", "report", tmp_path / "out", "-c", accounts)

    assert shown.returncode == 3
    lines = shown.stdout.splitlines()
    table = lines[: lines.index("")]
    cells = [re.split(r"(?<!\\)\|", line) for line in table]
    assert {len(line) for line in cells} == {14}  # 12 columns in every line
    assert cells[2][1].strip() == r"prod\|eu \\ edge (111111111111)"
