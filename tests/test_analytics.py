"""Analyst-ready records: the `security` preset, saved Insights queries, the REJECT alarm."""

import logging
import re

import pytest
import yaml

from c7n_vpcflow.analytics.action import FlowLogAnalytics
from c7n_vpcflow.analytics.definitions import (
    FILTER_NAME,
    METRIC_NAMESPACE,
    QUERIES,
    alarm_name,
    query_strings,
    reject_pattern,
)
from c7n_vpcflow.errors import FlowLogRemediationError
from c7n_vpcflow.remediation import formats
from c7n_vpcflow.vocabulary import RESULT
from localaws.wire import error, not_implemented
from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, REGION
from support.e2e import custodian_reported, custodian_run, read_output, read_plans
from support.emulated import flow_logs_of
from support.estate import HEALTHY_GROUP, seed_region
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import capture_resources

GROUP = "/vpc/flow-logs/vpc-0c1d2e3f4a5b6c7d8"
# The Logs Insights commands these queries may use, and the identifiers that are not fields.
COMMANDS = {"parse", "filter", "stats", "sort", "limit", "fields"}
KEYWORDS = {"and", "or", "not", "in", "as", "by", "desc", "asc", "count", "sum", "limit"}


ANALYTICS = "c7n:flow-log-analytics"


def enable(filtered=True, **analytics):
    """The enable policy followed by flow-log-analytics; unfiltered it also reaches VPCs that
    are already compliant (the way to add saved queries or alarms to flow logs that exist)."""
    policy = enable_policy(filtered)
    policy["actions"].append(dict(analytics, type="flow-log-analytics"))
    return policy


def test_security_preset_is_the_curated_v5_field_list():
    assert formats.fields("security") == [
        "version",
        "account-id",
        "interface-id",
        "vpc-id",
        "subnet-id",
        "instance-id",
        "srcaddr",
        "dstaddr",
        "srcport",
        "dstport",
        "pkt-srcaddr",
        "pkt-dstaddr",
        "protocol",
        "packets",
        "bytes",
        "start",
        "end",
        "action",
        "log-status",
        "tcp-flags",
        "flow-direction",
        "traffic-path",
    ]
    assert formats.expand("security").startswith("${version} ${account-id} ${interface-id}")
    assert formats.expand("${srcaddr}") == "${srcaddr}"


@pytest.mark.parametrize("log_format", [None, "security"], ids=["default", "security"])
def test_every_saved_query_parses_the_format_and_reads_only_its_fields(log_format):
    fields = formats.fields(log_format)
    queries = query_strings(GROUP, fields)
    assert len(queries) == len(QUERIES) == 4
    for name, text in queries.items():
        assert name.startswith("c7n-vpcflow/vpc/flow-logs/vpc-0c1d2e3f4a5b6c7d8/")
        commands = [c.strip() for c in text.split("|")]
        assert {c.split(" ", 1)[0] for c in commands} <= COMMANDS
        parse = re.match(r'^parse @message "([* ]+)" as (.+)$', commands[0])
        assert parse, commands[0]
        declared = [f.strip() for f in parse.group(2).split(",")]
        assert parse.group(1).split(" ") == ["*"] * len(fields) == ["*"] * len(declared)
        body = " ".join(commands[1:])
        body = re.sub(r'"[^"]*"', "", body)
        used = set(re.findall(r"[a-z_][a-z0-9_]*", body)) - KEYWORDS - COMMANDS
        aliases = set(re.findall(r" as ([a-z_]+)", body))
        assert used - aliases <= set(declared), (name, used - aliases - set(declared))


def test_reject_pattern_names_every_field_and_matches_action_reject():
    pattern = reject_pattern(list(formats.DEFAULT_FIELDS))
    assert pattern == (
        "[version, account_id, interface_id, srcaddr, dstaddr, srcport, "
        'dstport, protocol, packets, bytes, start, end, action="REJECT", '
        "log_status]"
    )


def test_new_log_group_gets_its_four_queries_scoped_to_it(
    flight_data, tmp_path, monkeypatch, caplog
):
    flight = flight_data()
    seen = capture_resources(monkeypatch, FlowLogAnalytics)
    with caplog.at_level(logging.INFO, logger="custodian.vpcflow"):
        run_policy(enable(**{"insights-queries": True}), flight, tmp_path)

    saved = flight.params("logs.PutQueryDefinition")
    assert sorted(q["name"] for q in saved) == sorted(query_strings(GROUP, formats.DEFAULT_FIELDS))
    assert all(q["logGroupNames"] == [GROUP] and "queryDefinitionId" not in q for q in saved)
    operations = flight.operations()
    assert operations.index("ec2.CreateFlowLogs") < operations.index("logs.PutQueryDefinition")
    assert operations.count("logs.DescribeQueryDefinitions") == 1
    [vpc] = seen[0]
    assert vpc[RESULT]["status"] == "created"
    assert sum("saved query" in c for c in vpc[ANALYTICS]["changes"]) == 4
    # The run log is these writes' record (no evidence file: docs/analytics.md).
    said = "flow-log-analytics %s: " % GROUP
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith(said)] == [
        said + change for change in vpc[ANALYTICS]["changes"]
    ]


