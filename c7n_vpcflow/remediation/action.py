"""The `enable-flow-logs` action on aws.vpc: judge, plan, apply, report."""

import logging
from collections import Counter
from functools import cached_property

from c7n.actions import BaseAction
from c7n.resources.vpc import Vpc
from c7n.utils import FormatDate, type_schema

from c7n_vpcflow.account import Account, AccountMismatch, confirm_account
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.audit.handoff import PlansUnderDryRun, WritesToLogGroups, say_when_unplanned
from c7n_vpcflow.audit.inventory import owned_vpcs
from c7n_vpcflow.audit.variables import Variables, check_mode, deploys_lambda
from c7n_vpcflow.audit.verdicts import verdict_record
from c7n_vpcflow.errors import AnnotatesFailures, FlowLogRemediationError, RunRefused, fail_if_last
from c7n_vpcflow.remediation.account_plan import plan_account
from c7n_vpcflow.remediation.apply import Remediation, error_text
from c7n_vpcflow.remediation.destinations import log_group_targets
from c7n_vpcflow.remediation.dryrun import dry_run
from c7n_vpcflow.remediation.results import VpcResult, write_results
from c7n_vpcflow.remediation.run_settings import known_account, runnable_settings, settings_for_run
from c7n_vpcflow.remediation.schema import (
    ALL_PERMISSIONS,
    permissions_for,
    properties,
    recorded_settings,
)
from c7n_vpcflow.remediation.settings import Settings
from c7n_vpcflow.remediation.validation import validate_action_data, validate_against_filters
from c7n_vpcflow.vocabulary import ACTION, NOT_FIXED, RESULT, VIOLATIONS

log = logging.getLogger("custodian.vpcflow")


