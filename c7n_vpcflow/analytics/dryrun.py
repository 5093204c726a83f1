"""flow-log-analytics' plan under --dryrun (see audit.handoff): each VPC's log group and the
writes it still needs (none when its queries and alarm are up to date), or why the action
would fail for it (a listing that failed); reading only.
"""

from c7n.utils import local_session

from c7n_vpcflow.account import Account, confirm_account
from c7n_vpcflow.analytics.log_groups import analytics_log_groups
from c7n_vpcflow.analytics.queries import Analytics
from c7n_vpcflow.audit.handoff import DryRunAnswer, calls_text
from c7n_vpcflow.vocabulary import ANALYTICS_ACTION, ANALYTICS_PLAN

LABEL = "dry run analytics"


def dry_run(manager, settings, vpcs):
    """The DryRunAnswer of flow-log-analytics (c7n:flow-log-analytics-plan). VPCs another
    filter of the policy had planned already are left as they are."""
    vpcs = [v for v in vpcs if ANALYTICS_PLAN not in v]
    account = Account.of(manager)
    if not vpcs:
        return DryRunAnswer(ANALYTICS_ACTION, ANALYTICS_PLAN, LABEL)
    confirm_account(manager)
    plans = planned(manager, settings, vpcs, account)
    said = {
        vpc_id: (plan["error"], None)
        if plan.get("error")
        else (None, plan["log-group"] + (calls_text(plan["calls"]) or " (up to date)"))
        for vpc_id, plan in plans.items()
    }
    return DryRunAnswer.of_vpcs(ANALYTICS_ACTION, ANALYTICS_PLAN, LABEL, plans, said, account)


def planned(manager, settings, vpcs, account):
    """{VPC id: its plan}, for the VPCs whose log group is known or could not be."""
    groups, unknown = analytics_log_groups(manager, settings, vpcs, account)
    plans = {
        vpc_id: {"log-group": None, "calls": [], "error": why} for vpc_id, why in unknown.items()
    }
    if not groups:
        return plans
    analytics = Analytics.listed(
        local_session(manager.session_factory), manager.retry, settings, account
    )
    errors = "; ".join(analytics.unlisted_errors()) or None
    for vpc_id, group in groups.items():
        plans[vpc_id] = {"log-group": group, "calls": analytics.steps(group)}
        if errors:
            plans[vpc_id]["error"] = errors
    return plans
