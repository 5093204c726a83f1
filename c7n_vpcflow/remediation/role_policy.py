"""The delivery role's documents: what we write (trust, delivery policy, boundary) and how
we read somebody else's (a trust checked whole, an identity policy asked one question)."""

import json
import re
from fnmatch import fnmatchcase
from urllib.parse import unquote

SERVICE_PRINCIPAL = "vpc-flow-logs.amazonaws.com"
DELIVERY_ACTIONS = (
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogStreams",
)
# What a flow log needs on its log group to deliver at all.
LOG_WRITES = ("logs:CreateLogStream", "logs:PutLogEvents")
BOUNDARY_NAME = "c7n-vpcflow-delivery-boundary"
DEFAULT_BOUNDARY = "arn:{partition}:iam::{account_id}:policy/" + BOUNDARY_NAME
# Anything that lets a principal act as the role, not only sts:AssumeRole.
STS_ACTION = re.compile(r"^(\*|sts:.*)$", re.IGNORECASE)
CONFUSED_DEPUTY_KEYS = ("aws:SourceAccount", "aws:SourceArn")


def trust_policy(account_id, partition):
    """Trust for the flow-logs service only, from this account's flow logs only."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": SERVICE_PRINCIPAL},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {
                        "aws:SourceArn": "arn:%s:ec2:*:%s:vpc-flow-log/*" % (partition, account_id)
                    },
                },
            }
        ],
    }


def log_groups_arn(account_id, partition, name="", region="*"):
    return "arn:%s:logs:%s:%s:log-group:%s" % (partition, region, account_id, name)


def delivery_policy(account_id, partition, log_group_prefixes):
    """Write access to the log groups under the fixed prefixes, and no more.

    The same document is the permissions boundary `iam/delivery-boundary.yml` ships.
    DescribeLogGroups is the one exception: AWS authorizes it against the account's whole
    log-group listing (log-group:*), so a name-scoped resource would deny it; it reads names
    and settings, never log data.
    """
    if isinstance(log_group_prefixes, str):
        log_group_prefixes = [log_group_prefixes]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DeliverFlowLogs",
                "Effect": "Allow",
                "Action": list(DELIVERY_ACTIONS),
                "Resource": [
                    log_groups_arn(account_id, partition, prefix + "*")
                    for prefix in sorted(set(log_group_prefixes))
                ],
            },
            {
                "Sid": "FindLogGroups",
                "Effect": "Allow",
                "Action": ["logs:DescribeLogGroups"],
                "Resource": [log_groups_arn(account_id, partition, "*")],
            },
        ],
    }


def covered_prefixes(document, account_id, partition):
    """The log-group prefixes our delivery policy `document` lets flow logs write under."""
    start = log_groups_arn(account_id, partition)
    for statement in as_list(parse(document).get("Statement")):
        if statement.get("Sid") == "DeliverFlowLogs":
            return [
                r[len(start) : -1]
                for r in as_list(statement.get("Resource"))
                if r.startswith(start) and r.endswith("*")
            ]
    return []


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse(document):
    """A policy document as IAM returns it (URL-encoded JSON) or as a dict."""
    if isinstance(document, str):
        return json.loads(unquote(document))
    return document


def _principals(statement):
    principal = statement.get("Principal")
    if principal == "*":
        return [("AWS", "*")]
    return [
        (kind, value) for kind, values in (principal or {}).items() for value in as_list(values)
    ]


def trust_verdict(document, account_id):
    """(problem, warning) of a trust policy, each None when there is nothing to say.

    Checked whole: any principal besides the flow-logs service that may act as the role
    is a problem (the role would let it write our logs, or worse); a service statement
    without the confused-deputy conditions is only a warning.
    """
    others, service_statements = [], []
    for statement in as_list(parse(document).get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        actions = as_list(statement.get("Action"))
        if "NotAction" in statement or any(STS_ACTION.match(a) for a in actions):
            if "NotPrincipal" in statement:
                others.append(
                    "everyone but %s (NotPrincipal)"
                    % json.dumps(statement["NotPrincipal"], sort_keys=True)
                )
            for kind, value in _principals(statement):
                if (kind, value) == ("Service", SERVICE_PRINCIPAL):
                    service_statements.append(statement)
                else:
                    others.append(value if kind == "Service" else "%s %s" % (kind, value))
    others = ", ".join(sorted(set(others)))
    if not service_statements:
        return "its trust policy does not allow %s to assume it%s" % (
            SERVICE_PRINCIPAL,
            " (it trusts %s)" % others if others else "",
        ), None
    if others:
        return (
            "its trust policy also lets %s assume it; only %s may" % (others, SERVICE_PRINCIPAL)
        ), None
    missing = {k.lower(): k for k in CONFUSED_DEPUTY_KEYS}
    for statement in service_statements:
        for operator in (statement.get("Condition") or {}).values():
            for key, values in operator.items():
                missing.pop(key.lower(), None)
                if key.lower() == "aws:sourceaccount" and account_id not in as_list(values):
                    return "its trust policy limits aws:SourceAccount to %s, not %s" % (
                        ", ".join(as_list(values)),
                        account_id,
                    ), None
    if missing:
        return None, (
            "its trust policy has no %s condition, so another account's flow logs could "
            "deliver through it (confused deputy); add aws:SourceAccount and aws:SourceArn"
            % " or ".join(sorted(missing.values()))
        )
    return None, None


def _matches(patterns, value):
    return any(fnmatchcase(value.lower(), p.lower()) for p in as_list(patterns))


def _concerns(statement, action, resource):
    if "NotAction" in statement:
        acts = not _matches(statement["NotAction"], action)
    else:
        acts = _matches(statement.get("Action"), action)
    if "NotResource" in statement:
        return acts and not _matches(statement["NotResource"], resource)
    return acts and _matches(statement.get("Resource", "*"), resource)


def allows(documents, action, resource):
    """Whether identity policies `documents` allow `action` on `resource`.

    Deliberately simple: conditions are not evaluated (a conditioned Allow counts, a
    conditioned Deny does not), which is enough to tell a role scoped to other log groups.
    """
    allowed = False
    for document in documents:
        for statement in as_list(parse(document).get("Statement")):
            if not _concerns(statement, action, resource):
                continue
            if statement.get("Effect") == "Deny" and not statement.get("Condition"):
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def delivery_gaps(documents, account_id, partition, region, log_group):
    """The log writes `documents` do not allow on `log_group` (empty: it can deliver)."""
    stream = log_groups_arn(account_id, partition, log_group + ":log-stream:*", region)
    return [a for a in LOG_WRITES if not allows(documents, a, stream)]
