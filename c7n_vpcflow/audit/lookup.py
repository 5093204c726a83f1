"""Finding the log groups a run needs, at a cost set by those names, not by the account.

A naming convention is a name's path up to its last ``/`` (``/vpc/flow-logs/``,
``/aws/vpc/``); a name without a non-empty path segment before its last ``/`` is a
convention of its own. The G names a run needs are found either by one paginated
``logGroupNamePrefix`` listing per convention, under the longest prefix its names share,
or by exact ``logGroupIdentifiers`` lookups of up to 50 names each: ceil(G/50) calls.
Each listing costs at least one call, so the exact lookups are taken when ceil(G/50) is
fewer than the number of conventions C: provably fewer calls. Otherwise (ties included)
the listings are taken: every endpoint serves them, the emulator included.

An endpoint that ignores ``logGroupIdentifiers`` (moto answers with every log group of
the account-region) shows it on the first page, with names it was not asked for: the
lookup then warns and lists the remaining names by convention instead, so nothing is
misjudged and the emulator pays one call more than AWS, not a listing of the account.
"""

import logging
import math
import os
from dataclasses import dataclass

from c7n_vpcflow.audit.paging import pages

log = logging.getLogger("custodian.vpcflow")

# DescribeLogGroups returns at most 50 groups a page and takes at most 50 identifiers.
PAGE_SIZE = 50


def convention(name):
    """The naming convention `name` follows: its path up to the last '/'."""
    head = name[: name.rfind("/") + 1]
    return head if head.strip("/") else name


def convention_prefixes(names):
    """One prefix per convention of `names`: the longest prefix its names share."""
    by_convention = {}
    for name in sorted(names):
        by_convention.setdefault(convention(name), []).append(name)
    return sorted(os.path.commonprefix(group) for group in by_convention.values())


@dataclass(frozen=True)
class LookupPlan:
    """Either prefixed listings or exact lookups (chunks of at most 50 names)."""

    prefixes: tuple = ()
    chunks: tuple = ()


def plan_lookup(names):
    """The cheaper provable way to find `names`: see the module's docstring."""
    names = sorted(set(names))
    if not names:
        return LookupPlan()
    prefixes = convention_prefixes(names)
    exact_calls = math.ceil(len(names) / PAGE_SIZE)
    if exact_calls < len(prefixes):
        return LookupPlan(
            chunks=tuple(tuple(names[i : i + PAGE_SIZE]) for i in range(0, len(names), PAGE_SIZE))
        )
    return LookupPlan(prefixes=tuple(prefixes))


def listed_under(client, prefixes):
    return [
        group
        for prefix in prefixes
        for page in pages(client, "describe_log_groups", logGroupNamePrefix=prefix)
        for group in page.get("logGroups", ())
        if group["logGroupName"].startswith(prefix)
    ]


def find_log_groups(client, plan):
    """The log groups the plan covers, as DescribeLogGroups describes them."""
    found = []
    for index, chunk in enumerate(plan.chunks):
        asked = set(chunk)
        for page in pages(client, "describe_log_groups", logGroupIdentifiers=list(chunk)):
            answered = page.get("logGroups", ())
            if any(group["logGroupName"] not in asked for group in answered):
                log.warning(
                    "DescribeLogGroups ignored logGroupIdentifiers (answered names "
                    "not asked for; an emulator?): listing by naming convention"
                )
                rest = [name for names in plan.chunks[index:] for name in names]
                return found + listed_under(client, convention_prefixes(rest))
            found += answered
    return found + listed_under(client, plan.prefixes)
