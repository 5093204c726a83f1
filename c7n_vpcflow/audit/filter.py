"""The `flow-log-compliance` filter on aws.vpc (CIS AWS Foundations 3.7)."""

import logging

from c7n.filters import Filter
from c7n.resources.vpc import Vpc
from c7n.utils import type_schema

from c7n_vpcflow.account import Account, confirm_account
from c7n_vpcflow.audit.exempting import (
    EXEMPTIONS_KEY,
    MAX_DAYS_KEY,
    apply_register,
    check_register,
    mark_unused,
    read_register,
    register_permissions,
    register_record,
    run_day,
)
from c7n_vpcflow.audit.handoff import log_groups_needed, plan_dry_run
from c7n_vpcflow.audit.inventory import gather, owned_vpcs
from c7n_vpcflow.audit.judge import Rules, judgement
from c7n_vpcflow.audit.variables import Variables, check_mode
from c7n_vpcflow.audit.verdicts import verdict_record, write_verdicts
from c7n_vpcflow.errors import VpcFlowError
from c7n_vpcflow.vocabulary import (
    DESTINATION_TYPES,
    FILTER,
    MAX_EXEMPTION_DAYS,
    RETENTION_DAYS,
    TRAFFIC_TYPES,
    VIOLATIONS,
)

log = logging.getLogger("custodian.vpcflow")


