"""What the emulator holds after the enable: one remediated VPC (flow log, log group,
delivery role trust, and what analysts get with it: a saved Insights query, the REJECT-spike
alarm); and the flow logs a CloudWatch telemetry rule made, with their log groups."""

import json
from dataclasses import dataclass
from urllib.parse import unquote

from localaws.estate import clients

CONVENTIONAL_GROUP = "/vpc/flow-logs/%s"


@dataclass
class Remediated:
    flow_log: dict
    log_group: dict
    log_group_tags: dict
    role_name: str
    trust: dict
    queries: list
    alarms: list


def read(endpoint, vpc):
    """What enable-flow-logs left for `vpc` (an estate.Vpc), read with boto3."""
    ec2, logs, iam, cloudwatch = clients(
        endpoint, vpc.account.account_id, vpc.region, "ec2", "logs", "iam", "cloudwatch"
    )
    group_name = CONVENTIONAL_GROUP % vpc.vpc_id
    flow_logs = ec2.describe_flow_logs(
        Filters=[
            {"Name": "resource-id", "Values": [vpc.vpc_id]},
            {"Name": "log-group-name", "Values": [group_name]},
        ]
    )["FlowLogs"]
    if len(flow_logs) != 1:
        raise LookupError(
            "expected one flow log into %s for %s, found %d"
            % (group_name, vpc.vpc_id, len(flow_logs))
        )
    flow_log = flow_logs[0]
    group = next(
        g
        for g in logs.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
        if g["logGroupName"] == group_name
    )
    tags = logs.list_tags_log_group(logGroupName=group_name)["tags"]
    role_name = flow_log["DeliverLogsPermissionArn"].rsplit("/", 1)[-1]
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(unquote(trust))
    queries = logs.describe_query_definitions(
        queryDefinitionNamePrefix="c7n-vpcflow/" + group_name.lstrip("/") + "/"
    )
    alarms = cloudwatch.describe_alarms(AlarmNamePrefix="c7n-vpcflow-reject-spike:" + group_name)
    return Remediated(
        flow_log, group, tags, role_name, trust, queries["queryDefinitions"], alarms["MetricAlarms"]
    )


def _principals(statement):
    principal = statement.get("Principal", {})
    if not isinstance(principal, dict):
        return [str(principal)]
    values = []
    for kind in sorted(principal):
        items = principal[kind]
        values.extend([items] if isinstance(items, str) else items)
    return values


def _conditions(statement):
    """'operator key = value' lines of the statement's conditions."""
    lines = []
    for operator, pairs in sorted(statement.get("Condition", {}).items()):
        for key, value in sorted(pairs.items()):
            value = value if isinstance(value, str) else ", ".join(value)
            lines.append("%s %s = %s" % (operator, key, value))
    return lines


def lines(remediated):
    """(label, value) rows: the flow log, its log group, the delivery role's trust."""
    f = remediated.flow_log
    g = remediated.log_group
    rows = [
        (
            "flow log",
            "%s  traffic %s  status %s  delivery %s"
            % (f["FlowLogId"], f["TrafficType"], f["FlowLogStatus"], f["DeliverLogsStatus"]),
        ),
        ("delivery role", f["DeliverLogsPermissionArn"]),
        ("log group", g["logGroupName"]),
        ("retention", _retention(g)),
        ("tags", _tags(remediated.log_group_tags)),
    ]
    for statement in remediated.trust.get("Statement", []):
        rows.append(
            (
                "role trust",
                "%s %s  %s"
                % (
                    statement.get("Effect"),
                    " ".join(_principals(statement)),
                    statement.get("Action"),
                ),
            )
        )
        rows.extend(("  condition", c) for c in _conditions(statement))
    rows.append(
        (
            "saved queries",
            "%d, e.g. %s" % (len(remediated.queries), _short_name(remediated.queries[0]["name"]))
            if remediated.queries
            else "none",
        )
    )
    for query in remediated.queries[:1]:
        parse, _, body = query["queryString"].partition(" | ")
        rows.append(("  query", "parse @message (%d fields) | %s" % (parse.count("*"), body)))
    for alarm in remediated.alarms:
        rows.append(
            (
                "alarm",
                "%s  >= %d REJECT records in %d s"
                % (alarm["AlarmName"], alarm["Threshold"], alarm["Period"]),
            )
        )
    return rows


def _short_name(name):
    return name.rsplit("/", 1)[-1]


@dataclass
class Held:
    """A VPC's flow logs as the emulator holds them, and the log groups they write to."""

    vpc: object  # an estate.Vpc
    flow_logs: list  # as DescribeFlowLogs returns them
    groups: dict  # log group name: (as DescribeLogGroups returns it, its tags)


def read_held(endpoint, vpcs):
    """A Held per VPC of `vpcs` (estate.Vpc), read with boto3."""
    held = []
    for vpc in vpcs:
        ec2, logs = clients(endpoint, vpc.account.account_id, vpc.region, "ec2", "logs")
        flow_logs = ec2.describe_flow_logs(
            Filters=[{"Name": "resource-id", "Values": [vpc.vpc_id]}]
        )["FlowLogs"]
        groups = {}
        for name in {f["LogGroupName"] for f in flow_logs}:
            found = [
                g
                for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
                if g["logGroupName"] == name
            ]
            groups[name] = (
                (found[0], logs.list_tags_log_group(logGroupName=name)["tags"])
                if found
                else (None, {})
            )
        held.append(Held(vpc, flow_logs, groups))
    return held


def held_lines(held):
    """Per VPC: a line naming it, then its flow logs and their log groups, tags included."""
    rows = []
    for one in held:
        vpc = one.vpc
        rows.append(
            "%s %s %s (%s): %d flow log%s"
            % (
                vpc.account.name,
                vpc.region,
                vpc.name,
                vpc.vpc_id,
                len(one.flow_logs),
                "" if len(one.flow_logs) == 1 else "s",
            )
        )
        for f in one.flow_logs:
            group, group_tags = one.groups[f["LogGroupName"]]
            rows.append(
                "  flow log   %s  traffic %s  status %s  tags %s"
                % (
                    f["FlowLogId"],
                    f["TrafficType"],
                    f["FlowLogStatus"],
                    _tags({t["Key"]: t["Value"] for t in f.get("Tags", [])}),
                )
            )
            rows.append(
                "  log group  %s  %s  tags %s"
                % (f["LogGroupName"], _retention(group), _tags(group_tags))
            )
    return rows


def _tags(tags):
    return ", ".join("%s=%s" % kv for kv in sorted(tags.items())) or "-"


def _retention(group):
    """How long the log group keeps events (None: it does not exist)."""
    if group is None:
        return "missing"
    days = group.get("retentionInDays")
    return "%d days" % days if days else "never expires"
