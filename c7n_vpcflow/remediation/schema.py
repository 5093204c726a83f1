"""The enable-flow-logs schema and permissions, per destination type."""

from types import MappingProxyType

from c7n_vpcflow.audit.readonly import as_json, read_only
from c7n_vpcflow.remediation.role import ROLE_READS
from c7n_vpcflow.remediation.settings import Settings
from c7n_vpcflow.vocabulary import (
    CLOUDWATCH,
    DESTINATION_TYPES,
    FIREHOSE,
    LOG_GROUP_CLASSES,
    RETENTION_DAYS,
    S3,
    TRAFFIC_TYPES,
)

DEFAULTS = Settings()

COMMON = read_only(
    {
        "destination-type": {
            "enum": list(DESTINATION_TYPES),
            "default": DEFAULTS.destination_type,
            "description": "Where flow logs go.",
        },
        "traffic-type": {
            "enum": list(TRAFFIC_TYPES),
            "default": DEFAULTS.traffic_type,
            "description": "Traffic the flow log captures (CIS recommends REJECT).",
        },
        "log-format": {
            "type": "string",
            "description": "Custom record format of ${field} names; AWS's default format when "
            "absent.",
        },
        "max-aggregation-interval": {
            "enum": [60, 600],
            "default": DEFAULTS.max_aggregation_interval,
            "description": "Seconds over which flows are aggregated into a record.",
        },
        "tags": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Tags for flow logs, log groups and a created role; managed-by: "
            "c7n-vpcflow is always added. Values may use {account_id}, {region}, "
            "{partition}, {now} and policy variables; keys none.",
        },
        "replace-broken": {
            "type": "boolean",
            "default": DEFAULTS.replace_broken,
            "description": "Delete a broken flow log once its replacement is ACTIVE.",
        },
        "max-workers": {
            "type": "integer",
            "minimum": 1,
            "maximum": 32,
            "default": DEFAULTS.max_workers,
            "description": "Log groups / destinations worked on at once, per account-region.",
        },
    }
)

BY_DESTINATION = read_only(
    {
        CLOUDWATCH: {
            "log-group-name": {
                "type": "string",
                "minLength": 1,
                "default": DEFAULTS.log_group_template,
                "description": "cloud-watch-logs: log group per VPC, a template over {vpc_id}, "
                "{vpc_name} (Name tag, sanitised), {account_id}, {region}, "
                "{partition} and policy variables (beside one of those, write "
                "{{vpc_id}}: docs/remediation.md, Variables).",
            },
            "retention-days": {
                "enum": list(RETENTION_DAYS),
                "default": DEFAULTS.retention_days,
                "description": "cloud-watch-logs: retention of created log groups; existing "
                "groups are only ever raised to it.",
            },
            "log-group-class": {
                "enum": list(LOG_GROUP_CLASSES),
                "default": DEFAULTS.log_group_class,
                "description": "cloud-watch-logs: class of created log groups (CreateLogGroup's "
                "logGroupClass). INFREQUENT_ACCESS costs about half to ingest but "
                "has no metric filters, so not with flow-log-analytics' "
                "reject-alarm; a group's class is fixed at creation, so an "
                "existing group of another class is kept and its VPC's result "
                "warns (docs/cost.md).",
            },
            "deletion-protection": {
                "type": "boolean",
                "default": DEFAULTS.deletion_protection,
                "description": "cloud-watch-logs: protect the log groups from deletion: created "
                "groups are made protected, existing ones have it turned on "
                "(PutLogGroupDeletionProtection); it is never turned off.",
            },
            "kms-key-id": {
                "type": "string",
                "description": "cloud-watch-logs: KMS key ARN to encrypt created log groups "
                "with, a key of the run's region ({region} in the ARN serves "
                "each region its own key, e.g. a multi-Region key).",
            },
            "role": {
                "type": "string",
                "default": DEFAULTS.role,
                "description": "cloud-watch-logs: delivery role name or ARN, of the run's "
                "account ({account_id}).",
            },
            "logs-calls-per-second": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
                "default": DEFAULTS.logs_calls_per_second,
                "description": "cloud-watch-logs: pace of CreateLogGroup, PutRetentionPolicy and "
                "the other log-group writes, per operation (AWS's quota is about "
                "5 a second per account-region; raise it only with the quota).",
            },
            "permissions-boundary": {
                "type": "string",
                "pattern": "^(required|arn:.+)$",
                "description": "cloud-watch-logs: the permissions boundary of a created delivery "
                "role. Absent: c7n-vpcflow-delivery-boundary (iam/delivery-"
                "boundary.yml) when the account has it, none otherwise; required: "
                "that policy, required; a policy ARN ({account_id}, {partition}): "
                "that one, required. A required boundary that does not exist "
                "fails the VPCs that need the role.",
            },
            "unscoped-delivery-role": {
                "type": "boolean",
                "default": DEFAULTS.unscoped_delivery_role,
                "description": "cloud-watch-logs: accept a log-group-name with no fixed prefix "
                "(e.g. {vpc_name}-flows); the delivery role may then write to "
                "every log group of the account (log-group:*).",
            },
            "create-role": {
                "type": "boolean",
                "default": DEFAULTS.create_role,
                "description": "cloud-watch-logs: create the delivery role when missing (least "
                "privilege, trusting only this account's flow logs).",
            },
        },
        S3: {
            "bucket": {
                "type": "string",
                "minLength": 1,
                "description": "s3 (required): bucket name or ARN; {account_id}, {region}, "
                "{partition} and policy variables such as {flow_log_bucket}.",
            },
            "prefix": {
                "type": "string",
                "minLength": 1,
                "description": "s3: folder in the bucket, same variables plus {vpc_id} and "
                "{vpc_name}; a per-VPC prefix costs one CreateFlowLogs per VPC "
                "instead of one per 1,000.",
            },
            "file-format": {
                "enum": ["plain-text", "parquet"],
                "default": DEFAULTS.file_format,
                "description": "s3: record file format (parquet is smaller and faster to query).",
            },
            "hive-compatible-partitions": {
                "type": "boolean",
                "default": DEFAULTS.hive_compatible_partitions,
                "description": "s3: Hive-compatible prefixes (key=value) for Athena.",
            },
            "per-hour-partition": {
                "type": "boolean",
                "default": DEFAULTS.per_hour_partition,
                "description": "s3: partition by hour instead of by day.",
            },
        },
        FIREHOSE: {
            "delivery-stream": {
                "type": "string",
                "minLength": 1,
                "description": "kinesis-data-firehose (required): delivery stream ARN; "
                "{account_id}, {region}, {partition} and policy variables.",
            },
            "cross-account-role": {
                "type": "string",
                "description": "kinesis-data-firehose: role ARN (in this account) that delivers "
                "to a stream in another account.",
            },
        },
    }
)

