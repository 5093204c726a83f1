"""The plan step of flow-log-analytics under --dryrun (see audit.handoff): it annotates the
VPCs the policy's flow-log-compliance filter keeps with what the action would write,
reading only, and returns what would fail.
"""
from dataclasses import dataclass

from c7n.utils import local_session

from c7n_vpcflow.account import Account, confirm_account
from c7n_vpcflow.analytics.queries import Analytics, AnalyticsSettings, analytics_log_groups
from c7n_vpcflow.remediation.dryrun import _calls, _say
from c7n_vpcflow.vocabulary import ANALYTICS_ACTION, ANALYTICS_PLAN


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
