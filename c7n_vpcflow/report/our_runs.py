"""Which policy runs are ours: those of policies that use our filters or action."""

from collections import Counter

from c7n_vpcflow.vocabulary import ACTION, COST_FILTER, FILTER

OURS = (FILTER, ACTION, COST_FILTER)


def policy_uses(policy):
    """Which of our filters and action a policy's data names, in nested blocks too."""
    found = set()

    def visit(node):
        if isinstance(node, str) and node in OURS:
            found.add(node)
        elif isinstance(node, dict):
            if node.get("type") in OURS:
                found.add(node["type"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit([policy.get("filters", []), policy.get("actions", [])])
    return found


def judging(runs):
    """The runs that count for compliance: of policies that judge or fix (a policy that only
    measures cost counts for the cost section alone), or whose policy is unknown."""
    return [run for run in runs if run.uses is None or run.corrupt or run.uses & {FILTER, ACTION}]


def ours(runs):
    """(the runs of policies that use our filters or action, notes for stderr on the others:
    policies that use neither, and the output of deploying Lambda policies)."""
    known = {}
    for run in runs:
        if run.uses is not None:
            known[run.policy] = known.get(run.policy, False) or bool(run.uses)
    ours, ignored, deployed = [], Counter(), Counter()
    for run in runs:
        if run.corrupt:
            ours.append(run)
        elif not (run.uses if run.uses is not None else known.get(run.policy, True)):
            ignored[run.policy] += 1
        elif run.mode != "pull" and not (run.verdicts or run.results):
            deployed[run.policy] += 1
        else:
            ours.append(run)
    notes = [note for run in ours for note in run.notes]
    if deployed:
        notes.insert(
            0,
            "ignored the output of deploying Lambda policies (their runs leave "
            "their evidence where the function writes it): " + _count(deployed),
        )
    if ignored:
        notes.insert(
            0,
            "ignored the output of policies that use neither %s nor %s: %s"
            % (FILTER, ACTION, _count(ignored)),
        )
    return ours, notes


def _count(directories):
    return ", ".join(
        "%s (%d %s)" % (policy, n, "directory" if n == 1 else "directories")
        for policy, n in sorted(directories.items())
    )
