"""`put-vpc-flow-log-telemetry-rule` on aws.account, its dry-run plan, and their registration."""
import logging
from dataclasses import dataclass, field
from typing import Optional

from botocore.exceptions import BotoCoreError, ClientError
from c7n.actions import BaseAction
from c7n.manager import resources as aws_resources
from c7n.utils import type_schema

from .errors import failed_call
from .handoff import hand_over
from .settings import Settings
from .telemetry_rule_spec import (
    DEFAULT_RULE_NAME, NOT_CARRIED, RUNNING, WHEN_DENIED, amended, desired_rule, deviations)
from .telemetry_rules import (
    ACTION_KEYS, READS, RULE_KEYS, WRITES, TelemetryRuleError, VpcFlowLogTelemetryRule,
    inspect, operation, permissions_of, validate_spec)
from .vocabulary import TELEMETRY_RULE_PLAN, TELEMETRY_RULE_RESULT, RuleOutcome

log = logging.getLogger("custodian.vpcflow")


@dataclass
class RulePlan:
    """What the action does to the rule; annotated (as its record) under --dryrun, and
    with the rule's ARN and the calls made once done."""
    rule_name: str
    scope: str
    not_carried: dict
    outcome: RuleOutcome = RuleOutcome.CREATE
    reason: str = ""
    deviations: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    rule: Optional[dict] = None
    rule_arn: Optional[str] = None
    done: Optional[list] = None

    def to_record(self):
        record = {"rule-name": self.rule_name, "scope": self.scope, "reason": self.reason,
                  "deviations": list(self.deviations), "not-carried": dict(self.not_carried),
                  "calls": list(self.calls), "outcome": self.outcome.value}
        for key, value in (("rule", self.rule), ("rule-arn", self.rule_arn),
                           ("done", self.done)):
            if value is not None:
                record[key] = value
        return record


def plan_rule(status, rules, data, region):
    """What the action will do; reads only what `inspect` found."""
    scope = data.get("scope", "organization")
    desired, not_carried = desired_rule(data, region)
    name = data.get("rule-name", DEFAULT_RULE_NAME)
    mine = [r for r in rules if r["RuleName"] == name]
    plan = RulePlan(name, scope, not_carried)
    calls = [] if status.get("Status") in RUNNING else ["StartTelemetryEvaluation"]
    if mine:
        found = deviations(mine[0]["TelemetryRule"], desired, data)
        plan.deviations = found
        plan.rule = amended(mine[0]["TelemetryRule"], desired, found)
        plan.outcome = RuleOutcome.UPDATE if found else RuleOutcome.NONE
        plan.reason = "deviates: %s" % ", ".join(found) if found else "conforms"
        if found:
            calls.append("UpdateTelemetryRule")
    elif rules:
        plan.outcome = RuleOutcome.FAIL
        plan.reason = (
            "VPC flow-log rule %s already exists; a second rule would give each VPC a second "
            "flow log (AWS allows two): set rule-name to adopt it" % ", ".join(
                r["RuleName"] for r in rules))
        calls = []
    else:
        plan.reason, plan.rule = "no VPC flow-log rule", desired
        calls.append("CreateTelemetryRule")
    plan.calls = [operation(scope, c) for c in calls]
    return plan


