"""Every write enable-flow-logs makes is in flow-log-results.json (per VPC, and once per run
for the delivery role) and in the run log at INFO, as soon as it is made.

In-process runs against the moto server, every call recorded; writes are denied through the
fault proxy to show that what was done before a failure is still recorded.
"""

import logging

import pytest

from c7n_vpcflow.errors import FlowLogRemediationError
from c7n_vpcflow.report.checks import file_problem, validators
from c7n_vpcflow.vocabulary import RESULTS_FILE, RoleStep
from localaws.wire import error
from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, GROUP, REGION
from support.e2e import read_output
from support.emulated import log_groups_of, new_vpc
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import results_by_vpc

pytestmark = pytest.mark.emulator

ROLE = "vpc-flow-logs-delivery"
ROLE_ARN = "arn:aws:iam::%s:role/%s" % (ACCOUNT_ID, ROLE)
TAGS = "managed-by=c7n-vpcflow, owner=security"


def results_file(output_dir):
    return read_output(output_dir, REGION, ENABLE_NAME, "flow-log-results.json", regions=(REGION,))


def said_at_info(caplog):
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.INFO and r.name == "custodian.vpcflow"
    ]


def test_every_write_is_a_change_in_the_results_and_a_line_of_the_run_log(
    emulator, tmp_path, caplog
):
    fresh = new_vpc(emulator, "10.1.0.0/16")
    kept = new_vpc(emulator, "10.2.0.0/16")
    logs = emulator.client("logs", REGION)
    logs.create_log_group(logGroupName=GROUP % kept, tags={"team": "net"})
    logs.put_retention_policy(logGroupName=GROUP % kept, retentionInDays=7)
    session = RecordingSession(REGION)

    with caplog.at_level(logging.INFO, logger="custodian.vpcflow"):
        run_policy(enable_policy(filtered=False, tags={"owner": "security"}), session, tmp_path)

    written = results_file(tmp_path)
    results = results_by_vpc(written)
    assert written["role"] == {
        "name": ROLE,
        "arn": ROLE_ARN,
        "step": "create",
        "error": None,
        "changes": [
            "created delivery role %s trusting vpc-flow-logs.amazonaws.com for account %s "
            "only, with tags %s" % (ROLE_ARN, ACCOUNT_ID, TAGS),
            "put policy vpc-flow-logs-delivery of delivery role %s: flow logs may write to "
            "log groups under /vpc/flow-logs/" % ROLE_ARN,
        ],
    }
    [fresh_log] = results[fresh]["flow-log-ids"]
    assert results[fresh]["changes"] == [
        "created log group %s with tags %s" % (GROUP % fresh, TAGS),
        "set retention of log group %s to 365 days" % (GROUP % fresh),
        "created flow log %s (REJECT to %s)" % (fresh_log, GROUP % fresh),
    ]
    [kept_log] = results[kept]["flow-log-ids"]
    assert results[kept]["changes"] == [
        "raised retention of log group %s from 7 to 365 days" % (GROUP % kept),
        "added tags %s to log group %s (its other tags kept)" % (TAGS, GROUP % kept),
        "created flow log %s (REJECT to %s)" % (kept_log, GROUP % kept),
    ]
    # Each write the run made is one change (the default VPC's too), and each is said.
    changes = written["role"]["changes"] + [c for r in results.values() for c in r["changes"]]
    per_call = {
        "iam.CreateRole": "created delivery role",
        "iam.PutRolePolicy": "put policy",
        "logs.CreateLogGroup": "created log group",
        "logs.PutRetentionPolicy": "retention of log group",
        "logs.TagResource": "added tags",
        "ec2.CreateFlowLogs": "created flow log",
    }
    writes = [
        op
        for op in session.operations()
        if not op.split(".")[1].startswith(("Describe", "List", "Get"))
    ]
    assert set(writes) == set(per_call)
    for operation, change in per_call.items():
        assert writes.count(operation) == sum(change in c for c in changes), operation
    said = said_at_info(caplog)
    assert all(
        "enable-flow-logs %s: %s" % (ROLE, change) in said for change in written["role"]["changes"]
    )
    assert all(
        "enable-flow-logs %s: %s" % (vpc_id, change) in said
        for vpc_id, result in results.items()
        for change in result["changes"]
    )
    assert file_problem(RESULTS_FILE, written) is None  # the schema describes the role


