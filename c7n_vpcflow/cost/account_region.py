"""One account-region's flow-log cost, from what was measured of its log groups: each group
priced once (cost.model) with its cheaper choices (cost.choices), each VPC's record from
the groups its flow logs write to, and the account-region's totals. Pure: the flow-log-cost
filter prices what it measured with it, and the report re-prices the measured log groups an
evidence file records (--prices) with it, so both give the same figures for the same prices.

A log group is what CloudWatch measures and bills. A VPC's record sums its groups (with one
log group per VPC, the remediation's convention, it is that group's); a group that several
VPCs write to is named in each one's record (shared-with) and counted once in the totals.
Tiers are priced at the average rate of the account-region's volume of the same class
(cost.model's pool), each group counted once.
"""

from c7n_vpcflow.cost.choices import cheaper_choices
from c7n_vpcflow.cost.model import MEASURED, Usage, cost, monthly_gb
from c7n_vpcflow.vocabulary import ALL_TRAFFIC

# What flow-log-cost.json records of each log group that was measured, besides its name, the
# VPCs that write to it and their flow logs' traffic types: the inputs of cost.model.
AGE_DAYS = "age-days"
USAGE_KEYS = MEASURED + (AGE_DAYS,)
# The VPC's figures that are the sum of its log groups' (None where one is unknown).
SUMMED = (
    "ingested-bytes",
    "stored-bytes",
    "monthly-gb",
    "stored-gb",
    "ingestion-usd",
    "storage-usd",
    "monthly-usd",
)
USD = ("ingestion-usd", "storage-usd", "monthly-usd")


def measured_inputs(group):
    """What was measured of a log group, as price_log_groups takes it: a recorded group
    without the figures priced from it."""
    return {
        key: group[key]
        for key in ("name", "vpc-ids", "traffic-types", "not-measured") + USAGE_KEYS
        if key in group
    }


def vpc_inputs(vpc):
    """What vpc_cost takes of a VPC recorded in flow-log-cost.json."""
    return {
        key: vpc[key]
        for key in ("vpc-id", "log-groups", "not-measured", "not-counted")
        if key in vpc
    }


def usage_of(group):
    """The cost.model Usage of a measured log group, as flow-log-cost.json records it."""
    return Usage(
        ingested_bytes=group["ingested-bytes"],
        days=group["days"],
        stored_bytes=group["stored-bytes"],
        age_days=group[AGE_DAYS],
        log_group_class=group["log-group-class"],
        retention_days=group["retention-days"],
    )


def price_log_groups(groups, prices, region, min_retention_days=None, analytics=()):
    """Each log group as recorded (name, vpc-ids, traffic-types and, when measured, the
    USAGE_KEYS; else not-measured: why), with its cost record and cheaper choices when it
    was measured; `analytics`: the flow-log-analytics keys the policy uses."""
    measured = [g for g in groups if not g.get("not-measured")]
    pools = {}
    for group in measured:
        usage = usage_of(group)
        pools[usage.log_group_class] = pools.get(usage.log_group_class, 0.0) + monthly_gb(usage)
    priced = []
    for group in groups:
        if group.get("not-measured"):
            priced.append(dict(group))
            continue
        usage = usage_of(group)
        pool = pools[usage.log_group_class]
        record = cost(usage, prices, region, pool)
        record["measured"].append(AGE_DAYS)
        traffic_type = ALL_TRAFFIC if ALL_TRAFFIC in group["traffic-types"] else None
        record["choices"] = cheaper_choices(
            usage, record, prices, region, traffic_type, min_retention_days, analytics, pool
        )
        priced.append({**group, **record})
    return priced


def _sum(values):
    return None if any(v is None for v in values) else round(sum(values), 6)


def vpc_cost(vpc, priced_groups):
    """The c7n:flow-log-cost record of one VPC: `vpc` says which log groups its flow logs
    write to (log-groups), or why nothing of it was measured (not-measured), and what was
    left out (not-counted: {what: why}); `priced_groups`: {name: price_log_groups' record}."""
    if vpc.get("not-measured"):
        return {"not-measured": vpc["not-measured"]}
    groups = [priced_groups[name] for name in vpc["log-groups"]]
    counted = [g for g in groups if not g.get("not-measured")]
    not_counted = dict(vpc.get("not-counted") or {})
    not_counted.update((g["name"], g["not-measured"]) for g in groups if g.get("not-measured"))
    if not counted:
        return {"not-measured": "; ".join("%s: %s" % item for item in sorted(not_counted.items()))}
    vpc_id = vpc["vpc-id"]
    record = {
        "days": counted[0]["days"],
        "log-groups": [
            {
                **{k: v for k, v in g.items() if k not in ("vpc-ids", "choices", "traffic-types")},
                "shared-with": sorted(set(g["vpc-ids"]) - {vpc_id}),
            }
            for g in counted
        ],
    }
    record.update((key, _sum([g.get(key) for g in counted])) for key in SUMMED)
    if len(counted) == 1:
        record["log-group-class"] = counted[0]["log-group-class"]
        record["retention-days"] = counted[0]["retention-days"]
    record["measured"] = sorted({k for g in counted for k in g["measured"]} & set(record))
    record["estimated"] = sorted({k for g in counted for k in g["estimated"]} & set(record))
    record["choices"] = [
        dict(choice, **{"log-group": g["name"]}) for g in counted for choice in g["choices"]
    ]
    unpriced = [g["not-priced"] for g in counted if g.get("not-priced")]
    if unpriced:
        record["not-priced"] = "; ".join(dict.fromkeys(unpriced))
    for g in counted:
        for what, why in (g.get("not-counted") or {}).items():
            not_counted["%s of %s" % (what, g["name"])] = why
    if not_counted:
        record["not-counted"] = not_counted
    return record


def totals(priced_groups, vpc_records):
    """The account-region's figures: each measured log group counted once (USD over the
    priced ones, with how many were not), and how many VPCs were measured."""
    measured = [g for g in priced_groups if not g.get("not-measured")]
    priced = [g for g in measured if not g.get("not-priced")]
    found = {
        "monthly-gb": round(sum(g["monthly-gb"] for g in measured), 6),
        "log-groups": len(measured),
        "log-groups-not-measured": len(priced_groups) - len(measured),
        "log-groups-not-priced": len(measured) - len(priced),
        "vpcs": len(vpc_records),
        "vpcs-not-measured": sum(1 for r in vpc_records.values() if r.get("not-measured")),
    }
    found.update((key, round(sum(g[key] or 0.0 for g in priced), 4)) for key in USD)
    found["storage-not-counted"] = sum(1 for g in priced if g["storage-usd"] is None)
    return found


def price_account_region(groups, vpcs, prices, region, context):
    """(priced log groups, {VPC id: its c7n:flow-log-cost record}, totals) of an
    account-region: `groups` as price_log_groups takes them, `vpcs` as vpc_cost does,
    `context` the min-retention-days and analytics keys the choices depend on."""
    priced = price_log_groups(
        groups, prices, region, context["min-retention-days"], context["analytics"]
    )
    by_name = {g["name"]: g for g in priced}
    records = {v["vpc-id"]: vpc_cost(v, by_name) for v in vpcs}
    return priced, records, totals(priced, records)
