"""CloudWatch telemetry rules for VPC flow logs: the keys the filter and the action take,
the calls in either scope (organization or account) and the permissions they need, and
reading what the administering account holds.
"""

from types import MappingProxyType

from botocore.exceptions import BotoCoreError, ClientError
from c7n.exceptions import PolicyValidationError
from c7n.utils import local_session

from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.audit.readonly import read_only
from c7n_vpcflow.audit.variables import Variables, check_mode
from c7n_vpcflow.errors import VpcFlowError, failed_call
from c7n_vpcflow.remediation.schema import properties
from c7n_vpcflow.telemetry.spec import (
    DEFAULT_RULE_NAME,
    WHEN_DENIED,
    RuleSpecError,
    desired_rule,
    is_vpc_flow_log_rule,
)

SCOPES = ("organization", "account")
READS = ("ListTelemetryRules", "GetTelemetryRule", "GetTelemetryEvaluationStatus")
WRITES = ("CreateTelemetryRule", "UpdateTelemetryRule", "StartTelemetryEvaluation", "TagResource")

RULE_KEYS = read_only(
    {
        "scope": {
            "enum": list(SCOPES),
            "default": "organization",
            "description": "organization: the organization's rules (management or "
            "delegated-admin account); account: this account's rules.",
        },
        "rule-name": {
            "type": "string",
            "minLength": 1,
            "default": DEFAULT_RULE_NAME,
            "description": "The rule to create or keep up to date.",
        },
        "regions": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string"},
            "description": "Regions the rule covers; every region (AllRegions) when absent.",
        },
        "rule-scope": {
            "type": "string",
            "description": "The rule's Scope (accounts or OUs); the whole organization "
            "when absent.",
        },
        "selection-criteria": {
            "type": "string",
            "description": "The rule's SelectionCriteria; every VPC when absent.",
        },
        "allow-field-updates": {
            "type": "boolean",
            "default": True,
            "description": "Let AWS replace drifted flow logs it made.",
        },
    }
)
# enable-flow-logs keys a rule expresses (the filter compares them) ...
EXPRESSED = (
    "traffic-type",
    "retention-days",
    "log-group-name",
    "log-format",
    "max-aggregation-interval",
)
# ... and those the action also takes, to say what a rule cannot carry or refuse them.
DECLINED = ("destination-type", "kms-key-id", "tags", "role", "create-role", "replace-broken")
# What those keys mean for a rule, where it differs from enable-flow-logs.
FOR_A_RULE = MappingProxyType(
    {
        "retention-days": "Retention of the log groups the rule creates.",
        "log-group-name": "The rule's per-VPC log-group pattern: {vpc_id} and {account_id} "
        "only (AWS's <resourceId> and <accountId>).",
        "destination-type": "cloud-watch-logs only: a rule cannot deliver to S3 or Firehose.",
        "kms-key-id": "KMS key of the log groups the rule creates; only for a one-region rule.",
        "tags": "Tags on the rule (not on its flow logs or log groups); managed-by: c7n-vpcflow "
        "is always added.",
        "role": "Not carried by a rule (AWS delivers with its own role): logged.",
        "create-role": "Not carried by a rule: logged.",
        "replace-broken": "Not carried by a rule (AWS repairs drift when allow-field-updates): "
        "logged.",
    }
)


def _keys(names):
    return {
        k: dict(v, description=FOR_A_RULE.get(k, v.get("description")))
        for k, v in properties().items()
        if k in names
    }


FILTER_KEYS = read_only(_keys(EXPRESSED))
ACTION_KEYS = read_only(_keys(EXPRESSED + DECLINED))


def operation(scope, name):
    """`GetTelemetryRule` -> the boto3 method of that scope."""
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return snake + ("_for_organization" if scope == "organization" else "")


def permissions_of(scope, names):
    suffix = "ForOrganization" if scope == "organization" else ""
    return tuple(
        "observabilityadmin:%s%s" % (n, "" if n == "TagResource" else suffix) for n in names
    )


class TelemetryRuleError(VpcFlowError):
    """Telemetry-rule calls that failed, one line each naming the call and AWS's error code."""


def inspect(manager, data):
    """What the administering account holds: evaluation status and VPC flow-log rules."""
    scope = data.get("scope", "organization")
    client = local_session(manager.session_factory).client("observabilityadmin")
    # `method` follows the calls, so that a failure names the one that failed.
    method = operation(scope, "GetTelemetryEvaluationStatus")
    try:
        status = manager.retry(getattr(client, method))
        method = operation(scope, "ListTelemetryRules")
        summaries = paginate(client, method, "TelemetryRuleSummaries")
        method = operation(scope, "GetTelemetryRule")
        rules = [
            manager.retry(getattr(client, method), RuleIdentifier=s.get("RuleArn") or s["RuleName"])
            for s in summaries
            if is_vpc_flow_log_rule(s)
        ]
    except (ClientError, BotoCoreError) as e:
        raise TelemetryRuleError(failed_call(client, method, e, WHEN_DENIED[scope])) from None
    return client, status, rules


def validate_spec(data, manager):
    if manager is not None:
        check_mode(manager, Variables.of(manager))
    try:
        desired_rule(data, manager.config.region if manager else "us-east-1")
    except RuleSpecError as e:
        raise PolicyValidationError(str(e)) from None
