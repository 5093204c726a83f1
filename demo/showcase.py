"""One remediated VPC as the emulator holds it: flow log, log group, delivery role trust,
and what analysts get with it (a saved Insights query, the REJECT-spike alarm)."""
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
        endpoint, vpc.account.account_id, vpc.region, "ec2", "logs", "iam", "cloudwatch")
    group_name = CONVENTIONAL_GROUP % vpc.vpc_id
    flow_logs = ec2.describe_flow_logs(Filters=[
        {"Name": "resource-id", "Values": [vpc.vpc_id]},
        {"Name": "log-group-name", "Values": [group_name]}])["FlowLogs"]
    if len(flow_logs) != 1:
        raise LookupError("expected one flow log into %s for %s, found %d" % (
            group_name, vpc.vpc_id, len(flow_logs)))
    flow_log = flow_logs[0]
    group = next(g for g in logs.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
                 if g["logGroupName"] == group_name)
    tags = logs.list_tags_log_group(logGroupName=group_name)["tags"]
    role_name = flow_log["DeliverLogsPermissionArn"].rsplit("/", 1)[-1]
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(unquote(trust))
    queries = logs.describe_query_definitions(
        queryDefinitionNamePrefix="c7n-vpcflow/" + group_name.lstrip("/") + "/")
    alarms = cloudwatch.describe_alarms(AlarmNamePrefix="c7n-vpcflow-reject-spike:" + group_name)
    return Remediated(flow_log, group, tags, role_name, trust, queries["queryDefinitions"],
                      alarms["MetricAlarms"])


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
    retention = g.get("retentionInDays")
    rows = [
        ("flow log", "%s  traffic %s  status %s  delivery %s" % (
            f["FlowLogId"], f["TrafficType"], f["FlowLogStatus"], f["DeliverLogsStatus"])),
        ("delivery role", f["DeliverLogsPermissionArn"]),
        ("log group", g["logGroupName"]),
        ("retention", "%s days" % retention if retention else "never expires"),
        ("tags", ", ".join("%s=%s" % kv for kv in sorted(remediated.log_group_tags.items()))
         or "-"),
    ]
    for statement in remediated.trust.get("Statement", []):
        rows.append(("role trust", "%s %s  %s" % (
            statement.get("Effect"), " ".join(_principals(statement)),
            statement.get("Action"))))
        rows.extend(("  condition", c) for c in _conditions(statement))
    rows.append(("saved queries", "%d, e.g. %s" % (
        len(remediated.queries), _short_name(remediated.queries[0]["name"]))
        if remediated.queries else "none"))
    for query in remediated.queries[:1]:
        parse, _, body = query["queryString"].partition(" | ")
        rows.append(("  query", "parse @message (%d fields) | %s" % (parse.count("*"), body)))
    for alarm in remediated.alarms:
        rows.append(("alarm", "%s  >= %d REJECT records in %d s" % (
            alarm["AlarmName"], alarm["Threshold"], alarm["Period"])))
    return rows


def _short_name(name):
    return name.rsplit("/", 1)[-1]
