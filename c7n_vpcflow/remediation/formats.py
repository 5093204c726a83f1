"""Flow log record formats: the fields AWS knows, the default, and named presets."""

import re
from types import MappingProxyType

# Fields of VPC flow log records, versions 2 to 10.
FIELDS = frozenset(
    (
        "version",
        "account-id",
        "interface-id",
        "srcaddr",
        "dstaddr",
        "srcport",
        "dstport",
        "protocol",
        "packets",
        "bytes",
        "start",
        "end",
        "action",
        "log-status",
        "vpc-id",
        "subnet-id",
        "instance-id",
        "tcp-flags",
        "type",
        "pkt-srcaddr",
        "pkt-dstaddr",
        "region",
        "az-id",
        "sublocation-type",
        "sublocation-id",
        "pkt-src-aws-service",
        "pkt-dst-aws-service",
        "flow-direction",
        "traffic-path",
        "ecs-cluster-arn",
        "ecs-cluster-name",
        "ecs-container-instance-arn",
        "ecs-container-instance-id",
        "ecs-container-id",
        "ecs-second-container-id",
        "ecs-service-name",
        "ecs-task-definition-arn",
        "ecs-task-arn",
        "ecs-task-id",
        "reject-reason",
        "resource-id",
        "encryption-status",
    )
)
TOKEN = re.compile(r"^\$\{([a-z0-9-]+)\}$")

# AWS's default format: the version 2 fields, in this order.
DEFAULT_FIELDS = (
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
)

# `log-format: security`: what an analyst needs to tie a flow to a VPC, subnet and instance,
# see through NAT (pkt-*), read TCP flags and tell direction and path (version 5 fields).
# About 22 fields against the default 14: records are roughly 50-60% larger, so ingestion
# and storage cost grow by about as much.
PRESETS = MappingProxyType(
    {
        "security": (
            "version",
            "account-id",
            "interface-id",
            "vpc-id",
            "subnet-id",
            "instance-id",
            "srcaddr",
            "dstaddr",
            "srcport",
            "dstport",
            "pkt-srcaddr",
            "pkt-dstaddr",
            "protocol",
            "packets",
            "bytes",
            "start",
            "end",
            "action",
            "log-status",
            "tcp-flags",
            "flow-direction",
            "traffic-path",
        ),
    }
)


class LogFormatError(ValueError):
    """A log format AWS would refuse; the message says which part."""


def expand(log_format):
    """A preset name becomes its ${field} format; a custom format is returned as is."""
    if log_format in PRESETS:
        return " ".join("${%s}" % f for f in PRESETS[log_format])
    return log_format


def fields(log_format):
    """The field names of a format (None: AWS's default), checked."""
    if log_format is None:
        return list(DEFAULT_FIELDS)
    text = expand(log_format)
    tokens = text.split(" ")
    if not text.strip() or any(not token for token in tokens):
        raise LogFormatError(
            "must be a preset (%s) or ${field} names separated by single spaces, got %r"
            % (", ".join(sorted(PRESETS)), log_format)
        )
    names = []
    for token in tokens:
        match = TOKEN.match(token)
        if not match:
            raise LogFormatError(
                "has %r; each field must be written ${field-name}, or name a preset (%s)"
                % (token, ", ".join(sorted(PRESETS)))
            )
        if match.group(1) not in FIELDS:
            raise LogFormatError(
                "has unknown field %s; known fields: %s" % (token, " ".join(sorted(FIELDS)))
            )
        names.append(match.group(1))
    return names
