"""`c7n-vpcflow permissions [POLICY...]` lists what the policies declare, and the runner
template grants exactly that."""

import os

import pytest
import yaml

from c7n_vpcflow import cli as command_line
from support.cloudformation import actions, load_template, statements
from support.constants import ROOT, policy_path

RUNNER_POLICIES = [
    "vpc-flow-logs-audit.yml",
    "vpc-flow-logs-enable.yml",
    "vpc-flow-logs-enable-s3.yml",
    "vpc-flow-logs-securityhub.yml",
    "vpc-flow-logs-cost.yml",
]


def listed(cli, *args):
    completed = cli("c7n-vpcflow", "permissions", *args)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.split()


def test_the_runner_template_grants_exactly_what_the_command_lists_for_its_policies(cli):
    needed = listed(cli, *[policy_path(p) for p in RUNNER_POLICIES])
    assert needed == sorted(set(needed))
    runner = load_template(os.path.join(ROOT, "iam", "runner-role.yml"))["Resources"]["RunnerRole"]
    granted = actions(s for s in statements(runner, "c7n-vpcflow") if s["Effect"] == "Allow")
    assert set(needed) == granted


def test_the_audit_needs_only_reads_and_the_remediation_passes_the_delivery_role(cli):
    audit = listed(cli, policy_path("vpc-flow-logs-audit.yml"))
    assert audit == [
        "ec2:DescribeFlowLogs",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeVpcs",
        "logs:DescribeLogGroups",
    ]
    enable = listed(cli, policy_path("vpc-flow-logs-enable.yml"))
    assert {"iam:PassRole", "iam:CreateRole", "ec2:CreateFlowLogs"} <= set(enable)
    assert "logs:CreateLogDelivery" not in enable  # S3 only
    assert "ec2:DeleteFlowLogs" in enable  # declared whatever replace-broken says


def test_an_s3_exemption_register_adds_its_read_and_a_pinned_version_its_version_read(
    cli, tmp_path
):
    def audit(location):
        path = tmp_path / "audit.yml"
        path.write_text(
            yaml.safe_dump(
                {
                    "policies": [
                        {
                            "name": "audit",
                            "resource": "aws.vpc",
                            "filters": [{"type": "flow-log-compliance", "exemptions": location}],
                        }
                    ]
                }
            )
        )
        return set(listed(cli, path))

    plain = listed(cli, policy_path("vpc-flow-logs-audit.yml"))
    assert audit("s3://org-exemptions/cis/exemptions.yml") == set(plain) | {"s3:GetObject"}
    assert audit("s3://org-exemptions/cis/exemptions.yml?versionId=3HL4kqtJlcpXroDTDmJ") == set(
        plain
    ) | {"s3:GetObject", "s3:GetObjectVersion"}
    local = tmp_path / "exemptions.yml"
    local.write_text("exemptions: []\n")
    assert audit(str(local)) == set(plain)


def test_the_telemetry_rule_policies_need_observabilityadmin_at_organization_scope(cli):
    both = listed(cli, policy_path("vpc-flow-logs-telemetry-rule.yml"))
    reads = {
        "observabilityadmin:GetTelemetryEvaluationStatusForOrganization",
        "observabilityadmin:ListTelemetryRulesForOrganization",
        "observabilityadmin:GetTelemetryRuleForOrganization",
    }
    writes = {
        "observabilityadmin:CreateTelemetryRuleForOrganization",
        "observabilityadmin:UpdateTelemetryRuleForOrganization",
        "observabilityadmin:StartTelemetryEvaluationForOrganization",
        "observabilityadmin:TagResource",
    }
    assert set(both) == reads | writes | {"iam:ListAccountAliases"}  # aws.account's own


def test_without_files_it_lists_every_permission_of_every_option(cli):
    everything = listed(cli)
    assert {
        "logs:CreateLogDelivery",
        "firehose:TagDeliveryStream",
        "iam:PassRole",
        "cloudwatch:PutMetricAlarm",
        "iam:GetPolicy",
    } <= set(everything)
    assert {
        "observabilityadmin:CreateTelemetryRuleForOrganization",
        "observabilityadmin:CreateTelemetryRule",
    } <= set(everything)  # either scope


