"""The ``vpc-flow-log-config-rule`` execution mode: the filter's verdicts as an AWS Config
custom rule, one evaluation per VPC (see c7n_vpcflow.evaluations)."""

import logging
import re
from datetime import datetime, timezone

from botocore.exceptions import ClientError
from c7n.exceptions import PolicyValidationError
from c7n.mu import ConfigRule, PolicyLambda, resource_exists
from c7n.policy import ConfigPollRuleMode, LambdaMode, PullMode, execution
from c7n.utils import chunks, local_session, type_schema

from ..account import Account
from ..audit.filter import FlowLogCompliance
from ..errors import VpcFlowError, failed_call, failed_vpcs
from ..evaluations.annotation import GONE
from ..evaluations.records import evaluations
from ..vocabulary import CONFIG_RULE_MODE, FILTER

log = logging.getLogger("custodian.vpcflow")

SCHEDULES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
DEFAULT_SCHEDULE = "TwentyFour_Hours"
# A policy variable as a whole value: Custodian checks the schema before it fills variables,
# so the schema takes one in place of a schedule, and validate checks what it was filled with.
VARIABLE = re.compile(r"^\{[A-Za-z_][A-Za-z0-9_]*\}$")
# PutEvaluations takes at most 100 evaluations a call (botocore's config model).
MAX_EVALUATIONS = 100


class ScheduledRuleSource(ConfigRule):
    """Custodian's Config rule event source for a rule that runs on its schedule only, as
    for ``config-poll-rule`` (Custodian wires the source by mode name, so not for ours)."""

    # What deploying it calls (Custodian's ConfigRule.add): the rule, looked up then put,
    # and AWS Config's permission to invoke the function.
    permissions = ("config:DescribeConfigRules", "config:PutConfigRule", "lambda:AddPermission")

    def get_rule_params(self, func):
        params = super().get_rule_params(func)
        # It evaluates every VPC on its schedule; configuration changes do not trigger it.
        params.pop("Scope", None)
        return params

    def get(self, rule_name):
        # The emulator (moto 5.2) answers an unknown name with an empty list where AWS
        # raises NoSuchConfigRuleException; Custodian's own get would fail on [0].
        rules = resource_exists(
            self.client.describe_config_rules,
            ConfigRuleNames=[rule_name],
            NotFound="NoSuchConfigRuleException",
        )
        return rules["ConfigRules"][0] if rules and rules["ConfigRules"] else None


class RuleLambda(PolicyLambda):
    """The policy's Lambda function, invoked by its Config rule on the rule's schedule."""

    def get_events(self, session_factory):
        schedule = self.policy.get_execution_mode().schedule
        return [
            ScheduledRuleSource(dict(self.policy.data["mode"], schedule=schedule), session_factory)
        ]


