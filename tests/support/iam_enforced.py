"""An IAM-enforcing moto server's users: the runner template's statements as a user policy,
and clients signed with a user's keys (or, for the free seeding requests, a dummy key)."""

import functools
import json
import os

import boto3

from support.cloudformation import load_template, resolve, statements
from support.constants import REGION, ROOT

PREFIX = "/vpc/flow-logs/"


@functools.lru_cache(maxsize=1)
def seeding_session():
    """The dummy key the free (unauthenticated) seeding requests are signed with."""
    return boto3.Session(
        aws_access_key_id="AKIASEEDINGONLY00000",
        aws_secret_access_key="seeding",
        region_name=REGION,
    )


def runner_statements(account_id, removed=()):
    """The runner template's c7n-vpcflow statements for `account_id`, less `removed`,
    with every Resource widened to "*" (moto matches resources against "*" only)."""
    template = load_template(os.path.join(ROOT, "iam", "runner-role.yml"))
    parameters = {
        "AWS::AccountId": account_id,
        "AWS::Partition": "aws",
        "DeliveryRoleName": "vpc-flow-logs-delivery",
        "LogGroupPrefix": PREFIX,
        "TrustedAccountId": account_id,
        "ExternalId": "",
        "AWS::NoValue": None,
    }
    granted = []
    for statement in resolve(
        statements(template["Resources"]["RunnerRole"], "c7n-vpcflow"), parameters
    ):
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        actions = [a for a in actions if a not in removed]
        if actions:
            granted.append(dict(statement, Action=actions, Resource="*"))
    return granted


def client(endpoint, service, account_id=None, key=None):
    """A client signing with `key` (an AccessKey); with the seeding dummy key otherwise."""
    if key is None:
        made = seeding_session().client(service, endpoint_url=endpoint)
    else:
        made = boto3.client(
            service,
            region_name=REGION,
            endpoint_url=endpoint,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        )
    if account_id:

        def in_account(request, **kwargs):
            request.headers["x-moto-account-id"] = account_id

        made.meta.events.register("before-sign.*.*", in_account)
    return made


def user(iam, name, statement_list):
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="c7n-vpcflow",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statement_list}),
    )
    return iam.create_access_key(UserName=name)["AccessKey"]
