"""The `vpc-flow-log-telemetry-rule` filter on aws.account: whether a CloudWatch telemetry
rule enables VPC flow logs, and how it deviates.

For the account that administers the rules (the organization's management or delegated
admin account, with trusted access for Observability Admin; or any account for an account
rule). The telemetry package registers it on aws.account.
"""

from c7n.filters import Filter
from c7n.utils import type_schema

from c7n_vpcflow.audit.handoff import plan_dry_run
from c7n_vpcflow.audit.readonly import as_json
from c7n_vpcflow.telemetry.rules import (
    FILTER_KEYS,
    READS,
    RULE_KEYS,
    inspect,
    permissions_of,
    validate_spec,
)
from c7n_vpcflow.telemetry.spec import DEVIATIONS, RUNNING, desired_rule, deviations
from c7n_vpcflow.vocabulary import TELEMETRY_FILTER, TELEMETRY_RULE_VERDICT, Deviation


def judge(status, rules, data, region):
    """The annotation: each VPC flow-log rule with its deviations, and the account's own."""
    desired, _ = desired_rule(data, region)
    named = data.get("rule-name")
    judged = [
        {
            "name": r["RuleName"],
            "arn": r.get("RuleArn"),
            "deviations": deviations(r["TelemetryRule"], desired, data),
            "rule": r["TelemetryRule"],
        }
        for r in rules
        if not named or r["RuleName"] == named
    ]
    found = [] if judged else [Deviation.ABSENT]
    if status.get("Status") not in RUNNING:
        found.insert(0, Deviation.EVALUATION_NOT_RUNNING)
    conforming = not found and any(not r["deviations"] for r in judged)
    return {
        "evaluation": status.get("Status"),
        "rules": judged,
        "conforming": conforming,
        "deviations": found
        if found or conforming
        else sorted({d for r in judged for d in r["deviations"]}, key=DEVIATIONS.index),
    }


class VpcFlowLogTelemetryRule(Filter):
    """Whether a CloudWatch telemetry rule enables VPC flow logs, and how it deviates.

    Reads the organization's (``scope: organization``) or the account's telemetry rules
    for ``AWS::EC2::VPC`` / ``VPC_FLOW_LOGS`` and compares each with the conventions of
    ``enable-flow-logs``, taken from the same keys (``traffic-type``, ``retention-days``,
    ``log-group-name``, ``log-format``, ``max-aggregation-interval``) plus ``rule-name``
    (only that rule), ``regions``, ``rule-scope``, ``selection-criteria``,
    ``allow-field-updates``. The account is annotated with
    ``c7n:vpc-flow-log-telemetry-rule``: the evaluation status and, per rule, its deviations
    (``absent``, ``evaluation-not-running``, ``traffic-type``, ``retention``,
    ``destination-pattern`` (not per VPC), ``log-format``, ``max-aggregation-interval``,
    ``regions``, ``scope``, ``selection-criteria``, ``field-updates``). ``match:
    non-conforming`` (the default) keeps the account when no rule conforms.

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-telemetry-rule-audit
            resource: aws.account
            filters:
              - type: vpc-flow-log-telemetry-rule
                match: non-conforming
                scope: organization
                rule-name: c7n-vpcflow-vpc-flow-logs
                traffic-type: REJECT
                retention-days: 365
                log-group-name: "/vpc/flow-logs/{vpc_id}"
                log-format: security
                max-aggregation-interval: 600
                regions: [us-east-1, eu-west-1]
                rule-scope: "OrganizationUnitId = 'ou-ab12-34cd56ef'"
                selection-criteria: "tags.environment = 'prod'"
                allow-field-updates: true
    """

    type = TELEMETRY_FILTER
    schema = type_schema(
        type,
        match={
            "enum": ["non-conforming", "conforming"],
            "default": "non-conforming",
            "description": "Which accounts the filter keeps: non-conforming (no "
            "rule conforms, or evaluation is not running) or "
            "conforming.",
        },
        **as_json(dict(FILTER_KEYS, **RULE_KEYS)),
    )
    schema_alias = False
    permissions = permissions_of("organization", READS) + permissions_of("account", READS)

    def get_permissions(self):
        return permissions_of(self.data.get("scope", "organization"), READS)

    def validate(self):
        validate_spec(self.data, self.manager)
        return self

    def process(self, resources, event=None):
        _client, status, rules = inspect(self.manager, self.data)
        verdict = judge(status, rules, self.data, self.manager.config.region)
        want = self.data.get("match", "non-conforming") == "conforming"
        for account in resources:
            account[TELEMETRY_RULE_VERDICT] = verdict
        kept = [a for a in resources if verdict["conforming"] == want]
        plan_dry_run(self.manager, kept)
        return kept
