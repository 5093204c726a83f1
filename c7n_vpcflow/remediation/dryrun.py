"""enable-flow-logs' plan under --dryrun (see audit.handoff): each VPC the policy's
flow-log-compliance filter keeps, planned as the action would plan it, the delivery role
assessed as it would be, reading only.
"""

from c7n.exceptions import ClientError
from c7n.utils import local_session

from c7n_vpcflow.account import Account, confirm_account
from c7n_vpcflow.audit.handoff import DryRunAnswer, calls_text
from c7n_vpcflow.remediation.account_plan import plan_account
from c7n_vpcflow.remediation.apply import error_text
from c7n_vpcflow.remediation.naming import fixed_prefix
from c7n_vpcflow.remediation.role import DeliveryRole
from c7n_vpcflow.remediation.run_settings import runnable_settings
from c7n_vpcflow.vocabulary import ACTION, PLAN, Outcome


def dry_run(manager, settings, vpcs):
    """The DryRunAnswer of enable-flow-logs (c7n:flow-log-plan); RunRefused as the run
    would be. VPCs another filter of the policy had planned already are left as they are."""
    vpcs = [v for v in vpcs if PLAN not in v]
    account = Account.of(manager)
    if not vpcs:
        return DryRunAnswer(ACTION, PLAN, "dry run")
    confirm_account(manager)
    described = described_plans(manager, settings, vpcs, account)
    said = {
        vpc_id: (plan["reason"], None)
        if plan["outcome"] == Outcome.FAIL
        else (
            None,
            "%s (%s)%s%s"
            % (
                plan["outcome"],
                plan["reason"],
                calls_text(plan["calls"]),
                "".join("; warning: " + w for w in plan.get("warnings", ())),
            ),
        )
        for vpc_id, plan in described.items()
    }
    return DryRunAnswer.of_vpcs(ACTION, PLAN, "dry run", described, said, account)


def described_plans(manager, settings, vpcs, account):
    """{VPC id: its plan as annotated}."""
    settings = runnable_settings(settings, account)
    _log_groups, plans = plan_account(manager, settings, vpcs)
    role_status = assessed_role(manager, settings, plans, account)
    described = {}
    for plan in plans:
        described[plan.vpc_id] = plan.describe(role_status)
        refusal = (
            role_status.refusal(plan.destination)
            if (role_status is not None and plan.create_flow_log)
            else None
        )
        if refusal:
            described[plan.vpc_id].update(outcome=Outcome.FAIL.value, reason=refusal)
    return described


def assessed_role(manager, settings, plans, account):
    """The delivery role's status for the plans that create flow logs, or None."""
    if not settings.needs_delivery_role or not any(p.create_flow_log for p in plans):
        return None
    role = DeliveryRole(local_session(manager.session_factory), manager.retry, account, settings)
    try:
        return role.assess(
            fixed_prefix(settings.log_group_template, account),
            {p.destination for p in plans if p.create_flow_log},
        )
    except ClientError as e:
        # As the real run: every VPC that needs the role fails, naming why.
        return role.unreadable(error_text(e))