REQUIRED = MappingProxyType({S3: "bucket", FIREHOSE: "delivery-stream"})


def properties():
    """Every key's JSON Schema, as plain JSON (Custodian's schema takes nothing else)."""
    merged = dict(COMMON)
    for keys in BY_DESTINATION.values():
        merged.update(keys)
    return as_json(merged)


def recorded_settings(data):
    """Every key of the action's destination type, defaults filled in (None: absent)."""
    keys = dict(COMMON, **BY_DESTINATION[data.get("destination-type", DEFAULTS.destination_type)])
    return {key: data.get(key, spec.get("default")) for key, spec in keys.items()}


COMMON_PERMISSIONS = (
    "ec2:DescribeFlowLogs",
    "ec2:CreateFlowLogs",
    "ec2:CreateTags",
    "ec2:DeleteFlowLogs",
    "logs:DescribeLogGroups",
)
PERMISSIONS = MappingProxyType(
    {
        CLOUDWATCH: (
            "logs:CreateLogGroup",
            "logs:PutRetentionPolicy",
            "logs:ListTagsForResource",
            "logs:TagResource",
            "logs:PutLogGroupDeletionProtection",
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:TagRole",
            "iam:PassRole",
        )
        + ROLE_READS,
        S3: ("logs:CreateLogDelivery", "logs:DeleteLogDelivery"),
        FIREHOSE: (
            "logs:CreateLogDelivery",
            "logs:DeleteLogDelivery",
            "firehose:TagDeliveryStream",
            "iam:CreateServiceLinkedRole",
            "iam:PassRole",
        ),
    }
)


def permissions_for(settings):
    """What an action with these settings may call."""
    needed = COMMON_PERMISSIONS + PERMISSIONS[settings.destination_type]
    if settings.destination_type == FIREHOSE and not settings.cross_account_role:
        needed = tuple(p for p in needed if p != "iam:PassRole")
    return needed


ALL_PERMISSIONS = tuple(sorted(set(COMMON_PERMISSIONS).union(*PERMISSIONS.values())))
