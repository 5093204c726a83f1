"""What analysts get with each log group: saved Insights queries and a REJECT-spike alarm.

Both are per log group (so per VPC with the default template): a spike alarm that names
the VPC is actionable, and a saved query scoped to one log group is cheap to run. The
queries parse records with the log group's own format, so they work for any format that
carries the fields they use. Everything is listed once per account-region and only the
missing or outdated pieces are written, so reruns make no call.
"""
import logging
from dataclasses import dataclass, field
from typing import Optional

from . import formats
from .destinations import writes_to
from .inventory import gather
from .judge import Rules, flow_log_problems
from .naming import TemplateError, render_log_group_name, render_template
from .ownership import by_telemetry_rule
from .paging import paginate
from .settings import Settings, with_our_tag
from .vocabulary import ANALYTICS_ACTION, CLOUDWATCH, FLOW_LOGS, PLAN, RESULT, Outcome, Status

log = logging.getLogger("custodian.vpcflow")

NAME_PREFIX = "c7n-vpcflow"
QUERIES = {
    "top-rejected-sources":
        'filter action = "REJECT" | stats count(*) as rejected by srcaddr '
        '| sort rejected desc | limit 25',
    "top-talkers":
        "stats sum(bytes) as total_bytes by srcaddr, dstaddr | sort total_bytes desc | limit 25",
    "rejected-ssh-rdp":
        'filter action = "REJECT" and dstport in [22, 3389] '
        "| stats count(*) as attempts by srcaddr, dstport | sort attempts desc | limit 25",
    "unexpected-ports":
        "filter dstport not in [53, 80, 123, 443] "
        "| stats count(*) as flows, sum(bytes) as total_bytes by dstport "
        "| sort flows desc | limit 25",
}
QUERY_FIELDS = ("srcaddr", "dstaddr", "dstport", "action", "bytes")
ALARM_FIELDS = ("action",)
FILTER_NAME = NAME_PREFIX + "-rejects"
METRIC_NAMESPACE = NAME_PREFIX + "/RejectedFlows"
ALARM_PREFIX = NAME_PREFIX + "-reject-spike:"

QUERY_PERMISSIONS = ("logs:DescribeQueryDefinitions", "logs:PutQueryDefinition")
ALARM_PERMISSIONS = (
    "logs:DescribeMetricFilters", "logs:PutMetricFilter", "cloudwatch:DescribeAlarms",
    "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource")


@dataclass(frozen=True)
class AnalyticsSettings:
    """The flow-log-analytics keys, with defaults applied (those of enable-flow-logs)."""
    log_group_template: str = Settings.log_group_template
    log_format: Optional[str] = None            # expanded
    insights_queries: bool = False
    reject_alarm: Optional[dict] = None
    tags: tuple = ()

    @classmethod
    def from_data(cls, data):
        return cls(data.get("log-group-name", cls.log_group_template),
                   formats.expand(data["log-format"]) if data.get("log-format") else None,
                   data.get("insights-queries", False), data.get("reject-alarm"),
                   with_our_tag(data.get("tags")))

    def permissions(self):
        return ("ec2:DescribeFlowLogs", "logs:DescribeLogGroups") + (
            QUERY_PERMISSIONS if self.insights_queries else ()) + (
            ALARM_PERMISSIONS if self.reject_alarm else ())


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
    """{VPC id: its log group}: enable-flow-logs' target unless it failed; when it did not
    run first, the rendered group when a sound flow log of the VPC writes to it."""
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
            named[vpc["VpcId"]] = render_log_group_name(
                settings.log_group_template, vpc, account)
        except TemplateError as e:
            log.warning("%s %s: %s", ANALYTICS_ACTION, vpc["VpcId"], e)
    if not named:
        return groups
    annotated = all(FLOW_LOGS in v for v in unknown)
    inventory = gather(manager, unknown, set(named.values()), [
        f for v in unknown for f in v[FLOW_LOGS]] if annotated else None)
    for vpc_id, group in named.items():
        if any(writes_to(f, CLOUDWATCH, group) and not by_telemetry_rule(f)
               and not flow_log_problems(f, inventory, Rules())
               for f in inventory.flow_logs_for(vpc_id)):
            groups[vpc_id] = group
    return groups


def insights_field(name):
    return name.replace("-", "_")


def parse_clause(fields):
    """Insights `parse` splitting a record of `fields` (space separated) into named fields."""
    return 'parse @message "%s" as %s' % (
        " ".join("*" for _ in fields), ", ".join(insights_field(f) for f in fields))


def query_name(log_group, key):
    return "%s/%s/%s" % (NAME_PREFIX, log_group.lstrip("/"), key)


def query_strings(log_group, fields):
    """{definition name: query string} for one log group written in `fields`."""
    parse = parse_clause(fields)
    return {query_name(log_group, key): "%s | %s" % (parse, body)
            for key, body in QUERIES.items()}


def reject_pattern(fields):
    """Space-delimited metric-filter pattern matching REJECT records of this format."""
    return "[%s]" % ", ".join(
        'action="REJECT"' if f == "action" else insights_field(f) for f in fields)


def alarm_name(log_group):
    return ALARM_PREFIX + log_group


