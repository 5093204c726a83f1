"""Coexisting with CloudWatch telemetry rules, end to end with stock `custodian` on moto.

The emulator has no Observability Admin, so the rule's work is seeded the way AWS leaves
it: flow logs and log groups tagged CloudWatchTelemetryRuleManaged=true, under the rule's
default pattern /aws/vpc/<vpc id>. Our action is pointed at the same pattern on purpose.
"""
import json

import pytest

from support.constants import REGION
from support.e2e import custodian_run, read_output, run_results, write_policy
from support.estate import SEED_ROLE_ARN, snapshot

pytestmark = pytest.mark.emulator

ONE_REGION = (REGION,)
TELEMETRY_TAGS = [{"Key": "CloudWatchTelemetryRuleManaged", "Value": "true"}]


def telemetry_flow_log(ec2, logs, vpc_id, traffic_type, create_group=True):
    """What a telemetry rule leaves behind: a tagged log group and a tagged flow log."""
    group = "/aws/vpc/%s" % vpc_id
    if create_group:
        logs.create_log_group(logGroupName=group, tags={"CloudWatchTelemetryRuleManaged": "true"})
        logs.put_retention_policy(logGroupName=group, retentionInDays=30)
    response = ec2.create_flow_logs(
        ResourceIds=[vpc_id], ResourceType="VPC", TrafficType=traffic_type,
        LogDestinationType="cloud-watch-logs", LogGroupName=group,
        DeliverLogsPermissionArn=SEED_ROLE_ARN,
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": TELEMETRY_TAGS}])
    return response["FlowLogIds"][0]


@pytest.fixture
def estate(emulator):
    ec2, logs = emulator.client("ec2", "us-east-1"), emulator.client("logs", "us-east-1")
    vpcs = {kind: ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"] for kind, cidr in (
        ("sound", "10.20.0.0/16"), ("accept", "10.21.0.0/16"), ("failing", "10.22.0.0/16"),
        ("bare", "10.23.0.0/16"))}
    flow_logs = {
        "sound": telemetry_flow_log(ec2, logs, vpcs["sound"], "REJECT"),
        "accept": telemetry_flow_log(ec2, logs, vpcs["accept"], "ACCEPT"),
        # Its log group is gone: moto marks the flow log FAILED ("Access error").
        "failing": telemetry_flow_log(ec2, logs, vpcs["failing"], "REJECT", create_group=False),
    }
    return vpcs, flow_logs


def telemetry_state(state):
    """The rule's flow logs and log groups, as the emulator holds them."""
    region = state["us-east-1"]
    return ([f for f in region["flow-logs"] if f.get("Tags") == TELEMETRY_TAGS],
            [g for g in region["log-groups"] if g["logGroupName"].startswith("/aws/vpc/")
             and g["tags"].get("CloudWatchTelemetryRuleManaged") == "true"])


def test_the_filter_names_who_manages_each_flow_log(emulator, cli, tmp_path, estate):
    vpcs, flow_logs = estate
    ours = emulator.client("ec2", "us-east-1").create_flow_logs(
        ResourceIds=[vpcs["bare"]], ResourceType="VPC", TrafficType="REJECT",
        LogDestinationType="cloud-watch-logs", LogGroupName="/elsewhere",
        DeliverLogsPermissionArn=SEED_ROLE_ARN)["FlowLogIds"][0]
    policy = write_policy(tmp_path / "audit.yml", "audit",
                          [{"type": "flow-log-compliance", "match": "compliant"}])
    proc = custodian_run(cli, tmp_path / "out", policy, regions=ONE_REGION)
    assert proc.returncode == 0, proc.stderr

    verdicts = read_output(tmp_path / "out", REGION, "audit", "flow-log-compliance.json",
                           regions=ONE_REGION)
    managers = {f["id"]: f["managed-by"] for v in verdicts["judged"] for f in v["flow-logs"]}
    assert managers == {flow_logs["sound"]: "cloudwatch-telemetry-rule",
                        flow_logs["accept"]: "cloudwatch-telemetry-rule",
                        flow_logs["failing"]: "cloudwatch-telemetry-rule", ours: "other"}
    (sound,) = [r for r in read_output(tmp_path / "out", REGION, "audit", regions=ONE_REGION)
                if r["VpcId"] == vpcs["sound"]]
    assert [f["c7n:managed-by"] for f in sound["c7n:flow-logs"]] == ["cloudwatch-telemetry-rule"]
    # The report counts the flow logs of each manager.
    report = cli("c7n-vpcflow", "report", tmp_path / "out", "--format", "json")
    (row,) = json.loads(report.stdout)["accounts"]
    assert row["managed-by"] == {"cloudwatch-telemetry-rule": 3, "other": 1}


def test_enable_never_deletes_replaces_or_retags_what_a_telemetry_rule_made(
        emulator, cli, tmp_path, estate):
    vpcs, flow_logs = estate
    before = telemetry_state(snapshot(emulator, regions=ONE_REGION))
    policy = write_policy(
        tmp_path / "enable.yml", "enable", [{"type": "flow-log-compliance"}],
        {"type": "enable-flow-logs", "log-group-name": "/aws/vpc/{vpc_id}",
         "replace-broken": True, "tags": {"owner": "security"}})

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
