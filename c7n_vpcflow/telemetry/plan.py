"""What put-vpc-flow-log-telemetry-rule does to its rule, decided from what the administering
account holds (reading only): the plan the action carries out, and its step under --dryrun
(see audit.handoff).
"""

from dataclasses import dataclass, field
from typing import Optional

from c7n_vpcflow.audit.handoff import DryRunAnswer, calls_text
from c7n_vpcflow.telemetry.rules import inspect, operation
from c7n_vpcflow.telemetry.spec import DEFAULT_RULE_NAME, RUNNING, amended, desired_rule, deviations
from c7n_vpcflow.vocabulary import TELEMETRY_ACTION, TELEMETRY_RULE_PLAN, RuleOutcome

LABEL = "dry run telemetry rule"


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
        record = {
            "rule-name": self.rule_name,
            "scope": self.scope,
            "reason": self.reason,
            "deviations": list(self.deviations),
            "not-carried": dict(self.not_carried),
            "calls": list(self.calls),
            "outcome": self.outcome.value,
        }
        for key, value in (("rule", self.rule), ("rule-arn", self.rule_arn), ("done", self.done)):
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
            "flow log (AWS allows two): set rule-name to adopt it"
            % ", ".join(r["RuleName"] for r in rules)
        )
        calls = []
    else:
        plan.reason, plan.rule = "no VPC flow-log rule", desired
        calls.append("CreateTelemetryRule")
    plan.calls = [operation(scope, c) for c in calls]
    return plan


def dry_run(manager, data, accounts):
    """The DryRunAnswer of put-vpc-flow-log-telemetry-rule (c7n:vpc-flow-log-telemetry-rule-
    plan), from its keys `data`: one plan for the administering account."""
    if not accounts:
        return DryRunAnswer(TELEMETRY_ACTION, TELEMETRY_RULE_PLAN, LABEL)
    _client, status, rules = inspect(manager, data)
    plan = plan_rule(status, rules, data, manager.config.region)
    failing = plan.outcome == RuleOutcome.FAIL
    said = {
        plan.rule_name: (
            plan.reason if failing else None,
            "%s (%s)%s" % (plan.outcome, plan.reason, calls_text(plan.calls)),
        )
    }
    return DryRunAnswer(
        TELEMETRY_ACTION,
        TELEMETRY_RULE_PLAN,
        LABEL,
        {a["account_id"]: plan.to_record() for a in accounts},
        said,
        "%s would fail: %s" % (TELEMETRY_ACTION, plan.reason) if failing else None,
    )
