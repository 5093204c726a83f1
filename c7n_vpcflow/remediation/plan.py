"""Per-VPC plans: what enable-flow-logs will do, decided before any change is made.

The plan is the one object the dry run prints, the action applies and the results report.
"""
from dataclasses import dataclass, field
from typing import List, Optional

from c7n_vpcflow.account import Account
from c7n_vpcflow.audit.filter import compliance_filters
from c7n_vpcflow.audit.inventory import gather
from c7n_vpcflow.audit.judge import flow_log_problems, ordered
from c7n_vpcflow.audit.ownership import by_telemetry_rule
from c7n_vpcflow.audit.templates import PER_VPC_VARIABLES, TemplateError, names_in
from c7n_vpcflow.remediation.destinations import log_group_targets, target_for, writes_to
from c7n_vpcflow.remediation.loggroups import log_group_steps
from c7n_vpcflow.vocabulary import BROKEN, CLOUDWATCH, FLOW_LOGS, LOG_GROUP_MISSING, Outcome

# AWS allows two flow logs per VPC; the quota cannot be raised.
FLOW_LOGS_PER_VPC = 2


@dataclass
class VpcPlan:
    vpc_id: str
    outcome: Outcome
    reason: str = ""
    destination: Optional[str] = None  # log-group name, or destination ARN
    group_steps: List[str] = field(default_factory=list)
    destination_type: str = CLOUDWATCH
    create_flow_log: bool = False
    replace: List[str] = field(default_factory=list)

    @property
    def calls(self):
        calls = list(self.group_steps)
        if self.create_flow_log:
            calls.append("ec2:CreateFlowLogs")
        if self.replace:
            calls += ["ec2:DescribeFlowLogs", "ec2:DeleteFlowLogs"]
        return calls

    @property
    def changes(self):
        return bool(self.calls)

    def describe(self, role_status=None):
        """The plan as annotated on the VPC (c7n:flow-log-plan)."""
        described = {"outcome": self.outcome.value, "reason": self.reason,
                     "destination-type": self.destination_type,
                     "destination": self.destination, "calls": self.calls}
        if self.destination_type == CLOUDWATCH:
            described["log-group"] = self.destination
        if self.replace:
            described["replace"] = self.replace
        if role_status is not None and self.create_flow_log:
            described["role"] = {"arn": role_status.arn, "step": role_status.action.value}
            if role_status.calls:
                described["role"]["calls"] = list(role_status.calls)
            if role_status.boundary:
                described["role"]["permissions-boundary"] = role_status.boundary
            if role_status.warning:
                described["warnings"] = [role_status.warning]
        return described


def _describe_problems(flow_log, problems):
    detail = ", ".join(ordered(problems))
    if flow_log.get("DeliverLogsErrorMessage"):
        detail += " (%s)" % flow_log["DeliverLogsErrorMessage"]
    return "%s %s" % (flow_log["FlowLogId"], detail)


def _telemetry_refusal(broken, problems, target, kind, inventory):
    """Why a VPC is left to its CloudWatch telemetry rule, or None.

    A broken flow log of the rule is never deleted or replaced, and no flow log is added
    beside it: AWS repairs drift by creating the new flow log before deleting the old, so
    ours would take the slot the repair needs (two flow logs per VPC at most).
    """
    managed = [f for f in broken if by_telemetry_rule(f)]
    if managed:
        return ("%s: managed by a CloudWatch telemetry rule, so left to AWS, which replaces "
                "it when the rule allows field updates (AllowFieldUpdates); otherwise fix the "
                "rule (traffic type, format) or its log group" % "; ".join(
                    _describe_problems(f, problems[f["FlowLogId"]]) for f in managed))
    if kind == CLOUDWATCH and target in inventory.telemetry_log_groups:
        return ("log group %s belongs to a CloudWatch telemetry rule; choose a log-group-name "
                "of your own" % target)
    return None


def plan_account(manager, settings, vpcs):
    """(inventory, plans) for the VPCs of the manager's account-region; reads only.

    The flow logs are those the policy's filter annotated (c7n:flow-logs) when every VPC
    carries them; the VPCs are judged again by the action's own rules.
    """
    account = Account.of(manager)
    annotated = all(FLOW_LOGS in v for v in vpcs)
    inventory = gather(manager, vpcs, log_group_targets(settings, vpcs, account), [
        f for v in vpcs for f in v[FLOW_LOGS]] if annotated else None)
    insisted = [f.data["destination-types"] for f in compliance_filters(manager)
                if f.data.get("destination-types")]
    destination_types = frozenset(insisted[0]) if insisted else None
    plans = [plan_vpc(v, inventory, settings, account, destination_types) for v in vpcs]
    return inventory, refuse_shared_targets(plans, settings)


