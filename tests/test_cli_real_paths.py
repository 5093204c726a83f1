"""Every `c7n-vpcflow` subcommand run as the installed console script, on the input a user
has: its own sessions, clients and file reading, end to end, no traceback. Each
subcommand's detailed behaviour is in its own module (test_report*, test_permissions_command,
test_telemetry_check); a subcommand added to the script must get its case here."""

import json
import re

import yaml

from support.constants import ACCOUNT_ID
from support.policy import run_policy

SUBCOMMANDS = ["permissions", "report", "telemetry-check"]


def run(cli, *args):
    shown = cli("c7n-vpcflow", *args)
    assert "Traceback" not in shown.stderr, shown.stderr
    return shown


def audit_output(filter_reasons, out):
    """The output directory of a real audit run (flight data) on the filter_reasons account."""
    run_policy(
        {"name": "audit", "resource": "aws.vpc", "filters": [{"type": "flow-log-compliance"}]},
        filter_reasons,
        out,
    )
    return out


def test_the_installed_script_offers_exactly_the_subcommands_run_here(cli):
    usage = run(cli, "--help").stdout
    assert sorted(re.search(r"\{([^}]*)\}", usage).group(1).split(",")) == SUBCOMMANDS


def test_permissions_lists_what_a_policy_file_declares_for_its_scope(cli, tmp_path):
    with open(tmp_path / "rules.yml", "w") as f:
        yaml.safe_dump(
            {
                "policies": [
                    {
                        "name": "rules",
                        "resource": "aws.account",
                        "filters": [{"type": "vpc-flow-log-telemetry-rule", "scope": "account"}],
                    }
                ]
            },
            f,
        )

    shown = run(cli, "permissions", tmp_path / "rules.yml")

    assert shown.returncode == 0
    assert shown.stdout.split() == [
        "iam:ListAccountAliases",
        "observabilityadmin:GetTelemetryEvaluationStatus",
        "observabilityadmin:GetTelemetryRule",
        "observabilityadmin:ListTelemetryRules",
    ]


def test_report_reads_an_audit_output_and_exits_1_on_non_compliant_vpcs(
    filter_reasons, cli, tmp_path
):
    out = audit_output(filter_reasons, tmp_path / "out")

    shown = run(cli, "report", out)

    assert shown.returncode == 1
    (row,) = [
        line for line in shown.stdout.splitlines() if ACCOUNT_ID in line and line.startswith("|")
    ]
    assert "us-east-1" in row
    assert shown.stderr.splitlines()[-1] == (
        "c7n-vpcflow report: exit 1: VPCs remain non-compliant or failed"
    )


def test_report_from_config_reads_an_aggregator_with_its_own_client(config_answers, cli):
    proxy = config_answers("aggregator_org")

    shown = run(
        cli, "report", "--from-config", "org-aggregator", "--max-age", "none", "--format", "json"
    )

    assert shown.returncode == 3
    assert len(json.loads(shown.stdout)["accounts"]) == 3
    [listing] = proxy.calls_of("DescribeAggregateComplianceByConfigRules")[:1]
    assert (listing.region, listing.params["ConfigurationAggregatorName"]) == (
        "us-east-1",
        "org-aggregator",
    )


def test_telemetry_check_at_account_scope_lists_this_accounts_vpcs_and_exits_0_on_agreement(
    filter_reasons, observabilityadmin_answers, cli, tmp_path
):
    out = audit_output(filter_reasons, tmp_path / "out")
    proxy = observabilityadmin_answers("telemetry_check_account")

    shown = run(cli, "telemetry-check", out, "--scope", "account")

    assert (shown.returncode, shown.stderr) == (0, "")
    assert shown.stdout == (
        "Our verdicts and AWS's resource telemetry agree on every VPC compared.\n"
    )
    (listing,) = proxy.calls_of("ListResourceTelemetry")
    assert (listing.region, listing.params) == ("us-east-1", {"ResourceTypes": ["AWS::EC2::VPC"]})
