"""What analysts get with each log group: saved Insights queries and a REJECT-spike alarm.

Both are per log group (so per VPC with the default template): a spike alarm that names
the VPC is actionable, and a saved query scoped to one log group is cheap to run. The
queries parse records with the log group's own format, so they work for any format that
carries the fields they use. Everything is listed once per account-region and only the
missing or outdated pieces are written, so reruns make no call. A listing that fails
(denied, or not implemented where the run points) fails its VPCs, naming the call, and
nothing of its kind is written blind: the other kind still is.
"""

import logging
from dataclasses import dataclass, field
from typing import Optional

from botocore.exceptions import BotoCoreError, ClientError

from c7n_vpcflow.analytics.definitions import (
    ALARM_PREFIX,
    FILTER_NAME,
    METRIC_NAMESPACE,
    NAME_PREFIX,
    alarm_name,
    alarm_outdated,
    alarm_params,
    query_strings,
    reject_pattern,
)
from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.audit.templates import render_template
from c7n_vpcflow.errors import failed_call
from c7n_vpcflow.remediation import formats
from c7n_vpcflow.remediation.apply import error_text
from c7n_vpcflow.remediation.settings import Settings, with_our_tag
from c7n_vpcflow.vocabulary import ANALYTICS_ACTION, Status

log = logging.getLogger("custodian.vpcflow")

QUERY_PERMISSIONS = ("logs:DescribeQueryDefinitions", "logs:PutQueryDefinition")
ALARM_PERMISSIONS = (
    "logs:DescribeMetricFilters",
    "logs:PutMetricFilter",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:TagResource",
)


@dataclass(frozen=True)
class AnalyticsSettings:
    """The flow-log-analytics keys, with defaults applied (those of enable-flow-logs)."""

    log_group_template: str = Settings.log_group_template
    log_format: Optional[str] = None  # expanded
    insights_queries: bool = False
    reject_alarm: Optional[dict] = None
    tags: tuple = ()

    @classmethod
    def from_data(cls, data):
        return cls(
            data.get("log-group-name", cls.log_group_template),
            formats.expand(data["log-format"]) if data.get("log-format") else None,
            data.get("insights-queries", False),
            data.get("reject-alarm"),
            with_our_tag(data.get("tags")),
        )

    def permissions(self):
        return (
            ("ec2:DescribeFlowLogs", "logs:DescribeLogGroups")
            + (QUERY_PERMISSIONS if self.insights_queries else ())
            + (ALARM_PERMISSIONS if self.reject_alarm else ())
        )


class Unlisted(Exception):
    """A listing failed; the message names the call and why (errors.failed_call)."""


def listing(client, method, result_key, retry, **params):
    """Every item of a listing, or Unlisted."""
    try:
        return paginate(client, method, result_key, retry, **params)
    except (ClientError, BotoCoreError) as e:
        raise Unlisted(failed_call(client, method, e)) from e


@dataclass
class GroupResult:
    """What flow-log-analytics did for one log group (each of its VPCs' c7n:flow-log-analytics)."""

    status: Status
    changes: list = field(default_factory=list)
    error: Optional[str] = None

    @classmethod
    def of(cls, changes, errors):
        status = Status.FAILED if errors else Status.UPDATED if changes else Status.SKIPPED
        return cls(status, changes, "; ".join(errors) or None)

    def to_record(self):
        return {"status": self.status.value, "changes": list(self.changes), "error": self.error}


@dataclass
class Existing:
    """Our query definitions, metric filters and alarms in one account-region."""

    queries: dict = field(default_factory=dict)  # name -> definition
    filters: dict = field(default_factory=dict)  # log group -> filter pattern
    alarms: dict = field(default_factory=dict)  # name -> alarm
    unlisted: dict = field(default_factory=dict)  # key (its kind) -> why it was not listed


