"""What flow-log-analytics writes, as AWS takes it: the saved Logs Insights queries, the
metric filter counting REJECT records and the alarm on it, each named after its log group.

The queries and the filter parse records with the log group's own format (its fields in
order), so they work for any format that carries the fields they use (QUERY_FIELDS,
ALARM_FIELDS: validation refuses a format without them).
"""

from types import MappingProxyType

NAME_PREFIX = "c7n-vpcflow"
QUERIES = MappingProxyType(
    {
        "top-rejected-sources": 'filter action = "REJECT" | stats count(*) as rejected by srcaddr '
        "| sort rejected desc | limit 25",
        "top-talkers": "stats sum(bytes) as total_bytes by srcaddr, dstaddr "
        "| sort total_bytes desc | limit 25",
        "rejected-ssh-rdp": 'filter action = "REJECT" and dstport in [22, 3389] '
        "| stats count(*) as attempts by srcaddr, dstport | sort attempts desc | limit 25",
        "unexpected-ports": "filter dstport not in [53, 80, 123, 443] "
        "| stats count(*) as flows, sum(bytes) as total_bytes by dstport "
        "| sort flows desc | limit 25",
    }
)
QUERY_FIELDS = ("srcaddr", "dstaddr", "dstport", "action", "bytes")
ALARM_FIELDS = ("action",)
FILTER_NAME = NAME_PREFIX + "-rejects"
METRIC_NAMESPACE = NAME_PREFIX + "/RejectedFlows"
ALARM_PREFIX = NAME_PREFIX + "-reject-spike:"


def insights_field(name):
    return name.replace("-", "_")


def parse_clause(fields):
    """Insights `parse` splitting a record of `fields` (space separated) into named fields."""
    return 'parse @message "%s" as %s' % (
        " ".join("*" for _ in fields),
        ", ".join(insights_field(f) for f in fields),
    )


def query_name(log_group, key):
    return "%s/%s/%s" % (NAME_PREFIX, log_group.lstrip("/"), key)


def query_strings(log_group, fields):
    """{definition name: query string} for one log group written in `fields`."""
    parse = parse_clause(fields)
    return {query_name(log_group, key): "%s | %s" % (parse, body) for key, body in QUERIES.items()}


def reject_pattern(fields):
    """Space-delimited metric-filter pattern matching REJECT records of this format."""
    return "[%s]" % ", ".join(
        'action="REJECT"' if f == "action" else insights_field(f) for f in fields
    )


def alarm_name(log_group):
    return ALARM_PREFIX + log_group


def alarm_params(log_group, settings, sns_topic):
    alarm = settings.reject_alarm
    params = {
        "AlarmName": alarm_name(log_group),
        "AlarmDescription": "REJECT records in %s reached %d within %d s (c7n-vpcflow)"
        % (log_group, alarm["threshold"], alarm.get("period", 300)),
        "Namespace": METRIC_NAMESPACE,
        "MetricName": log_group,
        "Statistic": "Sum",
        "Period": alarm.get("period", 300),
        "EvaluationPeriods": 1,
        "Threshold": float(alarm["threshold"]),
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "Tags": [{"Key": k, "Value": v} for k, v in settings.tags],
    }
    if sns_topic:
        params["AlarmActions"] = [sns_topic]
    return params


def alarm_outdated(current, wanted):
    keys = ("Threshold", "Period", "Namespace", "MetricName", "ComparisonOperator")
    return any(current.get(k) != wanted[k] for k in keys) or (
        current.get("AlarmActions", []) != wanted.get("AlarmActions", [])
    )
