"""The `flow-log-cost` filter on aws.vpc: what each VPC's flow logs cost a month, measured,
and the cheaper choices (issue 25; docs/cost.md)."""

import logging
from datetime import datetime, timezone
from functools import cached_property

from c7n.exceptions import PolicyValidationError
from c7n.filters import Filter
from c7n.resources.vpc import Vpc
from c7n.utils import type_schema

from c7n_vpcflow.account import Account, confirm_account
from c7n_vpcflow.audit.evidence import run_header, write_output
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.audit.handoff import analytics_in_use
from c7n_vpcflow.audit.ingestion import MAX_DAYS, window
from c7n_vpcflow.audit.inventory import owned_vpcs
from c7n_vpcflow.audit.usage import measure
from c7n_vpcflow.audit.variables import Variables, check_mode, deploys_lambda
from c7n_vpcflow.audit.verdicts import name_tag
from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.cost.account_region import price_account_region
from c7n_vpcflow.errors import VpcFlowError, failed_vpcs
from c7n_vpcflow.vocabulary import COST, COST_FILE, COST_FILTER

log = logging.getLogger("custodian.vpcflow")

DEFAULT_DAYS = 30


class CostNotMeasured(VpcFlowError):
    """Raised once every VPC is annotated and the evidence written, when CloudWatch did not
    give the bytes of some log group (the message names each VPC), or nothing could be
    measured at all."""


