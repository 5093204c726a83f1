"""enable-flow-logs when AWS pushes back: partial failures, races, throttling, access denied."""

import pytest

from c7n_vpcflow.errors import FlowLogRemediationError
from c7n_vpcflow.remediation.action import EnableFlowLogs
from c7n_vpcflow.vocabulary import RESULT
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import capture_resources, read_results

# One worker: log-group units in name order, so recorded responses meet the calls they answer.
ENABLE = enable_policy(**{"max-workers": 1})
VPC_A, VPC_B, VPC_C, VPC_D = (
    "vpc-0a1b2c3d4e5f67890",
    "vpc-0b7e4f2a9c1d38e56",
    "vpc-0c3d9a8b7e6f51024",
    "vpc-0d4e5f6a7b8c9d0e1",
)


def statuses(results):
    return {vpc_id: r["status"] for vpc_id, r in results.items()}


def test_unsuccessful_entry_fails_only_that_vpc_and_names_it(flight_data, tmp_path, monkeypatch):
    seen = capture_resources(monkeypatch, EnableFlowLogs)
    flight = flight_data()

    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(ENABLE, flight, tmp_path)

    message = str(raised.value)
    assert "could not fix 1 of 3 VPCs" in message
    assert VPC_B in message
    assert "InvalidVpcID.NotFound: The vpc ID '%s' does not exist" % VPC_B in message
    assert VPC_A not in message and VPC_C not in message
    assert [p["ResourceIds"] for p in flight.params("ec2.CreateFlowLogs")] == [
        [VPC_A],
        [VPC_B],
        [VPC_C],
    ]

    annotated = {r["VpcId"]: r[RESULT] for r in seen[0]}
    assert statuses(annotated) == {VPC_A: "created", VPC_B: "failed", VPC_C: "created"}
    assert "InvalidVpcID.NotFound" in annotated[VPC_B]["error"]
    assert annotated[VPC_C]["flow-log-ids"] == ["fl-0f6e5d4c3b2a19080"]

    written = read_results(tmp_path, ENABLE_NAME)
    assert statuses(written) == statuses(annotated)
    assert written[VPC_B]["error"] == annotated[VPC_B]["error"]


@pytest.mark.parametrize(
    "case",
    [
        "error",  # CreateFlowLogs raises FlowLogAlreadyExists
        "unsuccessful",  # ... or lists it among Unsuccessful
    ],
)
def test_flow_log_already_exists_counts_as_success(case, flight_data, tmp_path):
    flight = flight_data()

    run_policy(ENABLE, flight, tmp_path)

    assert flight.operations().count("ec2.CreateFlowLogs") == 1
    result = read_results(tmp_path, ENABLE_NAME)[VPC_A]
    assert result["status"] == "created" and "error" not in result
    assert any("FlowLogAlreadyExists" in change for change in result["changes"])


def test_log_group_created_meanwhile_counts_as_success(flight_data, tmp_path):
    flight = flight_data()

    run_policy(ENABLE, flight, tmp_path)

    # The group someone else made is used: the flow log still goes into it.
    [flow_log] = flight.params("ec2.CreateFlowLogs")
    assert flow_log["ResourceIds"] == [VPC_A]
    assert flow_log["LogGroupName"] == "/vpc/flow-logs/" + VPC_A
    result = read_results(tmp_path, ENABLE_NAME)[VPC_A]
    assert result["status"] == "created" and "error" not in result
    assert result["flow-log-ids"] == ["fl-0d7c6b5a4f3e2d1c0"]
    # Its owner's tags are kept: managed-by is theirs (terraform), so nothing is added.
    [listed] = flight.params("logs.ListTagsForResource")
    assert listed["resourceArn"].endswith(":log-group:/vpc/flow-logs/" + VPC_A)
    assert "logs.TagResource" not in flight.operations()
    assert "tags-added" not in result


def test_throttled_calls_are_retried_after_a_wait_and_the_run_succeeds(
    flight_data, tmp_path, fast_retries
):
    flight = flight_data()

    run_policy(ENABLE, flight, tmp_path)

    # Each of the three throttled calls waited once, then was made again unchanged.
    assert len(fast_retries) == 3 and all(delay > 0 for delay in fast_retries)
    listings = flight.params("logs.DescribeLogGroups")
    assert len(listings) == 2 and listings[0] == listings[1]
    assert [p["logGroupName"] for p in flight.params("logs.CreateLogGroup")] == [
        "/vpc/flow-logs/" + VPC_A,
        "/vpc/flow-logs/" + VPC_A,
        "/vpc/flow-logs/" + VPC_B,
    ]
    assert [p["ResourceIds"] for p in flight.params("ec2.CreateFlowLogs")] == [
        [VPC_A],
        [VPC_A],
        [VPC_B],
    ]
    results = read_results(tmp_path, ENABLE_NAME)
    assert statuses(results) == {VPC_A: "created", VPC_B: "created"}
    assert results[VPC_A]["flow-log-ids"] == ["fl-0b8a7f6e5d4c3b2a1"]


@pytest.fixture
def denied(flight_data, tmp_path):
    """B's CreateFlowLogs answers UnauthorizedOperation, C's CreateLogGroup AccessDenied."""
    flight = flight_data("denied")
    with pytest.raises(FlowLogRemediationError) as raised:
        run_policy(ENABLE, flight, tmp_path)
    return str(raised.value), flight, read_results(tmp_path, ENABLE_NAME)


def test_denied_flow_log_fails_only_that_vpc_and_names_the_aws_code(denied):
    message, _flight, results = denied

    failures = [line for line in message.splitlines() if VPC_B in line]
    assert len(failures) == 1 and "UnauthorizedOperation" in failures[0]
    assert statuses(results) == {
        VPC_A: "created",
        VPC_B: "failed",
        VPC_C: "failed",
        VPC_D: "created",
    }
    assert "UnauthorizedOperation" in results[VPC_B]["error"]


def test_denied_log_group_fails_only_that_vpc_and_makes_no_flow_log_for_it(denied):
    message, flight, results = denied

    failures = [line for line in message.splitlines() if VPC_C in line]
    assert len(failures) == 1 and "AccessDeniedException" in failures[0]
    assert VPC_A not in message and VPC_D not in message
    assert [p["ResourceIds"] for p in flight.params("ec2.CreateFlowLogs")] == [
        [VPC_A],
        [VPC_B],
        [VPC_D],
    ]
    assert results[VPC_D]["flow-log-ids"] == ["fl-0b0c1d2e3f4a5b6c7"]
