"""One account-region, as every name, ARN and finding of a run is rendered for it."""
from dataclasses import dataclass

from c7n.utils import get_partition


@dataclass(frozen=True)
class Account:
    account_id: str
    region: str
    partition: str = "aws"

    @classmethod
    def of(cls, manager):
        """The account-region a resource manager works in."""
        region = manager.config.region
        return cls(manager.config.account_id, region, get_partition(region) or "aws")

    def values(self):
        """The account's template variables ({account_id}, {region}, {partition})."""
        return {"account_id": self.account_id, "region": self.region,
                "partition": self.partition}
