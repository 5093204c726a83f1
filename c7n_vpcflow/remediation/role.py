"""The delivery role flow logs assume to write into CloudWatch Logs.

Assessed once per run, reading only; the dry run shows that assessment and a real run
carries it out. A missing role is created least-privilege (under the permissions boundary
when there is one); a role we created is widened to a new log-group prefix; a role anybody
else made is used only where its policies let it deliver, and never changed.
"""

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from c7n.exceptions import ClientError

from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.audit.templates import render_template
from c7n_vpcflow.remediation.results import tag_list
from c7n_vpcflow.remediation.role_policy import (
    DEFAULT_BOUNDARY,
    SERVICE_PRINCIPAL,
    covered_prefixes,
    delivery_gaps,
    delivery_policy,
    trust_policy,
    trust_verdict,
)
from c7n_vpcflow.vocabulary import OUR_TAG, RoleStep

log = logging.getLogger("custodian.vpcflow")

POLICY_NAME = "vpc-flow-logs-delivery"
# What assessing the role reads: the role, its policies, and the permissions boundary.
ROLE_READS = (
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
)
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
ROLE_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})$")


class RoleError(Exception):
    """The delivery role cannot be used; the message says why and how to fix it."""


@dataclass
class RoleStatus:
    name: str
    arn: str
    exists: bool
    problem: Optional[str] = None
    ours: bool = False  # created by enable-flow-logs (managed-by tag)
    warning: Optional[str] = None  # usable, but weaker than it should be
    calls: List[str] = field(default_factory=list)
    refused: Dict[str, str] = field(default_factory=dict)  # log group -> why not there
    boundary: Optional[str] = None  # set on the role we create
    prefixes: List[str] = field(default_factory=list)  # our policy, when we write it
    covered: List[str] = field(default_factory=list)  # what our policy covers now

    @property
    def action(self):
        if self.problem:
            return RoleStep.UNUSABLE
        if not self.exists:
            return RoleStep.CREATE
        return RoleStep.WIDEN if "iam:PutRolePolicy" in self.calls else RoleStep.USE

    def refusal(self, log_group):
        """Why no flow log may deliver into `log_group` with this role, or None."""
        return self.problem or self.refused.get(log_group)


def parse_role(value):
    """(name, account id or None) of a role given by name or ARN; None if it is neither."""
    match = ROLE_ARN.match(value)
    if match:
        return match.group(3), match.group(2)
    if ROLE_NAME.match(value):
        return value, None
    return None


def _code(error):
    return error.response["Error"]["Code"]