class PutVpcFlowLogTelemetryRule(BaseAction):
    """Create or update the CloudWatch telemetry rule that enables VPC flow logs.

    From the same keys as ``enable-flow-logs`` (``traffic-type``, ``log-format``,
    ``max-aggregation-interval``, ``log-group-name`` as the per-VPC pattern with ``{vpc_id}``
    and ``{account_id}``, ``retention-days``, ``kms-key-id`` for a one-region rule, ``tags``
    on the rule) plus ``scope``, ``rule-name``, ``regions`` (every region when absent),
    ``rule-scope``, ``selection-criteria``, ``allow-field-updates``. What a rule cannot
    express (our tags on flow logs and log groups, our delivery role, a KMS key per log
    group or across regions, saved queries, alarms, S3 or Firehose) is annotated under
    ``not-carried`` and logged; ``destination-type`` other than ``cloud-watch-logs`` is
    refused. Idempotent: a conforming rule is left alone; a deviating one is updated in
    the deviating fields only (a longer retention is kept); another VPC flow-log rule is
    never shadowed by a second one. Starts telemetry evaluation when it is not running.
    A refused call does not stop the other; the run then fails with one line per refused
    call, naming it and AWS's error code. The plan (``c7n:vpc-flow-log-telemetry-rule-plan``) is annotated under ``--dryrun``.

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-telemetry-rule
            resource: aws.account
            filters:
              - type: vpc-flow-log-telemetry-rule
                scope: organization
            actions:
              - type: put-vpc-flow-log-telemetry-rule
                scope: organization
                rule-name: c7n-vpcflow-vpc-flow-logs
                destination-type: cloud-watch-logs
                traffic-type: REJECT
                retention-days: 365
                log-group-name: "/vpc/flow-logs/{vpc_id}"
                log-format: security
                max-aggregation-interval: 600
                regions: [us-east-1]
                rule-scope: "OrganizationUnitId = 'ou-ab12-34cd56ef'"
                selection-criteria: "tags.environment = 'prod'"
                allow-field-updates: true
                kms-key-id: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
                tags:
                  owner: security
                # Not carried by a rule (logged and annotated as such):
                role: vpc-flow-logs-delivery
                create-role: true
                replace-broken: false
    """

    type = "put-vpc-flow-log-telemetry-rule"
    schema = type_schema(type, **dict(ACTION_KEYS, **RULE_KEYS))
    schema_alias = False
    permissions = permissions_of("organization", READS + WRITES) + permissions_of(
        "account", READS + WRITES)

    def get_permissions(self):
        return permissions_of(self.data.get("scope", "organization"), READS + WRITES)

    def validate(self):
        validate_spec(self.data, self.manager)
        hand_over(self.manager, TelemetryRulePlan(self.data), self.type,
                  VpcFlowLogTelemetryRule)
        return self

    def process(self, resources):
        client, status, rules = inspect(self.manager, self.data)
        plan = plan_rule(status, rules, self.data, self.manager.config.region)
        self._say_not_carried(plan)
        if plan.outcome == RuleOutcome.FAIL:
            raise TelemetryRuleError("put-vpc-flow-log-telemetry-rule: " + plan.reason)
        plan.done, failures = [], []
        for call in plan.calls:
            # The calls are independent (evaluation, the rule): one failing stops no other.
            try:
                self._write(client, call, plan)
            except (ClientError, BotoCoreError) as e:
                failures.append("put-vpc-flow-log-telemetry-rule %s: %s" % (
                    plan.rule_name, failed_call(client, call, e, WHEN_DENIED[plan.scope])))
                continue
            plan.done.append(call)
            log.info("put-vpc-flow-log-telemetry-rule %s: %s", plan.rule_name, call)
        for account in resources:
            account[TELEMETRY_RULE_RESULT] = plan.to_record()
        if failures:
            raise TelemetryRuleError("\n".join(failures))
        return resources

    def _write(self, client, call, plan):
        rule, method = plan.rule or {}, getattr(client, call)
        if call.startswith("start_telemetry_evaluation"):
            regions = {"Regions": rule["Regions"]} if rule.get("Regions") else {
                "AllRegions": True}
            self.manager.retry(method, **regions)
        elif call.startswith("create_telemetry_rule"):
            tags = dict(Settings.from_data(self.data).tags)
            plan.rule_arn = self.manager.retry(
                method, RuleName=plan.rule_name, Rule=rule, Tags=tags).get("RuleArn")
        else:
            plan.rule_arn = self.manager.retry(
                method, RuleIdentifier=plan.rule_name, Rule=rule).get("RuleArn")

    def _say_not_carried(self, plan):
        for key, why in sorted(plan.not_carried.items()):
            (log.warning if key in NOT_CARRIED else log.info)(
                "put-vpc-flow-log-telemetry-rule: not carried by the rule: %s: %s", key, why)


@dataclass(frozen=True)
class TelemetryRulePlan:
    """The action's plan (c7n:vpc-flow-log-telemetry-rule-plan), from its keys, made while
    the policy's vpc-flow-log-telemetry-rule filter runs under --dryrun (see handoff)."""
    data: dict

    def annotate(self, manager, accounts):
        """Annotate the plan; returns the message saying why it would fail, if it would."""
        if not accounts:
            return []
        _client, status, rules = inspect(manager, self.data)
        plan = plan_rule(status, rules, self.data, manager.config.region)
        for account in accounts:
            account[TELEMETRY_RULE_PLAN] = plan.to_record()
        failing = plan.outcome == RuleOutcome.FAIL
        (log.error if failing else log.info)(
            "dry run telemetry rule %s: %s (%s)%s", plan.rule_name, plan.outcome, plan.reason,
            " -> " + ", ".join(plan.calls) if plan.calls else "")
        return ["put-vpc-flow-log-telemetry-rule would fail: " + plan.reason] if failing else []


def register(registry, resource_class):
    """Called by Custodian for each AWS resource type it loads; we extend aws.account."""
    if getattr(resource_class, "type", None) != "account":
        return
    resource_class.filter_registry.register(VpcFlowLogTelemetryRule.type, VpcFlowLogTelemetryRule)
    resource_class.action_registry.register(
        PutVpcFlowLogTelemetryRule.type, PutVpcFlowLogTelemetryRule)


aws_resources.subscribe(register)
if aws_resources.get("account") is not None:
    register(aws_resources, aws_resources.get("account"))
