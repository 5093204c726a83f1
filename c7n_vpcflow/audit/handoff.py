"""The small interfaces through which a filter asks its policy's actions what it needs from
them, while it filters; each answer is a return value, and nothing is handed to a filter
beforehand.

- WritesToLogGroups: the log groups an action writes to for a VPC, which flow-log-compliance
  looks up in the same calls as the flow logs' own and annotates (c7n:log-groups).
- PlansUnderDryRun: the action's plan of what the filter keeps, under --dryrun. Custodian
  runs no action under --dryrun (c7n/policy.py: PullMode.run returns before the actions,
  after writing resources.json), so a plan can only be made while the policy filters.
- UsesLogGroupFeatures: the flow-log-analytics keys an action uses, which decide the cheaper
  choices flow-log-cost offers (no Infrequent Access class under a REJECT alarm).

The filter finds the actions with isinstance among the policy's actions, and asks them in
the policy's order (flow-log-analytics plans on the log group enable-flow-logs planned).

A dry run is a gate too: when a plan would fail, the filter raises once every action has
planned and every resource it keeps is annotated (raising is the only way to make `custodian
run` exit non-zero, and under --dryrun no action runs to do it). Custodian then writes no
resources.json; the filter's flow-log-plan.json holds the plans either way.
"""

import logging
from dataclasses import dataclass, field
from typing import Optional

from c7n_vpcflow.account import run_state
from c7n_vpcflow.audit.evidence import run_header, write_output
from c7n_vpcflow.errors import VpcFlowError, failed_vpcs
from c7n_vpcflow.vocabulary import PLAN_FILE

log = logging.getLogger("custodian.vpcflow")


class DryRunFailed(VpcFlowError):
    """A dry run whose plans say the real run would fail; the message names each failure."""


class WritesToLogGroups:
    """An action whose log groups the policy's flow-log-compliance filter looks up."""

    def log_groups_for(self, vpc, account):
        """The names of the log groups the action would write to for `vpc` in `account`."""
        raise NotImplementedError


def log_groups_needed(manager, vpcs, account):
    """{VPC id: the names of the log groups the policy's actions would write to for it}."""
    asking = [a for a in manager.actions if isinstance(a, WritesToLogGroups)]
    return {
        vpc["VpcId"]: set().union(*(a.log_groups_for(vpc, account) for a in asking)) for vpc in vpcs
    }


@dataclass(frozen=True)
class DryRunAnswer:
    """An action's plan of the resources a filter keeps.

    `plans`: {resource id: plan}, annotated under `key`; `said`: {what a line names (a VPC
    id, a rule): (why its plan would fail, or None; what it would do)}, each a line opened
    by `label`, at ERROR when it would fail; `failure`: the message naming each plan that
    would fail, or None."""

    action: str
    key: str
    label: str
    plans: dict = field(default_factory=dict)
    said: dict = field(default_factory=dict)
    failure: Optional[str] = None

    @classmethod
    def of_vpcs(cls, action, key, label, plans, said, account):
        """The answer of a plan per VPC: the failure names each VPC that would fail."""
        failed = sorted((vpc_id, why) for vpc_id, (why, _doing) in said.items() if why)
        return cls(
            action,
            key,
            label,
            plans,
            said,
            failed_vpcs(action, "would fail", failed, len(said), account) if failed else None,
        )


def calls_text(calls):
    """A plan's calls, as its line says them."""
    return " -> " + ", ".join(calls) if calls else ""


class PlansUnderDryRun:
    """An action that shows its plan under --dryrun, through the filter of its policy that
    judges what it acts on."""

    def plan_dry_run(self, resources):
        """A DryRunAnswer: the action's plan of `resources` (what the filter keeps); reads
        only."""
        raise NotImplementedError


def plan_dry_run(manager, kept):
    """Under --dryrun, ask each planning action of the policy for its plan of `kept`, in the
    policy's order; annotate each resource, say each plan, write flow-log-plan.json, and then
    raise DryRunFailed naming each plan that would fail."""
    if not getattr(manager.config, "dryrun", False):
        return
    resource_id = manager.resource_type.id
    answers = []
    for action in manager.actions:
        if not isinstance(action, PlansUnderDryRun):
            continue
        answer = action.plan_dry_run(kept)
        for resource in kept:
            plan = answer.plans.get(resource[resource_id])
            if plan is not None:
                resource[answer.key] = plan
        for subject, (why, doing) in answer.said.items():
            if why:
                log.error("%s %s: fail %s", answer.label, subject, why)
            else:
                log.info("%s %s: %s", answer.label, subject, doing)
        answers.append(answer)
    if not answers:
        return
    write_output(
        manager,
        PLAN_FILE,
        {
            "actions": [
                {"action": a.action, "annotation": a.key, "plans": a.plans, "failure": a.failure}
                for a in answers
            ]
        },
        stamp=run_header,
    )
    failures = [a.failure for a in answers if a.failure]
    if failures:
        raise DryRunFailed("dry run: %s" % "\n".join(failures))


def say_when_unplanned(manager, action, filter_class):
    """Under --dryrun, warn (once per policy run) when the policy has no `filter_class`
    filter to show `action`'s plan, or when filters after it may drop what it keeps."""
    if not getattr(manager.config, "dryrun", False) or not manager.config.region:
        return  # not a dry run, or loading the file: said when validated for its region
    filters = [f for f in manager.iter_filters() if isinstance(f, filter_class)]
    name, filter_name = manager.data.get("name"), filter_class.type
    if not filters:
        _say_once(
            manager,
            (action, "none"),
            "%s: --dryrun shows %s's plan on the resources a %s filter keeps, and this "
            "policy has none, so nothing is planned; add `- type: %s` to see it",
            name,
            action,
            filter_name,
            filter_name,
        )
    elif not isinstance(manager.filters[-1], filter_class):
        _say_once(
            manager,
            (action, "not last"),
            "%s: --dryrun plans %s on the resources the %s filter keeps; the filters "
            "after it may drop some of them (put it last for a plan of exactly what the "
            "action would get)",
            name,
            action,
            filter_name,
        )


def _say_once(manager, what, message, *args):
    said = run_state(manager).said
    if what not in said:
        said.add(what)
        log.warning(message, *args)


class UsesLogGroupFeatures:
    """An action that relies on features of the log groups flow logs write to (metric
    filters, Logs Insights), which decide the cheaper choices flow-log-cost offers."""

    def analytics_keys(self):
        """The flow-log-analytics keys this action uses (reject-alarm, insights-queries)."""
        raise NotImplementedError


def analytics_in_use(manager):
    """The flow-log-analytics keys the policy's actions use."""
    return set().union(
        *(a.analytics_keys() for a in manager.actions if isinstance(a, UsesLogGroupFeatures))
    )
