"""Who manages a flow log: c7n-vpcflow, a CloudWatch telemetry rule, or someone else.

Both managers say so with a tag that DescribeFlowLogs
returns: ours is ``managed-by: c7n-vpcflow``; AWS's Observability Admin service tags each
flow log and log group a telemetry rule creates ``CloudWatchTelemetryRuleManaged: true``.
DescribeLogGroups returns no tags, so a log group is known to be the rule's through the
flow logs that write to it (the rule creates both together).
"""

from c7n_vpcflow.vocabulary import C7N_VPCFLOW, OTHER, OUR_TAG, TELEMETRY_RULE, TELEMETRY_TAG


def tag_value(resource, key):
    return next((t.get("Value") for t in resource.get("Tags") or () if t.get("Key") == key), None)


def managed_by(flow_log):
    """One of MANAGERS, read from the flow log's own tags."""
    if (tag_value(flow_log, TELEMETRY_TAG[0]) or "").lower() == TELEMETRY_TAG[1]:
        return TELEMETRY_RULE
    if tag_value(flow_log, OUR_TAG[0]) == OUR_TAG[1]:
        return C7N_VPCFLOW
    return OTHER


def by_telemetry_rule(flow_log):
    return managed_by(flow_log) == TELEMETRY_RULE
