"""What enable-flow-logs decides for one VPC, from what the account holds (no AWS calls)."""

from c7n_vpcflow.audit.inventory import Inventory
from c7n_vpcflow.remediation.destinations import create_flow_logs_params
from c7n_vpcflow.remediation.plan import plan_vpc
from c7n_vpcflow.remediation.settings import Settings
from c7n_vpcflow.vocabulary import FLOW_LOGS, LOG_GROUPS, MANAGED_BY, PROBLEMS
from support.model import ACCOUNT, TARGET, VPC, flow_log, group, plan, planned

ROLE = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"


def test_vpc_without_flow_log_gets_group_retention_and_flow_log_in_three_calls():
    p = plan()
    assert p.outcome == "create"
    assert p.destination == TARGET
    assert p.calls == ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "ec2:CreateFlowLogs"]


def test_sound_flow_log_to_its_target_group_means_nothing_to_do():
    p = plan([flow_log("fl-1")], [group(retention=365)])
    assert (p.outcome, p.calls) == ("skip", [])
    assert "fl-1" in p.reason


def test_sound_flow_log_into_a_short_retention_target_group_only_raises_retention():
    p = plan([flow_log("fl-1")], [group(retention=30)])
    assert (p.outcome, p.calls) == ("update", ["logs:PutRetentionPolicy"])


def test_never_expiring_target_group_is_never_given_an_expiry():
    p = plan([flow_log("fl-1")], [group(retention=None)])
    assert (p.outcome, p.calls) == ("skip", [])


def test_sound_flow_log_elsewhere_is_left_alone():
    p = plan([flow_log("fl-1", group="/team/netlogs")], [group("/team/netlogs", retention=7)])
    assert (p.outcome, p.calls) == ("skip", [])
    assert "left as is" in p.reason


def test_all_traffic_flow_log_satisfies_a_reject_setting():
    assert plan([flow_log("fl-1", traffic="ALL")], [group(retention=365)]).outcome == "skip"


def test_existing_target_group_with_longer_retention_is_tagged_not_shortened():
    p = plan(groups=[group(retention=3653)])
    assert p.calls == ["logs:TagResource", "ec2:CreateFlowLogs"]


def test_existing_target_group_with_shorter_retention_gets_raised():
    p = plan(groups=[group(retention=30)])
    assert p.calls == ["logs:PutRetentionPolicy", "logs:TagResource", "ec2:CreateFlowLogs"]


def test_accept_only_flow_log_is_kept_by_default():
    p = plan([flow_log("fl-acc", group="/other", traffic="ACCEPT")], [group("/other")])
    assert p.outcome == "create"
    assert p.replace == []
    assert "fl-acc traffic-type" in p.reason


def test_replace_broken_plans_the_deletion_after_the_new_flow_log():
    p = plan(
        [flow_log("fl-acc", group="/other", traffic="ACCEPT")],
        [group("/other")],
        replace_broken=True,
    )
    assert p.replace == ["fl-acc"]
    assert p.calls[-3:] == ["ec2:CreateFlowLogs", "ec2:DescribeFlowLogs", "ec2:DeleteFlowLogs"]


def test_two_broken_flow_logs_is_the_aws_limit_and_says_so():
    p = plan(
        [
            flow_log("fl-a", group="/a", traffic="ACCEPT"),
            flow_log("fl-b", group="/b", delivery="FAILED", error="Access error"),
        ],
        [group("/a")],
    )
    assert p.outcome == "fail"
    assert "limit" in p.reason
    assert "fl-a traffic-type" in p.reason
    assert "fl-b delivery-failed, log-group-missing (Access error)" in p.reason
    assert p.calls == []


def test_broken_duplicate_of_the_planned_flow_log_cannot_be_recreated():
    p = plan([flow_log("fl-1", delivery="FAILED", error="Access error")], [group()])
    assert p.outcome == "fail"
    assert "duplicate" in p.reason and "fl-1" in p.reason


def test_flow_log_missing_only_its_log_group_is_repaired_by_recreating_the_group():
    p = plan([flow_log("fl-1")], [])
    assert p.outcome == "repair"
    assert p.calls == ["logs:CreateLogGroup", "logs:PutRetentionPolicy"]


def test_inactive_flow_log_gets_a_healthy_sibling():
    p = plan([flow_log("fl-1", group="/x", status="INACTIVE")], [group("/x")])
    assert p.outcome == "create"
    assert "fl-1 inactive" in p.reason


def test_a_name_the_template_cannot_render_fails_that_vpc_only():
    vpc = dict(VPC, Tags=[{"Key": "Name", "Value": "n" * 600}])
    settings = Settings.from_data({"log-group-name": "/vpc/{vpc_name}"})
    p = planned(vpc, Inventory([]), settings)
    assert p.outcome == "fail" and "vpc-0a1b2c3d4e5f67890" in p.reason


def test_flow_log_parameters_carry_tags_format_and_role():
    settings = Settings.from_data(
        {
            "tags": {"owner": "secops"},
            "log-format": "${version} ${srcaddr}",
            "max-aggregation-interval": 60,
            "traffic-type": "ALL",
        }
    )
    params = create_flow_logs_params(settings, TARGET, ROLE)
    assert params["TagSpecifications"] == [
        {
            "ResourceType": "vpc-flow-log",
            "Tags": [
                {"Key": "managed-by", "Value": "c7n-vpcflow"},
                {"Key": "owner", "Value": "secops"},
            ],
        }
    ]
    assert params["LogFormat"] == "${version} ${srcaddr}"
    assert params["MaxAggregationInterval"] == 60
    assert params["TrafficType"] == "ALL"
    assert params["DeliverLogsPermissionArn"] == ROLE
    assert params["LogGroupName"] == TARGET and params["ResourceType"] == "VPC"


