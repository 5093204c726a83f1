"""The `flow-log-analytics` action on aws.vpc: saved Insights queries and a REJECT alarm per
flow-log log group. It goes beyond CIS AWS Foundations 3.7, so it is not part of
enable-flow-logs, which it follows in a policy when both are used."""

import logging
from functools import cached_property

from c7n.actions import BaseAction
from c7n.resources.vpc import Vpc
from c7n.utils import local_session, type_schema

from c7n_vpcflow.account import Account, confirm_account
from c7n_vpcflow.analytics.dryrun import dry_run
from c7n_vpcflow.analytics.log_groups import analytics_log_groups
from c7n_vpcflow.analytics.queries import Analytics, AnalyticsSettings, GroupResult
from c7n_vpcflow.analytics.validation import validate_analytics
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.audit.handoff import PlansUnderDryRun, UsesLogGroupFeatures, say_when_unplanned
from c7n_vpcflow.audit.inventory import owned_vpcs
from c7n_vpcflow.audit.readonly import as_json, read_only
from c7n_vpcflow.audit.variables import Variables, check_mode
from c7n_vpcflow.errors import AnnotatesFailures, fail_if_last
from c7n_vpcflow.remediation.action import EnableFlowLogs
from c7n_vpcflow.remediation.pacing import LOGS_WRITES, PacedClient, Pacer
from c7n_vpcflow.remediation.settings import Settings
from c7n_vpcflow.vocabulary import (
    ANALYTICS,
    ANALYTICS_ACTION,
    CLOUDWATCH,
    INSIGHTS_QUERIES,
    REJECT_ALARM,
    Status,
)

log = logging.getLogger("custodian.vpcflow")

PROPERTIES = read_only(
    {
        "log-group-name": {
            "type": "string",
            "minLength": 1,
            "default": Settings.log_group_template,
            "description": "The flow-log log group of each VPC, as enable-flow-logs names it "
            "(read from its result when it runs first in the policy).",
        },
        "log-format": {
            "type": "string",
            "description": "The flow logs' record format (${field} names or the preset "
            "security); AWS's default format when absent.",
        },
        INSIGHTS_QUERIES: {
            "type": "boolean",
            "default": False,
            "description": "Save CloudWatch Logs Insights queries scoped to each log group (top "
            "rejected sources, top talkers, rejected SSH/RDP, unexpected ports).",
        },
        REJECT_ALARM: {
            "type": "object",
            "additionalProperties": False,
            "required": ["threshold"],
            "properties": {
                "threshold": {"type": "integer", "minimum": 1},
                "period": {"enum": [60, 300, 900, 3600]},
                "sns-topic": {"type": "string"},
            },
            "description": "A metric filter counting REJECT records and an alarm per log group "
            "when they reach `threshold` within `period` seconds (default 300), "
            "notifying `sns-topic`.",
        },
        "tags": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Tags for the alarms; managed-by: c7n-vpcflow is always added.",
        },
    }
)


@Vpc.action_registry.register(ANALYTICS_ACTION)
class FlowLogAnalytics(PlansUnderDryRun, AnnotatesFailures, UsesLogGroupFeatures, BaseAction):
    """Give each VPC's flow-log log group saved Logs Insights queries and a REJECT alarm.
    The log group is the one enable-flow-logs wrote to when it ran first in the policy (VPCs
    it failed are left out), otherwise the VPC's sound flow log into ``log-group-name``;
    only missing or outdated queries, filters and alarms are written, and each VPC is
    annotated with ``c7n:flow-log-analytics`` (status, changes, error; under ``--dryrun``,
    ``c7n:flow-log-analytics-plan``). A listing that fails (denied, or not implemented
    where the run points) writes nothing of its key, fails each VPC naming the call, and
    stops nothing else. A VPC enable-flow-logs could not fix stops neither action: the
    last of the two in the policy fails it, naming each VPC either could not finish.

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-analytics   # match: all: compliant VPCs get them too
            resource: aws.vpc
            filters:
              - type: flow-log-compliance
                match: all
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

    schema = type_schema(ANALYTICS_ACTION, **as_json(PROPERTIES))
    schema_alias = False
    failure_key, failure_verb = ANALYTICS, "could not finish"
    permissions = AnalyticsSettings(
        insights_queries=True, reject_alarm={"threshold": 1}
    ).permissions()

    @cached_property
    def settings(self):
        return AnalyticsSettings.from_data(self.data)

    def get_permissions(self):
        return self.settings.permissions()

    def analytics_keys(self):
        """The keys of this action that need the log group's features (flow-log-cost)."""
        return {key for key in (REJECT_ALARM, INSIGHTS_QUERIES) if self.data.get(key)}

    def validate(self):
        actions = list(getattr(self.manager, "actions", ()))
        before = actions[: actions.index(self)] if self in actions else []
        enabling = [a for a in before if isinstance(a, EnableFlowLogs)]
        elsewhere = [
            a.settings.destination_type
            for a in enabling
            if a.settings.destination_type != CLOUDWATCH
        ]
        variables = Variables.of(self.manager)
        check_mode(self.manager, variables)
        # Wherever enable-flow-logs stands in the policy, its log groups carry the alarm.
        classes = [
            a.settings.log_group_class
            for a in actions
            if isinstance(a, EnableFlowLogs) and a.settings.destination_type == CLOUDWATCH
        ]
        validate_analytics(
            self.settings, self.data, variables, elsewhere[0] if elsewhere else None, classes
        )
        say_when_unplanned(self.manager, ANALYTICS_ACTION, FlowLogCompliance)
        return self

    def plan_dry_run(self, resources):
        """Its plan of each VPC the filter keeps (c7n:flow-log-analytics-plan), under
        --dryrun."""
        return dry_run(self.manager, self.settings, resources)

    def process(self, resources):
        confirm_account(self.manager)
        account = Account.of(self.manager)
        vpcs = owned_vpcs(self.manager, resources)
        groups, unknown = analytics_log_groups(self.manager, self.settings, vpcs, account)
        outcome = {vpc_id: GroupResult(Status.FAILED, error=why) for vpc_id, why in unknown.items()}
        if groups:
            outcome.update(self.write(groups, account))
        for vpc in vpcs:
            result = outcome.get(vpc["VpcId"])
            if result is not None:
                vpc[ANALYTICS] = result.to_record()
                if result.error:
                    log.error("%s %s: %s", ANALYTICS_ACTION, vpc["VpcId"], result.error)
        fail_if_last(self, resources, account)

    def write(self, groups, account):
        """{VPC id: GroupResult}: each log group's missing queries and alarm written."""
        settings = self.settings
        session = local_session(self.manager.session_factory)
        analytics = Analytics.listed(session, self.manager.retry, settings, account)
        logs = PacedClient(
            session.client("logs"), Pacer(Settings.logs_calls_per_second, LOGS_WRITES)
        )
        cloudwatch = session.client("cloudwatch") if settings.reject_alarm else None
        by_group = {
            group: analytics.ensure(logs, cloudwatch, self.manager.retry, group)
            for group in sorted(set(groups.values()))
        }
        return {vpc_id: by_group[group] for vpc_id, group in groups.items()}