def test_the_results_schema_names_every_role_step_and_requires_every_role_key():
    role = validators()[RESULTS_FILE].schema["$defs"]["role"]
    assert role["properties"]["step"]["enum"] == [step.value for step in RoleStep]
    assert role["required"] == ["name", "arn", "step", "changes", "error"]


def test_a_widened_role_says_what_its_policy_covered_before(emulator, tmp_path):
    new_vpc(emulator, "10.3.0.0/16")
    run_policy(enable_policy(filtered=False), RecordingSession(REGION), tmp_path / "first")
    new_vpc(emulator, "10.4.0.0/16")

    run_policy(
        enable_policy(**{"log-group-name": "/network/flows/{vpc_id}"}),
        RecordingSession(REGION),
        tmp_path,
    )

    role = results_file(tmp_path)["role"]
    assert (role["step"], role["error"]) == ("widen its policy", None)
    assert role["changes"] == [
        "widened policy vpc-flow-logs-delivery of delivery role %s: flow logs may write to "
        "log groups under /network/flows/, /vpc/flow-logs/ (was /vpc/flow-logs/)" % ROLE_ARN
    ]


def test_a_role_only_used_is_named_with_no_change_and_none_is_named_without_one(emulator, tmp_path):
    new_vpc(emulator, "10.5.0.0/16")
    run_policy(enable_policy(filtered=False), RecordingSession(REGION), tmp_path / "first")
    new_vpc(emulator, "10.6.0.0/16")

    run_policy(enable_policy(), RecordingSession(REGION), tmp_path / "again")
    run_policy(
        enable_policy(filtered=False), RecordingSession(REGION), tmp_path / "nothing-to-do"
    )  # every VPC already sound

    assert results_file(tmp_path / "again")["role"] == {
        "name": ROLE,
        "arn": ROLE_ARN,
        "step": "use existing",
        "changes": [],
        "error": None,
    }
    assert results_file(tmp_path / "nothing-to-do")["role"] is None


def run_denied(fault_proxy, emulator, output_dir, operation):
    """A new VPC, and a run in which `operation` is denied (so it fails); (VPC id, the
    results file)."""
    vpc_id = new_vpc(emulator, "10.7.0.0/16")
    fault_proxy.rules.append(
        lambda call: (
            error(call, "AccessDenied", "not authorized to perform: " + operation)
            if call.operation == operation
            else None
        )
    )
    with pytest.raises(FlowLogRemediationError):
        run_policy(enable_policy(), RecordingSession(REGION), output_dir)
    return vpc_id, results_file(output_dir)


def test_a_role_created_before_its_policy_was_denied_is_still_in_the_results(
    fault_proxy, emulator, tmp_path
):
    vpc_id, written = run_denied(fault_proxy, emulator, tmp_path, "PutRolePolicy")

    assert [c.split(" trusting")[0] for c in written["role"]["changes"]] == [
        "created delivery role " + ROLE_ARN
    ]
    assert written["role"]["error"] == (
        "delivery role %s: AccessDenied: not authorized to perform: PutRolePolicy" % ROLE_ARN
    )
    assert results_by_vpc(written)[vpc_id]["error"] == written["role"]["error"]
    assert file_problem(RESULTS_FILE, written) is None
    assert emulator.client("iam").get_role(RoleName=ROLE)["Role"]["Arn"] == ROLE_ARN


def test_a_log_group_created_before_its_retention_was_denied_is_still_in_the_results(
    fault_proxy, emulator, tmp_path
):
    vpc_id, written = run_denied(fault_proxy, emulator, tmp_path, "PutRetentionPolicy")

    result = results_by_vpc(written)[vpc_id]
    assert result["status"] == "failed"
    assert result["changes"] == [
        "created log group %s with tags managed-by=c7n-vpcflow" % (GROUP % vpc_id)
    ]
    assert result["error"].startswith("log group %s: AccessDenied" % (GROUP % vpc_id))
    assert log_groups_of(emulator)[GROUP % vpc_id] is None  # made, its retention denied
