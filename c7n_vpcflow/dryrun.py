"""The dry-run view of enable-flow-logs: each VPC annotated with its plan, nothing changed.

Custodian runs no action under --dryrun (c7n/policy.py: PullMode.run returns before the
actions), so the plan is shown by one last, read-only filter step. The step holds the
action's settings, never the action: it plans with the same plan_account as the action's
process, and matches every VPC it is given.
"""
import logging

from c7n.filters import Filter
from c7n.utils import local_session, type_schema

from .account import Account
from .identity import confirm_account
from .inventory import owned_vpcs
from .naming import fixed_prefix
from .plan import plan_account
from .role import ROLE_READS, DeliveryRole
from .vocabulary import PLAN, Outcome

log = logging.getLogger("custodian.vpcflow")


def attach(manager, settings):
    """Under --dryrun, end the policy's filters with the plan step (once per policy)."""
    if not getattr(manager.config, "dryrun", False):
        return
    if not any(isinstance(f, DryRunPlan) for f in manager.filters):
        manager.filters.append(DryRunPlan(manager, settings))


class DryRunPlan(Filter):
    """Annotates each VPC with the plan of the policy's enable-flow-logs action."""

    type = "enable-flow-logs-plan"
    schema = type_schema(type)
    permissions = ("ec2:DescribeFlowLogs", "logs:DescribeLogGroups") + ROLE_READS

    def __init__(self, manager, settings):
        super().__init__({"type": self.type}, manager)
        self.settings = settings

    def validate(self):
        return self

    def role_status(self, plans):
        settings = self.settings
        if not settings.needs_delivery_role or not any(p.create_flow_log for p in plans):
            return None
        account = Account.of(self.manager)
        return DeliveryRole(
            local_session(self.manager.session_factory), self.manager.retry,
            account, settings).assess(
                fixed_prefix(settings.log_group_template, account),
                {p.destination for p in plans if p.create_flow_log})

    def process(self, resources, event=None):
        confirm_account(self.manager)
        vpcs = owned_vpcs(self.manager, resources)
        if not vpcs:
            return resources
        _inventory, plans = plan_account(self.manager, self.settings, vpcs)
        role_status = self.role_status(plans)
        by_id = {v["VpcId"]: v for v in vpcs}
        for plan in plans:
            described = plan.describe(role_status)
            refusal = role_status.refusal(plan.destination) if (
                role_status is not None and plan.create_flow_log) else None
            if refusal:
                described["outcome"], described["reason"] = Outcome.FAIL.value, refusal
            by_id[plan.vpc_id][PLAN] = described
            log.info("dry run %s: %s %s%s", plan.vpc_id, described["outcome"],
                     described["reason"],
                     (" -> " + ", ".join(described["calls"])) if described["calls"] else "")
        return resources
