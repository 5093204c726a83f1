"""enable-flow-logs' log-group-class and deletion-protection against recorded AWS answers: a
created group is made with both, an existing group is given deletion protection but keeps its
class (the result warns), and nothing is recreated or deleted.

Recorded case log_group_class_and_protection: VPC A has no flow log; VPC B's sound flow log
writes to its existing STANDARD group, which has no deletion protection.
"""

import json
import os

import pytest

from c7n_vpcflow.remediation.action import EnableFlowLogs
from c7n_vpcflow.vocabulary import PLAN, RESULT
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import capture_resources, read_results

VPC_A, VPC_B = "vpc-0a1b2c3d4e5f67890", "vpc-0b7e4f2a9c1d38e56"
GROUP_A, GROUP_B = "/vpc/flow-logs/" + VPC_A, "/vpc/flow-logs/" + VPC_B
OPTIONS = {"log-group-class": "INFREQUENT_ACCESS", "deletion-protection": True, "max-workers": 1}
CLASS_WARNING = (
    "log group %s is STANDARD; log-group-class INFREQUENT_ACCESS applies to the groups "
    "enable-flow-logs creates (a group's class is fixed at creation; it is never "
    "recreated)" % GROUP_B
)


@pytest.fixture
def applied(flight_data, tmp_path, monkeypatch):
    flight = flight_data("log_group_class_and_protection")
    seen = capture_resources(monkeypatch, EnableFlowLogs)
    # Unfiltered: the compliant VPC B reaches the action too.
    run_policy(enable_policy(filtered=False, **OPTIONS), flight, tmp_path)
    return flight, {r["VpcId"]: r[RESULT] for r in seen[0]}, read_results(tmp_path, ENABLE_NAME)


def test_a_created_group_is_made_of_the_asked_class_with_deletion_protection(applied):
    flight, _annotated, results = applied

    [create] = flight.params("logs.CreateLogGroup")
    assert create == {
        "logGroupName": GROUP_A,
        "tags": {"managed-by": "c7n-vpcflow"},
        "logGroupClass": "INFREQUENT_ACCESS",
        "deletionProtectionEnabled": True,
    }
    assert results[VPC_A]["status"] == "created"
    assert results[VPC_A]["changes"][0] == (
        "created log group %s of class INFREQUENT_ACCESS with deletion protection with tags "
        "managed-by=c7n-vpcflow" % GROUP_A
    )
    assert "warnings" not in results[VPC_A]


def test_an_existing_group_gets_deletion_protection_and_keeps_its_class_with_a_warning(applied):
    flight, annotated, results = applied

    assert flight.params("logs.PutLogGroupDeletionProtection") == [
        {"logGroupIdentifier": GROUP_B, "deletionProtectionEnabled": True}
    ]
    # Only VPC A's group is created; nothing is deleted, no flow log is added to B.
    assert [p["logGroupName"] for p in flight.params("logs.CreateLogGroup")] == [GROUP_A]
    assert not [op for op in flight.operations() if "Delete" in op]
    assert [p["ResourceIds"] for p in flight.params("ec2.CreateFlowLogs")] == [[VPC_A]]
    result = results[VPC_B]
    assert (result["status"], result["changes"], result["warnings"]) == (
        "updated",
        ["turned on deletion protection of log group %s" % GROUP_B],
        [CLASS_WARNING],
    )
    assert annotated[VPC_B]["warnings"] == [CLASS_WARNING]


def test_the_results_file_records_both_keys_in_the_actions_settings(applied, tmp_path):
    with open(os.path.join(str(tmp_path), ENABLE_NAME, "flow-log-results.json")) as f:
        settings = json.load(f)["settings"]
    assert (settings["log-group-class"], settings["deletion-protection"]) == (
        "INFREQUENT_ACCESS",
        True,
    )


def test_a_dry_run_plans_the_class_protection_and_warning_and_calls_no_write(flight_data, tmp_path):
    flight = flight_data("log_group_class_and_protection")

    kept = run_policy(
        dict(enable_policy(**OPTIONS), filters=[{"type": "flow-log-compliance", "match": "all"}]),
        flight,
        tmp_path,
        dryrun=True,
    )

    plans = {v["VpcId"]: v[PLAN] for v in kept}
    assert {
        k: plans[VPC_A][k] for k in ("outcome", "log-group-class", "deletion-protection", "calls")
    } == {
        "outcome": "create",
        "log-group-class": "INFREQUENT_ACCESS",
        "deletion-protection": True,
        "calls": ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "ec2:CreateFlowLogs"],
    }
    assert {
        k: plans[VPC_B][k]
        for k in ("outcome", "log-group-class", "deletion-protection", "calls", "warnings")
    } == {
        "outcome": "update",
        "log-group-class": "STANDARD",
        "deletion-protection": True,
        "calls": ["logs:PutLogGroupDeletionProtection"],
        "warnings": [CLASS_WARNING],
    }
    assert not [
        op
        for op in flight.operations()
        if op.split(".")[1].startswith(("Create", "Put", "Delete", "Tag"))
    ]
