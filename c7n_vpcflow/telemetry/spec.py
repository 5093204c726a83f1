"""The CloudWatch telemetry rule that enable-flow-logs' settings describe, and how a rule deviates.

Pure functions (no AWS calls), shared by the account filter, the action and its dry run.
A rule can express traffic type, log format, aggregation interval, retention, a per-VPC
log-group pattern, regions and scope; what it cannot express is named in `not_carried`.
"""

import copy
import re
from types import MappingProxyType

from c7n_vpcflow.remediation.settings import Settings
from c7n_vpcflow.vocabulary import ALL_TRAFFIC, CLOUDWATCH, OUR_TAG, VPC_RESOURCE_TYPE, Deviation

SOURCE_TYPE = "VPC_FLOW_LOGS"
DEFAULT_RULE_NAME = "c7n-vpcflow-vpc-flow-logs"
# AWS's pattern when a rule names none (the user guide's default).
AWS_DEFAULT_PATTERN = "/aws/vpc/<resourceId>"
# Our template variables the service's pattern macros can stand for.
MACROS = MappingProxyType({"vpc_id": "<resourceId>", "account_id": "<accountId>"})
RUNNING = ("RUNNING", "STARTING")
# What Observability Admin's calls of each scope ask of the caller: said when refused.
WHEN_DENIED = MappingProxyType(
    {
        "organization": "; organization-wide calls need trusted access for Observability Admin and "
        "the management or a delegated-admin account",
        "account": "",
    }
)

# Reason codes of a rule (or of its absence), in the order they are annotated.
DEVIATIONS = tuple(Deviation)

# What enable-flow-logs does that a telemetry rule cannot, said whenever a rule is planned.
ALWAYS_NOT_CARRIED = MappingProxyType(
    {
        "tags": "flow logs and log groups a rule creates carry only AWS's tag "
        "CloudWatchTelemetryRuleManaged=true, not ours (%s: %s) nor `tags`; those go on "
        "the rule itself" % OUR_TAG,
        "role": "AWS delivers through its service-linked role, not our delivery role",
    }
)
NOT_CARRIED = MappingProxyType(
    {
        "kms-key-id": "one KMS key for every log group, only for a rule in the key's own region "
        "(a key is regional; no key per log group)",
        "replace-broken": "AWS replaces the flow logs it made when they drift, if the rule allows "
        "field updates; it never touches others'",
        "create-role": "no delivery role is involved",
    }
)


class RuleSpecError(ValueError):
    """Settings no telemetry rule can express."""


def destination_pattern(template):
    """`/vpc/flow-logs/{vpc_id}` -> `/vpc/flow-logs/<resourceId>`; other variables refused."""

    def macro(match):
        name = match.group(1)
        if name not in MACROS:
            raise RuleSpecError(
                "log-group-name variable {%s} has no telemetry-rule macro (only %s)"
                % (name, ", ".join("{%s}" % m for m in MACROS))
            )
        return MACROS[name]

    return re.sub(r"\{([^{}]*)\}", macro, template)


def key_region(kms_key_arn):
    parts = (kms_key_arn or "").split(":")
    return parts[3] if len(parts) > 3 else None


def desired_rule(data, home_region):
    """(TelemetryRule, not_carried) from enable-flow-logs keys plus the rule's own keys."""
    settings = Settings.from_data(data)
    if settings.destination_type != CLOUDWATCH:
        raise RuleSpecError(
            "destination-type %s: telemetry rules deliver to CloudWatch Logs "
            "only (no S3, no Firehose)" % settings.destination_type
        )
    parameters = {
        "TrafficType": settings.traffic_type,
        "MaxAggregationInterval": settings.max_aggregation_interval,
    }
    if settings.log_format:
        parameters["LogFormat"] = settings.log_format
    destination = {
        "DestinationType": CLOUDWATCH,
        "DestinationPattern": destination_pattern(settings.log_group_template),
        "RetentionInDays": settings.retention_days,
        "VPCFlowLogParameters": parameters,
    }
    rule = {
        "ResourceType": VPC_RESOURCE_TYPE,
        "TelemetryType": "Logs",
        "TelemetrySourceTypes": [SOURCE_TYPE],
        "DestinationConfiguration": destination,
        "AllowFieldUpdates": data.get("allow-field-updates", True),
    }
    if data.get("regions"):
        rule["Regions"] = list(data["regions"])
    else:
        rule["AllRegions"] = True
    for key, field in (("rule-scope", "Scope"), ("selection-criteria", "SelectionCriteria")):
        if data.get(key):
            rule[field] = data[key]
    not_carried = dict(ALWAYS_NOT_CARRIED)
    not_carried.update((k, v) for k, v in NOT_CARRIED.items() if data.get(k))
    regions = set(rule.get("Regions", ())) | {home_region}
    if (
        settings.kms_key_id
        and not rule.get("AllRegions")
        and regions == {key_region(settings.kms_key_id)}
    ):
        destination["KmsKeyArn"] = settings.kms_key_id
        not_carried.pop("kms-key-id")
    return rule, not_carried


