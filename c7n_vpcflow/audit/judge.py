"""Judging a VPC's flow logs against the rules, without calling AWS.

Each flow log is judged once, by the flow-log-compliance filter, and carries its reason
codes (c7n:flow-log-problems); an action weighs those codes by its own conventions
(`weighed`) instead of judging the flow log again. An action judges by itself, with its own
rules, only the VPCs of a policy that has no such filter.
"""

from dataclasses import dataclass
from typing import FrozenSet, Optional

from c7n_vpcflow.audit.inventory import cloudwatch_log_group_name
from c7n_vpcflow.vocabulary import (
    ALL_TRAFFIC,
    CLOUDWATCH,
    DEFAULT_TRAFFIC_TYPE,
    DELIVERY_FAILED,
    DESTINATION_TYPE,
    FLOW_LOGS,
    INACTIVE,
    LOG_GROUP_MISSING,
    LOG_GROUPS,
    MISSING,
    PROBLEMS,
    REASONS,
    RETENTION,
    TRAFFIC_TYPE,
    VIOLATIONS,
)


@dataclass(frozen=True)
class Rules:
    traffic_types: FrozenSet[str] = frozenset((ALL_TRAFFIC, DEFAULT_TRAFFIC_TYPE))
    min_retention_days: Optional[int] = None
    destination_types: Optional[FrozenSet[str]] = None


def flow_log_problems(flow_log, log_groups, rules):
    """The reason codes one flow log falls short on; empty when it is sound. `log_groups`:
    {name: DescribeLogGroups entry} of the groups found."""
    problems = set()
    if flow_log.get("FlowLogStatus") != "ACTIVE":
        problems.add(INACTIVE)
    if flow_log.get("DeliverLogsStatus") == "FAILED":
        problems.add(DELIVERY_FAILED)
    if flow_log.get("TrafficType") not in rules.traffic_types:
        problems.add(TRAFFIC_TYPE)
    destination_type = flow_log.get("LogDestinationType", CLOUDWATCH)
    if rules.destination_types is not None and destination_type not in rules.destination_types:
        problems.add(DESTINATION_TYPE)
    group_name = cloudwatch_log_group_name(flow_log)
    if group_name:
        group = log_groups.get(group_name)
        if group is None:
            problems.add(LOG_GROUP_MISSING)
        elif not retention_enough(group, rules.min_retention_days):
            problems.add(RETENTION)
    return problems


def retention_enough(group, min_days):
    """Never-expire (no retentionInDays) always keeps enough."""
    retention = group.get("retentionInDays")
    return min_days is None or retention is None or retention >= min_days


def ordered(reasons):
    return [r for r in REASONS if r in reasons]


def judge_flow_logs(flow_logs, log_groups, rules):
    """Annotate each flow log with its reason codes (c7n:flow-log-problems); returns them."""
    for flow_log in flow_logs:
        flow_log[PROBLEMS] = ordered(flow_log_problems(flow_log, log_groups, rules))
    return flow_logs


def violations(flow_logs):
    """A VPC's reason codes from its judged flow logs: missing without any, none when one of
    them is sound, else every code they fall short on."""
    if not flow_logs:
        return [MISSING]
    if any(not f[PROBLEMS] for f in flow_logs):
        return []
    return ordered({code for f in flow_logs for code in f[PROBLEMS]})


def judgement(vpc_id, inventory, rules, log_group_names=()):
    """What the filter annotates on a VPC: its flow logs, judged; the log groups they and
    `log_group_names` (those the policy's actions write to for it) name, each described or
    None; and its reason codes."""
    flow_logs = judge_flow_logs(inventory.flow_logs_for(vpc_id), inventory.log_groups, rules)
    names = set(log_group_names) | {cloudwatch_log_group_name(f) for f in flow_logs} - {None}
    return {
        FLOW_LOGS: flow_logs,
        LOG_GROUPS: inventory.described(names),
        VIOLATIONS: violations(flow_logs),
    }


def weighed(flow_log, traffic_types, ignored=()):
    """A judged flow log's reason codes as an action weighs them: without those it leaves
    aside (`ignored`), and with traffic type against the types it counts (`traffic_types`)
    rather than the filter's."""
    problems = set(flow_log[PROBLEMS]) - set(ignored) - {TRAFFIC_TYPE}
    if flow_log.get("TrafficType") not in traffic_types:
        problems.add(TRAFFIC_TYPE)
    return problems
