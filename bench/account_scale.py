"""Issue 15: the audit at real account sizes, beside the built-in filter in the same run.

Suite `estate-1000` (realistic mode): one remediated account-region, 1,000 VPCs each with
a healthy flow log into a group of its own under two naming conventions, amid 20,000
unrelated log groups; (h) our audit policy against (i) Custodian's built-in `flow-logs`
filter alone. Suite `org-audit-20x2` (realistic mode): the same shape across c7n-org's
20 accounts × 2 regions, 10 VPCs and 500 unrelated groups in each account-region; (j) our
audit via c7n-org against (f) the built-in filter alone. Neither audit changes anything,
so each suite is seeded once for all its runs (see runner.py).
"""

import os

from .estate import EstateSpec
from .org import BUILTIN_FILTER, c7n_org, org_estate
from .scenarios import POLICIES, SUITES, Suite, custodian, scenario, single_account, write_policy

ESTATE_VPCS = 1000
ESTATE_UNRELATED = 20000
ORG_UNRELATED = 500


@scenario("builtin-audit", "(i) built-in flow-logs filter alone (count: 0)", remediates=False)
def builtin_audit(ctx):
    single_account(ctx)
    return custodian(ctx, write_policy(ctx, "builtin-filter.yml", BUILTIN_FILTER))


@scenario("org-audit", "(j) our audit policy via c7n-org", remediates=False)
def org_audit(ctx):
    return c7n_org(ctx, os.path.join(POLICIES, "vpc-flow-logs-audit.yml"))


SUITES["estate-1000"] = Suite(
    "estate-1000",
    "realistic",
    EstateSpec(ESTATE_VPCS, remediated=True, unrelated_log_groups=ESTATE_UNRELATED),
    ("audit", "builtin-audit"),
)
SUITES["org-audit-20x2"] = Suite(
    "org-audit-20x2",
    "realistic",
    org_estate(10, remediated=True, unrelated_log_groups=ORG_UNRELATED),
    ("org-audit", "org-filter"),
)
