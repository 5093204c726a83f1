"""The account-region a run works in: its partition, and the template variables it gives."""

from types import SimpleNamespace

import pytest

from c7n_vpcflow.account import Account


def manager(account_id, region):
    return SimpleNamespace(config=SimpleNamespace(account_id=account_id, region=region))


@pytest.mark.parametrize(
    "region,partition",
    [
        ("us-east-1", "aws"),
        ("eu-west-1", "aws"),
        ("us-gov-west-1", "aws-us-gov"),
        ("cn-north-1", "aws-cn"),
    ],
)
def test_the_partition_follows_the_managers_region(region, partition):
    assert Account.of(manager("123456789012", region)) == Account("123456789012", region, partition)


def test_its_values_are_the_account_template_variables():
    assert Account("123456789012", "eu-west-1").values() == {
        "account_id": "123456789012",
        "region": "eu-west-1",
        "partition": "aws",
    }
