"""The `flow-log-analytics` action on aws.vpc: saved Insights queries and a REJECT alarm per
flow-log log group. It goes beyond CIS AWS Foundations 3.7, so it is not part of
enable-flow-logs, which it follows in a policy when both are used."""
import logging
from functools import cached_property

from c7n.actions import BaseAction
from c7n.exceptions import ClientError
from c7n.resources.vpc import Vpc
from c7n.utils import local_session, type_schema

from . import formats
from .account import Account
from .action import EnableFlowLogs
from .analytics import Analytics, AnalyticsSettings, list_existing
from .apply import error_text
from .destinations import writes_to
from .errors import FlowLogRemediationError
from .identity import confirm_account
from .inventory import gather, owned_vpcs
from .judge import Rules, flow_log_problems
from .naming import TemplateError, render_log_group_name, render_template
from .ownership import by_telemetry_rule
from .pacing import LOGS_WRITES, PacedClient, Pacer
from .settings import Settings
from .validation import validate_analytics
from .vocabulary import (
    ANALYTICS, ANALYTICS_ACTION, CLOUDWATCH, FLOW_LOGS, RESULT, Status)

log = logging.getLogger("custodian.vpcflow")

PROPERTIES = {
    "log-group-name": {
        "type": "string", "minLength": 1, "default": Settings.log_group_template,
        "description": "The flow-log log group of each VPC, as enable-flow-logs names it "
                       "(read from its result when it runs first in the policy)."},
    "log-format": {
        "type": "string",
        "description": "The flow logs' record format (${field} names or the preset "
                       "security); AWS's default format when absent."},
    "insights-queries": {
        "type": "boolean", "default": False,
        "description": "Save CloudWatch Logs Insights queries scoped to each log group (top "
                       "rejected sources, top talkers, rejected SSH/RDP, unexpected ports)."},
    "reject-alarm": {
        "type": "object", "additionalProperties": False, "required": ["threshold"],
        "properties": {
            "threshold": {"type": "integer", "minimum": 1},
            "period": {"enum": [60, 300, 900, 3600]},
            "sns-topic": {"type": "string"},
        },
        "description": "A metric filter counting REJECT records and an alarm per log group "
                       "when they reach `threshold` within `period` seconds (default 300), "
                       "notifying `sns-topic`."},
    "tags": {
        "type": "object", "additionalProperties": {"type": "string"},
        "description": "Tags for the alarms; managed-by: c7n-vpcflow is always added."},
}


@Vpc.action_registry.register(ANALYTICS_ACTION)
class FlowLogAnalytics(BaseAction):
    """Give each VPC's flow-log log group saved Logs Insights queries and a REJECT alarm.
    The log group is the one enable-flow-logs wrote to when it ran first in the policy (VPCs
    it failed are left out), otherwise the VPC's sound flow log into ``log-group-name``;
    only missing or outdated queries, filters and alarms are written, and each VPC is
    annotated with ``c7n:flow-log-analytics`` (status, changes, error).

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-analytics   # unfiltered: compliant VPCs get them too
            resource: aws.vpc
            actions:
              - type: enable-flow-logs
                log-format: security
              - type: flow-log-analytics
                log-group-name: "/vpc/flow-logs/{vpc_id}"
                log-format: security
                insights-queries: true
                reject-alarm:
                  threshold: 500
                  period: 300
                  sns-topic: "arn:aws:sns:{region}:{account_id}:security-alerts"
                tags:
                  owner: security
    """

    schema = type_schema(ANALYTICS_ACTION, **PROPERTIES)
    schema_alias = False
    permissions = AnalyticsSettings(
        insights_queries=True, reject_alarm={"threshold": 1}).permissions()

    @cached_property
    def settings(self):
        return AnalyticsSettings.from_data(self.data)

    def get_permissions(self):
        return self.settings.permissions()

    def validate(self):
        elsewhere = [a.data.get("destination-type") for a in getattr(self.manager, "actions", ())
                     if isinstance(a, EnableFlowLogs)
                     and a.data.get("destination-type", CLOUDWATCH) != CLOUDWATCH]
        validate_analytics(self.settings, self.data, elsewhere[0] if elsewhere else None)
        return self

    def log_groups(self, vpcs, account):
        """{VPC id: its log group}: enable-flow-logs' target unless it failed; without its
        result, the rendered group when a sound flow log of the VPC writes to it."""
        groups, unknown = {}, []
        for vpc in vpcs:
            result = vpc.get(RESULT)
            if result is None:
                unknown.append(vpc)
            elif result["status"] != Status.FAILED and result.get("log-group"):
                groups[vpc["VpcId"]] = result["log-group"]
        named = {}
        for vpc in unknown:
            try:
                named[vpc["VpcId"]] = render_log_group_name(
                    self.settings.log_group_template, vpc, account)
            except TemplateError as e:
                log.warning("%s %s: %s", ANALYTICS_ACTION, vpc["VpcId"], e)
        if not named:
            return groups
        annotated = all(FLOW_LOGS in v for v in unknown)
        inventory = gather(self.manager, unknown, set(named.values()), [
            f for v in unknown for f in v[FLOW_LOGS]] if annotated else None)
        for vpc_id, group in named.items():
            if any(writes_to(f, CLOUDWATCH, group) and not by_telemetry_rule(f)
                   and not flow_log_problems(f, inventory, Rules())
                   for f in inventory.flow_logs_for(vpc_id)):
                groups[vpc_id] = group
        return groups

    def process(self, resources):
        confirm_account(self.manager)
        account = Account.of(self.manager)
        vpcs = owned_vpcs(self.manager, resources)
        groups = self.log_groups(vpcs, account)
        if not groups:
            return
        settings = self.settings
        session = local_session(self.manager.session_factory)
        topic = (settings.reject_alarm or {}).get("sns-topic")
        analytics = Analytics(
            settings, formats.fields(settings.log_format),
            list_existing(session, self.manager.retry, settings),
            render_template(topic, account.values(), "sns-topic") if topic else None)
        logs = PacedClient(session.client("logs"), Pacer(
            Settings.logs_calls_per_second, LOGS_WRITES))
        cloudwatch = session.client("cloudwatch") if settings.reject_alarm else None
        outcome = {}
        for group in sorted(set(groups.values())):
            try:
                notes = analytics.ensure(logs, cloudwatch, self.manager.retry, group)
                outcome[group] = {"status": (Status.UPDATED if notes else Status.SKIPPED).value,
                                  "changes": notes, "error": None}
            except ClientError as e:
                outcome[group] = {"status": Status.FAILED.value, "changes": [], "error": (
                    "saved queries / alarm for %s: %s" % (group, error_text(e)))}
        for vpc in vpcs:
            if vpc["VpcId"] in groups:
                vpc[ANALYTICS] = dict(outcome[groups[vpc["VpcId"]]])
        failed = sorted((v["VpcId"], v[ANALYTICS]["error"]) for v in vpcs
                        if v.get(ANALYTICS, {}).get("error"))
        if failed:
            raise FlowLogRemediationError(
                "%s could not finish %d of %d VPCs in %s/%s:\n%s" % (
                    ANALYTICS_ACTION, len(failed), len(groups), account.account_id,
                    account.region, "\n".join("  %s: %s" % f for f in failed)))