class DeliveryRole:
    """Assesses and, when allowed, creates or widens the delivery role of one account."""

    def __init__(self, session, retry, account, settings):
        self.iam = session.client("iam")
        self.retry = retry
        self.account_id, self.region, self.partition = (
            account.account_id,
            account.region,
            account.partition,
        )
        values = account.values()
        rendered = render_template(settings.role, values, "role")
        self.name, role_account = parse_role(rendered)
        # A role given by ARN is that role, under the path it names (a role of another
        # account was refused before the run: run_settings.validate_run_account).
        self.given_arn = rendered if role_account else None
        self.create_allowed = settings.create_role
        self.tags = settings.tag_map
        boundary = settings.permissions_boundary
        self.boundary_required = boundary is not None
        self.boundary_arn = render_template(
            DEFAULT_BOUNDARY if boundary in (None, "required") else boundary,
            values,
            "permissions-boundary",
        )

    def arn(self):
        return self.given_arn or "arn:%s:iam::%s:role/%s" % (
            self.partition,
            self.account_id,
            self.name,
        )

    def path(self):
        """The role's path (IAM's default "/" unless its ARN names one)."""
        return self.arn().split(":role", 1)[1].rsplit("/", 1)[0] + "/"

    def unreadable(self, error):
        """The status of a role whose assessment failed (`error`): unusable, saying why."""
        return RoleStatus(
            self.name,
            self.arn(),
            False,
            problem=("delivery role %s could not be assessed: %s" % (self.arn(), error)),
        )

    def assess(self, prefix, log_groups):
        """RoleStatus for flow logs into `log_groups` (all under `prefix`); reads only."""
        try:
            role = self.retry(self.iam.get_role, RoleName=self.name)["Role"]
        except ClientError as e:
            if _code(e) != "NoSuchEntity":
                raise
            return self._assess_missing(prefix, log_groups)
        problem, warning = trust_verdict(role["AssumeRolePolicyDocument"], self.account_id)
        tags = {t["Key"]: t["Value"] for t in role.get("Tags", ())}
        status = RoleStatus(
            self.name,
            role["Arn"],
            True,
            ours=tags.get(OUR_TAG[0]) == OUR_TAG[1],
            warning=warning and "delivery role %s: %s" % (role["Arn"], warning),
        )
        if status.warning:
            log.warning("enable-flow-logs: %s", status.warning)
        if problem:
            status.problem = (
                "delivery role %s cannot be used: %s. Fix its trust policy or point `role` at "
                "another role; it was neither used nor changed" % (role["Arn"], problem)
            )
            return status
        if status.ours:
            self._assess_our_policy(status, prefix)
        else:
            self._refuse(status, log_groups, self._role_documents(), "its policies")
        boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        if boundary:
            self._refuse(
                status,
                log_groups,
                [self._policy_document(boundary)],
                "its permissions boundary %s" % boundary,
            )
        return status

    def _assess_missing(self, prefix, log_groups):
        status = RoleStatus(
            self.name,
            self.arn(),
            False,
            prefixes=[prefix],
            calls=["iam:CreateRole", "iam:PutRolePolicy"],
        )
        if not self.create_allowed:
            status.problem = (
                "delivery role %s does not exist and create-role is false; create it "
                "(trusting %s) or set create-role: true" % (self.name, SERVICE_PRINCIPAL)
            )
            return status
        boundary = self._boundary_document()
        if boundary is None and self.boundary_required:
            status.problem = (
                "permissions boundary %s does not exist (permissions-boundary); deploy "
                "iam/delivery-boundary.yml or name an existing policy" % self.boundary_arn
            )
        elif boundary is not None:
            status.boundary = self.boundary_arn
            self._refuse(
                status, log_groups, [boundary], "the permissions boundary %s" % self.boundary_arn
            )
        return status

    def _assess_our_policy(self, status, prefix):
        """Our role's policy is completed or widened to `prefix`, keeping what it covers."""
        try:
            document = self.retry(
                self.iam.get_role_policy, RoleName=self.name, PolicyName=POLICY_NAME
            )["PolicyDocument"]
        except ClientError as e:
            if _code(e) != "NoSuchEntity":
                raise
            status.prefixes, status.calls = [prefix], ["iam:PutRolePolicy"]
            return
        status.covered = covered_prefixes(document, self.account_id, self.partition)
        if not any(prefix.startswith(c) for c in status.covered):
            status.prefixes, status.calls = status.covered + [prefix], ["iam:PutRolePolicy"]

    def _refuse(self, status, log_groups, documents, whose):
        for group in sorted(log_groups):
            gaps = delivery_gaps(documents, self.account_id, self.partition, self.region, group)
            if gaps and group not in status.refused:
                status.refused[group] = (
                    "delivery role %s cannot deliver to log group %s: %s %s not allow %s; "
                    "no flow log was created%s"
                    % (
                        status.arn,
                        group,
                        whose,
                        "do" if whose.endswith("s") else "does",
                        " or ".join(gaps),
                        ""
                        if status.ours or not status.exists
                        else " (the role is not ours, so it was left unchanged)",
                    )
                )

    def _role_documents(self):
        documents = [
            self.retry(self.iam.get_role_policy, RoleName=self.name, PolicyName=n)["PolicyDocument"]
            for n in self._listed("list_role_policies", "PolicyNames")
        ]
        return documents + [
            self._policy_document(p["PolicyArn"])
            for p in self._listed("list_attached_role_policies", "AttachedPolicies")
        ]

    def _listed(self, operation, key):
        return paginate(self.iam, operation, key, self.retry, RoleName=self.name)

    def _policy_document(self, policy_arn):
        policy = self.retry(self.iam.get_policy, PolicyArn=policy_arn)["Policy"]
        return self.retry(
            self.iam.get_policy_version, PolicyArn=policy_arn, VersionId=policy["DefaultVersionId"]
        )["PolicyVersion"]["Document"]

    def _boundary_document(self):
        try:
            return self._policy_document(self.boundary_arn)
        except ClientError as e:
            if _code(e) != "NoSuchEntity":
                raise
            return None

    def apply(self, status, prefix, log_groups, record):
        """The ARN of the usable role of `status`, after the writes it calls for, each told
        to `record` as it is made."""
        if status.problem:
            raise RoleError(status.problem)
        if not status.exists:
            params = {"PermissionsBoundary": status.boundary} if status.boundary else {}
            if self.path() != "/":
                params["Path"] = self.path()
            try:
                created = self.retry(
                    self.iam.create_role,
                    RoleName=self.name,
                    AssumeRolePolicyDocument=json.dumps(
                        trust_policy(self.account_id, self.partition)
                    ),
                    Description="Lets VPC flow logs deliver into CloudWatch Logs (c7n-vpcflow)",
                    Tags=[{"Key": k, "Value": v} for k, v in sorted(self.tags.items())],
                    **params,
                )["Role"]
            except ClientError as e:
                if _code(e) == "AccessDenied" and not status.boundary:
                    raise RoleError(
                        "delivery role %s: AccessDenied: %s (no permissions boundary was set: "
                        "%s does not exist; where CreateRole requires it, as under "
                        "iam/runner-role.yml, deploy iam/delivery-boundary.yml)"
                        % (self.name, e.response["Error"].get("Message", ""), self.boundary_arn)
                    ) from e
                if _code(e) != "EntityAlreadyExists":
                    raise
                # Another worker (another region of the same account) won the race.
                again = self.assess(prefix, log_groups)
                if not again.exists:
                    raise
                return self.apply(again, prefix, log_groups, record)
            status.arn = created["Arn"]
            record(
                "created delivery role %s trusting %s for account %s only, with tags %s%s"
                % (
                    status.arn,
                    SERVICE_PRINCIPAL,
                    self.account_id,
                    tag_list(self.tags),
                    " under permissions boundary %s" % status.boundary if status.boundary else "",
                )
            )
        if "iam:PutRolePolicy" in status.calls:
            self.retry(
                self.iam.put_role_policy,
                RoleName=self.name,
                PolicyName=POLICY_NAME,
                PolicyDocument=json.dumps(
                    delivery_policy(self.account_id, self.partition, status.prefixes)
                ),
            )
            record(
                "%s policy %s of delivery role %s: flow logs may write to log groups under "
                "%s%s"
                % (
                    "widened" if status.covered else "put",
                    POLICY_NAME,
                    status.arn,
                    ", ".join(sorted(status.prefixes)),
                    " (was %s)" % ", ".join(sorted(status.covered)) if status.covered else "",
                )
            )
        return status.arn