def test_rerun_writes_only_the_missing_and_outdated_queries(flight_data, tmp_path, monkeypatch):
    flight = flight_data()
    seen = capture_resources(monkeypatch, FlowLogAnalytics)
    run_policy(enable(filtered=False, **{"insights-queries": True}), flight, tmp_path)

    saved = flight.params("logs.PutQueryDefinition")
    wanted = query_strings(GROUP, formats.DEFAULT_FIELDS)
    assert [(q["name"].rsplit("/", 1)[1], q.get("queryDefinitionId")) for q in saved] == [
        ("top-talkers", "7a7a7a7a-0000-4000-8000-000000000002"),  # outdated: updated in place
        ("unexpected-ports", None),
    ]  # missing: created
    assert all(q["queryString"] == wanted[q["name"]] for q in saved)
    assert "ec2.CreateFlowLogs" not in flight.operations()
    assert seen[0][0][ANALYTICS]["status"] == "updated"


@pytest.mark.emulator
def test_reject_alarm_is_created_once_and_follows_its_settings(emulator, tmp_path):
    ec2 = emulator.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    group = "/vpc/flow-logs/" + vpc_id
    alarm = {
        "threshold": 50,
        "period": 60,
        "sns-topic": "arn:aws:sns:{region}:{account_id}:security-alerts",
    }
    first = RecordingSession("us-east-1")
    run_policy(enable(**{"reject-alarm": alarm}), first, tmp_path / "one")

    [metric_filter] = emulator.client("logs").describe_metric_filters(logGroupName=group)[
        "metricFilters"
    ]
    assert metric_filter["filterName"] == FILTER_NAME
    assert 'action="REJECT"' in metric_filter["filterPattern"]
    assert metric_filter["metricTransformations"][0]["metricNamespace"] == METRIC_NAMESPACE
    [created] = emulator.client("cloudwatch").describe_alarms(AlarmNames=[alarm_name(group)])[
        "MetricAlarms"
    ]
    assert (created["Threshold"], created["Period"], created["MetricName"]) == (50.0, 60, group)
    assert created["AlarmActions"] == ["arn:aws:sns:us-east-1:123456789012:security-alerts"]

    again = RecordingSession("us-east-1")
    run_policy(enable(filtered=False, **{"reject-alarm": alarm}), again, tmp_path / "two")
    assert again.params("cloudwatch.PutMetricAlarm") == []
    assert again.params("logs.PutMetricFilter") == []

    changed = RecordingSession("us-east-1")
    run_policy(
        enable(filtered=False, **{"reject-alarm": dict(alarm, threshold=80)}),
        changed,
        tmp_path / "3",
    )
    updates = changed.params("cloudwatch.PutMetricAlarm")
    assert alarm_name(group) in [a["AlarmName"] for a in updates]  # (and the default VPC's)
    assert {a["Threshold"] for a in updates} == {80.0}
    assert changed.params("logs.PutMetricFilter") == []
    [updated] = emulator.client("cloudwatch").describe_alarms(AlarmNames=[alarm_name(group)])[
        "MetricAlarms"
    ]
    assert updated["Threshold"] == 80.0


@pytest.mark.emulator
def test_vpcs_enable_or_analytics_could_not_finish_stop_no_other_and_fail_the_run(
    fault_proxy, emulator, tmp_path
):
    estate = seed_region(emulator, REGION, kinds=("bare", "named"), at_limit=True)
    fixable, denied, stuck = (estate.vpcs[k] for k in ("bare", "named", "at_limit"))
    denied_group = "/vpc/flow-logs/" + denied

    def deny(call):
        if call.operation == "PutMetricFilter" and call.params.get("logGroupName") == denied_group:
            return error(
                call,
                "AccessDeniedException",
                "User is not authorized to perform: logs:PutMetricFilter",
            )

    fault_proxy.rules.append(deny)

    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(
            enable(**{"reject-alarm": {"threshold": 50}}), RecordingSession("us-east-1"), tmp_path
        )

    lines = str(raised.value).splitlines()
    assert lines[0].startswith("enable-flow-logs could not fix 1 of ")
    assert lines[1].startswith("  %s: already has 2 flow logs" % stuck)
    assert lines[2].startswith("flow-log-analytics could not finish 1 of ")
    assert lines[3].startswith("  %s: saved queries / alarm for %s: " % (denied, denied_group))
    assert "logs:PutMetricFilter" in lines[3] and len(lines) == 4
    alarms = {
        a["AlarmName"]
        for a in emulator.client("cloudwatch").describe_alarms(
            AlarmNamePrefix="c7n-vpcflow-reject-spike:"
        )["MetricAlarms"]
    }
    assert alarm_name("/vpc/flow-logs/" + fixable) in alarms
    assert not {alarm_name("/vpc/flow-logs/" + v) for v in (stuck, denied)} & alarms
    assert [f["LogGroupName"] for f in flow_logs_of(emulator)[denied]] == [denied_group]


