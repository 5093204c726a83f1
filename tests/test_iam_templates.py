"""The IAM templates under iam/: valid CloudFormation, and in step with the code."""

import glob
import os
import re
import subprocess
import sys

import pytest
import yaml
from c7n.config import Config
from c7n.policy import Policy
from c7n.resources import load_resources

from c7n_vpcflow.cli import deploy_permissions
from c7n_vpcflow.remediation.role_policy import BOUNDARY_NAME, delivery_policy, trust_policy
from support.cloudformation import actions, load_template, resolve, statements
from support.constants import OTHER_ACCOUNT_ID, ROOT, policy_path

TEMPLATES = sorted(glob.glob(os.path.join(ROOT, "iam", "*.yml")))
PARAMETERS = {
    "AWS::AccountId": OTHER_ACCOUNT_ID,
    "AWS::Partition": "aws",
    "DeliveryRoleName": "vpc-flow-logs-delivery",
    "LogGroupPrefix": "/vpc/flow-logs/",
    "TrustedAccountId": "111122223333",
    "ExternalId": "",
    "AWS::NoValue": None,
    "EvidenceBucket": "org-c7n-vpcflow-evidence",
    "TelemetryRuleName": "c7n-vpcflow-vpc-flow-logs",
    "ExemptionRegister": "org-exemptions/cis/exemptions.yml",
}
TELEMETRY_RULE_POLICIES = "vpc-flow-logs-telemetry-rule.yml"
LAMBDA_POLICIES = (
    "vpc-flow-logs-periodic.yml",
    "vpc-flow-logs-on-create.yml",
    "vpc-flow-logs-config-rule.yml",
)


def declared(policy_file):
    """{policy name: what Custodian says it needs (resource, filters and actions) and what
    its execution mode declares (Custodian's Policy.get_permissions leaves the mode out)}."""
    load_resources(("aws.vpc", "aws.account"))
    with open(policy_path(policy_file)) as f:
        documents = yaml.safe_load(f)["policies"]
    config = Config.empty(region="us-east-1", account_id=OTHER_ACCOUNT_ID)
    policies = [Policy(data, config) for data in documents]
    return {
        p.name: set(p.get_permissions()) | set(p.get_execution_mode().get_permissions())
        for p in policies
    }


def declared_permissions(*policy_files):
    """What Custodian says the shipped policies need, all together."""
    return set().union(*(needed for name in policy_files for needed in declared(name).values()))


def allowed(role_resource, policy_name):
    return [s for s in statements(role_resource, policy_name) if s["Effect"] == "Allow"]


def role(template_name, logical_id):
    return load_template(os.path.join(ROOT, "iam", template_name))["Resources"][logical_id]


def test_cfn_lint_passes():
    linted = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "cfn-lint"), *TEMPLATES],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


@pytest.mark.parametrize("template", TEMPLATES, ids=os.path.basename)
def test_templates_are_stackset_ready(template):
    with open(template) as f:
        text = f.read()
    # No account baked in: every account id comes from a parameter or AWS::AccountId.
    assert not re.search(r"\b\d{12}\b", text)
    # Every ARN built with the partition (audit-manager.yml builds none).
    assert "arn:aws:" not in text and ("arn:" not in text or "${AWS::Partition}" in text)


def test_runner_grants_exactly_what_the_shipped_policies_declare():
    runner = role("runner-role.yml", "RunnerRole")
    assert runner["Properties"]["RoleName"] == "c7n-vpcflow-runner"
    granted = actions(allowed(runner, "c7n-vpcflow"))
    assert granted == declared_permissions(
        "vpc-flow-logs-audit.yml",
        "vpc-flow-logs-enable.yml",
        "vpc-flow-logs-enable-s3.yml",
        "vpc-flow-logs-securityhub.yml",
        "vpc-flow-logs-cost.yml",
    )


def holds(condition, conditions, parameters):
    """A CloudFormation condition (Fn::Equals, Fn::Not, Condition) for `parameters`."""
    [(function, arguments)] = condition.items()
    if function == "Condition":
        return holds(conditions[arguments], conditions, parameters)
    if function == "Fn::Not":
        return not holds(arguments[0], conditions, parameters)
    assert function == "Fn::Equals", function
    return resolve(arguments[0], parameters) == resolve(arguments[1], parameters)


