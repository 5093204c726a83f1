"""Exemptions: the register's entries, which one applies to a VPC, and what it means there.

An entry exempts the VPC it names in the account and region it names (any account, any
region when it names none). Nothing but the register exempts a VPC: never a tag, since
anyone who may tag a VPC could then exempt it. The register refuses two entries that could
apply to the same VPC (see register), so at most one applies.

An exemption is current up to and including its `expires` date (UTC) and expired from the
day after. It changes what a non-compliant VPC is, never whether it is compliant: a
non-compliant VPC under a current exemption is exempt (its violations kept), under an
expired one it stays non-compliant with the reason exemption-expired beside its real
ones; a compliant VPC stays compliant and its exemption is unneeded.
"""

from dataclasses import dataclass
from datetime import date
from typing import Optional

from c7n_vpcflow.vocabulary import EXEMPTION_EXPIRED, ExemptionStatus


@dataclass(frozen=True)
class Exemption:
    """One entry of the register: `entry` its position (from 1), `line` where it starts."""

    entry: int
    line: int
    vpc_id: str
    reason: str
    approved_by: str
    expires: date
    account_id: Optional[str] = None
    region: Optional[str] = None
    ticket: Optional[str] = None

    def applies_to(self, vpc_id, account_id, region):
        return (
            vpc_id == self.vpc_id
            and self.account_id in (None, account_id)
            and self.region in (None, region)
        )

    def overlaps(self, other):
        """Whether both could apply to the same VPC (an absent account or region: any)."""
        return self.vpc_id == other.vpc_id and all(
            mine is None or theirs is None or mine == theirs
            for mine, theirs in ((self.account_id, other.account_id), (self.region, other.region))
        )

    def current_on(self, day):
        return day <= self.expires

    def record(self):
        """The entry as the evidence names it: the register's own keys (absent ones None)
        and its position in the register."""
        return {
            "vpc-id": self.vpc_id,
            "account-id": self.account_id,
            "region": self.region,
            "reason": self.reason,
            "approved-by": self.approved_by,
            "ticket": self.ticket,
            "expires": self.expires.isoformat(),
            "entry": self.entry,
        }


def is_s3(location):
    """Whether a register's location names an S3 object (s3://bucket/key), not a file."""
    return location.startswith("s3://")


class Register:
    """The exemptions read from `location`; `sha256` of its bytes and, for an S3 object,
    the `version_id` read (None: a local file, or a bucket without versioning)."""

    def __init__(self, location, exemptions, sha256, version_id=None):
        self.location = location
        self.exemptions = tuple(exemptions)
        self.sha256 = sha256
        self.version_id = version_id
        self._by_vpc = {}
        for exemption in self.exemptions:
            self._by_vpc.setdefault(exemption.vpc_id, []).append(exemption)

    def exemption_for(self, vpc_id, account_id, region):
        """The entry that applies to the VPC in the account-region, or None."""
        return next(
            (e for e in self._by_vpc.get(vpc_id, ()) if e.applies_to(vpc_id, account_id, region)),
            None,
        )


def exemption_status(exemption, violations, today):
    """What `exemption` (None: no entry applies) means for a VPC judged on `today` with
    `violations` (empty: compliant); None when no entry applies."""
    if exemption is None:
        return None
    if not violations:
        return ExemptionStatus.UNNEEDED
    return ExemptionStatus.EXEMPT if exemption.current_on(today) else ExemptionStatus.EXPIRED


def violations_under(violations, status):
    """The VPC's reasons with its exemption's status applied: exemption-expired added when
    it has expired; otherwise as judged (an exempt VPC keeps the violations it has)."""
    if status is ExemptionStatus.EXPIRED:
        return list(violations) + [EXEMPTION_EXPIRED]
    return list(violations)