def test_a_missing_file_is_a_usage_error(cli, tmp_path):
    completed = cli("c7n-vpcflow", "permissions", tmp_path / "nope.yml")
    assert completed.returncode == 2
    assert "nope.yml" in completed.stderr and completed.stdout == ""


def test_the_config_rule_policy_needs_the_audit_and_its_modes_evaluation_calls(cli):
    needed = listed(cli, policy_path("vpc-flow-logs-config-rule.yml"))
    assert needed == [
        "config:GetComplianceDetailsByConfigRule",
        "config:PutEvaluations",
        "ec2:DescribeFlowLogs",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeVpcs",
        "logs:DescribeLogGroups",
    ]
    assert {"config:PutEvaluations", "config:GetComplianceDetailsByConfigRule"} <= set(listed(cli))


def test_deploying_the_config_rule_policy_needs_its_function_and_its_rule(cli):
    needed = listed(cli, "--deploy", policy_path("vpc-flow-logs-config-rule.yml"))
    assert {
        "config:PutConfigRule",
        "config:DescribeConfigRules",
        "lambda:AddPermission",
        "lambda:CreateFunction",
        "iam:PassRole",
    } <= set(needed)
    assert not {a for a in needed if a.startswith("events:")}
    periodic = listed(cli, "--deploy", policy_path("vpc-flow-logs-periodic.yml"))
    assert "events:PutRule" in periodic and "config:PutConfigRule" not in periodic
    assert listed(cli, "--deploy", policy_path("vpc-flow-logs-audit.yml")) == []
    assert set(needed) | set(periodic) <= set(listed(cli, "--deploy"))


def test_deploying_a_lambda_mode_it_does_not_know_is_a_usage_error(cli, tmp_path):
    (tmp_path / "hub.yml").write_text(
        yaml.safe_dump(
            {
                "policies": [
                    {
                        "name": "hub",
                        "resource": "aws.vpc",
                        "mode": {"type": "config-rule", "role": "arn:aws:iam::123456789012:role/x"},
                    }
                ]
            }
        )
    )
    completed = cli("c7n-vpcflow", "permissions", "--deploy", tmp_path / "hub.yml")
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr.strip() == (
        "c7n-vpcflow permissions: policy hub: what deploying mode config-rule calls is not known"
    )


def policy_file(tmp_path, text):
    path = tmp_path / "policy.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, said",
    [
        (
            "policies: [{name: p, resource: aws.vpc, filters: [{type: flow-log-compliance, "
            "bogus: 1}]}]",
            "policy p: filters/0: Additional properties are not allowed ('bogus'",
        ),
        (
            "policies: [{name: p, resource: aws.vpc, filters: [{type: flow-log-cost, days: 0}]}]",
            "policy p: filters/0/days: 0 is less than the minimum of 1",
        ),
        (
            "policies: [{name: p, resource: aws.vpc, actions: [{type: enable-flow-logs, "
            "log-group-class: DELIVERY}]}]",
            "policy p: actions/0/log-group-class: 'DELIVERY' is not",
        ),
        (
            "policies: [{name: p, resource: aws.vpc, filters: [{type: flow-log-cost, "
            "prices: /nowhere/prices.json}]}]",
            "policy p: flow-log-cost: prices /nowhere/prices.json: cannot be read",
        ),
        ("policies: [{name: p, resource: aws.nothing}]", "unknown resource type aws.nothing"),
        ("policies: [{name: p}]", "policy missing required keys (name, resource)"),
        ("just a string", "top level data structure should be a mapping"),
        ("policies: [oops", "not YAML (while parsing"),
    ],
)
def test_a_policy_custodian_would_refuse_is_refused_in_one_line_naming_the_key(
    tmp_path, capsys, text, said
):
    path = policy_file(tmp_path, text)
    assert command_line.main(["permissions", str(path)]) == 2

    shown = capsys.readouterr()
    [line] = shown.err.splitlines()
    assert line.startswith("c7n-vpcflow permissions: ") and said in line, line
    assert shown.out == ""