def runner_policies(**chosen):
    """{inline policy name: statements} of the runner role deployed with the parameters
    `chosen` (PARAMETERS and the template's defaults for the others)."""
    template = load_template(os.path.join(ROOT, "iam", "runner-role.yml"))
    parameters = {
        name: p["Default"] for name, p in template["Parameters"].items() if "Default" in p
    }
    parameters.update(PARAMETERS, **chosen)
    deployed = {}
    for policy in template["Resources"]["RunnerRole"]["Properties"]["Policies"]:
        if "Fn::If" in policy:
            condition, if_true, if_false = policy["Fn::If"]
            policy = (
                if_true
                if holds(template["Conditions"][condition], template["Conditions"], parameters)
                else if_false
            )
        policy = resolve(policy, parameters)
        if policy is not None:
            deployed[policy["PolicyName"]] = policy["PolicyDocument"]["Statement"]
    return deployed


def test_runner_reads_the_s3_exemption_register_named_and_nothing_else_of_s3(tmp_path):
    assert "c7n-vpcflow-exemptions" not in runner_policies(ExemptionRegister="")
    [read] = runner_policies()["c7n-vpcflow-exemptions"]
    assert read["Resource"] == "arn:aws:s3:::org-exemptions/cis/exemptions.yml"
    # Exactly what an audit reading that object, at a pinned version, declares.
    policy = tmp_path / "audit.yml"
    policy.write_text(
        yaml.safe_dump(
            {
                "policies": [
                    {
                        "name": "audit",
                        "resource": "aws.vpc",
                        "filters": [
                            {
                                "type": "flow-log-compliance",
                                "exemptions": "s3://org-exemptions/cis/exemptions.yml?versionId=v1",
                            }
                        ],
                    }
                ]
            }
        )
    )
    assert actions([read]) == {a for a in declared(str(policy))["audit"] if a.startswith("s3:")}


def test_runner_grants_telemetry_rules_nothing_unless_asked():
    for statements_ in runner_policies().values():
        assert not {a for a in actions(statements_) if a.startswith("observabilityadmin:")}
    assert "iam:ListAccountAliases" not in set().union(
        *(actions(s) for s in runner_policies().values())
    )


def test_runner_grants_exactly_what_the_telemetry_rule_policies_declare_when_asked():
    needed = declared(TELEMETRY_RULE_POLICIES)
    plain = set(runner_policies())
    audit = runner_policies(TelemetryRules="audit")
    manage = runner_policies(TelemetryRules="manage")
    assert set(audit) - plain == {"c7n-vpcflow-telemetry-rules-audit"}
    assert (
        actions(audit["c7n-vpcflow-telemetry-rules-audit"])
        == needed["vpc-flow-logs-telemetry-rule-audit"]
    )
    added = [manage[name] for name in set(manage) - plain]
    assert len(added) == 2
    assert set().union(*map(actions, added)) == set().union(*needed.values())


def test_runner_may_write_only_its_own_telemetry_rule():
    shipped = declared(TELEMETRY_RULE_POLICIES)["vpc-flow-logs-telemetry-rule"]
    reads = declared(TELEMETRY_RULE_POLICIES)["vpc-flow-logs-telemetry-rule-audit"]
    writes = runner_policies(TelemetryRules="manage", TelemetryRuleName="ours")[
        "c7n-vpcflow-telemetry-rule"
    ]
    rule_arn = "arn:aws:observabilityadmin:*:%s:organization-telemetry-rule/" % OTHER_ACCOUNT_ID
    for statement in writes:
        assert statement["Effect"] == "Allow" and not reads & actions([statement])
        # StartTelemetryEvaluationForOrganization takes no resource type, so "*" only.
        assert statement["Resource"] in (rule_arn + "ours", "*")
        assert statement["Resource"] != "*" or actions([statement]) == {
            "observabilityadmin:StartTelemetryEvaluationForOrganization"
        }
    assert actions(writes) == shipped - reads


def test_the_telemetry_rule_name_is_the_shipped_policy_rule_name():
    template = load_template(os.path.join(ROOT, "iam", "runner-role.yml"))
    with open(policy_path(TELEMETRY_RULE_POLICIES)) as f:
        [put] = [a for p in yaml.safe_load(f)["policies"] for a in p.get("actions", ())]
    assert template["Parameters"]["TelemetryRuleName"]["Default"] == put["rule-name"]


