"""The README's permission table is generated (`make docs`) from what `c7n-vpcflow permissions`
computes for each policy, so it cannot drift from the code again."""

import glob
import os
import re

import pytest

from docs.reference import (
    PERMISSIONS_BEGIN,
    PERMISSIONS_END,
    permission_table,
    refresh_permission_tables,
)
from support.constants import ROOT, policy_path

POLICY_DIR = os.path.join(ROOT, "policies")
PAGES = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))


def committed_table():
    """(page, the generated block as committed) of the one page that holds it."""
    found = []
    for page in PAGES:
        with open(page, encoding="utf-8") as f:
            text = f.read()
        if PERMISSIONS_BEGIN in text:
            block = text.split(PERMISSIONS_BEGIN, 1)[1].split(PERMISSIONS_END, 1)[0]
            found.append((page, block.strip("\n")))
    assert len(found) == 1, "one generated permission table in README.md or docs/: %s" % found
    return found[0]


def rows():
    """{policy cell: (label, [permission, ...])} of the committed table."""
    _page, block = committed_table()
    table = {}
    for line in block.splitlines()[2:]:
        label, policy, needed = [c.strip() for c in line.strip("|").split("|")]
        table[policy.split("`")[1]] = (label, re.findall(r"`([^`]+)`", needed))
    return table


def test_the_committed_table_is_what_the_policies_declare():
    page, block = committed_table()
    assert block == permission_table(POLICY_DIR), "%s: regenerate with make docs" % page


@pytest.mark.parametrize(
    "policy, adds_to",
    [
        ("vpc-flow-logs-audit.yml", ()),
        ("vpc-flow-logs-enable.yml", ("vpc-flow-logs-audit.yml",)),
        ("vpc-flow-logs-enable-s3.yml", ("vpc-flow-logs-audit.yml",)),
        ("vpc-flow-logs-cost.yml", ("vpc-flow-logs-audit.yml",)),
        ("vpc-flow-logs-securityhub.yml", ("vpc-flow-logs-audit.yml",)),
        ("vpc-flow-logs-config-rule.yml", ("vpc-flow-logs-audit.yml",)),
        ("vpc-flow-logs-telemetry-rule.yml", ()),
    ],
)
def test_a_policys_rows_hold_exactly_what_the_command_lists_for_it(cli, policy, adds_to):
    listed = cli("c7n-vpcflow", "permissions", policy_path(policy))
    assert listed.returncode == 0, listed.stderr
    table = rows()
    shown = [p for name in (policy,) + adds_to for p in table["policies/" + name][1]]
    assert sorted(shown) == listed.stdout.split()


def test_the_remediation_rows_show_delete_flow_logs_as_the_command_does():
    table = rows()
    assert "ec2:DeleteFlowLogs" in table["policies/vpc-flow-logs-enable.yml"][1]
    s3 = table["policies/vpc-flow-logs-enable-s3.yml"][1]
    assert {"ec2:DeleteFlowLogs", "logs:CreateLogDelivery", "logs:DeleteLogDelivery"} <= set(s3)


def test_rows_without_a_shipped_policy_come_from_the_documented_examples():
    table = rows()
    firehose = table["vpc-flow-logs-enable-firehose"]
    assert firehose[0] == "the remediation into Firehose instead, in addition to the audit"
    assert {"firehose:TagDeliveryStream", "iam:PassRole"} <= set(firehose[1])
    analytics = table["vpc-flow-logs-analytics"][1]
    assert {"cloudwatch:PutMetricAlarm", "logs:PutQueryDefinition"} <= set(analytics)
    assert "ec2:CreateFlowLogs" not in analytics  # the remediation's row holds it


def test_make_docs_rewrites_only_the_generated_block(tmp_path):
    stale = tmp_path / "page.md"
    stale.write_text(
        "# Page\nbefore\n%s\n| for | policy | permissions |\n| old | row | `x:Y` |\n"
        "%s\nafter\n" % (PERMISSIONS_BEGIN, PERMISSIONS_END)
    )
    untouched = tmp_path / "other.md"
    untouched.write_text("# Other\nno table here\n")
    refresh_permission_tables([stale, untouched], POLICY_DIR)
    assert stale.read_text() == "# Page\nbefore\n%s\n%s\n%s\nafter\n" % (
        PERMISSIONS_BEGIN,
        permission_table(POLICY_DIR),
        PERMISSIONS_END,
    )
    assert untouched.read_text() == "# Other\nno table here\n"
