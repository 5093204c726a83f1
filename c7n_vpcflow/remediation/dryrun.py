"""The plan step of enable-flow-logs under --dryrun (see audit.handoff): it annotates the
VPCs the policy's flow-log-compliance filter keeps with what the action would do, reading
only, and returns what would fail (a VPC whose plan fails is logged at ERROR with its id
and why).
"""
import logging
from dataclasses import dataclass

from c7n.exceptions import ClientError
from c7n.utils import local_session

from c7n_vpcflow.account import Account, confirm_account
from c7n_vpcflow.errors import failed_vpcs
from c7n_vpcflow.remediation.apply import error_text
from c7n_vpcflow.remediation.naming import fixed_prefix
from c7n_vpcflow.remediation.plan import plan_account
from c7n_vpcflow.remediation.role import DeliveryRole
from c7n_vpcflow.remediation.settings import Settings
from c7n_vpcflow.remediation.validation import runnable_settings
from c7n_vpcflow.vocabulary import ACTION, PLAN, Outcome

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
