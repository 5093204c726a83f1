"""What a VPC's flow logs cost a month, and what each cheaper choice would save: pure
functions of measured volumes and the prices (cost.prices); no AWS call.

Measured: the bytes a log group ingested over the last `days` (CloudWatch's IncomingBytes),
the bytes it stores (storedBytes), its class, retention and age. Estimated: every volume
projected to a month and every amount in USD. The record says which is which.

- A month is the average month (365.25 / 12 days); GB is 10^9 bytes, as AWS bills.
- Ingestion: the month's GB at the vended-log price of the destination and class. Tiers
  count a month's volume per usage type across the whole bill, which one run cannot see: a
  VPC's GB are priced at the average rate of the pool they are billed with (`pool_gb`, e.g.
  the volume measured in the account-region for that destination and class; by default
  the VPC alone). The true rate is that or lower, since the bill's pool is at least as big.
- Storage: the size the retention implies once it is reached, assuming traffic as so far:
  storedBytes scaled from the days the group has held data (its age, at most the
  retention) to the retention. A group that never expires grows without bound: it is
  priced at its average size over the coming month, and its growth a month is given.
"""

from dataclasses import dataclass
from typing import Optional

from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.vocabulary import CLOUDWATCH, STANDARD

GB = 10**9
DAYS_A_MONTH = 365.25 / 12
MEASURED = ("ingested-bytes", "stored-bytes", "days", "log-group-class", "retention-days")
ESTIMATED = ("monthly-gb", "stored-gb", "ingestion-usd", "storage-usd", "monthly-usd")


@dataclass(frozen=True)
class Usage:
    """What was measured of one log group: bytes ingested over `days`, bytes stored now, its
    age in days, class, and retention (None: never expire)."""

    ingested_bytes: int
    days: int
    stored_bytes: int
    age_days: float
    log_group_class: str = STANDARD
    retention_days: Optional[int] = None


def monthly_gb(usage):
    """The GB a month the group ingests, at the rate measured over `days`."""
    return usage.ingested_bytes / GB * DAYS_A_MONTH / usage.days


def tiered_usd(gb, tiers):
    """What `gb` a month costs at tiered prices, counted from zero."""
    usd, floor = 0.0, 0.0
    for tier in tiers:
        ceiling = float("inf") if tier["up-to-gb"] is None else tier["up-to-gb"]
        usd += max(0.0, min(gb, ceiling) - floor) * tier["usd-per-gb"]
        floor = ceiling
    return usd


def share_usd(gb, tiers, pool_gb=None):
    """The cost of `gb` billed together with the rest of `pool_gb`: the pool's average rate."""
    pool = max(pool_gb or 0.0, gb)
    return tiered_usd(pool, tiers) * gb / pool if pool else 0.0


def held_days(usage):
    """The days of data the group holds now: its age, at most its retention."""
    return (
        usage.age_days
        if usage.retention_days is None
        else min(usage.age_days, usage.retention_days)
    )


def stored_gb(usage, retention_days):
    """(GB stored a month under `retention_days`, why it is not known or None).

    With a retention, the size once the retention is reached; without one, the average
    size over the coming month. Traffic is assumed to go on as it has."""
    if held_days(usage) < 1:
        return None, "the log group is younger than a day: its size says nothing yet"
    gb_a_day = usage.stored_bytes / GB / held_days(usage)
    if retention_days is None:
        return gb_a_day * (usage.age_days + DAYS_A_MONTH / 2), None
    return gb_a_day * retention_days, None


def _rounded(usd):
    return None if usd is None else round(usd, 4)


def cost(usage, prices, region, pool_gb=None):
    """The c7n:flow-log-cost record of a VPC whose flow logs write to one log group."""
    record = {
        "ingested-bytes": usage.ingested_bytes,
        "stored-bytes": usage.stored_bytes,
        "days": usage.days,
        "log-group-class": usage.log_group_class,
        "retention-days": usage.retention_days,
        "monthly-gb": round(monthly_gb(usage), 6),
        "measured": list(MEASURED),
        "estimated": list(ESTIMATED),
    }
    size, why_unknown = stored_gb(usage, usage.retention_days)
    record["stored-gb"] = None if size is None else round(size, 6)
    if usage.retention_days is None and size is not None:
        record["stored-gb-growth-a-month"] = round(
            usage.stored_bytes / GB / usage.age_days * DAYS_A_MONTH, 6
        )
        record["estimated"].append("stored-gb-growth-a-month")
    ingestion = price_data.vended_logs(prices, region, CLOUDWATCH, usage.log_group_class)
    storage = price_data.storage(prices, region, CLOUDWATCH, usage.log_group_class)
    if ingestion is None or storage is None:
        record.update(
            {
                "ingestion-usd": None,
                "storage-usd": None,
                "monthly-usd": None,
                "not-priced": "no price for CloudWatch Logs %s in %s"
                % (usage.log_group_class, region),
            }
        )
        return record
    ingestion_usd = share_usd(monthly_gb(usage), ingestion["tiers"], pool_gb)
    storage_usd = None if size is None else size * storage["usd-per-gb-month"]
    record.update(
        {
            "ingestion-usd": _rounded(ingestion_usd),
            "storage-usd": _rounded(storage_usd),
            "monthly-usd": _rounded(ingestion_usd + (storage_usd or 0.0)),
            "prices": {
                "region": region,
                "ingestion": ingestion["source"],
                "storage": storage["source"],
            },
        }
    )
    if why_unknown:
        record["not-counted"] = {"storage-usd": why_unknown}
    return record
