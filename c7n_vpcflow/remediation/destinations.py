"""Where flow logs go, per destination type: each VPC's target and the CreateFlowLogs call.

cloud-watch-logs: a log group (delivered by a role); s3: a bucket ARN with an optional
prefix; kinesis-data-firehose: a delivery stream ARN (optionally in another account).
VPCs whose targets are equal share one CreateFlowLogs call.
"""

from c7n_vpcflow.audit.inventory import cloudwatch_log_group_name
from c7n_vpcflow.audit.templates import TemplateError, render_template
from c7n_vpcflow.remediation.naming import render_log_group_name, template_values
from c7n_vpcflow.vocabulary import CLOUDWATCH, FIREHOSE, S3


def s3_destination(bucket, prefix, partition):
    """The S3 LogDestination ARN: a bucket name or ARN, then the prefix as a folder."""
    arn = bucket if bucket.startswith("arn:") else "arn:%s:s3:::%s" % (partition, bucket)
    arn = arn.rstrip("/")
    if prefix and prefix.strip("/"):
        arn += "/" + prefix.strip("/") + "/"
    return arn


def target_for(settings, vpc, account):
    """The VPC's target (log-group name or destination ARN); TemplateError if unrenderable."""
    if settings.destination_type == CLOUDWATCH:
        return render_log_group_name(settings.log_group_template, vpc, account)
    values = template_values(vpc, account)
    if settings.destination_type == S3:
        prefix = render_template(settings.prefix, values, "prefix") if settings.prefix else None
        return s3_destination(
            render_template(settings.bucket, values, "bucket"), prefix, account.partition
        )
    cross_account_role(settings, account)  # renderable, or fail now
    return render_template(settings.delivery_stream, values, "delivery-stream")


def log_group_targets(settings, vpcs, account):
    """The log groups flow logs of these settings write to for `vpcs` (none but CloudWatch's);
    a name that cannot be rendered is left for the plan to report on its VPC."""
    if settings.destination_type != CLOUDWATCH:
        return set()
    names = set()
    for vpc in vpcs:
        try:
            names.add(render_log_group_name(settings.log_group_template, vpc, account))
        except TemplateError:
            continue
    return names


def cross_account_role(settings, account):
    if not settings.cross_account_role:
        return None
    return render_template(settings.cross_account_role, account.values(), "cross-account-role")


def _normalized(destination):
    return (destination or "").rstrip("/")


def writes_to(flow_log, destination_type, target):
    """True when the flow log delivers to `target` of that destination type."""
    if flow_log.get("LogDestinationType", CLOUDWATCH) != destination_type:
        return False
    if destination_type == CLOUDWATCH:
        return cloudwatch_log_group_name(flow_log) == target
    return _normalized(flow_log.get("LogDestination")) == _normalized(target)


def create_flow_logs_params(settings, target, role_arn=None, account=None):
    """CreateFlowLogs parameters for one target, all but ResourceIds.

    `account` (an Account) renders a Firehose cross-account role.
    """
    params = {
        "ResourceType": "VPC",
        "TrafficType": settings.traffic_type,
        "LogDestinationType": settings.destination_type,
        "MaxAggregationInterval": settings.max_aggregation_interval,
        "TagSpecifications": [
            {
                "ResourceType": "vpc-flow-log",
                "Tags": [{"Key": k, "Value": v} for k, v in settings.tags],
            }
        ],
    }
    if settings.log_format:
        params["LogFormat"] = settings.log_format
    if settings.destination_type == CLOUDWATCH:
        params.update(LogGroupName=target, DeliverLogsPermissionArn=role_arn)
    elif settings.destination_type == S3:
        params.update(
            LogDestination=target,
            DestinationOptions={
                "FileFormat": settings.file_format,
                "HiveCompatiblePartitions": settings.hive_compatible_partitions,
                "PerHourPartition": settings.per_hour_partition,
            },
        )
    elif settings.destination_type == FIREHOSE:
        params["LogDestination"] = target
        if settings.cross_account_role:
            params["DeliverCrossAccountRole"] = cross_account_role(settings, account)
    return params
