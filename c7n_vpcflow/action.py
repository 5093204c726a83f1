"""The `enable-flow-logs` action on aws.vpc: judge, plan, apply, report."""
import logging

from c7n.actions import BaseAction
from c7n.filters import Filter
from c7n.resources.vpc import Vpc
from c7n.utils import local_session, type_schema

from .apply import Remediation
from .destinations import RETENTION_DAYS
from .inventory import account_context, gather, owned_vpcs
from .judge import DESTINATION_TYPES, TRAFFIC_TYPES
from .naming import TemplateError, render_log_group_name
from .outputs import write_output
from .plan import Settings, plan_vpc
from .role import DeliveryRole
from .validation import validate_action_data, validate_against_filters

log = logging.getLogger("custodian.vpcflow")

PLAN = "c7n:flow-log-plan"
RESULT = "c7n:flow-log-result"
RESULTS_FILE = "flow-log-results.json"
DEFAULTS = Settings()


class FlowLogRemediationError(Exception):
    """Raised after every VPC was attempted, when at least one could not be fixed."""


@Vpc.action_registry.register("enable-flow-logs")
class EnableFlowLogs(BaseAction):
    """Give each VPC a working flow log, by convention (CIS AWS Foundations 3.7).

    Per VPC: a CloudWatch log group of its own, named from ``log-group-name`` (variables
    ``{vpc_id}``, ``{vpc_name}`` (the Name tag, sanitised), ``{account_id}``,
    ``{region}``, ``{partition}``), created with ``kms-key-id`` and ``tags`` and given
    ``retention-days``; then a flow log with ``traffic-type`` into it, tagged, delivered
    by the role ``role``. The role is created when missing (``create-role``), trusting
    only ``vpc-flow-logs.amazonaws.com`` for this account's flow logs and allowed to
    write only under the template's fixed prefix; an existing role is verified, never
    changed. Existing log groups keep a longer (or never-expiring) retention.

    VPCs that already have a sound flow log are left alone. A broken flow log (inactive,
    failing delivery, wrong traffic type, missing log group) gets a healthy sibling; it
    is deleted only with ``replace-broken: true``, once the new one is ACTIVE.

    Every VPC is attempted and annotated with ``c7n:flow-log-result``; results are also
    written to ``flow-log-results.json``. If any VPC could not be fixed the action ends
    with an error naming each of them, so ``custodian run`` exits non-zero. Under
    ``--dryrun`` nothing is changed: each VPC is annotated with ``c7n:flow-log-plan``.

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
                tags:
                  owner: security
                traffic-type: REJECT
                log-format: "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action}"
                max-aggregation-interval: 600
                role: vpc-flow-logs-delivery
                create-role: true
                replace-broken: false
    """

    schema = type_schema(
        "enable-flow-logs",
        **{
            "destination-type": {
                "enum": list(DESTINATION_TYPES), "default": DEFAULTS.destination_type,
                "description": "Where flow logs go; s3 and kinesis-data-firehose are not "
                               "implemented yet."},
            "log-group-name": {
                "type": "string", "minLength": 1, "default": DEFAULTS.log_group_template,
                "description": "Log group per VPC: a template over {vpc_id}, {vpc_name} "
                               "(Name tag, sanitised), {account_id}, {region}, {partition}."},
            "retention-days": {
                "enum": list(RETENTION_DAYS), "default": DEFAULTS.retention_days,
                "description": "Retention of created log groups; existing groups are only "
                               "ever raised to it."},
            "kms-key-id": {
                "type": "string",
                "description": "KMS key ARN to encrypt created log groups with."},
            "tags": {
                "type": "object", "additionalProperties": {"type": "string"},
                "description": "Tags for log groups, flow logs and a created role; "
                               "managed-by: c7n-vpcflow is always added."},
            "traffic-type": {
                "enum": list(TRAFFIC_TYPES), "default": DEFAULTS.traffic_type,
                "description": "Traffic the flow log captures (CIS recommends REJECT)."},
            "log-format": {
                "type": "string",
                "description": "Custom record format of ${field} names; AWS's default "
                               "format when absent."},
            "max-aggregation-interval": {
                "enum": [60, 600], "default": DEFAULTS.max_aggregation_interval,
                "description": "Seconds over which flows are aggregated into a record."},
            "role": {
                "type": "string", "default": DEFAULTS.role,
                "description": "Delivery role name or ARN (same account)."},
            "create-role": {
                "type": "boolean", "default": DEFAULTS.create_role,
                "description": "Create the delivery role when missing (least privilege, "
                               "trusting only this account's flow logs)."},
            "replace-broken": {
                "type": "boolean", "default": DEFAULTS.replace_broken,
                "description": "Delete a broken flow log once its replacement is ACTIVE."},
        }
    )
    permissions = (
        "ec2:DescribeFlowLogs", "ec2:CreateFlowLogs", "ec2:CreateTags", "ec2:DeleteFlowLogs",
        "logs:DescribeLogGroups", "logs:CreateLogGroup", "logs:PutRetentionPolicy",
        "logs:TagResource", "iam:GetRole", "iam:CreateRole", "iam:PutRolePolicy",
        "iam:TagRole", "iam:PassRole",
    )

    def __init__(self, data=None, manager=None, log_dir=None):
        super().__init__(data, manager, log_dir)
        # Custodian skips actions under --dryrun; a last filter step shows the plan instead.
        if manager is not None and getattr(manager.config, "dryrun", False):
            filters = getattr(manager, "filters", None)
            if filters is not None:
                filters.append(DryRunPlan({"type": "enable-flow-logs-plan"}, manager, self))

    def validate(self):
        validate_action_data(self.data)
        validate_against_filters(self.data, getattr(self.manager, "filters", ()))
        return self

    @property
    def settings(self):
        return Settings.from_data(self.data)

    def target_log_group_names(self, vpcs):
        account_id, region, partition = account_context(self.manager)
        names = set()
        for vpc in vpcs:
            try:
                names.add(render_log_group_name(
                    self.settings.log_group_template, vpc, account_id, region, partition))
            except TemplateError:
                continue  # reported per VPC by the plan
        return names

    def plan(self, vpcs):
        """(inventory, plans) for the VPCs the account owns; reads only."""
        settings = self.settings
        account_id, region, partition = account_context(self.manager)
        inventory = gather(self.manager, vpcs, self.target_log_group_names(vpcs))
        plans = [plan_vpc(v, inventory, settings, account_id, region, partition) for v in vpcs]
        return inventory, plans

    def process(self, resources):
        account_id, region, partition = account_context(self.manager)
        vpcs = owned_vpcs(self.manager, resources)
        if not vpcs:
            return
        inventory, plans = self.plan(vpcs)
        results = Remediation(
            self.manager, self.settings, inventory, account_id, region, partition).run(plans)
        by_id = {v["VpcId"]: v for v in vpcs}
        for vpc_id, result in results.items():
            by_id[vpc_id][RESULT] = result
        self.report(results, account_id, region)

    def report(self, results, account_id, region):
        records = [dict(result, **{"vpc-id": vpc_id, "account-id": account_id, "region": region})
                   for vpc_id, result in sorted(results.items())]
        write_output(self.manager, RESULTS_FILE, records)
        counts = {}
        for result in results.values():
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        log.info("enable-flow-logs %s/%s: %s", account_id, region, ", ".join(
            "%d %s" % (n, status) for status, n in sorted(counts.items())))
        failed = [(vpc_id, r["error"]) for vpc_id, r in sorted(results.items())
                  if r["status"] == "failed"]
        if failed:
            raise FlowLogRemediationError(
                "enable-flow-logs could not fix %d of %d VPCs in %s/%s:\n%s" % (
                    len(failed), len(results), account_id, region,
                    "\n".join("  %s: %s" % (vpc_id, error) for vpc_id, error in failed)))


