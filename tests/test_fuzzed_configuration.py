"""Property-based: whatever keys and values the filter and the action are given, the policy
either fails validation with a message naming a key, or validates and plans; never a
traceback.

Validation is `custodian validate`'s, in-process (c7n/commands.py validate): structure,
then the JSON schema, then Policy.validate(); the message is what that command prints of
the first error (less jsonschema's dumps of the schema and the instance). A policy that
validates is judged and planned against recorded data, as a dry run does, without AWS:
placebo case recorded_account (filter_reasons' flow logs and log groups, ten VPCs with every
kind of flow-log problem, plus empty listings of queries, metric filters and alarms).

Each key draws from a pool of values known to be valid, values known to be invalid, junk
of every JSON type and free text; keys of another destination type, a missing required key
and unknown keys are drawn too. Whatever holds a known-invalid value must be refused.
"""

import copy
import json
import logging
import re
from dataclasses import dataclass, field

import jsonschema
import pytest
from c7n import schema as c7n_schema
from c7n.config import Bag, Config
from c7n.exceptions import PolicyValidationError
from c7n.policy import Policy
from c7n.resources import load_resources
from c7n.structure import StructureParser
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.remediation.account_plan import plan_account
from c7n_vpcflow.remediation.action import EnableFlowLogs
from support.constants import KMS_KEY
from support.results import recorded

CW, S3, FH = "cloud-watch-logs", "s3", "kinesis-data-firehose"
STREAM = "arn:aws:firehose:us-east-1:222233334444:deliverystream/siem"
JUNK = [None, 0, -1, 3.5, True, "", "x", [], {}, ["ALL"], {"a": "b"}]
JUNK_VALID = {"tags": [{}]}
UNKNOWN_KEYS = ["log_group_name", "retention", "Tags", "enabled", "state", "x-custom"]
RETENTION = EnableFlowLogs.schema["properties"]["retention-days"]["enum"]

