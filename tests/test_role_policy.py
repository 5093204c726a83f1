"""How an existing delivery role's documents are judged: the trust whole, the policies for
the one question that matters (may flow logs write into this log group?)."""

import json
from urllib.parse import quote

import pytest

from c7n_vpcflow.remediation.role_policy import delivery_gaps, delivery_policy, trust_verdict
from support.constants import ACCOUNT_ID

SERVICE = {
    "Effect": "Allow",
    "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
    "Action": "sts:AssumeRole",
}
GUARDED = dict(
    SERVICE,
    Condition={
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
        "ArnLike": {"aws:SourceArn": "arn:aws:ec2:*:%s:vpc-flow-log/*" % ACCOUNT_ID},
    },
)


def trust(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize(
    "document, problem",
    [
        (
            trust(SERVICE, {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}),
            "also lets AWS * assume it",
        ),
        (
            trust(
                dict(
                    SERVICE,
                    Principal={"Service": ["vpc-flow-logs.amazonaws.com", "ec2.amazonaws.com"]},
                )
            ),
            "also lets ec2.amazonaws.com assume it",
        ),
        (
            trust(
                SERVICE,
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                },
            ),
            "also lets Federated cognito-identity.amazonaws.com assume it",
        ),
        (
            trust(
                SERVICE,
                {
                    "Effect": "Allow",
                    "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                    "Action": "sts:*",
                },
            ),
            "everyone but",
        ),
        (
            trust(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ),
            "does not allow vpc-flow-logs.amazonaws.com to assume it (it trusts ec2.amazonaws.com)",
        ),
        (
            trust(dict(GUARDED, Condition={"StringEquals": {"aws:SourceAccount": "999999999999"}})),
            "limits aws:SourceAccount to 999999999999",
        ),
    ],
)
def test_a_trust_admitting_anyone_else_or_not_the_service_is_a_problem(document, problem):
    found, warning = trust_verdict(document, ACCOUNT_ID)
    assert problem in found and warning is None


def test_a_deny_for_someone_else_is_no_problem_and_guarded_service_trust_is_clean():
    deny = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    assert trust_verdict(quote(json.dumps(trust(GUARDED, deny))), ACCOUNT_ID) == (None, None)


def test_service_trust_without_one_confused_deputy_condition_is_a_warning():
    only_account = dict(SERVICE, Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}})
    problem, warning = trust_verdict(trust(only_account), ACCOUNT_ID)
    assert problem is None and "no aws:SourceArn condition" in warning


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize(
    "documents, gaps",
    [
        ([delivery_policy(ACCOUNT_ID, "aws", "/vpc/flow-logs/")], []),
        (
            [delivery_policy(ACCOUNT_ID, "aws", "/network/")],
            ["logs:CreateLogStream", "logs:PutLogEvents"],
        ),
        ([policy({"Effect": "Allow", "Action": "logs:*", "Resource": "*"})], []),
        (
            [
                policy({"Effect": "Allow", "Action": "logs:*", "Resource": "*"}),
                policy({"Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": "*"}),
            ],
            ["logs:PutLogEvents"],
        ),
        (
            [
                policy(
                    {
                        "Effect": "Allow",
                        "NotAction": "iam:*",
                        "NotResource": "arn:aws:logs:*:*:log-group:/secret/*",
                    }
                )
            ],
            [],
        ),
        (
            [
                policy(
                    {
                        "Effect": "Allow",
                        "Action": "logs:CreateLogStream",
                        "Resource": "arn:aws:logs:us-east-1:%s:log-group:/vpc/flow-logs/vpc-1:*"
                        % ACCOUNT_ID,
                    }
                )
            ],
            ["logs:PutLogEvents"],
        ),
    ],
)
def test_what_a_role_lacks_to_deliver_into_a_log_group(documents, gaps):
    assert delivery_gaps(documents, ACCOUNT_ID, "aws", "us-east-1", "/vpc/flow-logs/vpc-1") == gaps