class DryRunPlan(Filter):
    """Annotates each VPC with the plan of the policy's enable-flow-logs action (dry run)."""

    type = "enable-flow-logs-plan"
    schema = type_schema(type)
    permissions = ("ec2:DescribeFlowLogs", "logs:DescribeLogGroups", "iam:GetRole")

    def __init__(self, data, manager, action):
        super().__init__(data, manager)
        self.action = action

    def validate(self):
        return self

    def process(self, resources, event=None):
        vpcs = owned_vpcs(self.manager, resources)
        if not vpcs:
            return resources
        _inventory, plans = self.action.plan(vpcs)
        role_status = None
        if any(p.create_flow_log for p in plans):
            settings = self.action.settings
            account_id, _region, partition = account_context(self.manager)
            role_status = DeliveryRole(
                local_session(self.manager.session_factory), self.manager.retry, account_id,
                partition, settings.role, settings.create_role, settings.tag_map).inspect()
        by_id = {v["VpcId"]: v for v in vpcs}
        for plan in plans:
            described = plan.describe(role_status)
            if role_status is not None and role_status.problem and plan.create_flow_log:
                described["outcome"], described["reason"] = "fail", role_status.problem
            by_id[plan.vpc_id][PLAN] = described
            log.info("dry run %s: %s %s%s", plan.vpc_id, described["outcome"],
                     described["reason"],
                     (" -> " + ", ".join(described["calls"])) if described["calls"] else "")
        return resources