# key: (valid values, invalid values)
COMMON = {
    "traffic-type": (["ALL", "ACCEPT", "REJECT"], ["all", "BOTH", "reject"]),
    "log-format": (
        [
            "${version} ${vpc-id}",
            "security",
            "${version} ${account-id} ${interface-id} "
            "${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} "
            "${start} ${end} ${action} ${log-status}",
        ],
        ["version vpc-id", "${nope}", "${version}  ${vpc-id}", " ", "${version} ", "secure"],
    ),
    "max-aggregation-interval": ([60, 600], [300, "600", 1]),
    "tags": (
        [
            {},
            {"owner": "security"},
            {"k" * 128: "v" * 256, "cost-centre": ""},
            {"owner": "{owner}", "account": "{account_id}", "since": "{now:%Y-%m-%d}"},
        ],
        [
            {"aws:owner": "x"},
            {"managed-by": "me"},
            {"owner": 365},
            {"": "x"},
            {"{owner}": "x"},
            {"vpc": "{vpc_id}"},
            {"team": "{team!r}"},
            {"op": "{op}"},
            {"k" * 129: "v"},
            {"k": "v" * 257},
            "owner=security",
            {"t%d" % i: "v" for i in range(50)},
        ],
    ),
    "replace-broken": ([True, False], ["no", "false"]),
    "max-workers": ([1, 4, 32], [0, 33, "4", 2.5]),
}
BY_DESTINATION = {
    CW: {
        "log-group-name": (
            [
                "/vpc/flow-logs/{vpc_id}",
                "flows/{vpc_id}",
                "flow_logs.{vpc_name}",
                "/fixed/group",
                "/vpc/{partition}/{account_id}/{region}/{vpc_name}-{vpc_id}#flow",
                "/vpc/{vpcid}",
                "/vpc/{env}/flows",
                "/vpc/{env}/{{vpc_id}}",
            ],
            [
                "aws/vpc/{vpc_id}",
                "/vpc flow/{vpc_id}",
                "/vpc/{vpc_id!r}",
                "/vpc/{env}/{vpc_id}",
                "/vpc/{vpc_id:x}",
                "/vpc/{",
                "/vpc/*/{vpc_id}",
                "/" + "x" * 600,
                "/vpc/{now}",
                "/vpc/{event}/{vpc_id}",
                "/vpc/{a.b}",
            ],
        ),
        "retention-days": (RETENTION, [0, 2, 42, 366, 4000, "365", 365.5]),
        "kms-key-id": (
            [KMS_KEY, KMS_KEY.replace("us-east-1", "{region}"), "{flow_log_key}"],
            [
                "alias/flow-logs",
                "arn:aws:kms:us-east-1:123456789012:alias/x",
                "1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:kms:{vpc_id}:1:key/x",
            ],
        ),
        "role": (
            [
                "vpc-flow-logs-delivery",
                "flow-logs_delivery+role=1,2.x@y",
                "arn:aws:iam::123456789012:role/service-role/vpc-flow-logs-delivery",
                "arn:{partition}:iam::{account_id}:role/x",
            ],
            ["not a role!", "arn:aws:iam::1234:role/x", "r" * 65, "arn:aws:iam::{region}:role/x"],
        ),
        "create-role": ([True, False], ["yes", "true"]),
        "permissions-boundary": (
            [
                "required",
                "arn:aws:iam::123456789012:policy/b",
                "arn:{partition}:iam::{account_id}:policy/b",
            ],
            ["", "optional", True, "arn:aws:iam::1:policy/b", "arn:aws:iam::123456789012:role/x"],
        ),
        "unscoped-delivery-role": ([True, False], ["yes", 1]),
        "logs-calls-per-second": ([5, 0.5, 100], [0, -1, 101, "5"]),
        "log-group-class": (
            ["STANDARD", "INFREQUENT_ACCESS"],
            ["standard", "DELIVERY", "ESSENTIALS", "IA"],
        ),
        "deletion-protection": ([True, False], ["yes", 1]),
    },
    S3: {
        "bucket": (
            [
                "my-flow-logs",
                "arn:aws:s3:::my-flow-logs",
                "flow-logs-{account_id}",
                "{flow_log_bucket}",
                "arn:aws:s3:::{flow_log_bucket}",
            ],
            [
                "",
                "x",
                "ab",
                "b" * 64,
                "arn:aws:sqs:us-east-1:123456789012:q",
                "My_Bucket!",
                "logs-{vpc_id}",
                "flow..logs",
                "-flow-logs",
                "flow-logs-",
                "192.168.10.5",
                "xn--flow-logs",
                "flow-logs-s3alias",
                "arn:aws:s3:::x",
                "{flow_log_bucket}--ol-s3",
            ],
        ),
        "prefix": (
            [
                "flow-logs",
                "flow-logs/{vpc_id}",
                "{account_id}/{region}",
                "{env}/flows",
                "{env}/{{vpc_name}}",
            ],
            ["/leading", "AWSLogs/x", "", "a b", "{env}/{vpc_name}"],
        ),
        "file-format": (["plain-text", "parquet"], ["csv", "PARQUET"]),
        "hive-compatible-partitions": ([True, False], ["yes"]),
        "per-hour-partition": ([True, False], ["yes"]),
    },
    FH: {
        "delivery-stream": ([STREAM], ["siem", "", "arn:aws:s3:::bucket"]),
        "cross-account-role": (
            ["arn:aws:iam::123456789012:role/flow-logs-to-siem"],
            ["flow-logs-to-siem", ""],
        ),
    },
}
REQUIRED = {S3: "bucket", FH: "delivery-stream"}
FILTER = {
    "match": (["non-compliant", "compliant"], ["maybe", "NON-COMPLIANT"]),
    "traffic-types": (
        [["ALL"], ["ALL", "REJECT"], ["ACCEPT", "ALL", "REJECT"], ["REJECT"], ["ACCEPT"]],
        [["BOTH"], ["ALL", "ALL"], "ALL"],
    ),
    "min-retention-days": ([1, 30, 365, 400, 3653], [-5, 0, 100, 10000, "365", 7.5]),
    "destination-types": ([[CW], [CW, S3], [S3], [FH], [CW, S3, FH]], [["ftp"], [S3, S3], "s3"]),
    # An S3 register is read by the run, not when the policy is validated.
    "exemptions": (
        ["s3://org-exemptions/cis/exemptions.yml", "s3://org-exemptions/cis.yml?versionId=v1"],
        ["", 5, ["a"]],
    ),
    "max-exemption-days": ([1, 30, 365, 730], [0, -1, "365", 7.5]),
}
ALL_KEYS = (
    {"destination-type"}
    | set(COMMON)
    | set(FILTER)
    | set(UNKNOWN_KEYS)
    | {k for pools in BY_DESTINATION.values() for k in pools}
)


