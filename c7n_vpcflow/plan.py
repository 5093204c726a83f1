"""Per-VPC plans: what enable-flow-logs will do, decided before any change is made.

The plan is the one object the dry run prints, the action applies and the results report.
"""
from dataclasses import dataclass, field
from typing import List, Optional

from .destinations import MANAGED_BY, log_group_steps
from .inventory import cloudwatch_log_group_name
from .judge import Rules, flow_log_problems, ordered
from .naming import TemplateError, render_log_group_name

# AWS allows two flow logs per VPC; the quota cannot be raised.
FLOW_LOGS_PER_VPC = 2


@dataclass(frozen=True)
class Settings:
    """The action's keys, with defaults applied."""
    destination_type: str = "cloud-watch-logs"
    log_group_template: str = "/vpc/flow-logs/{vpc_id}"
    retention_days: int = 365
    kms_key_id: Optional[str] = None
    tags: tuple = ()
    traffic_type: str = "REJECT"
    log_format: Optional[str] = None
    max_aggregation_interval: int = 600
    role: str = "vpc-flow-logs-delivery"
    create_role: bool = True
    replace_broken: bool = False

    @classmethod
    def from_data(cls, data):
        tags = dict(data.get("tags") or {})
        tags[MANAGED_BY[0]] = MANAGED_BY[1]
        defaults = cls()
        return cls(
            destination_type=data.get("destination-type", defaults.destination_type),
            log_group_template=data.get("log-group-name", defaults.log_group_template),
            retention_days=data.get("retention-days", defaults.retention_days),
            kms_key_id=data.get("kms-key-id"),
            tags=tuple(sorted(tags.items())),
            traffic_type=data.get("traffic-type", defaults.traffic_type),
            log_format=data.get("log-format"),
            max_aggregation_interval=data.get(
                "max-aggregation-interval", defaults.max_aggregation_interval),
            role=data.get("role", defaults.role),
            create_role=data.get("create-role", True),
            replace_broken=data.get("replace-broken", False),
        )

    @property
    def tag_map(self):
        return dict(self.tags)

    @property
    def rules(self):
        """A flow log is sound for us if it captures ALL or our traffic type."""
        return Rules(traffic_types=frozenset(("ALL", self.traffic_type)))

    def flow_log_params(self, log_group, role_arn):
        """CreateFlowLogs parameters, all but ResourceIds."""
        params = {
            "ResourceType": "VPC",
            "TrafficType": self.traffic_type,
            "LogDestinationType": "cloud-watch-logs",
            "LogGroupName": log_group,
            "DeliverLogsPermissionArn": role_arn,
            "MaxAggregationInterval": self.max_aggregation_interval,
            "TagSpecifications": [{
                "ResourceType": "vpc-flow-log",
                "Tags": [{"Key": k, "Value": v} for k, v in self.tags]}],
        }
        if self.log_format:
            params["LogFormat"] = self.log_format
        return params


@dataclass
class VpcPlan:
    vpc_id: str
    outcome: str                      # create | repair | update | skip | fail
    reason: str = ""
    log_group: Optional[str] = None
    group_steps: List[str] = field(default_factory=list)
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
        described = {"outcome": self.outcome, "reason": self.reason,
                     "log-group": self.log_group, "calls": self.calls}
        if self.replace:
            described["replace"] = self.replace
        if role_status is not None and self.create_flow_log:
            described["role"] = {"arn": role_status.arn, "step": role_status.action}
            if role_status.action == "create":
                described["role"]["calls"] = ["iam:CreateRole", "iam:PutRolePolicy"]
        return described


def _describe_problems(flow_log, problems):
    detail = ", ".join(ordered(problems))
    if flow_log.get("DeliverLogsErrorMessage"):
        detail += " (%s)" % flow_log["DeliverLogsErrorMessage"]
    return "%s %s" % (flow_log["FlowLogId"], detail)


def plan_vpc(vpc, inventory, settings, account_id, region, partition):
    """Decide what one VPC needs; never calls AWS."""
    vpc_id = vpc["VpcId"]
    try:
        target = render_log_group_name(
            settings.log_group_template, vpc, account_id, region, partition)
    except TemplateError as e:
        return VpcPlan(vpc_id, "fail", str(e))
    group = inventory.log_group(target)
    rules = settings.rules
    flow_logs = inventory.flow_logs_for(vpc_id)
    problems = {f["FlowLogId"]: flow_log_problems(f, inventory, rules)
                for f in flow_logs}
    sound = [f for f in flow_logs if not problems[f["FlowLogId"]]]
    for flow_log in sound:
        if cloudwatch_log_group_name(flow_log) == target:
            steps = log_group_steps(group, settings.retention_days, fresh_tags=False)
            outcome = "update" if steps else "skip"
            return VpcPlan(vpc_id, outcome, "flow log %s already writes to %s" % (
                flow_log["FlowLogId"], target), target, steps)
    if sound:
        return VpcPlan(vpc_id, "skip", "flow log %s is sound; its destination is left as is" % (
            sound[0]["FlowLogId"]))
    broken = [f for f in flow_logs if problems[f["FlowLogId"]]]
    same = [f for f in broken if cloudwatch_log_group_name(f) == target
            and f.get("TrafficType") == settings.traffic_type]
    if same:
        flow_log = same[0]
        if problems[flow_log["FlowLogId"]] == {"log-group-missing"}:
            # Recreating its log group is all this flow log lacks.
            return VpcPlan(vpc_id, "repair", "recreate the log group of %s" % (
                flow_log["FlowLogId"]), target, log_group_steps(group, settings.retention_days))
        return VpcPlan(vpc_id, "fail", (
            "flow log %s already sends %s traffic to %s but is broken; AWS refuses a "
            "duplicate, so delete it and run again" % (
                _describe_problems(flow_log, problems[flow_log["FlowLogId"]]),
                settings.traffic_type, target)), target)
    if len(flow_logs) >= FLOW_LOGS_PER_VPC:
        return VpcPlan(vpc_id, "fail", (
            "already has %d flow logs, the AWS limit per VPC, all broken: %s; delete one "
            "and run again" % (len(flow_logs), "; ".join(
                _describe_problems(f, problems[f["FlowLogId"]]) for f in broken))), target)
    reason = "no flow log" if not broken else "broken: " + "; ".join(
        _describe_problems(f, problems[f["FlowLogId"]]) for f in broken)
    return VpcPlan(
        vpc_id, "create", reason, target,
        log_group_steps(group, settings.retention_days), create_flow_log=True,
        replace=[f["FlowLogId"] for f in broken] if settings.replace_broken else [])
