"""The plan steps of enable-flow-logs and flow-log-analytics under --dryrun (see handoff):
each annotates the VPCs the policy's flow-log-compliance filter keeps with what its action
would do, reading only.
"""
import logging
from dataclasses import dataclass

from c7n.utils import local_session

from .account import Account
from .analytics import Analytics, AnalyticsSettings, analytics_log_groups
from .identity import confirm_account
from .naming import fixed_prefix
from .plan import plan_account
from .role import DeliveryRole
from .settings import Settings
from .vocabulary import ANALYTICS_PLAN, PLAN, Outcome

log = logging.getLogger("custodian.vpcflow")


@dataclass(frozen=True)
class RemediationPlan:
    """enable-flow-logs' plan of each VPC (c7n:flow-log-plan), from its settings."""
    settings: Settings

    def role_status(self, manager, plans):
        settings = self.settings
        if not settings.needs_delivery_role or not any(p.create_flow_log for p in plans):
            return None
        account = Account.of(manager)
        return DeliveryRole(
            local_session(manager.session_factory), manager.retry, account, settings).assess(
                fixed_prefix(settings.log_group_template, account),
                {p.destination for p in plans if p.create_flow_log})

    def annotate(self, manager, vpcs):
        vpcs = [v for v in vpcs if PLAN not in v]
        if not vpcs:
            return
        confirm_account(manager)
        _inventory, plans = plan_account(manager, self.settings, vpcs)
        role_status = self.role_status(manager, plans)
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


@dataclass(frozen=True)
class AnalyticsPlan:
    """flow-log-analytics' plan of each VPC (c7n:flow-log-analytics-plan): its log group
    and the writes it still needs (none when its queries and alarm are up to date)."""
    settings: AnalyticsSettings

    def annotate(self, manager, vpcs):
        vpcs = [v for v in vpcs if ANALYTICS_PLAN not in v]
        if not vpcs:
            return
        confirm_account(manager)
        account = Account.of(manager)
        groups = analytics_log_groups(manager, self.settings, vpcs, account)
        if not groups:
            return
        analytics = Analytics.listed(
            local_session(manager.session_factory), manager.retry, self.settings, account)
        steps = {group: analytics.steps(group) for group in set(groups.values())}
        for vpc in vpcs:
            group = groups.get(vpc["VpcId"])
            if group is None:
                continue
            vpc[ANALYTICS_PLAN] = {"log-group": group, "calls": steps[group]}
            log.info("dry run analytics %s: %s%s", vpc["VpcId"], group,
                     (" -> " + ", ".join(steps[group])) if steps[group] else " (up to date)")