BOTH = {"insights-queries": True, "reject-alarm": {"threshold": 50}}
DENIED = "AccessDeniedException: User is not authorized to perform: {operation}"
UNIMPLEMENTED = "HTTP 500 and no AWS error from {endpoint}: it does not support this call"
# A listing the action makes, how it fails, the key whose writes it stops, the permission.
LISTINGS_FAILING = [
    ("DescribeQueryDefinitions", DENIED, "insights-queries", "logs:DescribeQueryDefinitions"),
    ("DescribeMetricFilters", UNIMPLEMENTED, "reject-alarm", "logs:DescribeMetricFilters"),
    ("DescribeAlarms", DENIED, "reject-alarm", "cloudwatch:DescribeAlarms"),
]


def failing_listing(operation, how):
    """A fault-proxy rule: `operation` answered as moto answers what it lacks, or denied."""

    def rule(call):
        if call.operation == operation:
            return (
                not_implemented(call)
                if how == UNIMPLEMENTED
                else error(
                    call, "AccessDeniedException", "User is not authorized to perform: " + operation
                )
            )

    return rule


@pytest.mark.emulator
@pytest.mark.parametrize(
    "operation, how, key, permission", LISTINGS_FAILING, ids=[o for o, *_ in LISTINGS_FAILING]
)
def test_a_failed_listing_fails_every_vpc_naming_the_call_and_the_other_kind_is_still_written(
    fault_proxy, emulator, tmp_path, monkeypatch, operation, how, key, permission
):
    estate = seed_region(emulator, REGION, kinds=("bare", "named"))
    fault_proxy.rules.append(failing_listing(operation, how))
    seen = capture_resources(monkeypatch, FlowLogAnalytics)

    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(enable(**BOTH), RecordingSession(REGION), tmp_path)

    vpcs = {v["VpcId"]: v for v in seen[0]}
    assert set(estate.vpcs.values()) <= set(vpcs)
    lines = str(raised.value).splitlines()
    assert lines[0] == "flow-log-analytics could not finish %d of %d VPCs in %s/%s:" % (
        len(vpcs),
        len(vpcs),
        ACCOUNT_ID,
        REGION,
    )
    assert sorted(line.split(":", 1)[0].strip() for line in lines[1:]) == sorted(vpcs)
    for vpc_id, vpc in vpcs.items():
        assert vpc[RESULT]["status"] == "created"
        annotation = vpc[ANALYTICS]
        assert annotation["status"] == "failed"
        assert annotation["error"] == "%s not written: %s in %s: %s" % (
            key,
            permission,
            REGION,
            how.format(operation=operation, endpoint=fault_proxy.endpoint),
        )
        assert "  %s: %s" % (vpc_id, annotation["error"]) in lines
        other = "alarm" if key == "insights-queries" else "saved query"
        assert any(other in change for change in annotation["changes"]), annotation
    written = {c.operation for c in fault_proxy.calls if c.mutating}
    if key == "insights-queries":
        assert "PutQueryDefinition" not in written
        assert {"PutMetricFilter", "PutMetricAlarm"} <= written
    else:
        assert not {"PutMetricFilter", "PutMetricAlarm"} & written
        assert "PutQueryDefinition" in written


