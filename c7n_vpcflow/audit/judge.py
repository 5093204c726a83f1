"""Judging a VPC's flow logs against the rules, without calling AWS."""
from dataclasses import dataclass
from typing import FrozenSet, Optional

from c7n_vpcflow.audit.inventory import cloudwatch_log_group_name
from c7n_vpcflow.vocabulary import (
    ALL_TRAFFIC, CLOUDWATCH, DEFAULT_TRAFFIC_TYPE, DELIVERY_FAILED, DESTINATION_TYPE, INACTIVE,
    LOG_GROUP_MISSING, MISSING, REASONS, RETENTION, TRAFFIC_TYPE)


@dataclass(frozen=True)
class Rules:
    traffic_types: FrozenSet[str] = frozenset((ALL_TRAFFIC, DEFAULT_TRAFFIC_TYPE))
    min_retention_days: Optional[int] = None
    destination_types: Optional[FrozenSet[str]] = None


def flow_log_problems(flow_log, inventory, rules):
    """The reason codes one flow log falls short on; empty when it is sound."""
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
        group = inventory.log_group(group_name)
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


def judge_vpc(vpc_id, inventory, rules):
    """Reason codes for one VPC; an empty list means compliant."""
    flow_logs = inventory.flow_logs_for(vpc_id)
    if not flow_logs:
        return [MISSING]
    union = set()
    for flow_log in flow_logs:
        problems = flow_log_problems(flow_log, inventory, rules)
        if not problems:
            return []
        union |= problems
    return ordered(union)

