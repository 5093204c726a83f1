"""The words c7n-vpcflow reads and writes, each defined once.

Destination and traffic types (as EC2 names them), the managed-by tags, the reason codes a
VPC is judged by, the plan outcomes and result statuses, and the annotation keys the filter
and actions leave on each VPC.
"""

from enum import Enum

# Destination types, as EC2's LogDestinationType names them.
CLOUDWATCH = "cloud-watch-logs"
S3 = "s3"
FIREHOSE = "kinesis-data-firehose"
DESTINATION_TYPES = (CLOUDWATCH, S3, FIREHOSE)

# Traffic types, as EC2's TrafficType names them; ALL captures the others.
ALL_TRAFFIC = "ALL"
TRAFFIC_TYPES = (ALL_TRAFFIC, "ACCEPT", "REJECT")
DEFAULT_TRAFFIC_TYPE = "REJECT"

# Log group classes, as CloudWatch Logs names them (fixed when a group is created; a group
# listed without one is STANDARD).
STANDARD = "STANDARD"
INFREQUENT_ACCESS = "INFREQUENT_ACCESS"
# What enable-flow-logs' log-group-class may be.
LOG_GROUP_CLASSES = (STANDARD, INFREQUENT_ACCESS)

# The retention periods (days) CloudWatch Logs accepts (PutRetentionPolicy's retentionInDays).
RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

# Who manages a flow log, and the tag each manager writes (see ownership).
OUR_TAG = ("managed-by", "c7n-vpcflow")
TELEMETRY_TAG = ("CloudWatchTelemetryRuleManaged", "true")
C7N_VPCFLOW = OUR_TAG[1]
TELEMETRY_RULE = "cloudwatch-telemetry-rule"
OTHER = "other"
MANAGERS = (C7N_VPCFLOW, TELEMETRY_RULE, OTHER)

# Reason codes, in the canonical order annotated in c7n:flow-log-violations.
MISSING = "missing"
INACTIVE = "inactive"
DELIVERY_FAILED = "delivery-failed"
TRAFFIC_TYPE = "traffic-type"
LOG_GROUP_MISSING = "log-group-missing"
RETENTION = "retention"
DESTINATION_TYPE = "destination-type"
# How many days after a run an exemption of the register may expire at most, by default.
MAX_EXEMPTION_DAYS = 365
# Given beside a VPC's real reasons when the register's exemption for it has expired.
EXEMPTION_EXPIRED = "exemption-expired"
# How the reason of a result skipped as exempt opens (then the expiry date and a colon); the
# report checks such a result against the run's verdict.
EXEMPT_UNTIL = "exempt until "
REASONS = (
    MISSING,
    INACTIVE,
    DELIVERY_FAILED,
    TRAFFIC_TYPE,
    LOG_GROUP_MISSING,
    RETENTION,
    DESTINATION_TYPE,
    EXEMPTION_EXPIRED,
)
# Problems that make a flow log useless (the action replaces these); the rest are policy.
BROKEN = frozenset((INACTIVE, DELIVERY_FAILED, TRAFFIC_TYPE, LOG_GROUP_MISSING))

# What AWS Config, CloudFormation and Observability Admin call a VPC.
VPC_RESOURCE_TYPE = "AWS::EC2::VPC"

# The registered names of the filter and the actions.
FILTER = "flow-log-compliance"
ACTION = "enable-flow-logs"
ANALYTICS_ACTION = "flow-log-analytics"
# flow-log-analytics' keys that need the log group's features (metric filters, Logs
# Insights), as its schema names them; the cost model's choices depend on them.
REJECT_ALARM = "reject-alarm"
INSIGHTS_QUERIES = "insights-queries"
COST_FILTER = "flow-log-cost"
TELEMETRY_FILTER = "vpc-flow-log-telemetry-rule"
TELEMETRY_ACTION = "put-vpc-flow-log-telemetry-rule"
# The execution mode that puts the filter's verdicts into AWS Config (a custom rule).
CONFIG_RULE_MODE = "vpc-flow-log-config-rule"

# The evidence files a run leaves in its policy's output directory, and the version of their
# format (their schemas: c7n_vpcflow/schemas/<file name without .json>.schema.json); a dry
# run leaves its plans.
VERDICTS_FILE = "flow-log-compliance.json"
RESULTS_FILE = "flow-log-results.json"
PLAN_FILE = "flow-log-plan.json"
COST_FILE = "flow-log-cost.json"
EVIDENCE_FORMAT = 3