@pytest.mark.emulator
def test_the_last_of_the_actions_fails_the_policy_so_one_placed_first_stops_nothing(
    fault_proxy, emulator, tmp_path, caplog
):
    estate = seed_region(emulator, REGION, kinds=("bare", "healthy"))
    bare, healthy = estate.vpcs["bare"], estate.vpcs["healthy"]
    fault_proxy.rules.append(
        lambda call: (
            error(call, "AccessDeniedException", "not authorized to perform: logs:PutMetricFilter")
            if call.operation == "PutMetricFilter"
            else None
        )
    )
    policy = enable_policy()
    policy["filters"] = [{"type": "flow-log-compliance", "match": "all"}]
    policy["actions"].insert(
        0,
        {
            "type": "flow-log-analytics",
            "log-group-name": HEALTHY_GROUP,
            "reject-alarm": {"threshold": 50},
        },
    )

    with caplog.at_level(logging.ERROR, logger="custodian.vpcflow"):
        with pytest.raises(FlowLogRemediationError) as raised:
            run_policy(policy, RecordingSession(REGION), tmp_path)

    # flow-log-analytics failed for the healthy VPC and raised nothing: enable-flow-logs,
    # the last, ran for the bare one and then failed the policy, naming that failure.
    assert flow_logs_of(emulator).get(bare)
    lines = str(raised.value).splitlines()
    assert lines[0].startswith("flow-log-analytics could not finish 1 of ")
    assert lines[1].startswith("  %s: saved queries / alarm for " % healthy)
    assert len(lines) == 2
    [said] = [r.getMessage() for r in caplog.records if healthy in r.getMessage()]
    assert said.startswith("flow-log-analytics %s: saved queries / alarm for " % healthy)


@pytest.mark.emulator
def test_stock_custodian_ends_a_failed_listing_with_one_error_dry_run_too(
    fault_proxy, emulator, cli, tmp_path
):
    estate = seed_region(emulator, REGION, kinds=("bare",))
    fault_proxy.rules.append(failing_listing("DescribeQueryDefinitions", DENIED))
    policy = tmp_path / "analytics.yml"
    policy.write_text(yaml.safe_dump({"policies": [enable(**{"insights-queries": True})]}))

    denied = "insights-queries not written: logs:DescribeQueryDefinitions in %s: %s" % (
        REGION,
        DENIED.format(operation="DescribeQueryDefinitions"),
    )

    for mode, options, expected_error, verb in (
        (
            "dry",
            ("--dryrun",),
            "c7n_vpcflow.audit.handoff.DryRunFailed",
            "dry run: flow-log-analytics would fail",
        ),
        (
            "run",
            (),
            "c7n_vpcflow.errors.FlowLogRemediationError",
            "flow-log-analytics could not finish",
        ),
    ):
        proc = custodian_run(cli, tmp_path / mode, policy, *options, regions=(REGION,))

        assert proc.returncode == 2, proc.stderr
        reported = custodian_reported(proc.stderr)
        assert {name for name, _message in reported} == {expected_error}
        # A dry run that would fail leaves its plans in flow-log-plan.json alone.
        read = read_plans if options else read_output
        vpc_ids = [
            v["VpcId"] for v in read(tmp_path / mode, REGION, ENABLE_NAME, regions=(REGION,))
        ]
        assert estate.vpcs["bare"] in vpc_ids and len(vpc_ids) == 2
        ending = "%s: %s 2 of 2 VPCs in %s/%s:\n" % (expected_error, verb, ACCOUNT_ID, REGION)
        assert ending + "".join(sorted("  %s: %s\n" % (v, denied) for v in vpc_ids)) in (
            proc.stderr
        ), proc.stderr
        if options:
            assert fault_proxy.mutating() == []
            assert {
                v["VpcId"]: v["c7n:flow-log-analytics-plan"]["error"]
                for v in read_plans(tmp_path / mode, REGION, ENABLE_NAME, regions=(REGION,))
            } == dict.fromkeys(vpc_ids, denied)
    assert set(flow_logs_of(emulator)) == set(vpc_ids)  # enable-flow-logs was not stopped


@pytest.mark.emulator
def test_when_its_log_groups_cannot_be_found_each_vpc_fails_naming_the_listing(
    fault_proxy, emulator, tmp_path, monkeypatch
):
    vpc_id = seed_region(emulator, REGION, kinds=("bare",)).vpcs["bare"]
    fault_proxy.rules.append(failing_listing("DescribeFlowLogs", DENIED))
    seen = capture_resources(monkeypatch, FlowLogAnalytics)
    alone = {
        "name": "analytics",
        "resource": "aws.vpc",
        "actions": [dict(BOTH, type="flow-log-analytics")],
    }

    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(alone, RecordingSession(REGION), tmp_path)

    why = "its log group could not be found: ec2:DescribeFlowLogs in %s: %s" % (
        REGION,
        DENIED.format(operation="DescribeFlowLogs"),
    )
    annotations = {v["VpcId"]: v[ANALYTICS] for v in seen[0]}
    assert annotations[vpc_id] == {"status": "failed", "changes": [], "error": why}
    assert "  %s: %s" % (vpc_id, why) in str(raised.value).splitlines()
    assert fault_proxy.mutating() == []
