"""The bytes each log group ingested over the last `days` whole days (UTC), from CloudWatch's
`AWS/Logs` `IncomingBytes` metric (dimension `LogGroupName`: uncompressed bytes uploaded).

GetMetricData takes at most 500 queries a call, so G log groups cost ceil(G/500) calls, plus
a page for each 100,800 data points beyond the first (one daily point per group and day: a
page holds 500 groups up to 201 days). Pages come through the botocore paginator with c7n's
retry on throttling (audit/paging.py). A group with no data point ingested nothing in the
window; a query CloudWatch did not answer (its StatusCode says why) is reported as such.
"""

from datetime import datetime, timedelta, timezone

from c7n_vpcflow.audit.paging import pages

QUERIES_PER_CALL = 500
DAY = 86400
# CloudWatch keeps hourly data points 455 days; daily sums need nothing finer.
MAX_DAYS = 455
ANSWERED = ("Complete",)


def window(days, now=None):
    """(start, end) of the last `days` whole UTC days before `now`."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError("days: %r is not a whole number of days from 1 to %d" % (days, MAX_DAYS))
    now = now or datetime.now(timezone.utc)
    end = now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return end - timedelta(days=days), end


def _query(index, log_group):
    return {
        "Id": "g%d" % index,
        "ReturnData": True,
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Logs",
                "MetricName": "IncomingBytes",
                "Dimensions": [{"Name": "LogGroupName", "Value": log_group}],
            },
            "Period": DAY,
            "Stat": "Sum",
        },
    }


def incoming_bytes(cloudwatch, log_groups, days, now=None, retry=None):
    """({log group: bytes ingested}, {log group: why it was not measured}) over `window`."""
    start, end = window(days, now)
    names = sorted(set(log_groups))
    measured, unmeasured = {}, {}
    for first in range(0, len(names), QUERIES_PER_CALL):
        chunk = names[first : first + QUERIES_PER_CALL]
        totals, statuses = {}, {}
        for page in pages(
            cloudwatch,
            "get_metric_data",
            retry,
            StartTime=start,
            EndTime=end,
            MetricDataQueries=[_query(i, n) for i, n in enumerate(chunk)],
        ):
            for result in page.get("MetricDataResults", ()):
                totals[result["Id"]] = totals.get(result["Id"], 0) + sum(result["Values"])
                statuses[result["Id"]] = result.get("StatusCode", "Complete")
        for index, name in enumerate(chunk):
            status = statuses.get("g%d" % index)
            if status in ANSWERED:
                measured[name] = int(round(totals["g%d" % index]))
            else:
                unmeasured[name] = "IncomingBytes not answered (StatusCode %s)" % status
    return measured, unmeasured
