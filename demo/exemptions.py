"""The demo's exemption register: one current exemption (due within the month, so the report
lists it as expiring) and one expired, both on VPCs the audit finds non-compliant.

VPC ids come from the emulator and expiry dates from the day of the run, so the register is
written after seeding, from the table below, as a security team would keep it.
"""
from datetime import timedelta

import yaml

# (account name, region, Name tag, reason, approved by, ticket, days from the run to expiry)
EXEMPTIONS = (
    ("sandbox", "us-east-1", "dev-alice",
     "sandbox VPC being torn down after the quarter's review", "cloud-security@example.com",
     "SEC-4411", 21),
    ("workloads-prod", "us-east-1", "legacy-app",
     "legacy app migrating to the new landing zone; delivery role fix pending",
     "jane.doe@example.com", "SEC-4102", -10),
)
HEADER = """\
# The exemption register of the demo's organisation (written by demo/exemptions.py).
# Each entry: a VPC accepted without working flow logs, by whom, why and until when.
"""


def register(estate, today):
    """The register as a document, for a run on `today`."""
    entries = []
    for account_name, region, name, reason, approved_by, ticket, days in EXEMPTIONS:
        vpc = estate.find(account_name, region, name)
        entries.append({"vpc-id": vpc.vpc_id, "account-id": vpc.account.account_id,
                        "region": region, "reason": reason, "approved-by": approved_by,
                        "ticket": ticket, "expires": today + timedelta(days=days)})
    return {"exemptions": entries}


def write_register(estate, path, today):
    """Write the register for a run on `today` to `path`."""
    with open(path, "w") as f:
        f.write(HEADER)
        yaml.safe_dump(register(estate, today), f, sort_keys=False, width=100)
