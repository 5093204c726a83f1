"""The `put-vpc-flow-log-telemetry-rule` action on aws.account: create or update the
CloudWatch telemetry rule that enables VPC flow logs."""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from c7n.actions import BaseAction
from c7n.utils import type_schema

from c7n_vpcflow.audit.handoff import PlansUnderDryRun, say_when_unplanned
from c7n_vpcflow.audit.readonly import as_json
from c7n_vpcflow.errors import failed_call
from c7n_vpcflow.remediation.settings import Settings
from c7n_vpcflow.telemetry.filter import VpcFlowLogTelemetryRule
from c7n_vpcflow.telemetry.plan import dry_run, plan_rule
from c7n_vpcflow.telemetry.rules import (
    ACTION_KEYS,
    READS,
    RULE_KEYS,
    WRITES,
    TelemetryRuleError,
    inspect,
    permissions_of,
    validate_spec,
)
from c7n_vpcflow.telemetry.spec import NOT_CARRIED, WHEN_DENIED
from c7n_vpcflow.vocabulary import TELEMETRY_ACTION, TELEMETRY_RULE_RESULT, RuleOutcome

log = logging.getLogger("custodian.vpcflow")


class PutVpcFlowLogTelemetryRule(PlansUnderDryRun, BaseAction):
    """Create or update the CloudWatch telemetry rule that enables VPC flow logs.

    From the same keys as ``enable-flow-logs`` (``traffic-type``, ``log-format``,
    ``max-aggregation-interval``, ``log-group-name`` as the per-VPC pattern with ``{vpc_id}``
    and ``{account_id}``, ``retention-days``, ``kms-key-id`` for a one-region rule, ``tags``
    on the rule) plus ``scope``, ``rule-name``, ``regions`` (every region when absent),
    ``rule-scope``, ``selection-criteria``, ``allow-field-updates``. What a rule cannot
    express (our tags on flow logs and log groups, our delivery role, a KMS key per log
    group or across regions, saved queries, alarms, S3 or Firehose) is annotated under
    ``not-carried`` and logged; ``destination-type`` other than ``cloud-watch-logs`` is
    refused. Idempotent: a conforming rule is left alone; a deviating one is updated in
    the deviating fields only (a longer retention is kept); another VPC flow-log rule is
    never shadowed by a second one. Starts telemetry evaluation when it is not running.
    A refused call does not stop the other; the run then fails with one line per refused
    call, naming it and AWS's error code. The plan (``c7n:vpc-flow-log-telemetry-rule-plan``)
    is annotated under ``--dryrun``.

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-telemetry-rule
            resource: aws.account
            filters:
              - type: vpc-flow-log-telemetry-rule
                scope: organization
            actions:
              - type: put-vpc-flow-log-telemetry-rule
                scope: organization
                rule-name: c7n-vpcflow-vpc-flow-logs
                destination-type: cloud-watch-logs
                traffic-type: REJECT
                retention-days: 365
                log-group-name: "/vpc/flow-logs/{vpc_id}"
                log-format: security
                max-aggregation-interval: 600
                regions: [us-east-1]
                rule-scope: "OrganizationUnitId = 'ou-ab12-34cd56ef'"
                selection-criteria: "tags.environment = 'prod'"
                allow-field-updates: true
                kms-key-id: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
                tags:
                  owner: security
                # Not carried by a rule (logged and annotated as such):
                role: vpc-flow-logs-delivery
                create-role: true
                replace-broken: false
    """  # noqa: E501 (a KMS key ARN in the example cannot break)

    type = TELEMETRY_ACTION
    schema = type_schema(type, **as_json(dict(ACTION_KEYS, **RULE_KEYS)))
    schema_alias = False
    permissions = permissions_of("organization", READS + WRITES) + permissions_of(
        "account", READS + WRITES
    )

    def get_permissions(self):
        return permissions_of(self.data.get("scope", "organization"), READS + WRITES)

    def validate(self):
        validate_spec(self.data, self.manager)
        say_when_unplanned(self.manager, self.type, VpcFlowLogTelemetryRule)
        return self

    def plan_dry_run(self, resources):
        """Its plan of the rule (c7n:vpc-flow-log-telemetry-rule-plan), under --dryrun."""
        return dry_run(self.manager, self.data, resources)

    def process(self, resources):
        client, status, rules = inspect(self.manager, self.data)
        plan = plan_rule(status, rules, self.data, self.manager.config.region)
        self._say_not_carried(plan)
        if plan.outcome == RuleOutcome.FAIL:
            raise TelemetryRuleError("put-vpc-flow-log-telemetry-rule: " + plan.reason)
        plan.done, failures = [], []
        for call in plan.calls:
            # The calls are independent (evaluation, the rule): one failing stops no other.
            try:
                self._write(client, call, plan)
            except (ClientError, BotoCoreError) as e:
                failures.append(
                    "%s %s: %s"
                    % (
                        self.type,
                        plan.rule_name,
                        failed_call(client, call, e, WHEN_DENIED[plan.scope]),
                    )
                )
                log.error("%s", failures[-1])
                continue
            plan.done.append(call)
            log.info("put-vpc-flow-log-telemetry-rule %s: %s", plan.rule_name, call)
        for account in resources:
            account[TELEMETRY_RULE_RESULT] = plan.to_record()
        if failures:
            raise TelemetryRuleError("\n".join(failures))
        return resources

    def _write(self, client, call, plan):
        rule, method = plan.rule or {}, getattr(client, call)
        if call.startswith("start_telemetry_evaluation"):
            regions = {"Regions": rule["Regions"]} if rule.get("Regions") else {"AllRegions": True}
            self.manager.retry(method, **regions)
        elif call.startswith("create_telemetry_rule"):
            tags = dict(Settings.from_data(self.data).tags)
            plan.rule_arn = self.manager.retry(
                method, RuleName=plan.rule_name, Rule=rule, Tags=tags
            ).get("RuleArn")
        else:
            plan.rule_arn = self.manager.retry(
                method, RuleIdentifier=plan.rule_name, Rule=rule
            ).get("RuleArn")

    def _say_not_carried(self, plan):
        for key, why in sorted(plan.not_carried.items()):
            (log.warning if key in NOT_CARRIED else log.info)(
                "put-vpc-flow-log-telemetry-rule: not carried by the rule: %s: %s", key, why
            )
