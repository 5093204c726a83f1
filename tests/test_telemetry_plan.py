"""What enable-flow-logs decides beside a CloudWatch telemetry rule's flow logs (no AWS calls)."""

from c7n_vpcflow.audit.ownership import managed_by
from support.model import TARGET, flow_log, group, plan

TELEMETRY = [{"Key": "CloudWatchTelemetryRuleManaged", "Value": "true"}]
RULE_GROUP = "/aws/vpc/vpc-0a1b2c3d4e5f67890"


def by_rule(flow_log_id, **options):
    return dict(flow_log(flow_log_id, **options), Tags=TELEMETRY)


def test_each_flow_log_is_said_to_be_ours_the_rules_or_another_s():
    ours = dict(flow_log("fl-1"), Tags=[{"Key": "managed-by", "Value": "c7n-vpcflow"}])
    assert [managed_by(f) for f in (ours, by_rule("fl-2"), flow_log("fl-3"))] == [
        "c7n-vpcflow",
        "cloudwatch-telemetry-rule",
        "other",
    ]


def test_a_sound_flow_log_of_the_rule_means_nothing_to_do_and_says_whose_it_is():
    p = plan([by_rule("fl-1", group=RULE_GROUP)], [group(RULE_GROUP, retention=30)])
    assert (p.outcome, p.calls) == ("skip", [])
    assert "telemetry rule" in p.reason


def test_the_rules_log_group_is_never_given_retention_or_tags_even_as_our_target():
    p = plan(
        [by_rule("fl-1", group=RULE_GROUP)],
        [group(RULE_GROUP, retention=30)],
        log_group_name="/aws/vpc/{vpc_id}",
    )
    assert (p.outcome, p.calls) == ("skip", [])


def test_a_broken_flow_log_of_the_rule_is_reported_not_replaced_nor_joined():
    p = plan(
        [by_rule("fl-1", traffic="ACCEPT", group=RULE_GROUP)],
        [group(RULE_GROUP)],
        replace_broken=True,
    )
    assert (p.outcome, p.calls, p.replace) == ("fail", [], [])
    assert "fl-1 traffic-type" in p.reason and "AllowFieldUpdates" in p.reason


def test_a_target_that_is_the_rules_log_group_is_refused():
    other_vpc = dict(by_rule("fl-9", group=TARGET), ResourceId="vpc-0ffffffffffffffff")
    p = plan([other_vpc], [group(TARGET)])
    assert (p.outcome, p.calls) == ("fail", [])
    assert "belongs to a CloudWatch telemetry rule" in p.reason


def test_a_broken_flow_log_of_someone_else_still_gets_a_sibling():
    p = plan([flow_log("fl-1", traffic="ACCEPT")])
    assert p.outcome == "create" and p.create_flow_log