def refuse_shared_targets(plans, settings):
    """A template that names each VPC ({vpc_id}, {vpc_name}) gives each its own log group or
    S3 folder; where VPCs' names collide (two VPCs named prod, or Name tags sanitised alike)
    each of them that would write there fails, naming the others and the template: nothing
    is created that two VPCs would share."""
    key, template = (("log-group-name", settings.log_group_template)
                     if settings.destination_type == CLOUDWATCH else ("prefix", settings.prefix))
    if not template or not set(names_in(template)) & set(PER_VPC_VARIABLES):
        return plans
    sharing = {}
    for plan in plans:
        if plan.destination is not None:
            sharing.setdefault(plan.destination, []).append(plan.vpc_id)
    refused = []
    for plan in plans:
        others = [v for v in sharing.get(plan.destination, ()) if v != plan.vpc_id]
        if others and plan.changes:
            plan = VpcPlan(plan.vpc_id, Outcome.FAIL, (
                "%s %r gives it the same %s as %s: %s; add {vpc_id} to the template or give "
                "the VPCs distinct Name tags" % (
                    key, template, "log group" if key == "log-group-name" else "destination",
                    ", ".join(others), plan.destination)), plan.destination,
                destination_type=plan.destination_type)
        refused.append(plan)
    return refused


def plan_vpc(vpc, inventory, settings, account, destination_types=None):
    """Decide what one VPC needs; never calls AWS.

    A VPC is left alone when one of its flow logs is sound (and, if the policy's filter
    asks for certain destination types, of one of them).
    """
    plan = _decide(vpc, inventory, settings, account, destination_types)
    plan.destination_type = settings.destination_type
    return plan


def _decide(vpc, inventory, settings, account, destination_types):
    vpc_id = vpc["VpcId"]
    try:
        target = target_for(settings, vpc, account)
    except TemplateError as e:
        return VpcPlan(vpc_id, Outcome.FAIL, str(e))
    kind = settings.destination_type
    group = inventory.log_group(target) if kind == CLOUDWATCH else None

    def group_steps(**options):
        # A telemetry rule's log group is AWS's to keep: never re-tagged, never re-kept.
        if kind != CLOUDWATCH or target in inventory.telemetry_log_groups:
            return []
        return log_group_steps(group, settings.retention_days, **options)

    rules = settings.rules(destination_types)
    flow_logs = inventory.flow_logs_for(vpc_id)
    problems = {f["FlowLogId"]: flow_log_problems(f, inventory, rules) for f in flow_logs}
    sound = [f for f in flow_logs if not problems[f["FlowLogId"]]]
    for flow_log in sound:
        if writes_to(flow_log, kind, target) and not by_telemetry_rule(flow_log):
            steps = group_steps(fresh_tags=False)
            return VpcPlan(vpc_id, Outcome.UPDATE if steps else Outcome.SKIP, "flow log %s already writes "
                           "to %s" % (flow_log["FlowLogId"], target), target, steps)
    if sound:
        return VpcPlan(vpc_id, Outcome.SKIP, "flow log %s is sound; %s" % (
            sound[0]["FlowLogId"], "managed by a CloudWatch telemetry rule, it is left to AWS"
            if by_telemetry_rule(sound[0]) else "its destination is left as is"))
    broken = [f for f in flow_logs if problems[f["FlowLogId"]]]
    refusal = _telemetry_refusal(broken, problems, target, kind, inventory)
    if refusal:
        return VpcPlan(vpc_id, Outcome.FAIL, refusal, target)
    same = [f for f in broken if writes_to(f, kind, target)
            and f.get("TrafficType") == settings.traffic_type]
    if same:
        flow_log = same[0]
        if problems[flow_log["FlowLogId"]] == {LOG_GROUP_MISSING}:
            # Recreating its log group is all this flow log lacks.
            return VpcPlan(vpc_id, Outcome.REPAIR, "recreate the log group of %s" % (
                flow_log["FlowLogId"]), target, group_steps())
        return VpcPlan(vpc_id, Outcome.FAIL, (
            "flow log %s already sends %s traffic to %s but is broken; AWS refuses a "
            "duplicate, so delete it and run again" % (
                _describe_problems(flow_log, problems[flow_log["FlowLogId"]]),
                settings.traffic_type, target)), target)
    if len(flow_logs) >= FLOW_LOGS_PER_VPC:
        return VpcPlan(vpc_id, Outcome.FAIL, (
            "already has %d flow logs, the AWS limit per VPC, none sound: %s; delete one "
            "and run again" % (len(flow_logs), "; ".join(
                _describe_problems(f, problems[f["FlowLogId"]]) for f in broken))), target)
    reason = "no flow log" if not broken else "not sound: " + "; ".join(
        _describe_problems(f, problems[f["FlowLogId"]]) for f in broken)
    replaceable = [f["FlowLogId"] for f in broken if problems[f["FlowLogId"]] & BROKEN]
    return VpcPlan(
        vpc_id, Outcome.CREATE, reason, target, group_steps(), create_flow_log=True,
        replace=replaceable if settings.replace_broken else [])
