"""One VPC's result as c7n:flow-log-result and flow-log-results.json carry it (keys in order)."""

from types import SimpleNamespace

from c7n_vpcflow.remediation.results import RoleResult, VpcResult
from c7n_vpcflow.vocabulary import Outcome, RoleStep, Status

GROUP = "/vpc/flow-logs/vpc-0a1b2c3d4e5f67890"


def plan(outcome, reason="", destination_type="cloud-watch-logs", destination=GROUP):
    return SimpleNamespace(
        outcome=outcome,
        reason=reason,
        destination_type=destination_type,
        destination=destination,
        warnings=[],
    )


def planned(*args, **kwargs):
    return VpcResult.planned(plan(*args, **kwargs))


def test_a_created_cloudwatch_result_names_its_log_group_and_nothing_unset():
    result = planned(Outcome.CREATE, "no flow log")
    result.status, result.flow_log_ids = Status.CREATED, ["fl-1"]
    result.changes = ["created log group %s" % GROUP]
    record = result.to_record()
    assert list(record) == [
        "status",
        "reason",
        "flow-log-ids",
        "changes",
        "destination-type",
        "destination",
        "log-group",
    ]
    assert record == {
        "status": "created",
        "reason": "no flow log",
        "flow-log-ids": ["fl-1"],
        "changes": ["created log group %s" % GROUP],
        "destination-type": "cloud-watch-logs",
        "destination": GROUP,
        "log-group": GROUP,
    }


def test_an_s3_result_has_no_log_group():
    record = planned(
        Outcome.CREATE, destination_type="s3", destination="arn:aws:s3:::org-flow-logs"
    ).to_record()
    assert "log-group" not in record
    assert record["destination-type"] == "s3" and record["status"] == "planned"


def test_error_warnings_and_tags_added_follow_only_when_set():
    result = planned(Outcome.UPDATE)
    result.warnings, result.tags_added = ["trust has no SourceArn"], {"owner": "security"}
    result.fail("AccessDenied")
    record = result.to_record()
    assert list(record)[-3:] == ["error", "warnings", "tags-added"]
    assert (record["status"], record["error"]) == ("failed", "AccessDenied")


def test_a_plans_warnings_are_its_results_and_stay_its_own():
    warning = "log group %s is STANDARD; log-group-class INFREQUENT_ACCESS applies" % GROUP
    skip = plan(Outcome.SKIP, "flow log fl-1 already writes there")
    skip.warnings.append(warning)
    result = VpcResult.planned(skip)
    result.warnings.append("trust has no SourceArn")
    assert result.to_record()["warnings"] == [warning, "trust has no SourceArn"]
    assert skip.warnings == [warning]


def test_failed_and_skipped_plans_are_final_and_a_failed_one_carries_its_reason():
    failed = planned(Outcome.FAIL, "their role trusts anybody").to_record()
    assert (failed["status"], failed["error"]) == ("failed", "their role trusts anybody")
    assert planned(Outcome.SKIP, "sound flow log fl-1").to_record()["status"] == "skipped"
    assert "error" not in planned(Outcome.CREATE).to_record()


def test_a_vpc_the_run_never_planned_says_only_that_it_stopped():
    record = VpcResult.unfinished("throttled for 300 s").to_record()
    assert record == {
        "status": "unfinished",
        "error": "not done: the run stopped (throttled for 300 s)",
        "changes": [],
    }


def test_outcomes_and_statuses_are_their_words_wherever_printed_or_compared():
    assert Outcome.CREATE == "create" and Status.FAILED == "failed"
    assert "%s/%s" % (Outcome.SKIP, Status.SKIPPED) == "skip/skipped"
    assert "{:>8}|{}".format(Status.CREATED, Outcome.REPAIR) == " created|repair"
    assert str(Status.UNFINISHED) == "unfinished"


def test_the_run_records_the_delivery_role_once_with_its_step_changes_and_error():
    role = RoleResult(
        "vpc-flow-logs-delivery",
        "arn:aws:iam::123456789012:role/x",
        RoleStep.WIDEN,
        ["widened policy"],
        error=None,
    )
    assert role.to_record() == {
        "name": "vpc-flow-logs-delivery",
        "arn": "arn:aws:iam::123456789012:role/x",
        "step": "widen its policy",
        "changes": ["widened policy"],
        "error": None,
    }