@dataclass
class GroupResult:
    """What flow-log-analytics did for one log group (each of its VPCs' c7n:flow-log-analytics)."""
    status: Status
    changes: list = field(default_factory=list)
    error: Optional[str] = None

    def to_record(self):
        return {"status": self.status.value, "changes": list(self.changes), "error": self.error}


@dataclass
class Existing:
    """Our query definitions, metric filters and alarms in one account-region."""
    queries: dict = field(default_factory=dict)   # name -> definition
    filters: dict = field(default_factory=dict)   # log group -> filter pattern
    alarms: dict = field(default_factory=dict)    # name -> alarm


def list_existing(session, retry, settings):
    """One listing per kind that the settings ask for."""
    existing = Existing()
    logs = session.client("logs")
    if settings.insights_queries:
        definitions = paginate(logs, "describe_query_definitions", "queryDefinitions", retry,
                               queryDefinitionNamePrefix=NAME_PREFIX + "/")
        existing.queries = {d["name"]: d for d in definitions}
    if settings.reject_alarm:
        filters = paginate(logs, "describe_metric_filters", "metricFilters", retry)
        existing.filters = {f["logGroupName"]: f["filterPattern"] for f in filters
                            if f["filterName"] == FILTER_NAME}
        cloudwatch = session.client("cloudwatch")
        alarms = paginate(cloudwatch, "describe_alarms", "MetricAlarms", retry,
                          AlarmNamePrefix=ALARM_PREFIX)
        existing.alarms = {a["AlarmName"]: a for a in alarms}
    return existing


def alarm_params(log_group, settings, sns_topic):
    alarm = settings.reject_alarm
    params = {
        "AlarmName": alarm_name(log_group),
        "AlarmDescription": "REJECT records in %s reached %d within %d s (c7n-vpcflow)" % (
            log_group, alarm["threshold"], alarm.get("period", 300)),
        "Namespace": METRIC_NAMESPACE, "MetricName": log_group,
        "Statistic": "Sum", "Period": alarm.get("period", 300), "EvaluationPeriods": 1,
        "Threshold": float(alarm["threshold"]),
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "Tags": [{"Key": k, "Value": v} for k, v in settings.tags],
    }
    if sns_topic:
        params["AlarmActions"] = [sns_topic]
    return params


def _alarm_outdated(current, wanted):
    keys = ("Threshold", "Period", "Namespace", "MetricName", "ComparisonOperator")
    return any(current.get(k) != wanted[k] for k in keys) or (
        current.get("AlarmActions", []) != wanted.get("AlarmActions", []))


class Analytics:
    """Decides and writes the queries, filter and alarm of each log group."""

    def __init__(self, settings, fields, existing, sns_topic=None):
        self.settings = settings
        self.fields = fields
        self.existing = existing
        self.sns_topic = sns_topic

    @classmethod
    def listed(cls, session, retry, settings, account):
        """For one account-region: what exists listed once, the topic's template rendered."""
        topic = (settings.reject_alarm or {}).get("sns-topic")
        return cls(settings, formats.fields(settings.log_format),
                   list_existing(session, retry, settings),
                   render_template(topic, account.values(), "sns-topic") if topic else None)

    def missing_queries(self, log_group):
        wanted = query_strings(log_group, self.fields)
        return {name: text for name, text in wanted.items()
                if self.existing.queries.get(name, {}).get("queryString") != text
                or self.existing.queries[name].get("logGroupNames") != [log_group]}

    def steps(self, log_group):
        """The calls this log group still needs."""
        steps = []
        if self.settings.insights_queries:
            steps += ["logs:PutQueryDefinition"] * len(self.missing_queries(log_group))
        if self.settings.reject_alarm:
            if self.existing.filters.get(log_group) != reject_pattern(self.fields):
                steps.append("logs:PutMetricFilter")
            current = self.existing.alarms.get(alarm_name(log_group))
            if current is None or _alarm_outdated(
                    current, alarm_params(log_group, self.settings, self.sns_topic)):
                steps.append("cloudwatch:PutMetricAlarm")
        return steps

    def ensure(self, logs, cloudwatch, retry, log_group):
        """Write what `steps` says is missing; returns notes of what was done."""
        notes = []
        if self.settings.insights_queries:
            for name, text in sorted(self.missing_queries(log_group).items()):
                params = {"name": name, "queryString": text, "logGroupNames": [log_group]}
                if name in self.existing.queries:
                    params["queryDefinitionId"] = self.existing.queries[name]["queryDefinitionId"]
                retry(logs.put_query_definition, **params)
                notes.append("saved query %s" % name)
        if self.settings.reject_alarm:
            pattern = reject_pattern(self.fields)
            if self.existing.filters.get(log_group) != pattern:
                retry(logs.put_metric_filter, logGroupName=log_group, filterName=FILTER_NAME,
                      filterPattern=pattern, metricTransformations=[{
                          "metricName": log_group, "metricNamespace": METRIC_NAMESPACE,
                          "metricValue": "1", "defaultValue": 0.0}])
                notes.append("metric filter %s" % FILTER_NAME)
            wanted = alarm_params(log_group, self.settings, self.sns_topic)
            current = self.existing.alarms.get(wanted["AlarmName"])
            if current is None or _alarm_outdated(current, wanted):
                retry(cloudwatch.put_metric_alarm, **wanted)
                notes.append("alarm %s" % wanted["AlarmName"])
        return notes