def is_vpc_flow_log_rule(rule):
    return rule.get("ResourceType") == VPC_RESOURCE_TYPE and SOURCE_TYPE in (
        rule.get("TelemetrySourceTypes") or ()
    )


def deviations(rule, desired, data):
    """Reason codes on which an existing TelemetryRule falls short of the desired one."""
    found = set()
    have = rule.get("DestinationConfiguration") or {}
    want = desired["DestinationConfiguration"]
    have_flow = have.get("VPCFlowLogParameters") or {}
    want_flow = want["VPCFlowLogParameters"]
    if have_flow.get("TrafficType") not in (ALL_TRAFFIC, want_flow["TrafficType"]):
        found.add(Deviation.TRAFFIC_TYPE)
    retention = have.get("RetentionInDays")  # none: never expires, which keeps enough
    if retention is not None and retention < want["RetentionInDays"]:
        found.add(Deviation.RETENTION)
    pattern = have.get("DestinationPattern") or AWS_DEFAULT_PATTERN
    if MACROS["vpc_id"] not in pattern or (
        "log-group-name" in data and pattern != want["DestinationPattern"]
    ):
        found.add(Deviation.DESTINATION_PATTERN)
    if "log-format" in data and have_flow.get("LogFormat") != want_flow.get("LogFormat"):
        found.add(Deviation.LOG_FORMAT)
    if (
        "max-aggregation-interval" in data
        and have_flow.get("MaxAggregationInterval", 600) != want_flow["MaxAggregationInterval"]
    ):
        found.add(Deviation.MAX_AGGREGATION_INTERVAL)
    if not rule.get("AllRegions") and (
        desired.get("AllRegions") or not set(desired["Regions"]) <= set(rule.get("Regions") or ())
    ):
        found.add(Deviation.REGIONS)
    for field, code in (
        ("Scope", Deviation.SCOPE),
        ("SelectionCriteria", Deviation.SELECTION_CRITERIA),
    ):
        if (rule.get(field) or None) != desired.get(field):
            found.add(code)
    if not rule.get("AllowFieldUpdates") and desired["AllowFieldUpdates"]:
        found.add(Deviation.FIELD_UPDATES)
    return ordered(found)


def ordered(codes):
    return [c for c in DEVIATIONS if c in codes]


# Where each deviation lives: (rule part, keys), the part a path from the rule's top.
FIELDS = MappingProxyType(
    {
        Deviation.TRAFFIC_TYPE: (
            ("DestinationConfiguration", "VPCFlowLogParameters"),
            ("TrafficType",),
        ),
        Deviation.LOG_FORMAT: (
            ("DestinationConfiguration", "VPCFlowLogParameters"),
            ("LogFormat",),
        ),
        Deviation.MAX_AGGREGATION_INTERVAL: (
            ("DestinationConfiguration", "VPCFlowLogParameters"),
            ("MaxAggregationInterval",),
        ),
        Deviation.RETENTION: (("DestinationConfiguration",), ("RetentionInDays",)),
        Deviation.DESTINATION_PATTERN: (("DestinationConfiguration",), ("DestinationPattern",)),
        Deviation.REGIONS: ((), ("AllRegions", "Regions")),
        Deviation.SCOPE: ((), ("Scope",)),
        Deviation.SELECTION_CRITERIA: ((), ("SelectionCriteria",)),
        Deviation.FIELD_UPDATES: ((), ("AllowFieldUpdates",)),
    }
)


def _part(rule, path):
    for key in path:
        rule = rule.setdefault(key, {})
    return rule


def amended(rule, desired, found):
    """The rule to write: the desired values where `rule` deviates, its own elsewhere (a
    longer retention, a pattern or format someone chose, its key are kept)."""
    new = copy.deepcopy(rule)
    for code in found:
        path, keys = FIELDS[code]
        target, source = _part(new, path), _part(copy.deepcopy(desired), path)
        for key in keys:
            if key in source:
                target[key] = source[key]
            else:
                target.pop(key, None)
    return new