# Annotation keys on each VPC (and on each of its flow logs: MANAGED_BY and PROBLEMS; on
# each log group of LOG_GROUPS that a telemetry rule made: MANAGED_BY).
VIOLATIONS = "c7n:flow-log-violations"
FLOW_LOGS = "c7n:flow-logs"
LOG_GROUPS = "c7n:log-groups"
MANAGED_BY = "c7n:managed-by"
PROBLEMS = "c7n:flow-log-problems"
PLAN = "c7n:flow-log-plan"
RESULT = "c7n:flow-log-result"
ANALYTICS = "c7n:flow-log-analytics"
ANALYTICS_PLAN = "c7n:flow-log-analytics-plan"
COST = "c7n:flow-log-cost"
# The register's entry for the VPC (its keys, `entry` and `status`: an ExemptionStatus),
# annotated only when one applies; whether a non-compliant VPC has no network interface.
EXEMPTION = "c7n:flow-log-exemption"
UNUSED = "c7n:vpc-unused"

# Annotation keys on the account (aws.account): the telemetry-rule filter's verdict, and the
# put action's plan (--dryrun) and result.
TELEMETRY_RULE_VERDICT = "c7n:vpc-flow-log-telemetry-rule"
TELEMETRY_RULE_PLAN = "c7n:vpc-flow-log-telemetry-rule-plan"
TELEMETRY_RULE_RESULT = "c7n:vpc-flow-log-telemetry-rule-result"


class _Word(str, Enum):
    """A word that is its own value wherever it is printed or compared."""

    def __str__(self):
        return self.value

    def __format__(self, spec):
        return format(self.value, spec)


class Outcome(_Word):
    """What the plan decides for one VPC."""

    CREATE = "create"
    REPAIR = "repair"
    UPDATE = "update"
    SKIP = "skip"
    FAIL = "fail"


class Deviation(_Word):
    """Why a CloudWatch telemetry rule (or its absence) falls short, in annotated order."""

    ABSENT = "absent"
    EVALUATION_NOT_RUNNING = "evaluation-not-running"
    TRAFFIC_TYPE = "traffic-type"
    RETENTION = "retention"
    DESTINATION_PATTERN = "destination-pattern"
    LOG_FORMAT = "log-format"
    MAX_AGGREGATION_INTERVAL = "max-aggregation-interval"
    REGIONS = "regions"
    SCOPE = "scope"
    SELECTION_CRITERIA = "selection-criteria"
    FIELD_UPDATES = "field-updates"


class RuleOutcome(_Word):
    """What put-vpc-flow-log-telemetry-rule decides for its rule."""

    CREATE = "create"
    UPDATE = "update"
    NONE = "none"
    FAIL = "fail"


class RoleStep(_Word):
    """What enable-flow-logs does with the delivery role (its plan's role step)."""

    UNUSABLE = "unusable"
    CREATE = "create"
    WIDEN = "widen its policy"
    USE = "use existing"


class Status(_Word):
    """Where one VPC's remediation stands (c7n:flow-log-result's status)."""

    PLANNED = "planned"
    SKIPPED = "skipped"
    CREATED = "created"
    REPAIRED = "repaired"
    UPDATED = "updated"
    FAILED = "failed"
    UNFINISHED = "unfinished"


class ExemptionStatus(_Word):
    """What the exemption register's entry for a VPC means in one run: its VPC is
    non-compliant and exempt until the entry's date; non-compliant past that date (and
    failed with exemption-expired); or compliant anyway, so the entry is not needed."""

    EXEMPT = "exempt"
    EXPIRED = "expired"
    UNNEEDED = "unneeded"


class Verdict(_Word):
    """Where one VPC stands in a verdict (its `status` in flow-log-compliance.json): exempt
    is non-compliant under a current exemption, never compliant."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    EXEMPT = "exempt"


FIXED = (Status.CREATED, Status.REPAIRED, Status.UPDATED)
NOT_FIXED = (Status.FAILED, Status.UNFINISHED)


class Judgement(_Word):
    """Whether a run judged its account-region (the verdict file's status)."""

    JUDGED = "judged"
    NOT_JUDGED = "not-judged"

    @property
    def label(self):
        """As the report prints it."""
        return self.value.replace("-", " ")


class Standing(_Word):
    """Where an account-region stands in the report: judged by a verdict that counts; its
    newest such verdict too old; that verdict not under an S3 Object Lock no one can lift
    (with --require-lock); judged only with settings weaker than the profile; or not
    judged at all."""

    JUDGED = "judged"
    STALE = "stale"
    UNLOCKED = "unlocked"
    WEAKER = "weaker"
    NOT_JUDGED = "not-judged"

    @property
    def label(self):
        """As the report prints it."""
        return self.value.replace("-", " ")


class Figure(_Word):
    """A figure the report counts per account-region, as its JSON key."""

    VPCS = "vpcs"
    COMPLIANT = "compliant"
    EXEMPT = "exempt"
    NON_COMPLIANT = "non-compliant"
    FIXED = "fixed"
    FAILED = "failed"

    @property
    def heading(self):
        """The figure as a table column's heading."""
        return "VPCs" if self is Figure.VPCS else self.value.capitalize()
