"""The 17 regions AWS enables in every account by default (those it launched before
20 March 2019; later ones must be opted into): AWS's "Managing AWS Regions" guide,
https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html. Read by the
bench (an organisation's regions) and the tests (the regions the package's prices cover)."""

DEFAULT_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
)
