"""Coexisting with CloudWatch telemetry rules, end to end with stock `custodian` on moto.

The emulator has no Observability Admin, so the rule's work is seeded the way AWS leaves
it (localaws.estate's telemetry-rule manager): flow logs and log groups tagged
CloudWatchTelemetryRuleManaged=true, under the rule's default pattern /aws/vpc/<vpc id>,
30 days' retention. Our action is pointed at the same pattern on purpose.
"""

import json

import pytest

from support.constants import REGION
from support.e2e import custodian_run, read_output, run_results, write_policy
from support.estate import SEED_ROLE_ARN, seed_telemetry_rule, snapshot

pytestmark = pytest.mark.emulator

ONE_REGION = (REGION,)
TELEMETRY_TAGS = [{"Key": "CloudWatchTelemetryRuleManaged", "Value": "true"}]


@pytest.fixture
def estate(emulator):
    seeded = seed_telemetry_rule(
        emulator,
        {
            "sound": ("healthy", "10.20.0.0/16"),
            "accept": ("accept_only", "10.21.0.0/16"),
            # Its log group never existed: moto marks the flow log FAILED ("Access error").
            "failing": ("orphaned", "10.22.0.0/16"),
            "bare": ("bare", "10.23.0.0/16"),
        },
    )
    vpcs = {name: one.vpc_id for name, one in seeded.items()}
    flow_logs = {name: one.flow_logs[0] for name, one in seeded.items() if one.flow_logs}
    return vpcs, flow_logs


def telemetry_state(state):
    """The rule's flow logs and log groups, as the emulator holds them."""
    region = state["us-east-1"]
    return (
        [f for f in region["flow-logs"] if f.get("Tags") == TELEMETRY_TAGS],
        [
            g
            for g in region["log-groups"]
            if g["logGroupName"].startswith("/aws/vpc/")
            and g["tags"].get("CloudWatchTelemetryRuleManaged") == "true"
        ],
    )


def test_the_filter_names_who_manages_each_flow_log(emulator, cli, tmp_path, estate):
    vpcs, flow_logs = estate
    ours = emulator.client("ec2", "us-east-1").create_flow_logs(
        ResourceIds=[vpcs["bare"]],
        ResourceType="VPC",
        TrafficType="REJECT",
        LogDestinationType="cloud-watch-logs",
        LogGroupName="/elsewhere",
        DeliverLogsPermissionArn=SEED_ROLE_ARN,
    )["FlowLogIds"][0]
    policy = write_policy(
        tmp_path / "audit.yml", "audit", [{"type": "flow-log-compliance", "match": "compliant"}]
    )
    proc = custodian_run(cli, tmp_path / "out", policy, regions=ONE_REGION)
    assert proc.returncode == 0, proc.stderr

    verdicts = read_output(
        tmp_path / "out", REGION, "audit", "flow-log-compliance.json", regions=ONE_REGION
    )
    managers = {f["id"]: f["managed-by"] for v in verdicts["judged"] for f in v["flow-logs"]}
    assert managers == {
        flow_logs["sound"]: "cloudwatch-telemetry-rule",
        flow_logs["accept"]: "cloudwatch-telemetry-rule",
        flow_logs["failing"]: "cloudwatch-telemetry-rule",
        ours: "other",
    }
    (sound,) = [
        r
        for r in read_output(tmp_path / "out", REGION, "audit", regions=ONE_REGION)
        if r["VpcId"] == vpcs["sound"]
    ]
    assert [f["c7n:managed-by"] for f in sound["c7n:flow-logs"]] == ["cloudwatch-telemetry-rule"]
    # The report counts the flow logs of each manager.
    report = cli("c7n-vpcflow", "report", tmp_path / "out", "--format", "json")
    (row,) = json.loads(report.stdout)["accounts"]
    assert row["managed-by"] == {"cloudwatch-telemetry-rule": 3, "other": 1}


def test_enable_never_deletes_replaces_or_retags_what_a_telemetry_rule_made(
    emulator, cli, tmp_path, estate
):
    vpcs, flow_logs = estate
    before = telemetry_state(snapshot(emulator, regions=ONE_REGION))
    policy = write_policy(
        tmp_path / "enable.yml",
        "enable",
        [{"type": "flow-log-compliance"}],
        {
            "type": "enable-flow-logs",
            "log-group-name": "/aws/vpc/{vpc_id}",
            "replace-broken": True,
            "tags": {"owner": "security"},
        },
    )

    proc = custodian_run(cli, tmp_path / "out", policy, regions=ONE_REGION)

    after_state = snapshot(emulator, regions=ONE_REGION)
    assert telemetry_state(after_state) == before
    by_vpc = {}
    for flow_log in after_state["us-east-1"]["flow-logs"]:
        by_vpc.setdefault(flow_log["ResourceId"], []).append(flow_log["FlowLogId"])
    # Nothing beside the rule's flow logs, broken or not; the bare VPC got ours.
    for kind in ("sound", "accept", "failing"):
        assert by_vpc[vpcs[kind]] == [flow_logs[kind]], kind
    assert len(by_vpc[vpcs["bare"]]) == 1
    # The failing flow log's missing log group was not recreated by us.
    names = {g["logGroupName"] for g in after_state["us-east-1"]["log-groups"]}
    assert "/aws/vpc/%s" % vpcs["failing"] not in names

    results = run_results(tmp_path / "out", REGION, "enable", regions=ONE_REGION)
    assert results[vpcs["bare"]]["status"] == "created"
    for kind in ("accept", "failing"):
        result = results[vpcs[kind]]
        assert result["status"] == "failed", kind
        assert flow_logs[kind] in result["error"] and "AllowFieldUpdates" in result["error"]
    # A broken VPC the action left alone is a failure the run reports, naming it.
    assert proc.returncode != 0
    assert vpcs["accept"] in proc.stderr and vpcs["failing"] in proc.stderr
