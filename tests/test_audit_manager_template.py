"""iam/audit-manager.yml and iam/audit-manager-control.json: the Audit Manager framework and
its custom control, whose evidence is the shipped Config rule policy's rule."""

import json
import os
import re
import subprocess
import sys

import botocore.session
import yaml
from botocore.validate import validate_parameters
from c7n.config import Config
from c7n.mu import PolicyLambda
from c7n.policy import Policy
from c7n.resources import load_resources

from support.cloudformation import load_template
from support.constants import ROOT, policy_path

TEMPLATE = os.path.join(ROOT, "iam", "audit-manager.yml")
CONTROL = os.path.join(ROOT, "iam", "audit-manager-control.json")
AUDITMANAGER = botocore.session.get_session().get_service_model("auditmanager")


def shipped_rule_name():
    """The Config rule Custodian creates for policies/vpc-flow-logs-config-rule.yml: its
    Lambda function's name."""
    load_resources(("aws.vpc",))
    with open(policy_path("vpc-flow-logs-config-rule.yml")) as f:
        [data] = yaml.safe_load(f)["policies"]
    return PolicyLambda(Policy(data, Config.empty(region="us-east-1"))).name


def control():
    with open(CONTROL) as f:
        return json.load(f)


def test_the_template_is_cfn_lint_clean():
    linted = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "cfn-lint"), TEMPLATE],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_framework_holds_the_control_given_and_names_the_rule():
    template = load_template(TEMPLATE)
    [framework] = template["Resources"].values()
    assert framework["Type"] == "AWS::AuditManager::AssessmentFramework"
    properties = framework["Properties"]
    assert properties["Name"] == "CIS AWS Foundations 3.7 / 4.7 — VPC flow logs"
    assert properties["ControlSets"][0]["Controls"] == [{"Id": {"Ref": "ControlId"}}]
    assert "${ConfigRuleName}" in properties["Description"]["Fn::Sub"]
    assert template["Parameters"]["ConfigRuleName"]["Default"] == shipped_rule_name()


def test_the_control_is_a_valid_create_control_request():
    request = control()
    validate_parameters(request, AUDITMANAGER.operation_model("CreateControl").input_shape)
    keyword_shape = (
        AUDITMANAGER.operation_model("CreateControl")
        .input_shape.members["controlMappingSources"]
        .member.members["sourceKeyword"]
        .members["keywordValue"]
    )
    [source] = request["controlMappingSources"]
    assert re.fullmatch(keyword_shape.metadata["pattern"], source["sourceKeyword"]["keywordValue"])


def test_the_control_takes_its_evidence_from_the_shipped_rule():
    [source] = control()["controlMappingSources"]
    assert source["sourceType"] == "AWS_Config"
    assert source["sourceKeyword"] == {
        "keywordInputType": "SELECT_FROM_LIST",
        "keywordValue": "Custom_" + shipped_rule_name(),
    }