def test_every_key_of_the_action_and_the_filter_is_fuzzed():
    action_keys = set(EnableFlowLogs.schema["properties"]) - {"type"}
    assert action_keys == {"destination-type"} | set(COMMON) | {
        k for pools in BY_DESTINATION.values() for k in pools
    }
    assert set(FlowLogCompliance.schema["properties"]) - {"type"} == set(FILTER)


@dataclass
class Drawn:
    action: dict = field(default_factory=lambda: {"type": "enable-flow-logs"})
    filter: dict = None
    bad: set = field(default_factory=set)  # keys that make the policy invalid

    def keys(self):
        return (set(self.action) | set(self.filter or ())) - {"type"}


def among(value, values):
    """`value` is one of `values`, of the same type too (JSON Schema tells true from 1)."""
    return any(type(value) is type(v) and value == v for v in values)


def draw_values(draw, pools, keys, drawn, target, clean):
    for key in keys:
        valid, invalid = pools[key]
        kind = (
            "valid"
            if clean
            else draw(st.sampled_from(["valid", "valid", "invalid", "junk", "text"]))
        )
        if kind == "valid":
            target[key] = copy.deepcopy(draw(st.sampled_from(valid)))
        elif kind == "invalid":
            target[key] = copy.deepcopy(draw(st.sampled_from(invalid)))
            drawn.bad.add(key)
        elif kind == "junk":
            target[key] = copy.deepcopy(draw(st.sampled_from(JUNK)))
            if not (among(target[key], JUNK_VALID.get(key, [])) or among(target[key], valid)):
                drawn.bad.add(key)
        else:  # free text: valid or not, the universal property must hold
            target[key] = draw(st.text(max_size=30))


def subset(draw, pools):
    return draw(st.sets(st.sampled_from(sorted(pools)), max_size=len(pools)))


@st.composite
def policies(draw):
    drawn = Drawn()
    clean = draw(st.booleans())  # only known-valid values, or anything goes
    destination = draw(st.sampled_from([None, CW, S3, FH]))
    if destination is not None:
        drawn.action["destination-type"] = destination
    destination = destination or CW
    own = BY_DESTINATION[destination]
    keys = subset(draw, COMMON) | subset(draw, own)
    required = REQUIRED.get(destination)
    if required and (clean or draw(st.integers(0, 9)) > 0):
        keys.add(required)
    elif required:
        keys.discard(required)
        drawn.bad.add(required)  # missing
    draw_values(draw, dict(COMMON, **own), sorted(keys), drawn, drawn.action, clean)
    if not clean and draw(st.integers(0, 3)) == 0:  # another type's key
        other = draw(st.sampled_from([d for d in BY_DESTINATION if d != destination]))
        key = draw(st.sampled_from(sorted(BY_DESTINATION[other])))
        drawn.action[key] = copy.deepcopy(BY_DESTINATION[other][key][0][0])
        drawn.bad.add(key)
    if not clean and draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from(UNKNOWN_KEYS))
        drawn.action[key] = draw(st.sampled_from(["x", 1, True]))
        drawn.bad.add(key)
    if draw(st.booleans()):
        drawn.filter = {"type": "flow-log-compliance"}
        draw_values(draw, FILTER, sorted(subset(draw, FILTER)), drawn, drawn.filter, clean)
    return drawn