def test_runner_is_assumable_from_the_trusted_account_only():
    runner = role("runner-role.yml", "RunnerRole")
    [trust] = runner["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert resolve(trust["Principal"], PARAMETERS) == {"AWS": "arn:aws:iam::111122223333:root"}


def test_runner_may_manage_only_the_delivery_role_and_the_prefixed_log_groups():
    runner = resolve(role("runner-role.yml", "RunnerRole"), PARAMETERS)
    by_sid = {s["Sid"]: s for s in statements(runner, "c7n-vpcflow")}
    for sid in ("UseDeliveryRole", "ManageDeliveryRoleUnderBoundary"):
        assert by_sid[sid]["Resource"] == (
            "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % OTHER_ACCOUNT_ID
        )
    assert by_sid["ManageFlowLogGroups"]["Resource"] == (
        "arn:aws:logs:*:%s:log-group:/vpc/flow-logs/*" % OTHER_ACCOUNT_ID
    )


def test_lambda_role_grants_what_the_lambda_policies_declare_plus_its_own_logs():
    lambda_role = role("lambda-role.yml", "LambdaRole")
    assert lambda_role["Properties"]["RoleName"] == "c7n-vpcflow-lambda"
    [trust] = lambda_role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    granted = actions(allowed(lambda_role, "c7n-vpcflow"))
    own_logs = {"logs:CreateLogStream", "logs:PutLogEvents"}
    assert granted == declared_permissions(*LAMBDA_POLICIES) | own_logs
    assert {"config:PutEvaluations", "config:GetComplianceDetailsByConfigRule"} <= granted


def test_runner_may_deploy_exactly_what_deploying_the_lambda_policies_calls():
    deployment = runner_policies(AllowLambdaDeployment="true")["c7n-vpcflow-lambda-deployment"]
    assert actions(deployment) == set(deploy_permissions(map(policy_path, LAMBDA_POLICIES)))
    assert "c7n-vpcflow-lambda-deployment" not in runner_policies()
    by_sid = {s["Sid"]: s for s in deployment}
    assert by_sid["PassLambdaRole"]["Resource"] == (
        "arn:aws:iam::%s:role/c7n-vpcflow-lambda" % OTHER_ACCOUNT_ID
    )
    # The functions and EventBridge rules are this pack's only; Config rules' ARNs carry
    # ids, so only the account's.
    assert by_sid["DeployPolicyFunctions"]["Resource"].endswith(
        ":function:custodian-vpc-flow-logs-*"
    )
    assert by_sid["ConfigRules"]["Resource"] == (
        "arn:aws:config:*:%s:config-rule/*" % OTHER_ACCOUNT_ID
    )


def test_delivery_role_template_is_what_enable_flow_logs_would_create():
    delivery = resolve(role("delivery-role.yml", "DeliveryRole"), PARAMETERS)
    properties = delivery["Properties"]
    assert properties["RoleName"] == "vpc-flow-logs-delivery"
    assert properties["AssumeRolePolicyDocument"] == trust_policy(OTHER_ACCOUNT_ID, "aws")
    [inline] = properties["Policies"]
    assert inline["PolicyDocument"] == delivery_policy(OTHER_ACCOUNT_ID, "aws", "/vpc/flow-logs/")


def test_the_boundary_template_is_the_delivery_policy_on_the_prefix():
    boundary = resolve(
        load_template(os.path.join(ROOT, "iam", "delivery-boundary.yml"))["Resources"][
            "DeliveryBoundary"
        ],
        PARAMETERS,
    )["Properties"]
    assert boundary["ManagedPolicyName"] == BOUNDARY_NAME
    assert boundary["PolicyDocument"] == delivery_policy(OTHER_ACCOUNT_ID, "aws", "/vpc/flow-logs/")


BOUNDARY_ARN = "arn:aws:iam::%s:policy/%s" % (OTHER_ACCOUNT_ID, BOUNDARY_NAME)
IAM_WRITES = {
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
}


@pytest.mark.parametrize(
    "template, logical_id", [("runner-role.yml", "RunnerRole"), ("lambda-role.yml", "LambdaRole")]
)
def test_the_role_may_create_and_change_the_delivery_role_only_under_the_boundary(
    template, logical_id
):
    """What whoever holds the runner (or Lambda) role can do with IAM: create the delivery
    role and put its policy only with the boundary set, never touch the boundary."""
    resolved = resolve(role(template, logical_id), PARAMETERS)
    policy = statements(resolved, "c7n-vpcflow")
    writes = [
        s
        for s in policy
        if s["Effect"] == "Allow"
        and IAM_WRITES & set(s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    ]
    assert [sorted(s["Action"]) for s in writes] == [["iam:CreateRole", "iam:PutRolePolicy"]]
    assert writes[0]["Condition"] == {"ArnEquals": {"iam:PermissionsBoundary": BOUNDARY_ARN}}
    [deny] = [s for s in policy if s["Effect"] == "Deny"]
    assert {
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:SetDefaultPolicyVersion",
        "iam:DeleteRolePermissionsBoundary",
        "iam:PutRolePermissionsBoundary",
    } <= set(deny["Action"])
    assert BOUNDARY_ARN in deny["Resource"]