def test_defaults_follow_the_conventions():
    s = Settings.from_data({})
    assert (s.log_group_template, s.retention_days, s.traffic_type, s.role) == (
        "/vpc/flow-logs/{vpc_id}",
        365,
        "REJECT",
        "vpc-flow-logs-delivery",
    )
    assert (s.create_role, s.replace_broken, s.max_aggregation_interval) == (True, False, 600)
    assert "LogFormat" not in create_flow_logs_params(s, TARGET, ROLE)


# --- after flow-log-compliance: the filter's judgement of each flow log, weighed ----------


def as_filter_judged(flow_log_and_codes, groups):
    """A VPC's annotations as the policy's flow-log-compliance filter leaves them."""
    return {
        FLOW_LOGS: [
            dict(f, **{PROBLEMS: codes, MANAGED_BY: "other"}) for f, codes in flow_log_and_codes
        ],
        LOG_GROUPS: groups,
    }


def filter_judged_plan(flow_log_and_codes, groups, **keys):
    return plan_vpc(
        VPC, as_filter_judged(flow_log_and_codes, groups), Settings.from_data(keys), ACCOUNT
    )


def test_the_plan_follows_the_filters_judgement_not_a_second_one():
    # The same flow log: what the filter found decides, nothing is looked at again.
    gone = filter_judged_plan([(flow_log("fl-1"), ["log-group-missing"])], {TARGET: None})
    assert (gone.outcome, gone.reason) == ("repair", "recreate the log group of fl-1")
    sound = filter_judged_plan([(flow_log("fl-1"), [])], {TARGET: group()})
    assert (sound.outcome, sound.calls) == ("skip", [])


def test_retention_the_filter_faults_is_a_step_of_the_plan_not_a_broken_flow_log():
    p = filter_judged_plan(
        [(flow_log("fl-1"), ["retention"])],
        {TARGET: group(retention=30)},
        **{"retention-days": 365},
    )
    assert (p.outcome, p.calls) == ("update", ["logs:PutRetentionPolicy"])


def test_a_traffic_type_the_filter_accepts_but_the_action_does_not_write_gets_a_sibling():
    p = filter_judged_plan(
        [(flow_log("fl-1", traffic="ACCEPT"), [])], {TARGET: group()}, **{"traffic-type": "REJECT"}
    )
    assert p.outcome == "create" and "fl-1 traffic-type" in p.reason


def test_a_created_group_gets_the_asked_class_and_deletion_protection_in_its_create_call():
    p = plan(**{"log_group_class": "INFREQUENT_ACCESS", "deletion_protection": True})
    assert p.calls == ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "ec2:CreateFlowLogs"]
    described = p.describe()
    assert (described["log-group-class"], described["deletion-protection"]) == (
        "INFREQUENT_ACCESS",
        True,
    )
    assert "warnings" not in described


def test_an_existing_group_is_given_deletion_protection_once_and_never_has_it_taken_away():
    unprotected = plan([flow_log("fl-1")], [group(retention=365)], deletion_protection=True)
    assert (unprotected.outcome, unprotected.calls) == (
        "update",
        ["logs:PutLogGroupDeletionProtection"],
    )
    assert unprotected.describe()["deletion-protection"] is True
    protected = [group(retention=365, deletionProtectionEnabled=True)]
    assert plan([flow_log("fl-1")], protected, deletion_protection=True).calls == []
    # Without the key a protected group stays protected: no call turns it off.
    kept = plan([flow_log("fl-1")], protected)
    assert (kept.outcome, kept.calls, kept.describe()["deletion-protection"]) == ("skip", [], True)


def test_an_existing_group_of_another_class_is_kept_and_its_plan_warns():
    p = plan([flow_log("fl-1")], [group(retention=365)], log_group_class="INFREQUENT_ACCESS")
    assert (p.outcome, p.calls) == ("skip", [])
    assert p.describe()["warnings"] == [
        "log group %s is STANDARD; log-group-class INFREQUENT_ACCESS applies to the groups "
        "enable-flow-logs creates (a group's class is fixed at creation; it is never "
        "recreated)" % TARGET
    ]
    assert p.describe()["log-group-class"] == "STANDARD"
    creating = plan(groups=[group(retention=365, logGroupClass="INFREQUENT_ACCESS")])
    assert creating.calls == ["logs:TagResource", "ec2:CreateFlowLogs"]
    assert "is INFREQUENT_ACCESS; log-group-class STANDARD" in creating.describe()["warnings"][0]


def test_a_group_of_the_asked_class_or_one_the_vpc_does_not_write_to_gives_no_warning():
    same = plan(
        [flow_log("fl-1")],
        [group(retention=365, logGroupClass="INFREQUENT_ACCESS")],
        log_group_class="INFREQUENT_ACCESS",
    )
    assert "warnings" not in same.describe()
    elsewhere = plan(
        [flow_log("fl-1", group="/team/netlogs")],
        [group("/team/netlogs")],
        log_group_class="INFREQUENT_ACCESS",
    )
    assert elsewhere.outcome == "skip" and "warnings" not in elsewhere.describe()
