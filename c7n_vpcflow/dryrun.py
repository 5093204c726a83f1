"""The plan steps of enable-flow-logs and flow-log-analytics under --dryrun (see handoff):
each annotates the VPCs the policy's flow-log-compliance filter keeps with what its action
would do, reading only, and returns what would fail (a VPC whose plan fails is logged at
ERROR with its id and why).
"""
import logging
from dataclasses import dataclass

from c7n.exceptions import ClientError
from c7n.utils import local_session

from .account import Account
from .analytics import Analytics, AnalyticsSettings, analytics_log_groups
from .apply import error_text
from .errors import failed_vpcs
from .identity import confirm_account
from .naming import fixed_prefix
from .plan import plan_account
from .role import DeliveryRole
from .settings import Settings
from .validation import runnable_settings
from .vocabulary import ACTION, ANALYTICS_ACTION, ANALYTICS_PLAN, PLAN, Outcome

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
        role = DeliveryRole(local_session(manager.session_factory), manager.retry, account,
                            settings)
        try:
            return role.assess(fixed_prefix(settings.log_group_template, account),
                               {p.destination for p in plans if p.create_flow_log})
        except ClientError as e:
            # As the real run: every VPC that needs the role fails, naming why.
            return role.unreadable(error_text(e))

    def described_plans(self, manager, vpcs):
        """{VPC id: its plan as annotated}; RunRefused as the run would be."""
        settings = runnable_settings(self.settings, Account.of(manager))
        _inventory, plans = plan_account(manager, settings, vpcs)
        role_status = self.role_status(manager, plans)
        described = {}
        for plan in plans:
            described[plan.vpc_id] = plan.describe(role_status)
            refusal = role_status.refusal(plan.destination) if (
                role_status is not None and plan.create_flow_log) else None
            if refusal:
                described[plan.vpc_id].update(outcome=Outcome.FAIL.value, reason=refusal)
        return described

    def annotate(self, manager, vpcs):
        """Annotate each VPC's plan; returns the message naming those that would fail."""
        vpcs = [v for v in vpcs if PLAN not in v]
        if not vpcs:
            return []
        confirm_account(manager)
        described = self.described_plans(manager, vpcs)
        said = {}
        for vpc in vpcs:
            plan = vpc[PLAN] = described[vpc["VpcId"]]
            said[vpc["VpcId"]] = (plan["reason"], None) if plan["outcome"] == Outcome.FAIL \
                else (None, "%s %s%s" % (plan["outcome"], plan["reason"], _calls(plan)))
        return _say(ACTION, "dry run", said, Account.of(manager))


@dataclass(frozen=True)
class AnalyticsPlan:
    """flow-log-analytics' plan of each VPC (c7n:flow-log-analytics-plan): its log group
    and the writes it still needs (none when its queries and alarm are up to date), or why
    the action would fail for it (a listing that failed)."""
    settings: AnalyticsSettings

    def planned(self, manager, vpcs, account):
        """{VPC id: its plan}."""
        groups, unknown = analytics_log_groups(manager, self.settings, vpcs, account)
        plans = {vpc_id: {"log-group": None, "calls": [], "error": why}
                 for vpc_id, why in unknown.items()}
        if not groups:
            return plans
        analytics = Analytics.listed(
            local_session(manager.session_factory), manager.retry, self.settings, account)
        errors = "; ".join(analytics.unlisted_errors()) or None
        for vpc_id, group in groups.items():
            plans[vpc_id] = {"log-group": group, "calls": analytics.steps(group)}
            if errors:
                plans[vpc_id]["error"] = errors
        return plans

    def annotate(self, manager, vpcs):
        """Annotate each VPC's plan; returns the message naming those that would fail."""
        vpcs = [v for v in vpcs if ANALYTICS_PLAN not in v]
        if not vpcs:
            return []
        confirm_account(manager)
        account = Account.of(manager)
        plans = self.planned(manager, vpcs, account)
        said = {}
        for vpc in vpcs:
            plan = plans.get(vpc["VpcId"])
            if plan is not None:
                vpc[ANALYTICS_PLAN] = plan
                said[vpc["VpcId"]] = (plan.get("error"), plan["log-group"] + (
                    _calls(plan) or " (up to date)"))
        return _say(ANALYTICS_ACTION, "dry run analytics", said, account)


def _calls(plan):
    return " -> " + ", ".join(plan["calls"]) if plan["calls"] else ""


def _say(action, label, said, account):
    """Log each VPC's plan, one that would fail at ERROR; returns the message naming those
    that would fail. `said`: {VPC id: (why it would fail, else None; what it would do)}."""
    failed = []
    for vpc_id, (why, doing) in said.items():
        if why:
            failed.append((vpc_id, why))
            log.error("%s %s: fail %s", label, vpc_id, why)
        else:
            log.info("%s %s: %s", label, vpc_id, doing)
    return [failed_vpcs(action, "would fail", sorted(failed), len(said), account)
            ] if failed else []
