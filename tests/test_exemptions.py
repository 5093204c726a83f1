"""Which exemption applies to a VPC and what it means there (issue 23, item 2): exempt
while current and the VPC is non-compliant, expired (exemption-expired beside the real
reasons) after its date, unneeded when the VPC is compliant; only the register exempts,
never a tag."""

from datetime import date, timedelta

import pytest

from c7n_vpcflow.audit.exemptions import Exemption, Register, exemption_status, violations_under
from c7n_vpcflow.vocabulary import EXEMPTION_EXPIRED, ExemptionStatus

TODAY = date(2026, 12, 10)
VPC = "vpc-0a1b2c3d4e5f67890"
ACCOUNT, OTHER_ACCOUNT = "123456789012", "444455556666"


def exemption(entry=1, vpc_id=VPC, account_id=None, region=None, expires=date(2027, 3, 31)):
    return Exemption(
        entry=entry,
        line=1 + 7 * (entry - 1),
        vpc_id=vpc_id,
        reason="vendor-managed VPC",
        approved_by="jane.doe@example.com",
        expires=expires,
        account_id=account_id,
        region=region,
    )


def register(*exemptions):
    return Register("exemptions.yml", exemptions, sha256="0" * 64)


@pytest.mark.parametrize(
    "account_id,region,applies",
    [
        (None, None, True),
        (ACCOUNT, None, True),
        (None, "eu-west-1", True),
        (ACCOUNT, "eu-west-1", True),
        (OTHER_ACCOUNT, None, False),
        (None, "us-east-1", False),
        (ACCOUNT, "us-east-1", False),
    ],
    ids=[
        "any-account-any-region",
        "its-account",
        "its-region",
        "its-account-region",
        "another-account",
        "another-region",
        "its-account-another-region",
    ],
)
def test_an_entry_applies_in_the_account_and_region_it_names_absent_ones_meaning_any(
    account_id, region, applies
):
    entry = exemption(account_id=account_id, region=region)
    found = register(entry).exemption_for(VPC, ACCOUNT, "eu-west-1")
    assert found == (entry if applies else None)


def test_an_entry_applies_only_to_the_vpc_it_names():
    assert (
        register(exemption()).exemption_for("vpc-0123456789abcdef0", ACCOUNT, "eu-west-1") is None
    )


def test_of_two_entries_for_one_vpc_id_the_one_of_the_vpcs_account_applies():
    mine = exemption(entry=1, account_id=ACCOUNT)
    theirs = exemption(entry=2, account_id=OTHER_ACCOUNT)
    found = register(theirs, mine)
    assert found.exemption_for(VPC, ACCOUNT, "eu-west-1") is mine
    assert found.exemption_for(VPC, OTHER_ACCOUNT, "eu-west-1") is theirs


def test_a_vpc_tagged_as_exempt_is_not_exempt_without_an_entry():
    # The register is the only source: what a VPC's tags say is never asked.
    tags = [
        {"Key": "exempt", "Value": "true"},
        {"Key": "c7n:flow-log-exemption", "Value": "approved"},
    ]
    vpc = {"VpcId": VPC, "Tags": tags}
    found = register().exemption_for(vpc["VpcId"], ACCOUNT, "eu-west-1")
    assert found is None and exemption_status(found, ["missing"], TODAY) is None


@pytest.mark.parametrize(
    "violations,expires,status,reasons",
    [
        (["missing"], TODAY + timedelta(days=30), ExemptionStatus.EXEMPT, ["missing"]),
        (["missing"], TODAY, ExemptionStatus.EXEMPT, ["missing"]),
        (
            ["missing"],
            TODAY - timedelta(days=1),
            ExemptionStatus.EXPIRED,
            ["missing", EXEMPTION_EXPIRED],
        ),
        (
            ["traffic-type", "retention"],
            TODAY - timedelta(days=90),
            ExemptionStatus.EXPIRED,
            ["traffic-type", "retention", EXEMPTION_EXPIRED],
        ),
        ([], TODAY + timedelta(days=30), ExemptionStatus.UNNEEDED, []),
        ([], TODAY - timedelta(days=1), ExemptionStatus.UNNEEDED, []),
    ],
    ids=[
        "current-non-compliant-is-exempt",
        "current-through-its-last-day",
        "expired-the-day-after",
        "expired-keeps-every-real-reason",
        "compliant-is-unneeded",
        "compliant-expired-is-unneeded-never-failed",
    ],
)
def test_what_an_exemption_makes_of_a_vpc(violations, expires, status, reasons):
    found = exemption_status(exemption(expires=expires), violations, TODAY)
    assert found is status
    assert violations_under(violations, found) == reasons


def test_a_vpc_without_an_entry_keeps_its_verdict():
    assert exemption_status(None, ["missing"], TODAY) is None
    assert violations_under(["missing"], None) == ["missing"]


def test_the_statuses_and_the_reason_are_the_issues_words():
    assert [s.value for s in ExemptionStatus] == ["exempt", "expired", "unneeded"]
    assert EXEMPTION_EXPIRED == "exemption-expired"
