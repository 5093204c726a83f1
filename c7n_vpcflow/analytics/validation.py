"""Checks on flow-log-analytics keys that JSON schema cannot express; each names its key.

Its templated keys (log-group-name, reject-alarm's sns-topic, tag values) follow the rule of
variables.py, as enable-flow-logs' do.
"""

import re

from c7n_vpcflow.analytics.definitions import ALARM_FIELDS, QUERY_FIELDS
from c7n_vpcflow.audit.templates import PER_REGION_VARIABLES, TEMPLATE_VARIABLES, TemplateError
from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.cost.choices import METRIC_FILTERS
from c7n_vpcflow.remediation import formats
from c7n_vpcflow.remediation.naming import check_log_group_template
from c7n_vpcflow.remediation.validation import (
    check_tag_variables,
    check_variables,
    fail,
    sample,
    validate_log_format,
    validate_tags,
)
from c7n_vpcflow.vocabulary import ACTION, ANALYTICS_ACTION, REJECT_ALARM

SNS_TOPIC_ARN = re.compile(r"^arn:[^:]+:sns:[^:]+:[^:]+:[A-Za-z0-9_-]+$")


def validate_analytics(settings, data, variables, writes_elsewhere=None, classes=()):
    """Saved queries and the REJECT alarm read fields the log format must carry, from a
    CloudWatch Logs log group (`writes_elsewhere`: the destination type an enable-flow-logs
    of the same policy writes to instead; `classes`: the log-group-class its enable-flow-logs
    actions create log groups of)."""

    def refuse(key, message):
        fail(key, message, ANALYTICS_ACTION)

    if settings.reject_alarm:
        validate_alarm_classes(classes)
    if "log-format" in data:
        validate_log_format(data["log-format"], ANALYTICS_ACTION)
    try:
        present = set(formats.fields(settings.log_format))
    except formats.LogFormatError:
        return  # reported under log-format
    for key, needed in (
        ("insights-queries", QUERY_FIELDS if settings.insights_queries else ()),
        ("reject-alarm", ALARM_FIELDS if settings.reject_alarm else ()),
    ):
        if needed and writes_elsewhere:
            refuse(
                key,
                "needs flow logs in cloud-watch-logs; the policy's %s writes to %s"
                % (ACTION, writes_elsewhere),
            )
        missing = [f for f in needed if f not in present]
        if missing:
            refuse(
                key, "needs the fields %s in log-format" % ", ".join("${%s}" % f for f in missing)
            )
    template = check_variables(
        "log-group-name",
        settings.log_group_template,
        TEMPLATE_VARIABLES,
        variables,
        ANALYTICS_ACTION,
    )
    try:
        check_log_group_template(template)
    except TemplateError as e:
        refuse("log-group-name", "%r %s" % (settings.log_group_template, e))
    topic = (settings.reject_alarm or {}).get("sns-topic")
    if topic is not None:
        shape = sample(
            check_variables(
                "reject-alarm", topic, PER_REGION_VARIABLES, variables, ANALYTICS_ACTION
            ),
            variables,
        )
        if shape is not None and not SNS_TOPIC_ARN.match(shape):
            refuse("reject-alarm", "sns-topic %r is not an SNS topic ARN" % topic)
    tags = data.get("tags") or {}
    check_tag_variables(tags, PER_REGION_VARIABLES, variables, ANALYTICS_ACTION)
    validate_tags(tags, ANALYTICS_ACTION)


def validate_alarm_classes(classes):
    """The REJECT alarm counts records with a metric filter: a log group class that lacks
    them (as data/prices.json says) cannot carry it."""
    package = price_data.package_prices()
    for chosen in sorted(set(classes)):
        if METRIC_FILTERS in price_data.lacks(package, chosen):
            fail(
                REJECT_ALARM,
                "needs a metric filter, which log groups of class %s lack, and "
                "the policy's %s creates them with log-group-class %s: use "
                "log-group-class STANDARD or drop %s" % (chosen, ACTION, chosen, REJECT_ALARM),
                ANALYTICS_ACTION,
            )