@Vpc.action_registry.register(ACTION)
class EnableFlowLogs(WritesToLogGroups, PlansUnderDryRun, AnnotatesFailures, BaseAction):
    """Give each VPC a working flow log, by convention (CIS AWS Foundations 3.7).
    VPCs with a sound flow log are left alone; each other VPC gets a flow log into a
    CloudWatch Logs log group of its own (``log-group-name``, delivered by ``role``), an S3
    ``bucket`` or a Firehose ``delivery-stream``, and is annotated with
    ``c7n:flow-log-result`` (``c7n:flow-log-plan`` under ``--dryrun``, changing nothing);
    results go to ``flow-log-results.json``, and a VPC that could not be fixed fails the
    policy, named. How each key behaves: docs/remediation.md.

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-enable
            resource: aws.vpc
            filters:
              - type: flow-log-compliance
            actions:
              - type: enable-flow-logs
                destination-type: cloud-watch-logs
                log-group-name: "/vpc/flow-logs/{vpc_id}"
                retention-days: 365
                kms-key-id: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
                log-group-class: STANDARD
                deletion-protection: true
                tags:
                  owner: security
                traffic-type: REJECT
                log-format: security
                max-aggregation-interval: 600
                role: vpc-flow-logs-delivery
                create-role: true
                permissions-boundary: required
                unscoped-delivery-role: false
                replace-broken: false
                max-workers: 4
                logs-calls-per-second: 5
          - name: vpc-flow-logs-enable-s3
            resource: aws.vpc
            filters:
              - type: flow-log-compliance
            actions:
              - type: enable-flow-logs
                destination-type: s3
                bucket: "org-flow-logs-{region}"
                prefix: "vpc/{account_id}"
                file-format: parquet
                hive-compatible-partitions: true
                per-hour-partition: true
          - name: vpc-flow-logs-enable-firehose
            resource: aws.vpc
            filters:
              - type: flow-log-compliance
            actions:
              - type: enable-flow-logs
                destination-type: kinesis-data-firehose
                delivery-stream: "arn:aws:firehose:{region}:222233334444:deliverystream/siem"
                cross-account-role: "arn:aws:iam::{account_id}:role/flow-logs-to-siem"
    """  # noqa: E501 (a KMS key ARN in the example cannot break)

    schema = type_schema(ACTION, **properties())
    permissions = ALL_PERMISSIONS
    failure_key, failure_verb = RESULT, "could not fix"

    def validate(self):
        variables = Variables.of(self.manager)
        check_mode(self.manager, variables)
        settings = validate_action_data(self.data, variables)
        account = known_account(self.manager)
        if account is not None and deploys_lambda(self.manager):
            # It does not run here: refuse now what each of its runs would.
            settings_for_run(settings, account, FormatDate.utcnow())
        validate_against_filters(
            self.settings,
            [f.rules for f in self.manager.iter_filters() if isinstance(f, FlowLogCompliance)],
        )
        say_when_unplanned(self.manager, ACTION, FlowLogCompliance)
        return self

    def log_groups_for(self, vpc, account):
        """The log group this action would write to for `vpc` (none but CloudWatch's), for
        the policy's flow-log-compliance filter to look up."""
        return log_group_targets(self.settings, [vpc], account)

    def plan_dry_run(self, resources):
        """Its plan of each VPC the filter keeps (c7n:flow-log-plan), under --dryrun."""
        return dry_run(self.manager, self.settings, resources)

    def get_permissions(self):
        """What this action's settings need (the class lists every option's)."""
        return permissions_for(self.settings)

    @cached_property
    def settings(self):
        # Built when first read, not in __init__: validate() names a bad key before this runs.
        return Settings.from_data(self.data)

    @property
    def recorded(self):
        """The settings the results file says they were done under."""
        return recorded_settings(self.data)

    def process(self, resources):
        account = Account.of(self.manager)
        try:
            settings = runnable_settings(self.settings, account)
        except RunRefused as e:
            write_results(self.manager, self.recorded, [], cause=str(e))
            raise
        try:
            confirm_account(self.manager)
        except AccountMismatch as e:
            write_results(self.manager, self.recorded, [], cause=str(e))
            raise
        vpcs = owned_vpcs(self.manager, resources)
        if not vpcs:
            write_results(self.manager, self.recorded, [])
            fail_if_last(self, resources, account)
            return
        remediation = None
        try:
            log_groups, plans = plan_account(self.manager, settings, vpcs)
            remediation = Remediation(self.manager, settings, log_groups, account)
            results = remediation.run(plans)
        except BaseException as e:
            # Whatever stopped the run (an interrupt too), the evidence says what was done
            # and what was not.
            cause = error_text(e)
            results = (
                remediation.stopped(cause)
                if remediation
                else {v["VpcId"]: VpcResult.unfinished(cause) for v in vpcs}
            )
            self.report(vpcs, results, account, cause=cause, role=remediation and remediation.role)
            if not isinstance(e, Exception):
                raise
            unfinished = sorted(v for v, r in results.items() if r.status in NOT_FIXED)
            raise FlowLogRemediationError(
                "enable-flow-logs stopped in %s/%s before it was done: %s; not done: %s"
                % (account.account_id, account.region, cause, ", ".join(unfinished) or "-")
            ) from None
        by_id = {v["VpcId"]: v for v in vpcs}
        for vpc_id, result in results.items():
            by_id[vpc_id][RESULT] = result.to_record()
        self.report(vpcs, results, account, remediation.retry.retries, role=remediation.role)
        fail_if_last(self, resources, account)

    def report(self, vpcs, results, account, retries=0, cause=None, role=None):
        """Write the results file and say the run's summary. Each record of a VPC the
        filter judged carries that verdict (in an event mode, the only one written)."""
        account_id, region = account.account_id, account.region
        judged = {v["VpcId"]: verdict_record(v) for v in vpcs if VIOLATIONS in v}
        records = [
            dict(
                result.to_record(),
                **{"vpc-id": vpc_id, "account-id": account_id, "region": region},
                **({"verdict": judged[vpc_id]} if vpc_id in judged else {}),
            )
            for vpc_id, result in sorted(results.items())
        ]
        write_results(
            self.manager,
            self.recorded,
            records,
            cause=cause,
            role=role.to_record() if role else None,
        )
        counts = Counter(result.status.value for result in results.values())
        summary = ", ".join("%d %s" % (n, status) for status, n in sorted(counts.items()))
        if retries:
            summary += "; %d %s after throttling or transient errors" % (
                retries,
                "retry" if retries == 1 else "retries",
            )
        if cause:
            log.error(
                "enable-flow-logs %s/%s stopped before it was done (%s): %s",
                account_id,
                region,
                cause,
                summary or "nothing done",
            )
            return
        log.info("enable-flow-logs %s/%s: %s", account_id, region, summary)
