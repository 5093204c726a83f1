"""Which log group flow-log-analytics serves for each VPC: the one enable-flow-logs wrote to
(or plans to, under --dryrun) unless it failed; else, when it did not run first, the group
the log-group template names when a sound flow log of the VPC writes to it.
"""

import logging
from types import MappingProxyType

from botocore.exceptions import ClientError
from c7n.utils import local_session

from c7n_vpcflow.audit.inventory import gather
from c7n_vpcflow.audit.judge import Rules, judge_flow_logs, weighed
from c7n_vpcflow.audit.ownership import by_telemetry_rule
from c7n_vpcflow.audit.templates import TemplateError
from c7n_vpcflow.errors import failed_call
from c7n_vpcflow.remediation.destinations import writes_to
from c7n_vpcflow.remediation.naming import render_log_group_name
from c7n_vpcflow.vocabulary import (
    ANALYTICS_ACTION,
    CLOUDWATCH,
    DESTINATION_TYPE,
    FLOW_LOGS,
    PLAN,
    RESULT,
    RETENTION,
    Outcome,
    Status,
)

log = logging.getLogger("custodian.vpcflow")

# The service of each listing `gather` makes, to name a failed one.
GATHERED_BY = MappingProxyType({"DescribeFlowLogs": "ec2", "DescribeLogGroups": "logs"})


def enable_flow_logs_target(vpc):
    """(known, log group): what enable-flow-logs wrote to (c7n:flow-log-result) or, under
    --dryrun, plans to write to (c7n:flow-log-plan); no group when it failed or will."""
    result = vpc.get(RESULT)
    if result is not None:
        return True, result.get("log-group") if result["status"] != Status.FAILED else None
    plan = vpc.get(PLAN)
    if plan is not None:
        return True, plan.get("log-group") if plan["outcome"] != Outcome.FAIL else None
    return False, None


def analytics_log_groups(manager, settings, vpcs, account):
    """({VPC id: its log group}, {VPC id: why its log group is unknown}): enable-flow-logs'
    target unless it failed; when it did not run first, the rendered group when a sound flow
    log of the VPC writes to it (unknown when listing the flow logs or groups failed)."""
    groups, unknown = {}, []
    for vpc in vpcs:
        known, group = enable_flow_logs_target(vpc)
        if not known:
            unknown.append(vpc)
        elif group:
            groups[vpc["VpcId"]] = group
    named = {}
    for vpc in unknown:
        try:
            named[vpc["VpcId"]] = render_log_group_name(settings.log_group_template, vpc, account)
        except TemplateError as e:
            log.warning("%s %s: %s", ANALYTICS_ACTION, vpc["VpcId"], e)
    if not named:
        return groups, {}
    if all(FLOW_LOGS in v for v in unknown):  # as flow-log-compliance judged them
        flow_logs = {v["VpcId"]: v[FLOW_LOGS] for v in unknown}
    else:
        try:
            inventory = gather(manager, unknown)
        except ClientError as e:
            client = local_session(manager.session_factory).client(GATHERED_BY[e.operation_name])
            why = "its log group could not be found: " + failed_call(client, e.operation_name, e)
            return groups, {vpc_id: why for vpc_id in named}
        flow_logs = {
            vpc_id: judge_flow_logs(inventory.flow_logs_for(vpc_id), inventory.log_groups, Rules())
            for vpc_id in named
        }
    for vpc_id, group in named.items():
        # Retention and the filter's destination types mean nothing to the queries.
        if any(
            writes_to(f, CLOUDWATCH, group)
            and not by_telemetry_rule(f)
            and not weighed(f, Rules().traffic_types, (RETENTION, DESTINATION_TYPE))
            for f in flow_logs[vpc_id]
        ):
            groups[vpc_id] = group
    return groups, {}
