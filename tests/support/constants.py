"""The names every test shares: where things are, and the account and regions they play in."""

import os

# The repository root; tests read the shipped policies, templates and docs from it.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Placebo flight data: one folder per test or fixture that plays it.
DATA_DIR = os.path.join(ROOT, "tests", "data", "placebo")

REGION = "us-east-1"
REGIONS = ("us-east-1", "eu-west-1")
ACCOUNT_ID = "123456789012"
# A second account: another owner's role, a member of the organisation, a wrong identity.
OTHER_ACCOUNT_ID = "444455556666"
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
# The default log-group template, rendered for one VPC id.
GROUP = "/vpc/flow-logs/%s"


def policy_path(name):
    """The shipped policy file `name` (e.g. vpc-flow-logs-audit.yml) under policies/."""
    return os.path.join(ROOT, "policies", name)
