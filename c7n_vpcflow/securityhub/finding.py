"""The `flow-log-finding` action on aws.vpc: one Security Hub finding per VPC that follows it.

Custodian's stock ``post-finding`` keys a finding by the policy and a tag it writes on the
VPC, and only ever posts what the policy matched: a VPC that is fixed is never posted again
and its FAILED finding stays active. Here the finding's Id is derived from the account,
region and VPC alone, so every run (any account's runner, any host) updates the same
finding: FAILED and NEW while the VPC fails, PASSED and RESOLVED once it complies, ARCHIVED
when the VPC is gone; an exempt VPC's stays FAILED, its workflow SUPPRESSED (workflow).
This module reads the earlier findings, imports the documents (built by documents) and
names those Security Hub refused.
"""

import logging
from datetime import datetime, timezone

from c7n.actions import BaseAction
from c7n.exceptions import PolicyValidationError
from c7n.resources.vpc import Vpc
from c7n.utils import chunks, local_session, type_schema

from c7n_vpcflow.account import Account
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.errors import VpcFlowError
from c7n_vpcflow.securityhub.documents import GENERATOR_ID, Findings, finding_id
from c7n_vpcflow.securityhub.workflow import send_updates, workflow_updates
from c7n_vpcflow.vocabulary import VIOLATIONS

log = logging.getLogger("custodian.vpcflow")

BATCH = 100  # BatchImportFindings takes at most 100 findings a call
DESCRIBE_VPC_IDS = 200  # values per DescribeVpcs filter


class FindingImportError(VpcFlowError):
    """Security Hub refused some findings; each is named with its VPC."""


