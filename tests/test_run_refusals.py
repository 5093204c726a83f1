"""A run of enable-flow-logs refuses, once and before any call of its own, what it cannot do
in its account-region: a variable nothing defined (in any templated key), a role, permissions
boundary or cross-account role of another account, a KMS key of another region. The error
names the key (and the variable); flow-log-results.json says why nothing was done.

In-process runs of a policy as Custodian hands it over after filling its variables (or not
finding them), over recorded VPCs (flight data filter_reasons): the only call is Custodian's
own DescribeVpcs.
"""

import datetime
import json
import os

import pytest

from c7n_vpcflow.errors import RunRefused
from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, OTHER_ACCOUNT_ID, REGION
from support.emulated import flow_logs_of, new_vpc
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import recorded

STREAM = "arn:aws:firehose:us-east-1:%s:deliverystream/siem" % OTHER_ACCOUNT_ID
FIREHOSE = {"destination-type": "kinesis-data-firehose", "delivery-stream": STREAM}
S3 = {"destination-type": "s3", "bucket": "org-flow-logs"}


@pytest.fixture
def refused(flight_data, tmp_path):
    """refused(keys) runs the policy over ten recorded VPCs; (the error, the calls made)."""
    vpcs = [v["VpcId"] for v in recorded("filter_reasons", "ec2.DescribeVpcs_1.json")["Vpcs"]]

    def run(keys):
        session = flight_data("filter_reasons")
        with pytest.raises(RunRefused) as raised:
            run_policy(enable_policy(filtered=False, **keys), session, tmp_path)
        with open(os.path.join(str(tmp_path), ENABLE_NAME, "flow-log-results.json")) as f:
            results = json.load(f)
        message = str(raised.value)
        assert "\n" not in message and not any(v in message for v in vpcs), message  # once
        assert results["complete"] is False and results["cause"] == message
        assert results["results"] == []
        return message, session.operations()

    return run


@pytest.mark.parametrize(
    "keys,named",
    [
        ({"tags": {"owner": "{owner}"}}, "tags"),
        ({"log-group-name": "/vpc/{env}/flows"}, "log-group-name"),
        ({"kms-key-id": "arn:aws:kms:us-east-1:%s:key/{key}" % ACCOUNT_ID}, "kms-key-id"),
        ({"role": "arn:aws:iam::{owner}:role/x"}, "role"),
        (
            {"permissions-boundary": "arn:aws:iam::%s:policy/{owner}" % ACCOUNT_ID},
            "permissions-boundary",
        ),
        (dict(S3, bucket="{owner}"), "bucket"),
        (dict(S3, prefix="flows/{owner}"), "prefix"),
        (dict(FIREHOSE, **{"delivery-stream": "{owner}"}), "delivery-stream"),
        (
            dict(FIREHOSE, **{"cross-account-role": "arn:aws:iam::{owner}:role/x"}),
            "cross-account-role",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_variable_nothing_defined_is_refused_before_any_call_naming_key_and_variable(
    refused, keys, named
):
    message, calls = refused(keys)
    assert message.startswith("enable-flow-logs: %s " % named), message
    assert "{owner}" in message or "{env}" in message or "{key}" in message
    assert calls == ["ec2.DescribeVpcs"]


@pytest.mark.parametrize(
    "keys,named",
    [
        ({"role": "arn:aws:iam::%s:role/flow-logs" % OTHER_ACCOUNT_ID}, "role"),
        (
            {"permissions-boundary": "arn:aws:iam::%s:policy/boundary" % OTHER_ACCOUNT_ID},
            "permissions-boundary",
        ),
        (
            dict(FIREHOSE, **{"cross-account-role": "arn:aws:iam::%s:role/x" % OTHER_ACCOUNT_ID}),
            "cross-account-role",
        ),
    ],
    ids=["role", "permissions-boundary", "cross-account-role"],
)
def test_an_arn_of_another_account_is_refused_once_before_any_call(refused, keys, named):
    message, calls = refused(keys)
    assert message.startswith("enable-flow-logs: %s " % named), message
    assert OTHER_ACCOUNT_ID in message and ACCOUNT_ID in message
    assert calls == ["ec2.DescribeVpcs"]


def test_a_kms_key_of_another_region_is_refused_once_before_any_call(refused):
    key = "arn:aws:kms:eu-west-1:%s:key/1234abcd" % ACCOUNT_ID
    message, calls = refused({"kms-key-id": key})
    assert message.startswith("enable-flow-logs: kms-key-id "), message
    assert "eu-west-1" in message and REGION in message and "{region}" in message
    assert calls == ["ec2.DescribeVpcs"]


@pytest.mark.emulator
def test_now_left_for_a_lambda_run_is_filled_in_tag_values(emulator, tmp_path):
    """Custodian leaves {now} unfilled in a Lambda policy; each invocation fills it."""
    vpc_id = new_vpc(emulator, "10.4.0.0/16")
    run_policy(
        enable_policy(filtered=False, tags={"since": "{now:%Y}"}),
        RecordingSession(REGION),
        tmp_path,
    )
    [flow_log] = flow_logs_of(emulator)[vpc_id]
    tags = {t["Key"]: t["Value"] for t in flow_log["Tags"]}
    assert tags["since"] == str(datetime.datetime.utcnow().year)


def test_a_dry_run_is_refused_as_the_run_would_be(flight_data, tmp_path):
    session = flight_data("filter_reasons")
    with pytest.raises(
        RunRefused, match="enable-flow-logs: role .* is in account %s" % (OTHER_ACCOUNT_ID)
    ):
        run_policy(
            enable_policy(role="arn:aws:iam::%s:role/x" % OTHER_ACCOUNT_ID),
            session,
            tmp_path,
            dryrun=True,
        )
    assert not [c for c in session.operations() if c.startswith("iam.")]


@pytest.mark.emulator
def test_a_kms_key_by_region_gives_each_regions_log_groups_its_own_key(emulator, tmp_path):
    key = "arn:aws:kms:{region}:%s:key/mrk-1234abcd" % ACCOUNT_ID
    for region in ("us-east-1", "eu-west-1"):
        vpc_id = new_vpc(emulator, "10.5.0.0/16", region=region)
        run_policy(
            enable_policy(filtered=False, **{"kms-key-id": key}),
            RecordingSession(region),
            tmp_path / region,
            region=region,
        )
        [group] = emulator.client("logs", region).describe_log_groups(
            logGroupNamePrefix="/vpc/flow-logs/" + vpc_id
        )["logGroups"]
        assert group["kmsKeyId"] == key.format(region=region)
