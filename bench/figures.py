"""The figures RESULTS.md states the same way in every section: API calls by operation,
and the quota floor a run is measured against."""

from localaws.quotas import DEFAULT_QUOTAS

FLOOR_RULE = "logs:CreateLogGroup"
FIRST = (
    "GetCallerIdentity",
    "DescribeVpcs",
    "DescribeFlowLogs",
    "DescribeLogGroups",
    "GetRole",
    "CreateRole",
    "PutRolePolicy",
    "CreateLogGroup",
    "PutRetentionPolicy",
    "TagResource",
    "CreateFlowLogs",
    "CreateTags",
)


def op_name(key):
    return key.split(":", 1)[1]


def ordered(counts):
    rank = {op: i for i, op in enumerate(FIRST)}
    return sorted(
        counts.items(), key=lambda kv: (rank.get(op_name(kv[0]), len(FIRST)), op_name(kv[0]))
    )


def fmt(n):
    return ("%d" % n) if float(n).is_integer() else ("%.1f" % n)


def by_operation(counts):
    items = [(k, v) for k, v in ordered(counts) if v]
    if not items:
        return "0"
    return "**%s**: %s" % (
        fmt(sum(v for _, v in items)),
        ", ".join("%s %s" % (op_name(k), fmt(v)) for k, v in items),
    )


def floor_seconds(vpcs, suite=None):
    """The quota floor: the busiest account-region's VPCs at the CreateLogGroup quota
    (account-regions have quotas of their own, so they can all go at once)."""
    if suite is not None and len(suite.estate.account_regions) > 1:
        spec = suite.estate
        vpcs = max(spec.share(i) for i in range(len(spec.account_regions)))
    return vpcs / DEFAULT_QUOTAS[FLOOR_RULE]