def visible_message(error):
    """What `custodian validate` prints of an error, less jsonschema's dumps."""
    if isinstance(error, jsonschema.ValidationError):
        return "%s\nOn instance%s" % (
            error.message,
            "".join("[%r]" % part for part in error.absolute_path),
        )
    return str(error)


# The register's errors name the `exemptions` key by what it holds: "exemption register
# <location>: ..." (audit/register.py; docs/audit.md), the location as the policy gives it.
REGISTER_NAMED = re.compile(r"^exemption register ")


def keys_named(text):
    named = [
        k
        for k in ALL_KEYS
        if re.search(r"(?<![A-Za-z0-9_-])%s(?![A-Za-z0-9_-])" % re.escape(k), text)
    ]
    return named + (["exemptions"] if REGISTER_NAMED.match(text) else [])


class Tracebacks(logging.Handler):
    """Log records carrying an exception: each would print a traceback."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        if record.exc_info:
            self.records.append(record)


class Schema:
    """c7n's policy schema for aws.vpc, generated once (a plain object: no huge repr)."""

    _generated = None

    @classmethod
    def get(cls):
        if cls._generated is None:
            load_resources(("aws.vpc",))
            cls._generated = c7n_schema.generate(("aws.vpc",))
        return cls._generated


@pytest.fixture
def recorded_account(flight_data):
    """One replaying session for every example (placebo cycles through its responses)."""
    return flight_data("recorded_account"), recorded("filter_reasons", "ec2.DescribeVpcs_1.json")[
        "Vpcs"
    ]


def validate(document):
    """`custodian validate` on one document: (first error, None) or (None, policy data)."""
    StructureParser().validate(document)
    errors = c7n_schema.validate(document, Schema.get())
    if errors:
        return errors[0], None
    data = document["policies"][0]
    policy = Policy(data, Config.empty(dryrun=True, account_id="na", region="na"), Bag())
    try:
        policy.validate()
    except PolicyValidationError as e:
        return e, None
    return None, data


def plan(data, session, vpcs):
    """Judge and plan every VPC as a dry run does (the filter, then plan_account), leaving out
    the delivery role's lookups; returns the plans."""
    policy = Policy(
        copy.deepcopy(data),
        Config.empty(
            region="us-east-1", account_id="123456789012", dryrun=False, cache="", cache_period=0
        ),
        session_factory=session,
    )
    policy.validate()
    manager = policy.resource_manager
    for f in manager.filters:
        if f.type == "flow-log-compliance":
            f.process(copy.deepcopy(vpcs))
    [action] = manager.actions
    return plan_account(manager, action.settings, copy.deepcopy(vpcs))[1]


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=policies())
def test_every_policy_is_refused_naming_a_key_or_validates_and_plans(drawn, recorded_account):
    session, vpcs = recorded_account
    policy = {"name": "fuzzed", "resource": "aws.vpc", "actions": [drawn.action]}
    if drawn.filter is not None:
        policy["filters"] = [drawn.filter]
    document = json.dumps({"policies": [policy]})
    tracebacks = Tracebacks()
    logging.getLogger().addHandler(tracebacks)
    try:
        error, valid = validate(json.loads(document))
        event(
            "refused"
            if error is not None
            else "validated and planned: %s" % (drawn.action.get("destination-type", CW))
        )
        if error is not None:
            message = visible_message(error)
            assert keys_named(message), "the message names no key:\n%s\n%s" % (message, document)
        else:
            assert not drawn.bad, "accepted with bad %s: %s" % (sorted(drawn.bad), document)
            plans = plan(valid, session, vpcs)
            assert [p.vpc_id for p in plans] == [v["VpcId"] for v in vpcs]
            for p in plans:
                assert p.outcome in ("create", "repair", "update", "skip", "fail"), p
                json.dumps(p.describe())
    finally:
        logging.getLogger().removeHandler(tracebacks)
    assert tracebacks.records == [], [r.getMessage() for r in tracebacks.records]
