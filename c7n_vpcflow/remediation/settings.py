"""The enable-flow-logs keys, with defaults applied."""

from dataclasses import dataclass, replace
from typing import Optional

from c7n_vpcflow.audit.judge import Rules
from c7n_vpcflow.audit.templates import render_template
from c7n_vpcflow.remediation import formats
from c7n_vpcflow.vocabulary import ALL_TRAFFIC, CLOUDWATCH, DEFAULT_TRAFFIC_TYPE, OUR_TAG, STANDARD


def with_our_tag(tags):
    """The policy's tags and our managed-by tag, as sorted (key, value) pairs."""
    tags = dict(tags or {})
    tags[OUR_TAG[0]] = OUR_TAG[1]
    return tuple(sorted(tags.items()))


@dataclass(frozen=True)
class Settings:
    destination_type: str = CLOUDWATCH
    traffic_type: str = DEFAULT_TRAFFIC_TYPE
    log_format: Optional[str] = None
    max_aggregation_interval: int = 600
    tags: tuple = ()
    replace_broken: bool = False
    max_workers: int = 4
    logs_calls_per_second: float = 5.0
    # cloud-watch-logs
    log_group_template: str = "/vpc/flow-logs/{vpc_id}"
    retention_days: int = 365
    kms_key_id: Optional[str] = None
    role: str = "vpc-flow-logs-delivery"
    create_role: bool = True
    permissions_boundary: Optional[str] = None  # None: ours if deployed; required / ARN
    unscoped_delivery_role: bool = False
    log_group_class: str = STANDARD
    deletion_protection: bool = False
    # s3
    bucket: Optional[str] = None
    prefix: Optional[str] = None
    file_format: str = "plain-text"
    hive_compatible_partitions: bool = False
    per_hour_partition: bool = False
    # kinesis-data-firehose
    delivery_stream: Optional[str] = None
    cross_account_role: Optional[str] = None

    @classmethod
    def from_data(cls, data):
        values = {"tags": with_our_tag(data.get("tags"))}
        for key, value in data.items():
            attribute = key.replace("-", "_")
            if attribute in cls.__dataclass_fields__ and attribute != "tags":
                values[attribute] = value
        if "log-group-name" in data:
            values["log_group_template"] = data["log-group-name"]
        if data.get("log-format"):
            values["log_format"] = formats.expand(data["log-format"])
        return cls(**values)

    @property
    def tag_map(self):
        return dict(self.tags)

    def rendered(self, account, now):
        """These settings for a run in `account`, the variables of their account-wide keys
        filled in. Custodian has filled them already, but for {now} in a Lambda policy's
        tags (filled at each invocation: `now`, the run's c7n.utils.FormatDate)."""
        values = account.values()
        changes = {
            key: render_template(getattr(self, key), values, key.replace("_", "-"))
            for key in ("kms_key_id", "role", "permissions_boundary", "cross_account_role")
            if getattr(self, key)
        }
        changes["tags"] = tuple(
            (k, render_template(v, dict(values, now=now), "tags")) for k, v in self.tags
        )
        return replace(self, **changes)

    def rules(self):
        """What the action judges by in a policy without flow-log-compliance: a flow log is
        sound for us if it captures ALL or our traffic type."""
        return Rules(traffic_types=frozenset((ALL_TRAFFIC, self.traffic_type)))

    @property
    def needs_delivery_role(self):
        return self.destination_type == CLOUDWATCH
