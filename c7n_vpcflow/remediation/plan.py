"""Per-VPC plans: what enable-flow-logs will do to one VPC, decided before any change is made.

The plan is the one object the dry run prints, the action applies and the results report.
It is decided, without calling AWS, from the VPC's judgement (its flow logs, judged, and
the log groups they and this action write to); account_plan gathers those judgements and
plans the VPCs of an account-region together.
"""

from dataclasses import dataclass, field
from typing import List, Optional

from c7n_vpcflow.audit.judge import ordered, weighed
from c7n_vpcflow.audit.ownership import by_telemetry_rule
from c7n_vpcflow.audit.templates import TemplateError
from c7n_vpcflow.remediation.destinations import target_for, writes_to
from c7n_vpcflow.remediation.loggroups import PROTECT, class_warning, group_class, log_group_steps
from c7n_vpcflow.vocabulary import (
    ALL_TRAFFIC,
    BROKEN,
    CLOUDWATCH,
    EXEMPT_UNTIL,
    EXEMPTION,
    FLOW_LOGS,
    LOG_GROUP_MISSING,
    LOG_GROUPS,
    MANAGED_BY,
    RETENTION,
    TELEMETRY_RULE,
    ExemptionStatus,
    Outcome,
)

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
    warnings: List[str] = field(default_factory=list)
    # cloud-watch-logs: the log group's class and deletion protection once the plan is done
    log_group: Optional[dict] = None

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
        described = {
            "outcome": self.outcome.value,
            "reason": self.reason,
            "destination-type": self.destination_type,
            "destination": self.destination,
            "calls": self.calls,
        }
        if self.destination_type == CLOUDWATCH:
            described["log-group"] = self.destination
            if self.log_group:
                described.update(self.log_group)
        if self.replace:
            described["replace"] = self.replace
        warnings = list(self.warnings)
        if role_status is not None and self.create_flow_log:
            described["role"] = {"arn": role_status.arn, "step": role_status.action.value}
            if role_status.calls:
                described["role"]["calls"] = list(role_status.calls)
            if role_status.boundary:
                described["role"]["permissions-boundary"] = role_status.boundary
            if role_status.warning:
                warnings.append(role_status.warning)
        if warnings:
            described["warnings"] = warnings
        return described


def _describe_problems(flow_log, problems):
    detail = ", ".join(ordered(problems))
    if flow_log.get("DeliverLogsErrorMessage"):
        detail += " (%s)" % flow_log["DeliverLogsErrorMessage"]
    return "%s %s" % (flow_log["FlowLogId"], detail)


def _telemetry_refusal(broken, problems, target, group):
    """Why a VPC is left to its CloudWatch telemetry rule, or None.

    A broken flow log of the rule is never deleted or replaced, and no flow log is added
    beside it: AWS repairs drift by creating the new flow log before deleting the old, so
    ours would take the slot the repair needs (two flow logs per VPC at most).
    """
    managed = [f for f in broken if by_telemetry_rule(f)]
    if managed:
        return (
            "%s: managed by a CloudWatch telemetry rule, so left to AWS, which replaces "
            "it when the rule allows field updates (AllowFieldUpdates); otherwise fix the "
            "rule (traffic type, format) or its log group"
            % "; ".join(_describe_problems(f, problems[f["FlowLogId"]]) for f in managed)
        )
    if _made_by_telemetry_rule(group):
        return (
            "log group %s belongs to a CloudWatch telemetry rule; choose a log-group-name "
            "of your own" % target
        )
    return None


def plan_vpc(vpc, judged, settings, account):
    """Decide what one VPC needs from its judgement (`judged`: its flow logs, judged, and log
    groups); never calls AWS.

    A VPC is left alone when one of its flow logs is sound (and, if the policy's filter
    asks for certain destination types, of one of them), or when the filter found it exempt
    (its annotation, c7n:flow-log-exemption: the register is the filter's to read).
    """
    exemption = vpc.get(EXEMPTION)
    if exemption and exemption["status"] == ExemptionStatus.EXEMPT:
        plan = VpcPlan(vpc["VpcId"], Outcome.SKIP, exempt_reason(exemption))
    else:
        plan = _decide(vpc, judged, settings, account)
    plan.destination_type = settings.destination_type
    if plan.destination_type == CLOUDWATCH and plan.destination and plan.outcome != Outcome.FAIL:
        _log_group_outcome(plan, judged[LOG_GROUPS].get(plan.destination), settings)
    return plan


