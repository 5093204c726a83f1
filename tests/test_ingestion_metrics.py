"""The bytes each log group ingested over the last `days` whole days, from CloudWatch's
AWS/Logs IncomingBytes (c7n_vpcflow/audit/ingestion.py): at most 500 log groups a
GetMetricData call, so 1,000 groups cost two calls; pages summed; a query CloudWatch left
unanswered named, never counted as zero."""

from datetime import datetime, timedelta, timezone

import pytest

from c7n_vpcflow.audit.ingestion import incoming_bytes, window
from localaws.estate import put_incoming_bytes
from support.constants import GROUP, REGION

NOW = datetime(2026, 12, 6, 15, 0, tzinfo=timezone.utc)


def counting(client):
    """The operations `client` calls, in order, as they are made."""
    calls = []
    client.meta.events.register("before-call", lambda model, **kwargs: calls.append(model.name))
    return calls


def test_the_window_is_the_last_whole_days_in_utc():
    assert window(30, NOW) == (
        datetime(2026, 11, 6, tzinfo=timezone.utc),
        datetime(2026, 12, 6, tzinfo=timezone.utc),
    )
    tokyo = timezone(timedelta(hours=9))
    assert window(1, datetime(2026, 12, 7, 2, 0, tzinfo=tokyo)) == (
        datetime(2026, 12, 5, tzinfo=timezone.utc),
        datetime(2026, 12, 6, tzinfo=timezone.utc),
    )


@pytest.mark.parametrize("days", [0, 456])
def test_days_outside_what_cloudwatch_keeps_are_refused_naming_the_key(days):
    with pytest.raises(
        ValueError, match="^days: %d is not a whole number of days from 1 to 455$" % days
    ):
        window(days, NOW)


def test_1000_log_groups_cost_two_calls_and_each_gets_its_own_bytes(emulator):
    cloudwatch = emulator.client("cloudwatch", REGION)
    now = datetime.now(timezone.utc)
    start, end = window(30, now)
    groups = {GROUP % ("vpc-%04d" % n): (n + 1) * 1000 for n in range(999)}
    put_incoming_bytes(cloudwatch, groups, start + timedelta(hours=1))
    # The window's edges, on a few groups (each data point costs the emulator time):
    # inside its last hour; before it; today, not a whole day yet.
    edges = dict(list(groups.items())[:10])
    put_incoming_bytes(cloudwatch, edges, end - timedelta(hours=1))
    put_incoming_bytes(cloudwatch, edges, start - timedelta(hours=1))
    put_incoming_bytes(cloudwatch, edges, end + (now - end) / 2)
    calls = counting(cloudwatch)

    # 1,000 log groups: one without a data point in the window.
    measured, unmeasured = incoming_bytes(cloudwatch, [*groups, "/vpc/no-traffic"], 30, now)

    assert calls == ["GetMetricData", "GetMetricData"]
    assert unmeasured == {}
    assert measured == {
        **groups,
        **{group: 2 * size for group, size in edges.items()},
        "/vpc/no-traffic": 0,
    }


def test_pages_of_a_call_are_summed_and_a_query_left_unanswered_is_named(flight_data):
    flight = flight_data()
    cloudwatch = flight.session.client("cloudwatch")

    measured, unmeasured = incoming_bytes(cloudwatch, ["/vpc/c", "/vpc/a", "/vpc/b"], 30, NOW)

    assert measured == {"/vpc/a": 3 * 10**9, "/vpc/b": 750 * 10**6}
    assert unmeasured == {"/vpc/c": "IncomingBytes not answered (StatusCode InternalError)"}
    first, second = flight.params("cloudwatch.GetMetricData")
    assert first["StartTime"] == datetime(2026, 11, 6, tzinfo=timezone.utc)
    assert first["EndTime"] == datetime(2026, 12, 6, tzinfo=timezone.utc)
    assert [q["MetricStat"] for q in first["MetricDataQueries"]] == [
        {
            "Metric": {
                "Namespace": "AWS/Logs",
                "MetricName": "IncomingBytes",
                "Dimensions": [{"Name": "LogGroupName", "Value": name}],
            },
            "Period": 86400,
            "Stat": "Sum",
        }
        for name in ("/vpc/a", "/vpc/b", "/vpc/c")
    ]
    assert second["NextToken"] == "page-2-of-the-first-call"