@Vpc.filter_registry.register(FILTER)
class FlowLogCompliance(Filter):
    """Which VPCs lack working flow logs (CIS AWS Foundations 3.7), and why.

    A VPC is compliant when at least one of its flow logs is ACTIVE, is not failing
    delivery, captures one of ``traffic-types``, writes to a CloudWatch log group that
    exists (for CloudWatch Logs destinations) and meets the optional
    ``min-retention-days`` and ``destination-types``.

    Every VPC the account owns is annotated with ``c7n:flow-log-violations``: a list of
    reason codes, empty when compliant: ``missing``, ``inactive``, ``delivery-failed``,
    ``traffic-type``, ``log-group-missing``, ``retention``, ``destination-type``,
    ``exemption-expired``. ``exemptions`` names an exemption register (a YAML file or an
    S3 object under change control; docs/audit.md): a non-compliant VPC under a
    current exemption is exempt, never compliant (``c7n:flow-log-exemption``), and one
    whose exemption has expired has the reason ``exemption-expired``. A non-compliant VPC
    without a network interface is annotated ``c7n:vpc-unused``.
    Its flow logs are annotated under ``c7n:flow-logs``, each with ``c7n:managed-by``:
    ``c7n-vpcflow``, ``cloudwatch-telemetry-rule`` (tagged
    ``CloudWatchTelemetryRuleManaged=true`` by AWS) or ``other``, and its own reason codes
    (``c7n:flow-log-problems``); the log groups they and the policy's ``enable-flow-logs``
    write to, under ``c7n:log-groups`` (each described, or null when absent). VPCs shared
    into the account by another account are skipped (only their owner can add flow logs).
    Before judging,
    the filter confirms that the credentials belong to the configured account (a mismatch
    fails the policy, naming both accounts). The verdict on every VPC judged, compliant or
    not (or why nothing was judged), is written to ``flow-log-compliance.json`` in the
    policy's output directory.

    Calls per account-region, for V VPCs whose F flow logs (and the log groups the
    policy's actions write to) name G distinct log groups of C naming conventions (a
    convention: a name's path up to its last ``/``):

    - DescribeFlowLogs: one listing of ceil(F/1000) pages (at least one), filtered to the
      V VPCs when V is at most 200, else of every flow log of the account-region;
    - DescribeLogGroups: none when G is 0; ceil(G/50) exact lookups when that is fewer
      than C; otherwise one listing per convention, ceil(P/50) pages (at least one) for
      the P log groups whose names start with the longest prefix the convention's names
      share;
    - DescribeNetworkInterfaces: none when every VPC is compliant; otherwise one listing
      for the N non-compliant VPCs, ceil(N/200) chunks, each paged 1,000 interfaces at a
      time until every VPC of the chunk has shown one;
    - GetObject: one, when ``exemptions`` names an S3 object.

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-audit
            resource: aws.vpc
            filters:
              - type: flow-log-compliance
                match: non-compliant
                traffic-types: [ALL, REJECT]
                min-retention-days: 365
                destination-types: [cloud-watch-logs, s3]
                exemptions: s3://org-exemptions/cis/exemptions.yml
                max-exemption-days: 365
    """

    schema = type_schema(
        FILTER,
        match={
            "enum": ["non-compliant", "compliant", "all"],
            "default": "non-compliant",
            "description": "Which VPCs the filter keeps (all: every VPC judged, e.g. "
            "for flow-log-finding).",
        },
        **{
            "traffic-types": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": list(TRAFFIC_TYPES)},
                "default": sorted(Rules().traffic_types),
                "description": "Traffic types a flow log must capture to count.",
            },
            "min-retention-days": {
                "enum": list(RETENTION_DAYS),
                "description": "Minimum retention of the flow log's CloudWatch log group, one "
                "of CloudWatch's retention periods (never-expire counts as "
                "enough); not checked when absent.",
            },
            "destination-types": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": list(DESTINATION_TYPES)},
                "description": "Destination types that count; any when absent.",
            },
            EXEMPTIONS_KEY: {
                "type": "string",
                "minLength": 1,
                "description": "The exemption register: a YAML file's path or an S3 object "
                "(s3://bucket/key[?versionId=...]); policy variables allowed. "
                "Checked whole before any VPC is judged (a local file when "
                "the policy is validated); none when absent.",
            },
            MAX_DAYS_KEY: {
                "type": "integer",
                "minimum": 1,
                "default": MAX_EXEMPTION_DAYS,
                "description": "How many days after the run an exemption may expire at "
                "most; a register with a later expiry is refused.",
            },
        },
    )
    schema_alias = False
    _shared = ()
    permissions = (
        "ec2:DescribeFlowLogs",
        "logs:DescribeLogGroups",
        "ec2:DescribeNetworkInterfaces",
    )

    def validate(self):
        check_mode(self.manager, Variables.of(self.manager))
        check_register(self.manager, self.data)
        return self

    def get_permissions(self):
        """Its calls, and s3:GetObject when its register is an S3 object (with
        s3:GetObjectVersion, which S3 asks for when a version is named)."""
        return self.permissions + register_permissions(self.data.get(EXEMPTIONS_KEY))

    @property
    def settings(self):
        """Every key the filter judges by, defaults filled in (None: not checked): what its
        verdict says it was judged under."""
        return {
            key: self.data.get(key, spec.get("default"))
            for key, spec in self.schema["properties"].items()
            if key != "type"
        }

    @property
    def rules(self):
        """What the filter judges by (read by the policy's actions when they validate)."""
        destination_types = self.data.get("destination-types")
        return Rules(
            traffic_types=frozenset(self.data.get("traffic-types", Rules().traffic_types)),
            min_retention_days=self.data.get("min-retention-days"),
            destination_types=frozenset(destination_types) if destination_types else None,
        )

    @property
    def shared_vpcs(self):
        """The VPCs shared into the account that its last run left unjudged, as listed
        (only their owner can add flow logs): the Config rule mode evaluates them
        NOT_APPLICABLE without listing the VPCs again."""
        return list(self._shared)

    def process(self, resources, event=None):
        register = None
        try:
            confirm_account(self.manager)
            register = read_register(self.manager, self.data)
            vpcs = owned_vpcs(self.manager, resources)
            # The log groups the policy's actions will write to are looked up in the same
            # calls as the flow logs' own.
            needed = log_groups_needed(self.manager, vpcs, Account.of(self.manager))
            inventory = gather(self.manager, vpcs, set().union(*needed.values()))
        except Exception as e:
            # The account-region's evidence says it was not judged, and why.
            write_verdicts(
                self.manager,
                self.settings,
                register_record(register),
                cause=str(e) if isinstance(e, VpcFlowError) else "%s: %s" % (type(e).__name__, e),
            )
            raise
        rules = self.rules
        for vpc in vpcs:
            vpc.update(judgement(vpc["VpcId"], inventory, rules, needed[vpc["VpcId"]]))
        apply_register(vpcs, register, Account.of(self.manager), run_day(self.manager))
        mark_unused(self.manager, vpcs)
        match = self.data.get("match", "non-compliant")
        matched = [
            v for v in vpcs if match == "all" or (not v[VIOLATIONS]) == (match == "compliant")
        ]
        judged_ids = {v["VpcId"] for v in vpcs}
        self._shared = tuple(v for v in resources if v["VpcId"] not in judged_ids)
        write_verdicts(
            self.manager,
            self.settings,
            register_record(register),
            judged=[verdict_record(v) for v in vpcs],
            shared=[{"vpc-id": v["VpcId"], "owner-id": v.get("OwnerId")} for v in self._shared],
        )
        plan_dry_run(self.manager, matched)
        return matched
