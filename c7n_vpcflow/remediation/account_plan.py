"""The plans of an account-region's VPCs: what enable-flow-logs will do to all of them.

Each VPC's judgement is taken as the policy's flow-log-compliance filter annotated it; in a
policy without that filter the action gathers and judges the VPCs itself, by its own
settings (the only AWS reads here). Each VPC is then planned on its own (plan) and the
plans are weighed together: no two VPCs may be given one per-VPC log group or S3 folder.
"""

from c7n_vpcflow.account import Account
from c7n_vpcflow.audit.inventory import gather
from c7n_vpcflow.audit.judge import judgement
from c7n_vpcflow.audit.templates import PER_VPC_VARIABLES, names_in
from c7n_vpcflow.remediation.destinations import log_group_targets
from c7n_vpcflow.remediation.plan import VpcPlan, plan_vpc
from c7n_vpcflow.vocabulary import CLOUDWATCH, FLOW_LOGS, LOG_GROUPS, Outcome


def plan_account(manager, settings, vpcs):
    """(log groups, plans) for the VPCs of the manager's account-region; reads only. The log
    groups: {name: DescribeLogGroups entry or None} of every group the plans name."""
    account = Account.of(manager)
    judged = judgements(manager, settings, vpcs, account)
    plans = [plan_vpc(v, judged[v["VpcId"]], settings, account) for v in vpcs]
    log_groups = {}
    for vpc_judgement in judged.values():
        log_groups.update(vpc_judgement[LOG_GROUPS])
    return log_groups, refuse_shared_targets(plans, settings)


def judgements(manager, settings, vpcs, account):
    """{VPC id: its flow logs, judged, and log groups}: as the filter annotated the VPCs;
    gathered and judged by the action itself when no filter did."""
    if all(FLOW_LOGS in v and LOG_GROUPS in v for v in vpcs):
        return {v["VpcId"]: v for v in vpcs}
    inventory = gather(manager, vpcs, log_group_targets(settings, vpcs, account))
    return {v["VpcId"]: own_judgement(v, inventory, settings, account) for v in vpcs}


def own_judgement(vpc, inventory, settings, account):
    """A VPC as the action judges it by itself, by its own rules (see judge.judgement)."""
    return judgement(
        vpc["VpcId"], inventory, settings.rules(), log_group_targets(settings, [vpc], account)
    )


def refuse_shared_targets(plans, settings):
    """A template that names each VPC ({vpc_id}, {vpc_name}) gives each its own log group or
    S3 folder; where VPCs' names collide (two VPCs named prod, or Name tags sanitised alike)
    each of them that would write there fails, naming the others and the template: nothing
    is created that two VPCs would share."""
    key, template = (
        ("log-group-name", settings.log_group_template)
        if settings.destination_type == CLOUDWATCH
        else ("prefix", settings.prefix)
    )
    if not template or not set(names_in(template)) & set(PER_VPC_VARIABLES):
        return plans
    sharing = {}
    for plan in plans:
        if plan.destination is not None:
            sharing.setdefault(plan.destination, []).append(plan.vpc_id)
    refused = []
    for plan in plans:
        others = [v for v in sharing.get(plan.destination, ()) if v != plan.vpc_id]
        if others and plan.changes:
            plan = VpcPlan(
                plan.vpc_id,
                Outcome.FAIL,
                (
                    "%s %r gives it the same %s as %s: %s; add {vpc_id} to the template or give "
                    "the VPCs distinct Name tags"
                    % (
                        key,
                        template,
                        "log group" if key == "log-group-name" else "destination",
                        ", ".join(others),
                        plan.destination,
                    )
                ),
                plan.destination,
                destination_type=plan.destination_type,
            )
        refused.append(plan)
    return refused