@execution.register(CONFIG_RULE_MODE)
class VpcFlowLogConfigRule(ConfigPollRuleMode):
    """Puts the flow-log-compliance verdict on every VPC into AWS Config as a custom rule.

    A Lambda function, run by its AWS Config rule on ``schedule`` (TwentyFour_Hours unless
    given; a policy variable such as ``{config_rule_schedule}`` that no variable fills is
    TwentyFour_Hours too), judges every VPC of its account-region and puts one evaluation per VPC:
    NON_COMPLIANT with the reason codes and the flow-log ids in the annotation, COMPLIANT
    with the flow logs that make it so, NOT_APPLICABLE for a VPC shared into the account
    (only its owner can add flow logs), each dated by the time it was judged, at most 100
    a call, retried when throttled. VPCs evaluated before and since deleted become
    NOT_APPLICABLE. Unlike Custodian's ``config-poll-rule``, a VPC the policy did not
    judge is never called compliant: the policy's one filter is ``flow-log-compliance``
    with ``match: all``. AWS Audit Manager collects the evaluations as evidence
    (iam/audit-manager.yml). The function carries the plugin (``packages``, ``handler``).

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-config-rule
            resource: aws.vpc
            mode:
              type: vpc-flow-log-config-rule
              schedule: TwentyFour_Hours
              role: arn:aws:iam::{account_id}:role/c7n-vpcflow-lambda
              packages: [c7n_vpcflow]
              handler: c7n_vpcflow.lambda_handler.run
            filters:
              - type: flow-log-compliance
                match: all
    """

    schema = type_schema(
        CONFIG_RULE_MODE,
        schedule={
            "anyOf": [{"enum": list(SCHEDULES)}, {"type": "string", "pattern": VARIABLE.pattern}]
        },
        rinherit=LambdaMode.schema,
    )
    permissions = ("config:PutEvaluations", "config:GetComplianceDetailsByConfigRule")
    # Keys of the mode that may hold a policy variable no variable fills: the default then.
    defaulted_keys = ("schedule",)
    policy_lambda = RuleLambda

    @property
    def schedule(self):
        """The Config rule's MaximumExecutionFrequency."""
        given = self.policy.data["mode"].get("schedule", DEFAULT_SCHEDULE)
        return DEFAULT_SCHEDULE if VARIABLE.match(given) else given

    def validate(self):
        # Not ConfigPollRuleMode's checks: they ask to opt out of Config's own VPC support,
        # whose configuration items do not hold flow logs.
        LambdaMode.validate(self)
        name, data = self.policy.name, self.policy.data
        if self.policy.resource_type not in ("aws.vpc", "vpc"):
            raise PolicyValidationError(
                "policy:%s mode %s is for aws.vpc, not %s"
                % (name, CONFIG_RULE_MODE, data["resource"])
            )
        if self.schedule not in SCHEDULES:
            raise PolicyValidationError(
                "policy:%s mode %s: schedule %r is not one of %s"
                % (name, CONFIG_RULE_MODE, self.schedule, ", ".join(SCHEDULES))
            )
        if data["mode"].get("pattern"):
            raise PolicyValidationError(
                "policy:%s mode %s: AWS Config does not filter "
                "events by pattern" % (name, CONFIG_RULE_MODE)
            )
        filters = self.policy.resource_manager.filters
        if not (
            len(filters) == 1
            and isinstance(filters[0], FlowLogCompliance)
            and filters[0].settings["match"] == "all"
        ):
            raise PolicyValidationError(
                "policy:%s mode %s needs one filter, %s with match: all, so that every VPC "
                "is judged before it is evaluated" % (name, CONFIG_RULE_MODE, FILTER)
            )

    def run(self, event, lambda_context):
        if not self.policy.is_runnable():
            return []
        manager = self.policy.resource_manager
        judged = PullMode.run(self) or []
        judged_at = datetime.fromtimestamp(self.policy.ctx.start_time, timezone.utc)
        # The shared VPCs of the same listing the filter judged: no second DescribeVpcs,
        # and no VPC created in between that is neither judged nor evaluated.
        compliance = manager.filters[0]
        found = evaluations(judged, compliance.shared_vpcs, compliance.settings, judged_at)
        token = event.get("resultToken")
        if not token:
            log.warning(
                "policy:%s: no resultToken in the event (not run by AWS Config): "
                "%d evaluations not put",
                self.policy.name,
                len(found),
            )
            return judged
        client = local_session(self.policy.session_factory).client("config")
        failed = self.put(client, token, found)
        deleted, unread = self.deleted_since(client, event, judged_at, found)
        failed += self.put(client, token, deleted)
        if failed or unread:
            raise VpcFlowError(
                "\n".join(
                    filter(
                        None,
                        (
                            failed
                            and failed_vpcs(
                                CONFIG_RULE_MODE,
                                "could not put the evaluations of",
                                failed,
                                len(found) + len(deleted),
                                Account.of(manager),
                            ),
                            unread,
                        ),
                    )
                )
            ) from None
        return judged

    def put(self, client, token, found):
        """Puts `found` in calls of at most 100; [(VPC id, why)] of each Config did not take."""
        failed = []
        for batch in chunks(found, MAX_EVALUATIONS):
            try:
                answer = self.policy.resource_manager.retry(
                    client.put_evaluations, Evaluations=batch, ResultToken=token
                )
            except ClientError as e:
                error = failed_call(client, "put_evaluations", e)
                failed.extend((item["ComplianceResourceId"], error) for item in batch)
                continue
            failed.extend(
                (item["ComplianceResourceId"], "refused by AWS Config")
                for item in answer.get("FailedEvaluations", ())
            )
        for vpc_id, error in failed:
            log.error("%s: evaluation not put: %s", vpc_id, error)
        return failed

    def deleted_since(self, client, event, judged_at, found):
        """(NOT_APPLICABLE evaluations of the VPCs the rule evaluated before and that are
        gone, why they could not be looked up or None)."""
        try:
            return [
                dict(gone, Annotation=GONE)
                for gone in self.get_obsolete_evaluations(
                    client, event["configRuleName"], judged_at, found
                )
            ], None
        except ClientError as e:
            unread = (
                "%s could not read the rule's earlier evaluations, so VPCs deleted since "
                "keep theirs: %s"
                % (
                    CONFIG_RULE_MODE,
                    failed_call(client, "get_compliance_details_by_config_rule", e),
                )
            )
            log.error(unread)
            return [], unread
