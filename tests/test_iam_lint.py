"""parliament (a third-party IAM linter) finds nothing in any policy we ship or write.

Linted: every policy document of every template under iam/ (the evidence bucket's policy
too; both branches of its conditions taken: the optional ExternalId, the Lambda deployment
and the telemetry-rule statements), and every document the code generates (the delivery
role's trust, its policy on one prefix and widened to two, which is also the permissions
boundary). Only the known false alarms below are let through.
"""

import glob
import json
import os

import botocore.session
import pytest
from parliament import analyze_policy_string

from c7n_vpcflow.remediation.role_policy import delivery_policy, trust_policy
from support.cloudformation import load_template, resolve
from support.constants import OTHER_ACCOUNT_ID, ROOT

PARAMETERS = {
    "AWS::AccountId": OTHER_ACCOUNT_ID,
    "AWS::Partition": "aws",
    "DeliveryRoleName": "vpc-flow-logs-delivery",
    "LogGroupPrefix": "/vpc/flow-logs/",
    "TrustedAccountId": "111122223333",
    "ExternalId": "c7n-org-external-id",
    "AWS::NoValue": None,
    "EvidenceBucket": "org-c7n-vpcflow-evidence",
    "TelemetryRuleName": "c7n-vpcflow-vpc-flow-logs",
    "ExemptionRegister": "org-exemptions/cis/exemptions.yml",
    # iam/evidence-bucket.yml (Bucket: its Ref, the bucket's name)
    "OrganizationId": "o-exampleorgid",
    "RetentionDays": 400,
    "Bucket": "org-c7n-vpcflow-evidence",
}


# The operations botocore models of the services whose newer actions parliament's database
# lacks: CloudWatch Observability Admin (telemetry rules) and CloudWatch Logs
# (PutLogGroupDeletionProtection, for enable-flow-logs' deletion-protection).
NEWER_THAN_PARLIAMENT = {
    service: frozenset(botocore.session.get_session().get_service_model(service).operation_names)
    for service in ("observabilityadmin", "logs")
}


def false_alarm(finding, document):
    """parliament's four known false alarms, each judged on the finding itself."""
    # Trust policies name a Principal and have no Resource, by definition.
    if finding.issue == "MALFORMED" and "neither Resource nor NotResource" in str(finding.detail):
        return all("Principal" in s for s in document["Statement"])
    # AWS authorizes DescribeLogGroups against the account's whole listing (log-group:*);
    # parliament's database gives the action no resource type, so it wants "*".
    if finding.issue == "RESOURCE_MISMATCH":
        return [d["action"] for d in finding.detail] == ["logs:DescribeLogGroups"]
    # AWS managed policies live in the account "aws" (arn:aws:iam::aws:policy/...): reading
    # them is how a role holding e.g. CloudWatchLogsFullAccess is judged.
    if finding.issue == "INVALID_ARN":
        return "INVALID_ARN" not in issues(without_aws_managed_policies(document))
    # parliament's database predates telemetry rules and log-group deletion protection: an
    # observabilityadmin or logs action it does not know passes when it is an operation of
    # that service as botocore models it, nothing else.
    if finding.issue == "UNKNOWN_ACTION":
        service, _, operation = finding.location["string"].partition(":")
        return operation in NEWER_THAN_PARLIAMENT.get(service, ())
    return False


def issues(document):
    return [f.issue for f in analyze_policy_string(json.dumps(document)).findings]


def without_aws_managed_policies(document):
    def keep(resource):
        return ":iam::aws:policy/" not in resource

    statements = []
    for statement in document["Statement"]:
        resources = statement.get("Resource")
        if isinstance(resources, list):
            statement = dict(statement, Resource=[r for r in resources if keep(r)])
        statements.append(statement)
    return dict(document, Statement=statements)


def take_every_branch(value):
    """CloudFormation data with each Fn::If replaced by its 'true' branch."""
    if isinstance(value, list):
        return [take_every_branch(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"Fn::If"}:
            return take_every_branch(value["Fn::If"][1])
        return {k: take_every_branch(v) for k, v in value.items()}
    return value


# The resource types whose policy documents are linted.
POLICY_TYPES = ("AWS::IAM::Role", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy")


def policy_templates():
    """The templates under iam/ that declare a role or a policy (audit-manager.yml: none)."""
    return [
        path
        for path in sorted(glob.glob(os.path.join(ROOT, "iam", "*.yml")))
        if any(r["Type"] in POLICY_TYPES for r in load_template(path)["Resources"].values())
    ]


def template_documents():
    for path in policy_templates():
        resources = take_every_branch(load_template(path)["Resources"])
        for logical_id, resource in resolve(resources, PARAMETERS).items():
            properties = resource["Properties"]
            where = "%s %s" % (os.path.basename(path), logical_id)
            if "AssumeRolePolicyDocument" in properties:
                yield where + " trust", properties["AssumeRolePolicyDocument"]
            for policy in properties.get("Policies", ()):
                yield "%s %s" % (where, policy["PolicyName"]), policy["PolicyDocument"]
            if resource["Type"] in ("AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy"):
                yield where, properties["PolicyDocument"]


DOCUMENTS = list(template_documents()) + [
    ("generated trust policy", trust_policy(OTHER_ACCOUNT_ID, "aws")),
    (
        "generated delivery policy / boundary",
        delivery_policy(OTHER_ACCOUNT_ID, "aws", "/vpc/flow-logs/"),
    ),
    (
        "generated delivery policy, widened",
        delivery_policy(OTHER_ACCOUNT_ID, "aws", ["/vpc/flow-logs/", "/network/flows/"]),
    ),
]


def test_every_template_document_is_linted():
    linted = {where.split(" ")[0] for where, _ in DOCUMENTS}
    assert linted == {os.path.basename(p) for p in policy_templates()} | {"generated"}
    # Only the Audit Manager template declares no role or policy.
    assert {os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "iam", "*.yml"))} - {
        os.path.basename(p) for p in policy_templates()
    } == {"audit-manager.yml"}
    assert any("lambda-deployment" in where for where, _ in DOCUMENTS)
    assert {"c7n-vpcflow-telemetry-rules-audit", "c7n-vpcflow-telemetry-rule"} <= {
        where.split(" ")[-1] for where, _ in DOCUMENTS
    }


@pytest.mark.parametrize("where, document", DOCUMENTS, ids=[w for w, _ in DOCUMENTS])
def test_parliament_finds_nothing_but_its_known_false_alarms(where, document):
    findings = analyze_policy_string(json.dumps(document)).findings
    real = ["%s: %s" % (f.issue, f.detail) for f in findings if not false_alarm(f, document)]
    assert real == [], where
