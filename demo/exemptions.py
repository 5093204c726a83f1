"""The demo's exemption register: one current exemption (due within the month, so the report
lists it as expiring) and one expired, both on VPCs the audit finds non-compliant.

VPC ids come from the emulator and expiry dates from the day of the run, so the register is
written after seeding, from the table below, as a security team would keep it; the demo's
policies are the shipped ones with the register named in their flow-log-compliance filter.
"""

import os
from datetime import timedelta

import yaml

# (account name, region, Name tag, reason, approved by, ticket, days from the run to expiry)
EXEMPTIONS = (
    (
        "sandbox",
        "us-east-1",
        "dev-alice",
        "sandbox VPC being torn down after the quarter's review",
        "cloud-security@example.com",
        "SEC-4411",
        21,
    ),
    (
        "workloads-prod",
        "us-east-1",
        "legacy-app",
        "legacy app migrating to the new landing zone; delivery role fix pending",
        "jane.doe@example.com",
        "SEC-4102",
        -10,
    ),
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
        entries.append(
            {
                "vpc-id": vpc.vpc_id,
                "account-id": vpc.account.account_id,
                "region": region,
                "reason": reason,
                "approved-by": approved_by,
                "ticket": ticket,
                "expires": today + timedelta(days=days),
            }
        )
    return {"exemptions": entries}


def write_register(estate, path, today):
    """Write the register for a run on `today` to `path`."""
    with open(path, "w") as f:
        f.write(HEADER)
        yaml.safe_dump(register(estate, today), f, sort_keys=False, width=100)


def with_register(policy_file, register_path, out_dir):
    """A copy of `policy_file` in `out_dir` whose flow-log-compliance filters name the
    register at `register_path`; its path."""
    with open(policy_file) as f:
        document = yaml.safe_load(f)
    for policy in document["policies"]:
        for found in policy.get("filters", ()):
            if isinstance(found, dict) and found.get("type") == "flow-log-compliance":
                found["exemptions"] = register_path
    path = os.path.join(out_dir, os.path.basename(policy_file))
    with open(path, "w") as f:
        yaml.safe_dump(document, f, sort_keys=False)
    return path


def lines(estate, today):
    """What the demo says of its register: each exemption, by VPC, until when."""
    said = []
    for account_name, region, name, reason, _by, ticket, days in EXEMPTIONS:
        vpc = estate.find(account_name, region, name)
        until = today + timedelta(days=days)
        said.append(
            "register: %s (%s %s) %s %s (%s): %s"
            % (
                vpc.name,
                account_name,
                region,
                "exempt until" if days >= 0 else "expired on",
                until if days >= 0 else until + timedelta(days=1),
                ticket,
                reason,
            )
        )
    return said
