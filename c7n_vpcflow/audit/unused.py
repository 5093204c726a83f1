"""Unused VPCs: the non-compliant VPCs without a single network interface.

CIS asks for flow logs in every VPC, used or not, so an unused VPC stays non-compliant; it
is named so its owner can delete it rather than log it. Asked only about the VPCs judged
non-compliant (none: no call at all), in one listing of DescribeNetworkInterfaces per
account-region: its `vpc-id` filter takes at most 200 values, so the VPCs go in chunks of
200, each chunk's interfaces paged 1,000 at a time until every VPC of the chunk has shown
one or the pages end. Calls for N VPCs: none when N is 0; otherwise, per chunk of up to
200, one page plus one per further 1,000 interfaces read before all of its VPCs showed one.
"""

from botocore.exceptions import BotoCoreError, ClientError

from c7n_vpcflow.audit.inventory import MAX_FILTER_VALUES
from c7n_vpcflow.audit.paging import pages
from c7n_vpcflow.errors import failed_call

PAGE_SIZE = 1000  # DescribeNetworkInterfaces' largest MaxResults


class InterfaceListingFailed(Exception):
    """DescribeNetworkInterfaces failed: which VPCs are unused is unknown (one line)."""


def unused_vpcs(client, vpc_ids, retry=None):
    """The VPCs among `vpc_ids` with no network interface, through an EC2 `client`; each
    page's call retried by `retry` (c7n's by default). InterfaceListingFailed when a call
    fails."""
    wanted = sorted(set(vpc_ids))
    used = set()
    for start in range(0, len(wanted), MAX_FILTER_VALUES):
        chunk = set(wanted[start : start + MAX_FILTER_VALUES])
        try:
            for page in pages(
                client,
                "describe_network_interfaces",
                retry,
                Filters=[{"Name": "vpc-id", "Values": sorted(chunk)}],
                PaginationConfig={"PageSize": PAGE_SIZE},
            ):
                used |= {i.get("VpcId") for i in page.get("NetworkInterfaces", ())}
                if chunk <= used:
                    break
        except (BotoCoreError, ClientError) as e:
            raise InterfaceListingFailed(
                failed_call(client, "describe_network_interfaces", e)
            ) from None
    return set(wanted) - used
