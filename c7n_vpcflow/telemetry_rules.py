"""CloudWatch telemetry rules for VPC flow logs, on aws.account: report them, and drive one.

For the account that administers the rules (the organization's management or delegated
admin account, with trusted access for Observability Admin; or any account for an account
rule). telemetry_rule_action registers both on aws.account.
"""
import logging

from botocore.exceptions import BotoCoreError, ClientError
from c7n.exceptions import PolicyValidationError
from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from .action_schema import properties
from .errors import VpcFlowError, failed_call
from .handoff import PlansUnderDryrun
from .paging import paginate
from .telemetry_rule_spec import (
    DEFAULT_RULE_NAME, DEVIATIONS, RUNNING, WHEN_DENIED, RuleSpecError, desired_rule,
    deviations, is_vpc_flow_log_rule)
from .variables import Variables, check_mode
from .vocabulary import TELEMETRY_RULE_VERDICT, Deviation

log = logging.getLogger("custodian.vpcflow")

SCOPES = ("organization", "account")
READS = ("ListTelemetryRules", "GetTelemetryRule", "GetTelemetryEvaluationStatus")
WRITES = ("CreateTelemetryRule", "UpdateTelemetryRule", "StartTelemetryEvaluation",
          "TagResource")

RULE_KEYS = {
    "scope": {"enum": list(SCOPES), "default": "organization",
              "description": "organization: the organization's rules (management or "
                             "delegated-admin account); account: this account's rules."},
    "rule-name": {"type": "string", "minLength": 1, "default": DEFAULT_RULE_NAME,
                  "description": "The rule to create or keep up to date."},
    "regions": {"type": "array", "minItems": 1, "items": {"type": "string"},
                "description": "Regions the rule covers; every region (AllRegions) when "
                               "absent."},
    "rule-scope": {"type": "string",
                   "description": "The rule's Scope (accounts or OUs); the whole organization "
                                  "when absent."},
    "selection-criteria": {"type": "string",
                           "description": "The rule's SelectionCriteria; every VPC when absent."},
    "allow-field-updates": {"type": "boolean", "default": True,
                            "description": "Let AWS replace drifted flow logs it made."},
}
# enable-flow-logs keys a rule expresses (the filter compares them) ...
EXPRESSED = ("traffic-type", "retention-days", "log-group-name", "log-format",
             "max-aggregation-interval")
# ... and those the action also takes, to say what a rule cannot carry or refuse them.
DECLINED = ("destination-type", "kms-key-id", "tags", "role", "create-role",
            "replace-broken")
# What those keys mean for a rule, where it differs from enable-flow-logs.
FOR_A_RULE = {
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


def _keys(names):
    return {k: dict(v, description=FOR_A_RULE.get(k, v.get("description")))
            for k, v in properties().items() if k in names}


FILTER_KEYS = _keys(EXPRESSED)
ACTION_KEYS = _keys(EXPRESSED + DECLINED)


def operation(scope, name):
    """`GetTelemetryRule` -> the boto3 method of that scope."""
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return snake + ("_for_organization" if scope == "organization" else "")


def permissions_of(scope, names):
    suffix = "ForOrganization" if scope == "organization" else ""
    return tuple("observabilityadmin:%s%s" % (n, "" if n == "TagResource" else suffix)
                 for n in names)


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
        rules = [manager.retry(getattr(client, method),
                               RuleIdentifier=s.get("RuleArn") or s["RuleName"])
                 for s in summaries if is_vpc_flow_log_rule(s)]
    except (ClientError, BotoCoreError) as e:
        raise TelemetryRuleError(failed_call(client, method, e, WHEN_DENIED[scope])) from None
    return client, status, rules


def judge(status, rules, data, region):
    """The annotation: each VPC flow-log rule with its deviations, and the account's own."""
    desired, _ = desired_rule(data, region)
    named = data.get("rule-name")
    judged = [{"name": r["RuleName"], "arn": r.get("RuleArn"),
               "deviations": deviations(r["TelemetryRule"], desired, data),
               "rule": r["TelemetryRule"]}
              for r in rules if not named or r["RuleName"] == named]
    found = [] if judged else [Deviation.ABSENT]
    if status.get("Status") not in RUNNING:
        found.insert(0, Deviation.EVALUATION_NOT_RUNNING)
    conforming = not found and any(not r["deviations"] for r in judged)
    return {"evaluation": status.get("Status"), "rules": judged, "conforming": conforming,
            "deviations": found if found or conforming else sorted(
                {d for r in judged for d in r["deviations"]}, key=DEVIATIONS.index)}


def validate_spec(data, manager):
    if manager is not None:
        check_mode(manager, Variables.of(manager))
    try:
        desired_rule(data, manager.config.region if manager else "us-east-1")
    except RuleSpecError as e:
        raise PolicyValidationError(str(e))


class VpcFlowLogTelemetryRule(PlansUnderDryrun, Filter):
    """Whether a CloudWatch telemetry rule enables VPC flow logs, and how it deviates.

    Reads the organization's (``scope: organization``) or the account's telemetry rules
    for ``AWS::EC2::VPC`` / ``VPC_FLOW_LOGS`` and compares each with the conventions of
    ``enable-flow-logs``, taken from the same keys (``traffic-type``, ``retention-days``,
    ``log-group-name``, ``log-format``, ``max-aggregation-interval``) plus ``rule-name``
    (only that rule), ``regions``, ``rule-scope``, ``selection-criteria``,
    ``allow-field-updates``. The account is annotated with
    ``c7n:vpc-flow-log-telemetry-rule``: the evaluation status and, per rule, its deviations
    (``absent``, ``evaluation-not-running``, ``traffic-type``, ``retention``,
    ``destination-pattern`` (not per VPC), ``log-format``, ``max-aggregation-interval``,
    ``regions``, ``scope``, ``selection-criteria``, ``field-updates``). ``match:
    non-conforming`` (the default) keeps the account when no rule conforms.

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-telemetry-rule-audit
            resource: aws.account
            filters:
              - type: vpc-flow-log-telemetry-rule
                match: non-conforming
                scope: organization
                rule-name: c7n-vpcflow-vpc-flow-logs
                traffic-type: REJECT
                retention-days: 365
                log-group-name: "/vpc/flow-logs/{vpc_id}"
                log-format: security
                max-aggregation-interval: 600
                regions: [us-east-1, eu-west-1]
                rule-scope: "OrganizationUnitId = 'ou-ab12-34cd56ef'"
                selection-criteria: "tags.environment = 'prod'"
                allow-field-updates: true
    """

    type = "vpc-flow-log-telemetry-rule"
    schema = type_schema(
        type, match={"enum": ["non-conforming", "conforming"], "default": "non-conforming",
                     "description": "Which accounts the filter keeps: non-conforming (no "
                                    "rule conforms, or evaluation is not running) or "
                                    "conforming."},
        **dict(FILTER_KEYS, **RULE_KEYS))
    schema_alias = False
    permissions = permissions_of("organization", READS) + permissions_of("account", READS)

    def get_permissions(self):
        return permissions_of(self.data.get("scope", "organization"), READS)

    def validate(self):
        validate_spec(self.data, self.manager)
        return self

    def process(self, resources, event=None):
        _client, status, rules = inspect(self.manager, self.data)
        verdict = judge(status, rules, self.data, self.manager.config.region)
        want = self.data.get("match", "non-conforming") == "conforming"
        for account in resources:
            account[TELEMETRY_RULE_VERDICT] = verdict
        kept = [a for a in resources if verdict["conforming"] == want]
        self.run_dry_run_steps(kept)
        return kept