def list_existing(session, retry, settings):
    """One listing per kind that the settings ask for; a kind that could not be listed is
    recorded under `unlisted` by its key."""
    existing = Existing()
    logs = session.client("logs")
    if settings.insights_queries:
        try:
            definitions = listing(
                logs,
                "describe_query_definitions",
                "queryDefinitions",
                retry,
                queryDefinitionNamePrefix=NAME_PREFIX + "/",
            )
            existing.queries = {d["name"]: d for d in definitions}
        except Unlisted as e:
            existing.unlisted["insights-queries"] = str(e)
    if settings.reject_alarm:
        try:
            filters = listing(logs, "describe_metric_filters", "metricFilters", retry)
            existing.filters = {
                f["logGroupName"]: f["filterPattern"]
                for f in filters
                if f["filterName"] == FILTER_NAME
            }
            alarms = listing(
                session.client("cloudwatch"),
                "describe_alarms",
                "MetricAlarms",
                retry,
                AlarmNamePrefix=ALARM_PREFIX,
            )
            existing.alarms = {a["AlarmName"]: a for a in alarms}
        except Unlisted as e:
            existing.unlisted["reject-alarm"] = str(e)
    return existing


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
        return cls(
            settings,
            formats.fields(settings.log_format),
            list_existing(session, retry, settings),
            render_template(topic, account.values(), "sns-topic") if topic else None,
        )

    @property
    def queries_wanted(self):
        return self.settings.insights_queries and "insights-queries" not in self.existing.unlisted

    @property
    def alarm_wanted(self):
        return bool(self.settings.reject_alarm) and "reject-alarm" not in self.existing.unlisted

    def unlisted_errors(self):
        """Why each kind that could not be listed is not written (for any log group)."""
        return [
            "%s not written: %s" % (key, why) for key, why in sorted(self.existing.unlisted.items())
        ]

    def missing_queries(self, log_group):
        wanted = query_strings(log_group, self.fields)
        return {
            name: text
            for name, text in wanted.items()
            if self.existing.queries.get(name, {}).get("queryString") != text
            or self.existing.queries[name].get("logGroupNames") != [log_group]
        }

    def steps(self, log_group):
        """The calls this log group still needs (of the kinds that could be listed)."""
        steps = []
        if self.queries_wanted:
            steps += ["logs:PutQueryDefinition"] * len(self.missing_queries(log_group))
        if self.alarm_wanted:
            if self.existing.filters.get(log_group) != reject_pattern(self.fields):
                steps.append("logs:PutMetricFilter")
            current = self.existing.alarms.get(alarm_name(log_group))
            if current is None or alarm_outdated(
                current, alarm_params(log_group, self.settings, self.sns_topic)
            ):
                steps.append("cloudwatch:PutMetricAlarm")
        return steps

    def ensure(self, logs, cloudwatch, retry, log_group):
        """Write what `steps` says is missing; the GroupResult names each write (each also
        logged) and what failed, without stopping at a kind that could not be listed."""
        changes, errors = [], self.unlisted_errors()
        try:
            self._write(logs, cloudwatch, retry, log_group, changes)
        except ClientError as e:
            errors.append("saved queries / alarm for %s: %s" % (log_group, error_text(e)))
        return GroupResult.of(changes, errors)

    def _write(self, logs, cloudwatch, retry, log_group, changes):
        def done(change):
            changes.append(change)
            log.info("%s %s: %s", ANALYTICS_ACTION, log_group, change)

        if self.queries_wanted:
            for name, text in sorted(self.missing_queries(log_group).items()):
                params = {"name": name, "queryString": text, "logGroupNames": [log_group]}
                if name in self.existing.queries:
                    params["queryDefinitionId"] = self.existing.queries[name]["queryDefinitionId"]
                retry(logs.put_query_definition, **params)
                done(
                    "%s query %s"
                    % ("updated saved" if "queryDefinitionId" in params else "saved", name)
                )
        if self.alarm_wanted:
            pattern = reject_pattern(self.fields)
            if self.existing.filters.get(log_group) != pattern:
                retry(
                    logs.put_metric_filter,
                    logGroupName=log_group,
                    filterName=FILTER_NAME,
                    filterPattern=pattern,
                    metricTransformations=[
                        {
                            "metricName": log_group,
                            "metricNamespace": METRIC_NAMESPACE,
                            "metricValue": "1",
                            "defaultValue": 0.0,
                        }
                    ],
                )
                done(
                    "%s metric filter %s"
                    % ("updated" if log_group in self.existing.filters else "created", FILTER_NAME)
                )
            wanted = alarm_params(log_group, self.settings, self.sns_topic)
            current = self.existing.alarms.get(wanted["AlarmName"])
            if current is None or alarm_outdated(current, wanted):
                retry(cloudwatch.put_metric_alarm, **wanted)
                done("%s alarm %s" % ("updated" if current else "created", wanted["AlarmName"]))