def _log_group_outcome(plan, group, settings):
    """The class and deletion protection the plan leaves its log group with; a warning when
    the existing group's class is not the one asked for (it cannot be changed)."""
    if group is None:  # the plan creates it
        plan.log_group = {
            "log-group-class": settings.log_group_class,
            "deletion-protection": settings.deletion_protection,
        }
    else:
        plan.log_group = {
            "log-group-class": group_class(group),
            "deletion-protection": bool(group.get("deletionProtectionEnabled"))
            or PROTECT in plan.group_steps,
        }
    warning = class_warning(plan.destination, group, settings.log_group_class)
    if warning:
        plan.warnings.append(warning)


def exempt_reason(exemption):
    """Why an exempt VPC is left alone, as its plan and result say it."""
    return "%s%s: %s (approved by %s%s; entry %d of the exemption register)" % (
        EXEMPT_UNTIL,
        exemption["expires"],
        exemption["reason"],
        exemption["approved-by"],
        ", %s" % exemption["ticket"] if exemption.get("ticket") else "",
        exemption["entry"],
    )


def _made_by_telemetry_rule(group):
    return (group or {}).get(MANAGED_BY) == TELEMETRY_RULE


def _decide(vpc, judged, settings, account):
    vpc_id = vpc["VpcId"]
    try:
        target = target_for(settings, vpc, account)
    except TemplateError as e:
        return VpcPlan(vpc_id, Outcome.FAIL, str(e))
    kind = settings.destination_type
    group = judged[LOG_GROUPS].get(target) if kind == CLOUDWATCH else None

    def group_steps(**options):
        # A telemetry rule's log group is AWS's to keep: never re-tagged, never re-kept.
        if kind != CLOUDWATCH or _made_by_telemetry_rule(group):
            return []
        return log_group_steps(
            group,
            settings.retention_days,
            deletion_protection=settings.deletion_protection,
            **options,
        )

    flow_logs = judged[FLOW_LOGS]
    # Retention is a step of the plan, never a fault of the flow log; and only ALL or the
    # action's own traffic type will do.
    problems = {
        f["FlowLogId"]: weighed(f, (ALL_TRAFFIC, settings.traffic_type), (RETENTION,))
        for f in flow_logs
    }
    sound = [f for f in flow_logs if not problems[f["FlowLogId"]]]
    for flow_log in sound:
        if writes_to(flow_log, kind, target) and not by_telemetry_rule(flow_log):
            steps = group_steps(fresh_tags=False)
            return VpcPlan(
                vpc_id,
                Outcome.UPDATE if steps else Outcome.SKIP,
                "flow log %s already writes to %s" % (flow_log["FlowLogId"], target),
                target,
                steps,
            )
    if sound:
        return VpcPlan(
            vpc_id,
            Outcome.SKIP,
            "flow log %s is sound; %s"
            % (
                sound[0]["FlowLogId"],
                "managed by a CloudWatch telemetry rule, it is left to AWS"
                if by_telemetry_rule(sound[0])
                else "its destination is left as is",
            ),
        )
    broken = [f for f in flow_logs if problems[f["FlowLogId"]]]
    refusal = _telemetry_refusal(broken, problems, target, group)
    if refusal:
        return VpcPlan(vpc_id, Outcome.FAIL, refusal, target)
    same = [
        f
        for f in broken
        if writes_to(f, kind, target) and f.get("TrafficType") == settings.traffic_type
    ]
    if same:
        flow_log = same[0]
        if problems[flow_log["FlowLogId"]] == {LOG_GROUP_MISSING}:
            # Recreating its log group is all this flow log lacks.
            return VpcPlan(
                vpc_id,
                Outcome.REPAIR,
                "recreate the log group of %s" % (flow_log["FlowLogId"]),
                target,
                group_steps(),
            )
        return VpcPlan(
            vpc_id,
            Outcome.FAIL,
            (
                "flow log %s already sends %s traffic to %s but is broken; AWS refuses a "
                "duplicate, so delete it and run again"
                % (
                    _describe_problems(flow_log, problems[flow_log["FlowLogId"]]),
                    settings.traffic_type,
                    target,
                )
            ),
            target,
        )
    if len(flow_logs) >= FLOW_LOGS_PER_VPC:
        return VpcPlan(
            vpc_id,
            Outcome.FAIL,
            (
                "already has %d flow logs, the AWS limit per VPC, none sound: %s; delete one "
                "and run again"
                % (
                    len(flow_logs),
                    "; ".join(_describe_problems(f, problems[f["FlowLogId"]]) for f in broken),
                )
            ),
            target,
        )
    reason = (
        "no flow log"
        if not broken
        else "not sound: "
        + "; ".join(_describe_problems(f, problems[f["FlowLogId"]]) for f in broken)
    )
    replaceable = [f["FlowLogId"] for f in broken if problems[f["FlowLogId"]] & BROKEN]
    return VpcPlan(
        vpc_id,
        Outcome.CREATE,
        reason,
        target,
        group_steps(),
        create_flow_log=True,
        replace=replaceable if settings.replace_broken else [],
    )