@Vpc.action_registry.register("flow-log-finding")
class FlowLogFinding(BaseAction):
    """Post one Security Hub finding per VPC judged by ``flow-log-compliance``, kept current.

    Each VPC the policy's ``flow-log-compliance`` filter judged (use ``match: all``) gets
    one finding whose Id depends only on the partition, region, account and VPC, so every
    run updates it in place and no tag is written on the VPC: ``Compliance.Status`` FAILED
    with the reasons in the description and ``Workflow.Status`` NEW while the VPC fails,
    PASSED and RESOLVED once it complies. A VPC the filter found exempt (its
    ``exemptions`` register) stays FAILED with ``Workflow.Status`` SUPPRESSED and a
    ``Note`` naming the exemption's reason, approver, ticket and expiry (BatchUpdateFindings:
    Security Hub keeps Workflow and Note for the customer once a finding exists); it goes
    back to NEW once the exemption has expired or left the register, or to RESOLVED once
    the VPC complies. ``Compliance.RelatedRequirements`` names the
    control in every CIS AWS Foundations Benchmark version of the framework mappings the
    HTML report shows (``c7n_vpcflow/data/frameworks.json``, from Prowler). Earlier
    findings of VPCs that no longer exist are archived. Findings go to
    the account's own product (``product/<account>/default``), at most 100 per
    BatchImportFindings call; refused findings are named and fail the policy.

    :example:

    .. code-block:: yaml

        policies:
          - name: vpc-flow-logs-securityhub
            resource: aws.vpc
            filters:
              - type: flow-log-compliance
                match: all
            actions:
              - type: flow-log-finding
    """

    schema = type_schema("flow-log-finding")
    schema_alias = False
    permissions = (
        "securityhub:BatchImportFindings",
        "securityhub:BatchUpdateFindings",
        "securityhub:GetFindings",
        "ec2:DescribeVpcs",
    )

    def validate(self):
        if not any(isinstance(f, FlowLogCompliance) for f in self.manager.iter_filters()):
            raise PolicyValidationError(
                "flow-log-finding needs the policy's flow-log-compliance filter "
                "(match: all) to judge the VPCs it reports on"
            )
        return self

    def process(self, resources):
        findings = Findings(Account.of(self.manager), datetime.now(timezone.utc))
        account_id, region = findings.account_id, findings.region
        session = local_session(self.manager.session_factory)
        hub = session.client("securityhub")
        judged = [v for v in resources if VIOLATIONS in v]
        earlier = self._earlier(hub, findings)
        before = {arn.rsplit("/", 1)[1]: finding for arn, finding in earlier.items()}
        batch = [
            findings.judged(v, earlier.pop(findings.vpc_arn(v["VpcId"]), None)) for v in judged
        ]
        batch += [findings.gone(f) for f in self._vanished(session, earlier)]
        failed = self._import(hub, batch)
        imported = [v for v in judged if v["VpcId"] not in {vpc_id for vpc_id, _ in failed}]
        updates = workflow_updates(
            imported,
            before,
            lambda vpc_id: {
                "Id": finding_id(findings.partition, region, account_id, vpc_id),
                "ProductArn": findings.product_arn,
            },
        )
        failed += [
            (finding.rsplit("/", 1)[1], error)
            for finding, error in send_updates(hub, self.manager.retry, updates)
        ]
        passed = sum(1 for v in judged if not v[VIOLATIONS])
        log.info(
            "flow-log-finding %s/%s: %d findings (%d FAILED, %d PASSED, %d archived), %d refused",
            account_id,
            region,
            len(batch),
            len(judged) - passed,
            passed,
            len(batch) - len(judged),
            len(failed),
        )
        for vpc_id, error in sorted(failed):
            log.error("flow-log-finding %s: %s", vpc_id, error)
        if failed:
            raise FindingImportError(
                "Security Hub refused %d of %d findings in %s/%s:\n%s"
                % (
                    len(failed),
                    len(batch),
                    account_id,
                    region,
                    "\n".join("  %s: %s" % (vpc_id, error) for vpc_id, error in sorted(failed)),
                )
            )

    def _earlier(self, hub, findings):
        """{VPC ARN: finding} of our active findings in this account-region."""
        filters = {
            "GeneratorId": [{"Value": GENERATOR_ID, "Comparison": "EQUALS"}],
            "AwsAccountId": [{"Value": findings.account_id, "Comparison": "EQUALS"}],
            "Region": [{"Value": findings.region, "Comparison": "EQUALS"}],
            "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
        }
        earlier = {}
        for finding in paginate(hub, "get_findings", "Findings", Filters=filters):
            # Filtered again here: an endpoint that ignores Filters must not widen the set.
            if (
                finding.get("GeneratorId") == GENERATOR_ID
                and finding.get("AwsAccountId") == findings.account_id
                and finding.get("Region", findings.region) == findings.region
                and finding.get("RecordState", "ACTIVE") == "ACTIVE"
            ):
                earlier[finding["Resources"][0]["Id"]] = finding
        return earlier

    def _vanished(self, session, earlier):
        """Of the earlier findings no VPC of this run answered, those whose VPC is gone
        (a VPC that still exists but was not judged this time keeps its finding)."""
        by_vpc = {arn.rsplit("/", 1)[1]: finding for arn, finding in earlier.items()}
        if not by_vpc:
            return []
        ec2 = session.client("ec2")
        existing = set()
        for ids in chunks(sorted(by_vpc), DESCRIBE_VPC_IDS):
            existing.update(
                v["VpcId"]
                for v in paginate(
                    ec2, "describe_vpcs", "Vpcs", Filters=[{"Name": "vpc-id", "Values": ids}]
                )
            )
        return [f for vpc_id, f in sorted(by_vpc.items()) if vpc_id not in existing]

    def _import(self, hub, batch):
        """[(VPC id, error)] of the findings Security Hub refused."""
        failed = []
        for part in chunks(batch, BATCH):
            vpc_of = {f["Id"]: f["Id"].rsplit("/", 1)[1] for f in part}
            try:
                response = self.manager.retry(hub.batch_import_findings, Findings=part)
            except Exception as e:  # noqa: BLE001  (every finding of the call is named)
                failed += [(vpc_id, "%s: %s" % (type(e).__name__, e)) for vpc_id in vpc_of.values()]
                continue
            failed += [
                (vpc_of.get(f["Id"], f["Id"]), "%s: %s" % (f["ErrorCode"], f["ErrorMessage"]))
                for f in response.get("FailedFindings", ())
            ]
        return failed
