"""What enable-flow-logs and flow-log-analytics would do, annotated under --dryrun.

Custodian runs no action under --dryrun (c7n/policy.py: PullMode.run returns before the
actions, after writing resources.json), so a plan can only be made while the policy
filters. Each action, when validated under --dryrun, hands a plan step holding its settings
(never the action) to the policy's flow-log-compliance filters, found with
manager.iter_filters() and isinstance; the filter runs the steps, in the actions' order, on
the VPCs it keeps once it has judged them. The steps read only, as the filter does; the
policy's filters stay as the policy file wrote them.
"""
import logging
from dataclasses import dataclass

from c7n.utils import local_session

from .account import Account
from .analytics import Analytics, AnalyticsSettings, analytics_log_groups
from .compliance import FlowLogCompliance
from .identity import confirm_account
from .naming import fixed_prefix
from .plan import plan_account
from .role import DeliveryRole
from .settings import Settings
from .vocabulary import ANALYTICS_PLAN, FILTER, PLAN, Outcome

log = logging.getLogger("custodian.vpcflow")


# What hand_over has said: Custodian validates a policy twice (loading the file, with no
# region yet, and again per region after expanding its variables), so each is said once per
# region the policy runs in.
_SAID = set()


def _say_once(manager, what, message, *args):
    config = manager.config
    if not config.region:
        return      # loading the file: said when validated for its region
    key = (what, manager.data.get("name"), config.account_id, config.region,
           config.output_dir)
    if key not in _SAID:
        _SAID.add(key)
        log.warning(message, *args)


def hand_over(manager, step, action, filter_class=FlowLogCompliance, filter_name=FILTER):
    """Under --dryrun, give the policy's `filter_class` filters (nested ones too) the
    action's plan step; they run it on the resources they keep."""
    if manager is None or not getattr(manager.config, "dryrun", False):
        return
    filters = [f for f in manager.iter_filters() if isinstance(f, filter_class)]
    name = manager.data.get("name")
    if not filters:
        _say_once(manager, (action, "none"),
                  "%s: --dryrun shows %s's plan on the resources a %s filter keeps, and this "
                  "policy has none, so nothing is planned; add `- type: %s` to see it",
                  name, action, filter_name, filter_name)
        return
    for f in filters:
        f.plan_under_dryrun(step)
    if not isinstance(manager.filters[-1], filter_class):
        _say_once(manager, (action, "not last"),
                  "%s: --dryrun plans %s on the resources the %s filter keeps; the filters "
                  "after it may drop some of them (put it last for a plan of exactly what the "
                  "action would get)", name, action, filter_name)


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
