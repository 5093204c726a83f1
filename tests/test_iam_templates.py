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

from c7n_vpcflow.role_policy import BOUNDARY_NAME, delivery_policy, trust_policy
from support.cloudformation import actions, load_template, resolve, statements
from support.constants import OTHER_ACCOUNT_ID, ROOT, policy_path

TEMPLATES = sorted(glob.glob(os.path.join(ROOT, "iam", "*.yml")))
PARAMETERS = {"AWS::AccountId": OTHER_ACCOUNT_ID, "AWS::Partition": "aws",
              "DeliveryRoleName": "vpc-flow-logs-delivery", "LogGroupPrefix": "/vpc/flow-logs/",
              "TrustedAccountId": "111122223333", "ExternalId": "", "AWS::NoValue": None,
              "EvidenceBucket": "org-c7n-vpcflow-evidence"}


def declared_permissions(*policy_files):
    """What Custodian says the shipped policies need (resource, filters and actions)."""
    load_resources(("aws.vpc",))
    needed = set()
    for name in policy_files:
        with open(policy_path(name)) as f:
            for data in yaml.safe_load(f)["policies"]:
                policy = Policy(data, Config.empty(region="us-east-1", account_id=OTHER_ACCOUNT_ID))
                needed |= set(policy.get_permissions())
    return needed


def allowed(role_resource, policy_name):
    return [s for s in statements(role_resource, policy_name) if s["Effect"] == "Allow"]


def role(template_name, logical_id):
    return load_template(os.path.join(ROOT, "iam", template_name))["Resources"][logical_id]


def test_cfn_lint_passes():
    linted = subprocess.run([os.path.join(os.path.dirname(sys.executable), "cfn-lint"),
                             *TEMPLATES], capture_output=True, text=True, timeout=300)
    assert linted.returncode == 0, linted.stdout + linted.stderr


@pytest.mark.parametrize("template", TEMPLATES, ids=os.path.basename)
def test_templates_are_stackset_ready(template):
    with open(template) as f:
        text = f.read()
    # No account baked in: every account id comes from a parameter or AWS::AccountId.
    assert not re.search(r"\b\d{12}\b", text)
    assert "${AWS::Partition}" in text and "arn:aws:" not in text


def test_runner_grants_exactly_what_the_shipped_policies_declare():
    runner = role("runner-role.yml", "RunnerRole")
    assert runner["Properties"]["RoleName"] == "c7n-vpcflow-runner"
    granted = actions(allowed(runner, "c7n-vpcflow"))
    assert granted == declared_permissions(
        "vpc-flow-logs-audit.yml", "vpc-flow-logs-enable.yml", "vpc-flow-logs-enable-s3.yml",
        "vpc-flow-logs-securityhub.yml")


def test_runner_is_assumable_from_the_trusted_account_only():
    runner = role("runner-role.yml", "RunnerRole")
    [trust] = runner["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert resolve(trust["Principal"], PARAMETERS) == {"AWS": "arn:aws:iam::111122223333:root"}


def test_runner_may_manage_only_the_delivery_role_and_the_prefixed_log_groups():
    runner = resolve(role("runner-role.yml", "RunnerRole"), PARAMETERS)
    by_sid = {s["Sid"]: s for s in statements(runner, "c7n-vpcflow")}
    for sid in ("UseDeliveryRole", "ManageDeliveryRoleUnderBoundary"):
        assert by_sid[sid]["Resource"] == (
            "arn:aws:iam::%s:role/vpc-flow-logs-delivery" % OTHER_ACCOUNT_ID)
    assert by_sid["ManageFlowLogGroups"]["Resource"] == (
        "arn:aws:logs:*:%s:log-group:/vpc/flow-logs/*" % OTHER_ACCOUNT_ID)


def test_lambda_role_grants_what_the_lambda_policies_declare_plus_its_own_logs():
    lambda_role = role("lambda-role.yml", "LambdaRole")
    assert lambda_role["Properties"]["RoleName"] == "c7n-vpcflow-lambda"
    [trust] = lambda_role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    granted = actions(allowed(lambda_role, "c7n-vpcflow"))
    own_logs = {"logs:CreateLogStream", "logs:PutLogEvents"}
    assert granted == declared_permissions(
        "vpc-flow-logs-periodic.yml", "vpc-flow-logs-on-create.yml") | own_logs


def test_delivery_role_template_is_what_enable_flow_logs_would_create():
    delivery = resolve(role("delivery-role.yml", "DeliveryRole"), PARAMETERS)
    properties = delivery["Properties"]
    assert properties["RoleName"] == "vpc-flow-logs-delivery"
    assert properties["AssumeRolePolicyDocument"] == trust_policy(OTHER_ACCOUNT_ID, "aws")
    [inline] = properties["Policies"]
    assert inline["PolicyDocument"] == delivery_policy(OTHER_ACCOUNT_ID, "aws", "/vpc/flow-logs/")


def test_the_boundary_template_is_the_delivery_policy_on_the_prefix():
    boundary = resolve(load_template(os.path.join(ROOT, "iam", "delivery-boundary.yml"))[
        "Resources"]["DeliveryBoundary"], PARAMETERS)["Properties"]
    assert boundary["ManagedPolicyName"] == BOUNDARY_NAME
    assert boundary["PolicyDocument"] == delivery_policy(OTHER_ACCOUNT_ID, "aws", "/vpc/flow-logs/")


BOUNDARY_ARN = "arn:aws:iam::%s:policy/%s" % (OTHER_ACCOUNT_ID, BOUNDARY_NAME)
IAM_WRITES = {"iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy",
              "iam:UpdateAssumeRolePolicy", "iam:CreatePolicy", "iam:CreatePolicyVersion",
              "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
              "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"}


@pytest.mark.parametrize("template, logical_id", [
    ("runner-role.yml", "RunnerRole"), ("lambda-role.yml", "LambdaRole")])
def test_the_role_may_create_and_change_the_delivery_role_only_under_the_boundary(
        template, logical_id):
    """What whoever holds the runner (or Lambda) role can do with IAM: create the delivery
    role and put its policy only with the boundary set, never touch the boundary."""
    resolved = resolve(role(template, logical_id), PARAMETERS)
    policy = statements(resolved, "c7n-vpcflow")
    writes = [s for s in policy if s["Effect"] == "Allow" and IAM_WRITES & set(
        s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
    assert [sorted(s["Action"]) for s in writes] == [["iam:CreateRole", "iam:PutRolePolicy"]]
    assert writes[0]["Condition"] == {"ArnEquals": {"iam:PermissionsBoundary": BOUNDARY_ARN}}
    [deny] = [s for s in policy if s["Effect"] == "Deny"]
    assert {"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion",
            "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"} <= set(
        deny["Action"])
    assert BOUNDARY_ARN in deny["Resource"]
