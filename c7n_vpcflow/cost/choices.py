"""The cheaper choices for a VPC whose flow logs write to CloudWatch Logs, each named as the
enable-flow-logs key that makes it, with its estimated saving a month (USD) over the cost
record of cost.model, or why it is blocked or cannot be estimated. Pure: no AWS call.

- `log-group-class: INFREQUENT_ACCESS`: the lower ingestion price; needs a new log group
  (a group's class is fixed at creation). Blocked by flow-log-analytics' reject-alarm, whose
  metric filter that class lacks (the class's features are data: data/prices.json).
- `destination-type: s3`: the S3 delivery price, and S3 Standard storage of the same
  compressed size (requests not counted); Athena-queryable. Blocked by flow-log-analytics,
  which works on CloudWatch Logs only.
- `traffic-type: REJECT` where the flow log captures ALL: the saving is the accepted share
  of the cost, which is not measured, so it is not estimated.
- `retention-days: <min-retention-days>` where the retention is longer (or never expires):
  the storage the shorter retention implies.
"""

from types import MappingProxyType

from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.cost.model import monthly_gb, share_usd, stored_gb
from c7n_vpcflow.vocabulary import (
    ALL_TRAFFIC,
    CLOUDWATCH,
    INFREQUENT_ACCESS,
    INSIGHTS_QUERIES,
    REJECT_ALARM,
    S3,
    STANDARD,
)

METRIC_FILTERS = "metric-filters"
DESTINATION_NAMES = MappingProxyType({CLOUDWATCH: "CloudWatch Logs", S3: "S3"})


def cheaper_choices(
    usage, record, prices, region, traffic_type, min_retention_days=None, analytics=(), pool_gb=None
):
    """[choice] for the VPC whose usage and cost record (cost.model) are given;
    `analytics`: the flow-log-analytics keys its policy uses."""
    context = (usage, record, prices, region, pool_gb)
    found = [
        _infrequent_access(context, analytics),
        _s3(context, analytics),
        _reject(traffic_type),
        _retention(context, min_retention_days),
    ]
    return [choice for choice in found if choice]


def _saving(context, destination, log_group_class, retention_days):
    """(saving-usd, why None) against the record, or (None, why it cannot be estimated)."""
    usage, record, prices, region, pool_gb = context
    if record.get("not-priced"):
        return None, record["not-priced"]
    where = "%s in %s" % (
        " ".join(filter(None, (DESTINATION_NAMES[destination], log_group_class))),
        region,
    )
    ingestion = price_data.vended_logs(prices, region, destination, log_group_class)
    if ingestion is None:
        return None, "no delivery price for %s" % where
    saving = record["ingestion-usd"] - share_usd(monthly_gb(usage), ingestion["tiers"], pool_gb)
    if record["storage-usd"] is None:
        return round(saving, 4), None
    storage = price_data.storage(prices, region, destination, log_group_class)
    if storage is None:
        # The delivery saving alone: storage on both sides is left out rather than guessed.
        return round(saving, 4), "no storage price for %s: the saving counts delivery only" % where
    size, _ = stored_gb(usage, retention_days)
    saving += record["storage-usd"] - size * storage["usd-per-gb-month"]
    return round(saving, 4), None


def _estimate(choice, saving, why, note):
    """The choice with its saving, or why it is not estimated; beside a saving, `why` says
    what the saving leaves out."""
    if saving is None:
        return {**choice, "saving-usd": None, "why": why, "note": note}
    estimated = {**choice, "saving-usd": saving, "estimated": ["saving-usd"], "note": note}
    return {**estimated, "why": why} if why else estimated


def _infrequent_access(context, analytics):
    usage, _record, prices, _region, _pool = context
    if usage.log_group_class != STANDARD:
        return None
    choice = {"choice": "log-group-class: %s" % INFREQUENT_ACCESS}
    lacking = price_data.lacks(prices, INFREQUENT_ACCESS)
    if REJECT_ALARM in analytics and METRIC_FILTERS in lacking:
        return {
            **choice,
            "blocked": "flow-log-analytics' %s needs a metric filter, which "
            "the %s class lacks" % (REJECT_ALARM, INFREQUENT_ACCESS),
        }
    saving, why = _saving(context, CLOUDWATCH, INFREQUENT_ACCESS, usage.retention_days)
    return _estimate(
        choice,
        saving,
        why,
        "a new log group (a group's class is fixed at "
        "creation) and a new flow log; the class lacks: %s"
        % (", ".join(sorted(lacking)) or "nothing the prices' data names"),
    )


def _s3(context, analytics):
    choice = {"choice": "destination-type: %s" % S3}
    used = sorted(set(analytics) & {REJECT_ALARM, INSIGHTS_QUERIES})
    if used:
        return {
            **choice,
            "blocked": "flow-log-analytics' %s works on CloudWatch Logs only" % " and ".join(used),
        }
    saving, why = _saving(context, S3, None, context[0].retention_days)
    return _estimate(
        choice,
        saving,
        why,
        "queried with Athena instead of Logs Insights; "
        "storage taken as S3 Standard of the same compressed size, requests "
        "not counted; the bucket's lifecycle rules decide how long it is kept",
    )


def _reject(traffic_type):
    if traffic_type != ALL_TRAFFIC:
        return None
    return {
        "choice": "traffic-type: REJECT",
        "saving-usd": None,
        "why": "the accepted share of the traffic is not measured; the saving is that "
        "share of this cost",
        "note": "what CIS recommends; the accepted flows are then no longer logged",
    }


def _retention(context, min_retention_days):
    usage = context[0]
    if min_retention_days is None or (
        usage.retention_days is not None and usage.retention_days <= min_retention_days
    ):
        return None
    choice = {"choice": "retention-days: %d" % min_retention_days}
    note = "the log group keeps %d days (min-retention-days) instead of %s" % (
        min_retention_days,
        "never expiring" if usage.retention_days is None else "%d" % usage.retention_days,
    )
    record = context[1]
    if record["storage-usd"] is None:
        why = record.get("not-priced") or record["not-counted"]["storage-usd"]
        return _estimate(choice, None, why, note)
    saving, why = _saving(context, CLOUDWATCH, usage.log_group_class, min_retention_days)
    return _estimate(choice, saving, why, note)
