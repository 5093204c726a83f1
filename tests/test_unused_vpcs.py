"""Unused VPCs (issue 23, item 6): a non-compliant VPC with no network interface is named,
at most one DescribeNetworkInterfaces listing per account-region, only when some VPC is
non-compliant, filtered to those VPCs (at most 200 values per filter), paged."""

import pytest
from c7n.credentials import SessionFactory
from c7n.utils import local_session

from c7n_vpcflow.audit.unused import InterfaceListingFailed, unused_vpcs
from support.aws import RecordingSession
from support.constants import REGION
from support.emulated import new_vpc

A, B, C = "vpc-0a1b2c3d4e5f67890", "vpc-04e5f6a7b8c9d0e1f", "vpc-07c8d9e0f1a2b3c4d"
LISTING = "ec2.DescribeNetworkInterfaces"


def asked(session):
    """The VPC ids of each DescribeNetworkInterfaces call, and its other parameters."""
    calls = session.params(LISTING)
    for params in calls:
        [only] = params["Filters"]
        assert only["Name"] == "vpc-id"
    return [p["Filters"][0]["Values"] for p in calls], [
        {k: v for k, v in p.items() if k != "Filters"} for p in calls
    ]


def ec2(session):
    return session().client("ec2")


def test_no_non_compliant_vpc_costs_no_call():
    session = RecordingSession(REGION)
    assert unused_vpcs(ec2(session), []) == set()
    assert session.operations() == []


def test_a_vpc_without_a_network_interface_is_unused_and_costs_one_call(flight_data):
    session = flight_data()
    assert unused_vpcs(ec2(session), [B, A, A]) == {B}
    values, others = asked(session)
    assert values == [sorted([A, B])]
    assert others == [{"MaxResults": 1000}]


def test_interfaces_on_a_later_page_make_their_vpc_used(flight_data):
    session = flight_data()
    assert unused_vpcs(ec2(session), [A, B, C]) == {C}
    values, others = asked(session)
    assert values == [sorted([A, B, C])] * 2
    assert others == [{"MaxResults": 1000}, {"MaxResults": 1000, "NextToken": "page-2"}]


def test_paging_stops_once_every_vpc_asked_about_has_shown_an_interface(flight_data):
    session = flight_data()
    assert unused_vpcs(ec2(session), [A, B]) == set()
    assert session.operations() == [LISTING]


def test_450_vpcs_are_asked_about_in_chunks_of_at_most_200_values(flight_data):
    vpcs = ["vpc-0%016x" % n for n in range(450)]
    session = flight_data()
    # The flight data holds an interface in every VPC whose number is not a multiple of 3.
    assert unused_vpcs(ec2(session), reversed(vpcs)) == set(vpcs[::3])
    values, _others = asked(session)
    assert [len(v) for v in values] == [200, 200, 50]
    assert sorted(v for chunk in values for v in chunk) == vpcs


def test_a_refused_listing_is_one_line_naming_the_call(flight_data):
    session = flight_data()
    with pytest.raises(InterfaceListingFailed) as raised:
        unused_vpcs(ec2(session), [A])
    message = str(raised.value)
    assert message.startswith(
        "ec2:DescribeNetworkInterfaces in us-east-1: UnauthorizedOperation: You are not "
        "authorized to perform this operation."
    )
    assert "\n" not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_throttled_page_is_retried_after_a_wait(flight_data, fast_retries):
    session = flight_data()
    assert unused_vpcs(ec2(session), [A, B]) == {B}
    assert session.operations() == [LISTING, LISTING]
    assert len(fast_retries) == 1


def test_on_the_emulator_only_the_vpc_without_an_interface_is_unused(emulator):
    used, bare = new_vpc(emulator, "10.1.0.0/16"), new_vpc(emulator, "10.2.0.0/16")
    admin = emulator.client("ec2", REGION)
    subnet = admin.create_subnet(VpcId=used, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    admin.create_network_interface(SubnetId=subnet)
    client = local_session(SessionFactory(REGION)).client("ec2")
    assert unused_vpcs(client, [used, bare]) == {bare}
