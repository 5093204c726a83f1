"""What flow-log-cost measures in one account-region: which log groups each VPC's flow logs
write to, the bytes each group ingested (ingestion: one GetMetricData call per 500 groups)
and what DescribeLogGroups says of it (storedBytes, class, retention, age), recorded as
flow-log-cost.json records them for cost.account_region to price.

The flow logs and log groups are those flow-log-compliance annotated on each VPC (no call),
or, in a policy without that filter before this one, gathered the same way (audit.inventory).
A VPC with no flow log, or whose flow logs deliver only to S3 or Firehose (CloudWatch measures
no volume per VPC there), is not measured, and says why; so is a log group that does not
exist. A group whose bytes CloudWatch did not give (a query it left unanswered, or the call
refused) is a failure: named with the VPCs that write to it.
"""

from dataclasses import dataclass, field
from typing import Optional

from botocore.exceptions import BotoCoreError, ClientError
from c7n.utils import local_session

from c7n_vpcflow.audit.ingestion import incoming_bytes
from c7n_vpcflow.audit.inventory import cloudwatch_log_group_name, gather
from c7n_vpcflow.errors import failed_call
from c7n_vpcflow.vocabulary import CLOUDWATCH, FLOW_LOGS, LOG_GROUPS, STANDARD

DAY_SECONDS = 86400
WHEN_DENIED = " (flow-log-cost needs cloudwatch:GetMetricData: docs/iam.md)"


@dataclass
class Measurement:
    """`vpcs`: per VPC, its log groups or why it was not measured; `groups`: per log group,
    what was measured or why not; `failures`: [(VPC id, why)] of groups not measured for a
    reason that is a failure, not a fact of the estate; `refused`: the one line on a
    GetMetricData call that failed (then every group's failure)."""

    vpcs: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    refused: Optional[str] = None


def flow_logs_and_groups(manager, vpcs):
    """{VPC id: (its flow logs, {log group name: DescribeLogGroups entry or None})}: as
    flow-log-compliance annotated them, else gathered."""
    if all(FLOW_LOGS in v and LOG_GROUPS in v for v in vpcs):
        return {v["VpcId"]: (v[FLOW_LOGS], v[LOG_GROUPS]) for v in vpcs}
    inventory = gather(manager, vpcs)
    found = {}
    for vpc in vpcs:
        flow_logs = inventory.flow_logs_for(vpc["VpcId"])
        names = {cloudwatch_log_group_name(f) for f in flow_logs} - {None}
        found[vpc["VpcId"]] = (flow_logs, inventory.described(names))
    return found


def _destinations_text(flow_logs):
    return " and ".join(sorted({f.get("LogDestinationType", CLOUDWATCH) for f in flow_logs}))


def vpc_entries(vpcs, flow_logs_and_groups):
    """([VPC entry], {log group name: (its DescribeLogGroups entry, VPC ids, traffic types)})."""
    entries, groups = [], {}
    for vpc in vpcs:
        vpc_id = vpc["VpcId"]
        flow_logs, described = flow_logs_and_groups[vpc_id]
        into = {}
        for flow_log in flow_logs:
            name = cloudwatch_log_group_name(flow_log)
            if name:
                into.setdefault(name, set()).add(flow_log.get("TrafficType"))
        elsewhere = [f for f in flow_logs if not cloudwatch_log_group_name(f)]
        entry = {"vpc-id": vpc_id}
        if not flow_logs:
            entry["not-measured"] = "no flow log"
        elif not into:
            entry["not-measured"] = (
                "its flow logs deliver to %s only: CloudWatch measures "
                "no volume per VPC there" % _destinations_text(elsewhere)
            )
        else:
            entry["log-groups"] = sorted(into)
            if elsewhere:
                entry["not-counted"] = {
                    _destinations_text(elsewhere): (
                        "CloudWatch measures no volume per VPC for this delivery"
                    )
                }
        entries.append(entry)
        for name, traffic_types in into.items():
            _group, vpc_ids, types = groups.setdefault(name, (described.get(name), set(), set()))
            vpc_ids.add(vpc_id)
            types.update(traffic_types - {None})
    return entries, groups


def _age_days(group, now):
    created = group.get("creationTime")
    if created is None:
        return 0.0
    return round(max(0.0, now.timestamp() - created / 1000) / DAY_SECONDS, 6)


def measure(manager, vpcs, days, now):
    """The Measurement of `vpcs` over the last `days` whole days before `now`."""
    entries, found = vpc_entries(vpcs, flow_logs_and_groups(manager, vpcs))
    existing = sorted(name for name, (group, _v, _t) in found.items() if group is not None)
    measurement = Measurement(vpcs=entries)
    measured, unmeasured = {}, {}
    if existing:
        cloudwatch = local_session(manager.session_factory).client("cloudwatch")
        try:
            measured, unmeasured = incoming_bytes(cloudwatch, existing, days, now)
        except (ClientError, BotoCoreError) as error:
            measurement.refused = failed_call(cloudwatch, "get_metric_data", error, WHEN_DENIED)
            unmeasured = dict.fromkeys(existing, measurement.refused)
    for name in sorted(found):
        group, vpc_ids, traffic_types = found[name]
        record = {"name": name, "vpc-ids": sorted(vpc_ids), "traffic-types": sorted(traffic_types)}
        if group is None:
            record["not-measured"] = "the log group does not exist"
        elif name in unmeasured:
            record["not-measured"] = unmeasured[name]
            measurement.failures += [
                (vpc_id, "log group %s: %s" % (name, unmeasured[name]))
                for vpc_id in sorted(vpc_ids)
            ]
        else:
            record.update(
                {
                    "ingested-bytes": measured[name],
                    "days": days,
                    "stored-bytes": group.get("storedBytes", 0),
                    "age-days": _age_days(group, now),
                    "log-group-class": group.get("logGroupClass", STANDARD),
                    "retention-days": group.get("retentionInDays"),
                }
            )
        measurement.groups.append(record)
    measurement.failures.sort()
    return measurement
