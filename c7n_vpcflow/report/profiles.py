"""Which evidence counts toward a profile, judged only from the settings the file records.

`cis` (the default) counts a verdict only when it was judged at least as strictly as CIS
AWS Foundations 3.7 ("Ensure VPC flow logging is enabled in all VPCs"; 4.7 from v6.0.0):
a flow log that captures accepted traffic only does not satisfy it, so a verdict whose
`traffic-types` include ACCEPT (an ACCEPT-only flow log then counts as compliant) is weaker,
and so are the fixes of an `enable-flow-logs` whose `traffic-type` is ACCEPT. Stricter
settings (ALL only, a minimum retention, fewer destination types) are fine. `as-judged`
counts every verdict and fix as it was judged (dashboards).
"""

CIS, AS_JUDGED = "cis", "as-judged"
PROFILES = (CIS, AS_JUDGED)
# The traffic types whose flow logs satisfy CIS 3.7 (ALL captures REJECT too).
CIS_TRAFFIC_TYPES = frozenset(("ALL", "REJECT"))


def verdict_shortfall(profile, settings):
    """Why a verdict judged under `settings` (its file's) does not count; None if it does."""
    if profile == CIS and not set(settings["traffic-types"]) <= CIS_TRAFFIC_TYPES:
        weaker = sorted(set(settings["traffic-types"]) - CIS_TRAFFIC_TYPES)
        return "judged with traffic-types including %s, weaker than CIS 3.7" % ", ".join(weaker)
    return None


def fix_shortfall(profile, settings):
    """Why the fixes of an enable-flow-logs run under `settings` do not count; None if they do."""
    if profile == CIS and settings["traffic-type"] not in CIS_TRAFFIC_TYPES:
        return "fixed with traffic-type %s, weaker than CIS 3.7" % settings["traffic-type"]
    return None
