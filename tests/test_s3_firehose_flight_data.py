"""S3 and Firehose destinations on recorded responses: prefixes, Parquet options, Firehose
across accounts, and batches of at most 1,000 VPCs per call (the emulator wrongly rejects
prefixed S3 destinations and ignores DestinationOptions)."""

import pytest

from c7n_vpcflow.remediation.action import EnableFlowLogs
from c7n_vpcflow.vocabulary import RESULT
from support.constants import ACCOUNT_ID
from support.policy import enable_policy, run_policy
from support.results import capture_resources

MANAGED = {"Key": "managed-by", "Value": "c7n-vpcflow"}


@pytest.fixture
def s3_prefixed_parquet(flight_data):
    return flight_data("s3_prefixed_parquet")


def s3(**keys):
    return enable_policy(**dict({"destination-type": "s3", "bucket": "org-flow-logs"}, **keys))


def no_log_group_or_role_calls(flight):
    return [op for op in flight.operations() if op.startswith(("logs.", "iam."))] == []


def test_shared_prefix_puts_every_vpc_in_one_call_with_the_parquet_options(
    s3_prefixed_parquet, tmp_path, monkeypatch
):
    flight = s3_prefixed_parquet
    seen = capture_resources(monkeypatch, EnableFlowLogs)
    run_policy(
        s3(
            **{
                "prefix": "flows/{account_id}",
                "file-format": "parquet",
                "hive-compatible-partitions": True,
                "per-hour-partition": True,
            }
        ),
        flight,
        tmp_path,
    )

    [call] = flight.params("ec2.CreateFlowLogs")
    vpcs = [v["VpcId"] for v in seen[0]]
    assert call["ResourceIds"] == vpcs and len(vpcs) == 3
    assert call["LogDestinationType"] == "s3"
    assert call["LogDestination"] == "arn:aws:s3:::org-flow-logs/flows/%s/" % ACCOUNT_ID
    assert call["DestinationOptions"] == {
        "FileFormat": "parquet",
        "HiveCompatiblePartitions": True,
        "PerHourPartition": True,
    }
    assert MANAGED in call["TagSpecifications"][0]["Tags"]
    assert "DeliverLogsPermissionArn" not in call and "LogGroupName" not in call
    assert no_log_group_or_role_calls(flight)
    # each VPC learns its own flow log id from one DescribeFlowLogs
    created = {v["VpcId"]: v[RESULT]["flow-log-ids"] for v in seen[0]}
    assert all(len(ids) == 1 for ids in created.values())
    assert len({ids[0] for ids in created.values()}) == 3


def test_per_vpc_prefix_costs_one_call_per_vpc(flight_data, tmp_path, monkeypatch):
    flight = flight_data()
    seen = capture_resources(monkeypatch, EnableFlowLogs)
    run_policy(s3(prefix="flows/{vpc_id}"), flight, tmp_path)

    calls = flight.params("ec2.CreateFlowLogs")
    vpcs = sorted(v["VpcId"] for v in seen[0])
    assert sorted(c["ResourceIds"][0] for c in calls) == vpcs
    for call in calls:
        [vpc_id] = call["ResourceIds"]
        assert call["LogDestination"] == "arn:aws:s3:::org-flow-logs/flows/%s/" % vpc_id
        assert call["DestinationOptions"]["FileFormat"] == "plain-text"


def test_firehose_across_accounts_names_the_stream_and_the_delivery_role(
    flight_data, tmp_path, monkeypatch
):
    flight = flight_data()
    seen = capture_resources(monkeypatch, EnableFlowLogs)
    run_policy(
        enable_policy(
            **{
                "destination-type": "kinesis-data-firehose",
                "delivery-stream": (
                    "arn:{partition}:firehose:{region}:222233334444:deliverystream/siem"
                ),
                "cross-account-role": "arn:aws:iam::{account_id}:role/flow-logs-to-siem",
                "traffic-type": "ALL",
            }
        ),
        flight,
        tmp_path,
    )

    [call] = flight.params("ec2.CreateFlowLogs")
    assert call["LogDestinationType"] == "kinesis-data-firehose"
    assert call["LogDestination"] == ("arn:aws:firehose:us-east-1:222233334444:deliverystream/siem")
    assert call["DeliverCrossAccountRole"] == (
        "arn:aws:iam::%s:role/flow-logs-to-siem" % ACCOUNT_ID
    )
    assert call["TrafficType"] == "ALL"
    assert "DestinationOptions" not in call
    assert sorted(call["ResourceIds"]) == sorted(v["VpcId"] for v in seen[0])
    assert no_log_group_or_role_calls(flight)


def test_1001_vpcs_take_two_calls_of_at_most_1000(flight_data, tmp_path, monkeypatch):
    flight = flight_data()
    seen = capture_resources(monkeypatch, EnableFlowLogs)
    run_policy(s3(), flight, tmp_path)

    calls = flight.params("ec2.CreateFlowLogs")
    assert [len(c["ResourceIds"]) for c in calls] == [1000, 1]
    vpcs = [v["VpcId"] for v in seen[0]]
    assert len(vpcs) == 1001
    assert calls[0]["ResourceIds"] + calls[1]["ResourceIds"] == vpcs
    assert flight.operations().count("ec2.CreateFlowLogs") == 2  # ceil(1001 / 1000)
    results = [v[RESULT] for v in seen[0]]
    assert {r["status"] for r in results} == {"created"}
    assert len({r["flow-log-ids"][0] for r in results}) == 1001


@pytest.mark.parametrize(
    "keys,message",
    [
        ({"bucket": "{flow_log_bucket}"}, "flow_log_bucket"),
    ],
)
def test_undefined_policy_variable_fails_every_vpc_before_any_change(
    s3_prefixed_parquet, tmp_path, keys, message
):
    flight = s3_prefixed_parquet
    with pytest.raises(Exception) as raised:
        run_policy(s3(**keys), flight, tmp_path)
    assert message in str(raised.value) and "--vars-file" in str(raised.value)
    assert flight.params("ec2.CreateFlowLogs") == []
