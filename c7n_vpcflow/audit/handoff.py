"""What an action hands to a filter of its policy when validated under --dryrun: a plan step.

Custodian runs no action under --dryrun (c7n/policy.py: PullMode.run returns before the
actions, after writing resources.json), so a plan can only be made while the policy
filters. An action hands its step (its settings, never the action; see remediation.dryrun) to the
policy's filters of the class that judges what it acts on, found with manager.iter_filters()
and isinstance; each runs the steps on what it keeps, in the actions' order. The policy's
filters stay as the policy file wrote them.

A dry run is a gate too: when a plan would fail, the filter raises once every step has
planned and annotated every resource it keeps (raising is the only way to make `custodian
run` exit non-zero, and under --dryrun no action runs to do it).
"""
import logging

from c7n_vpcflow.audit.evidence import write_output
from c7n_vpcflow.errors import VpcFlowError

log = logging.getLogger("custodian.vpcflow")

# Written by Custodian once the filters return; a dry run that fails writes it itself.
RESOURCES_FILE = "resources.json"

# What hand_over has said: Custodian validates a policy twice (loading the file, with no
# region yet, and again per region after expanding its variables), so each is said once per
# region the policy runs in.
_SAID = set()


class DryRunFailed(VpcFlowError):
    """A dry run whose plans say the real run would fail; the message names each failure."""


class PlansUnderDryrun:
    """A filter that runs the plan steps its policy's actions hand it under --dryrun."""

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.dry_run_steps = []

    def plan_under_dryrun(self, step):
        """Run `step` (it reads only) on what this filter keeps, after the others handed."""
        if step not in self.dry_run_steps:   # Custodian may validate a policy again
            self.dry_run_steps.append(step)

    def run_dry_run_steps(self, kept):
        """Run every step on `kept`; then, if a plan would fail, fail the dry run naming
        each failure. Custodian writes resources.json only after the filters return, so the
        filter writes the resources it kept, with their plans, before raising (an earlier
        run's file would otherwise stand in for this one's)."""
        failures = [message for step in self.dry_run_steps
                    for message in step.annotate(self.manager, kept)]
        if failures:
            write_output(self.manager, RESOURCES_FILE, kept)
            raise DryRunFailed("dry run: %s" % "\n".join(failures))


class WritesToLogGroups:
    """An action whose log groups the policy's flow-log-compliance filter looks up in the
    same calls as the flow logs' own, and annotates on each VPC (c7n:log-groups)."""

    def log_groups_for(self, vpc, account):
        """The names of the log groups the action would write to for `vpc` in `account`."""
        raise NotImplementedError


def log_groups_needed(manager, vpcs, account):
    """{VPC id: the names of the log groups the policy's actions would write to for it}."""
    asking = [a for a in manager.actions if isinstance(a, WritesToLogGroups)]
    return {vpc["VpcId"]: set().union(*(a.log_groups_for(vpc, account) for a in asking))
            for vpc in vpcs}


def _say_once(manager, what, message, *args):
    config = manager.config
    if not config.region:
        return      # loading the file: said when validated for its region
    key = (what, manager.data.get("name"), config.account_id, config.region,
           config.output_dir)
    if key not in _SAID:
        _SAID.add(key)
        log.warning(message, *args)


def hand_over(manager, step, action, filter_class):
    """Under --dryrun, give the policy's `filter_class` filters (nested ones too) the
    action's plan step; they run it on the resources they keep."""
    if manager is None or not getattr(manager.config, "dryrun", False):
        return
    filters = [f for f in manager.iter_filters() if isinstance(f, filter_class)]
    name, filter_name = manager.data.get("name"), filter_class.type
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
