"""The delivery role flow logs assume to write into CloudWatch Logs.

Looked up once per run. Created least-privilege when missing (and allowed); an existing
role is verified, never rewritten.
"""
import json
import re
from dataclasses import dataclass
from urllib.parse import unquote

from c7n.exceptions import ClientError

from .settings import MANAGED_BY

SERVICE_PRINCIPAL = "vpc-flow-logs.amazonaws.com"
POLICY_NAME = "vpc-flow-logs-delivery"
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
ROLE_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})$")
DELIVERY_ACTIONS = (
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogStreams",
)


class RoleError(Exception):
    """The delivery role cannot be used; the message says why and how to fix it."""


@dataclass
class RoleStatus:
    name: str
    arn: str
    exists: bool
    problem: str = None
    ours: bool = False  # created by enable-flow-logs (managed-by tag)

    @property
    def action(self):
        if self.problem:
            return "unusable"
        return "use existing" if self.exists else "create"


def parse_role(value):
    """(name, account id or None) of a role given by name or ARN; None if it is neither."""
    match = ROLE_ARN.match(value)
    if match:
        return match.group(3), match.group(2)
    if ROLE_NAME.match(value):
        return value, None
    return None


def trust_policy(account_id, partition):
    """Trust for the flow-logs service only, from this account's flow logs only."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": SERVICE_PRINCIPAL},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {
                    "aws:SourceArn": "arn:%s:ec2:*:%s:vpc-flow-log/*" % (partition, account_id)},
            },
        }],
    }


def delivery_policy(account_id, partition, log_group_prefix):
    """Write access to the log groups under the template's fixed prefix, and no more.

    DescribeLogGroups is the one exception: AWS authorizes it against the account's whole
    log-group listing (log-group:*), so a name-scoped resource would deny it; it reads names
    and settings, never log data.
    """
    groups = "arn:%s:logs:*:%s:log-group:" % (partition, account_id)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DeliverFlowLogs",
                "Effect": "Allow",
                "Action": list(DELIVERY_ACTIONS),
                "Resource": [groups + log_group_prefix + "*"],
            },
            {
                "Sid": "FindLogGroups",
                "Effect": "Allow",
                "Action": ["logs:DescribeLogGroups"],
                "Resource": [groups + "*"],
            },
        ],
    }


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def trust_problem(document, account_id):
    """Why a trust policy would stop flow-log delivery, or None if it looks right."""
    if isinstance(document, str):
        document = json.loads(unquote(document))
    trusted = set()
    for statement in _as_list(document.get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        if not {"sts:AssumeRole", "sts:*", "*"} & set(actions):
            continue
        principal = statement.get("Principal") or {}
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if SERVICE_PRINCIPAL not in services:
            trusted.update(services)
            continue
        for operator in (statement.get("Condition") or {}).values():
            accounts = _as_list(operator.get("aws:SourceAccount"))
            if accounts and account_id not in accounts:
                return "its trust policy limits aws:SourceAccount to %s, not %s" % (
                    ", ".join(accounts), account_id)
        return None
    others = " (it trusts %s)" % ", ".join(sorted(trusted)) if trusted else ""
    return "its trust policy does not allow %s to assume it%s" % (SERVICE_PRINCIPAL, others)


class DeliveryRole:
    """Resolves, verifies and when allowed creates the delivery role of one account."""

    def __init__(self, session, retry, account_id, partition, role, create, tags):
        self.iam = session.client("iam")
        self.retry = retry
        self.account_id = account_id
        self.partition = partition
        self.name, role_account = parse_role(role)
        self.foreign_account = role_account if role_account not in (None, account_id) else None
        self.create_allowed = create
        self.tags = tags

    @classmethod
    def for_settings(cls, session, retry, account_id, partition, settings):
        return cls(session, retry, account_id, partition, settings.role,
                   settings.create_role, settings.tag_map)

    def arn(self):
        return "arn:%s:iam::%s:role/%s" % (self.partition, self.account_id, self.name)

    def inspect(self):
        """RoleStatus from one GetRole call; no change is made."""
        if self.foreign_account:
            return RoleStatus(self.name, self.arn(), False, (
                "delivery role %s is in account %s; flow logs need a role in the same "
                "account (%s)" % (self.name, self.foreign_account, self.account_id)))
        try:
            role = self.retry(self.iam.get_role, RoleName=self.name)["Role"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "NoSuchEntity":
                raise
            if not self.create_allowed:
                return RoleStatus(self.name, self.arn(), False, (
                    "delivery role %s does not exist and create-role is false; create it "
                    "(trusting %s) or set create-role: true" % (self.name, SERVICE_PRINCIPAL)))
            return RoleStatus(self.name, self.arn(), False)
        problem = trust_problem(role["AssumeRolePolicyDocument"], self.account_id)
        if problem:
            problem = (
                "delivery role %s cannot be used: %s. Add a statement allowing %s to "
                "sts:AssumeRole (with aws:SourceAccount %s), or point `role` at another "
                "role; it was left unchanged" % (
                    role["Arn"], problem, SERVICE_PRINCIPAL, self.account_id))
        tags = {t["Key"]: t["Value"] for t in role.get("Tags", ())}
        return RoleStatus(self.name, role["Arn"], True, problem,
                          ours=tags.get(MANAGED_BY[0]) == MANAGED_BY[1])

    def ensure(self, log_group_prefix):
        """The ARN of a usable role, creating it if allowed; RoleError otherwise."""
        status = self.inspect()
        if status.problem:
            raise RoleError(status.problem)
        if status.exists:
            if status.ours:
                self.complete_our_role(log_group_prefix)
            return status.arn
        tags = [{"Key": k, "Value": v} for k, v in sorted(self.tags.items())]
        try:
            created = self.retry(
                self.iam.create_role,
                RoleName=self.name,
                AssumeRolePolicyDocument=json.dumps(trust_policy(self.account_id, self.partition)),
                Description="Lets VPC flow logs deliver into CloudWatch Logs (c7n-vpcflow)",
                Tags=tags)["Role"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "EntityAlreadyExists":
                raise
            # Another worker (another region of the same account) won the race.
            return self.ensure_existing()
        self.put_delivery_policy(log_group_prefix)
        return created["Arn"]

    def put_delivery_policy(self, log_group_prefix):
        self.retry(
            self.iam.put_role_policy,
            RoleName=self.name,
            PolicyName=POLICY_NAME,
            PolicyDocument=json.dumps(
                delivery_policy(self.account_id, self.partition, log_group_prefix)))

    def complete_our_role(self, log_group_prefix):
        """A role we created but whose policy never landed (e.g. PutRolePolicy was denied
        on an earlier run) gets it now; a user's role is never touched."""
        try:
            self.retry(self.iam.get_role_policy, RoleName=self.name, PolicyName=POLICY_NAME)
        except ClientError as e:
            if e.response["Error"]["Code"] != "NoSuchEntity":
                raise
            self.put_delivery_policy(log_group_prefix)

    def ensure_existing(self):
        status = self.inspect()
        if status.problem:
            raise RoleError(status.problem)
        return status.arn