@Vpc.filter_registry.register(COST_FILTER)
class FlowLogCost(Filter):
    """What each VPC's flow logs cost a month: measured volumes, estimated USD, and the
    cheaper choices with their estimated saving. Each VPC whose flow logs write to CloudWatch
    Logs is annotated with ``c7n:flow-log-cost``: the bytes its log group ingested over the
    last ``days`` whole days (metric ``AWS/Logs`` ``IncomingBytes``) and stores
    (``storedBytes``), its class and retention (measured); GB a month, ``ingestion-usd``,
    ``storage-usd`` and ``monthly-usd`` at the prices (estimated); and ``choices``. A VPC
    logging only to S3 or Firehose, or not at all, is annotated ``not-measured`` with why.
    Prices are the package's (``c7n_vpcflow/data/prices.json``), changed where ``prices``
    (a file, or a mapping of the same format) says otherwise. ``over`` keeps only the VPCs
    estimated above that many USD a month. Every VPC measured (and why the others were
    not) goes to ``flow-log-cost.json`` in the policy's output directory. After
    ``flow-log-compliance`` it reads that filter's annotations (no call); without it, it
    gathers the flow logs and log groups itself. Calls per account-region: ceil(G/500)
    GetMetricData for G log groups. How each figure is made: docs/cost.md.

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-cost
            resource: aws.vpc
            filters:
              - type: flow-log-compliance
                match: all
              - type: flow-log-cost
                days: 30
                over: 100
                prices: my-rate-card.json
    """

    schema = type_schema(
        COST_FILTER,
        days={
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_DAYS,
            "default": DEFAULT_DAYS,
            "description": "The last whole days (UTC) whose ingested bytes are measured "
            "(CloudWatch keeps them %d days)." % MAX_DAYS,
        },
        over={
            "type": "number",
            "minimum": 0,
            "description": "Keep only the VPCs whose flow logs are estimated to cost more "
            "than this many USD a month; every VPC when absent.",
        },
        prices={
            "oneOf": [{"type": "string", "minLength": 1}, {"type": "object"}],
            "description": "A JSON file, or a mapping, of prices in the format of "
            "c7n_vpcflow/data/prices.json, changing the package's prices "
            "where it says otherwise.",
        },
    )
    schema_alias = False
    permissions = ("cloudwatch:GetMetricData", "logs:DescribeLogGroups", "ec2:DescribeFlowLogs")

    def validate(self):
        check_mode(self.manager, Variables.of(self.manager))
        given = self.data.get("prices")
        if isinstance(given, str) and deploys_lambda(self.manager):
            raise PolicyValidationError(
                "%s: prices %r is a file, which the Lambda function would not have: give the "
                "prices as a mapping in the policy" % (COST_FILTER, given)
            )
        try:
            self.prices  # noqa: B018 (read to check the prices now, before any call)
        except price_data.PricesError as e:
            raise PolicyValidationError("%s: %s" % (COST_FILTER, e)) from None
        return self

    @cached_property
    def prices(self):
        return price_data.load(self.data.get("prices"))

    @property
    def settings(self):
        """What the evidence says the VPCs were measured and priced under."""
        given = self.data.get("prices")
        return {
            "days": self.data.get("days", DEFAULT_DAYS),
            "over": self.data.get("over"),
            "prices": "package"
            if given is None
            else "policy"
            if isinstance(given, dict)
            else given,
        }

    def context(self):
        """What the cheaper choices depend on beyond the usage: the policy's
        min-retention-days (the strictest of its flow-log-compliance filters) and the
        flow-log-analytics keys its actions use."""
        minimums = [
            f.rules.min_retention_days
            for f in self.manager.iter_filters()
            if isinstance(f, FlowLogCompliance)
        ]
        return {
            "min-retention-days": max((m for m in minimums if m), default=None),
            "analytics": sorted(analytics_in_use(self.manager)),
        }

    def process(self, resources, event=None):
        account = Account.of(self.manager)
        now = datetime.now(timezone.utc)
        try:
            confirm_account(self.manager)
            vpcs = owned_vpcs(self.manager, resources)
            measurement = measure(self.manager, vpcs, self.settings["days"], now)
        except Exception as e:
            self.write(
                now,
                cause=str(e) if isinstance(e, VpcFlowError) else "%s: %s" % (type(e).__name__, e),
            )
            raise
        context = self.context()
        groups, records, figures = price_account_region(
            measurement.groups, measurement.vpcs, self.prices, account.region, context
        )
        names = {v["VpcId"]: name_tag(v) for v in vpcs}
        for vpc in vpcs:
            vpc[COST] = records[vpc["VpcId"]]
        self.write(
            now,
            vpcs=[
                dict(entry, name=names[entry["vpc-id"]], cost=records[entry["vpc-id"]])
                for entry in measurement.vpcs
            ],
            groups=groups,
            context=context,
            totals=figures,
        )
        self.fail_on(measurement, len(vpcs), account)
        over = self.data.get("over")
        if over is None:
            return vpcs
        return [v for v in vpcs if (v[COST].get("monthly-usd") or 0) > over]

    def write(self, now, vpcs=(), groups=(), context=None, totals=None, cause=None):
        start, end = window(self.settings["days"], now)
        region = Account.of(self.manager).region
        write_output(
            self.manager,
            COST_FILE,
            {
                "settings": self.settings,
                "status": "not-measured" if cause else "measured",
                "cause": cause,
                "window": {"start": start.isoformat(), "end": end.isoformat()},
                "prices": price_data.for_region(self.prices, region),
                "context": context,
                "log-groups": list(groups),
                "vpcs": list(vpcs),
                "totals": totals,
            },
            stamp=run_header,
        )

    @staticmethod
    def fail_on(measurement, count, account):
        """One ERROR line per VPC whose log group CloudWatch did not measure, then one error
        naming them; or, when the call was refused, one line on the call, and one error
        naming it and the VPCs it left unmeasured."""
        failed = sorted({vpc_id for vpc_id, _why in measurement.failures})
        if measurement.refused:
            log.error(
                "%s %s/%s: %s", COST_FILTER, account.account_id, account.region, measurement.refused
            )
            raise CostNotMeasured(
                "%s could not measure %d of %d VPCs in %s/%s: %s; not "
                "measured: %s"
                % (
                    COST_FILTER,
                    len(failed),
                    count,
                    account.account_id,
                    account.region,
                    measurement.refused,
                    ", ".join(failed),
                )
            )
        for vpc_id, why in measurement.failures:
            log.error("%s %s: %s", COST_FILTER, vpc_id, why)
        if failed:
            raise CostNotMeasured(
                failed_vpcs(COST_FILTER, "could not measure", measurement.failures, count, account)
            )
