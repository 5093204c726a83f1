"""The ASFF documents of the `flow-log-finding` action: one Security Hub finding per VPC.

finding_id derives a finding's Id from the partition, region, account and VPC alone, so
whoever posts it, run after run, updates the same finding. Findings builds the documents of
one account-region: a judged VPC's (FAILED and NEW with the reasons and the remediation, or
PASSED and RESOLVED; the CIS requirements from the framework mappings) and a vanished VPC's
earlier finding, archived as it was. Posting them is finding.FlowLogFinding's.
"""

from c7n_vpcflow.data.frameworks import cis_requirements
from c7n_vpcflow.data.frameworks import load as load_frameworks
from c7n_vpcflow.vocabulary import EXEMPTION, VIOLATIONS, ExemptionStatus

GENERATOR_ID = "c7n-vpcflow/cis-aws-foundations/vpc-flow-logs-enabled"
CONTROL = "Ensure VPC flow logging is enabled in all VPCs"
FINDING_TYPE = (
    "Software and Configuration Checks/Industry and Regulatory Standards/"
    "CIS AWS Foundations Benchmark"
)
REMEDIATION = (
    "Run the vpc-flow-logs-enable policy of c7n-vpcflow, or give the VPC a flow log "
    "(REJECT or ALL traffic) into a destination that exists, delivered by a role "
    "that trusts vpc-flow-logs.amazonaws.com."
)
REMEDIATION_URL = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html"


def finding_id(partition, region, account_id, vpc_id):
    """The same Id whoever posts it, run after run: no tag on the VPC is needed."""
    return "arn:%s:securityhub:%s:%s:c7n-vpcflow/cis-vpc-flow-logs/%s" % (
        partition,
        region,
        account_id,
        vpc_id,
    )


class Findings:
    """The findings of one account-region."""

    def __init__(self, account, now):
        self.account_id, self.region, self.partition = (
            account.account_id,
            account.region,
            account.partition,
        )
        self.now = now.isoformat().replace("+00:00", "Z")
        self.product_arn = "arn:%s:securityhub:%s:%s:product/%s/default" % (
            self.partition,
            self.region,
            self.account_id,
            self.account_id,
        )
        # The control in every CIS version of the framework mappings the HTML report shows.
        self.requirements = cis_requirements(load_frameworks()["frameworks"])

    def vpc_arn(self, vpc_id):
        return "arn:%s:ec2:%s:%s:vpc/%s" % (self.partition, self.region, self.account_id, vpc_id)

    def _base(self, vpc_id):
        return {
            "SchemaVersion": "2018-10-08",
            "Id": finding_id(self.partition, self.region, self.account_id, vpc_id),
            "ProductArn": self.product_arn,
            "GeneratorId": GENERATOR_ID,
            "AwsAccountId": self.account_id,
            "Region": self.region,
            "Types": [FINDING_TYPE],
            "CreatedAt": self.now,
            "UpdatedAt": self.now,
            "Resources": [
                {
                    "Type": "AwsEc2Vpc",
                    "Id": self.vpc_arn(vpc_id),
                    "Partition": self.partition,
                    "Region": self.region,
                }
            ],
        }

    def judged(self, vpc, earlier=None):
        """FAILED/NEW with the reasons, or PASSED/RESOLVED; created when first posted."""
        vpc_id, reasons = vpc["VpcId"], vpc[VIOLATIONS]
        finding = self._base(vpc_id)
        if earlier and earlier.get("CreatedAt"):
            finding["CreatedAt"] = earlier["CreatedAt"]
        title = "CIS AWS Foundations: VPC flow logging %s" % ("failing" if reasons else "enabled")
        description = (
            "VPC %s fails '%s': %s." % (vpc_id, CONTROL, ", ".join(reasons))
            if reasons
            else "VPC %s has a working flow log ('%s')." % (vpc_id, CONTROL)
        )
        exemption = vpc.get(EXEMPTION)
        if exemption and exemption["status"] == ExemptionStatus.EXEMPT:
            description += " Exempt until %s by the exemption register." % exemption["expires"]
        finding.update(
            {
                "Title": title,
                "Description": description,
                "Severity": {"Label": "MEDIUM" if reasons else "INFORMATIONAL"},
                "Compliance": {
                    "Status": "FAILED" if reasons else "PASSED",
                    "RelatedRequirements": list(self.requirements),
                },
                "Workflow": {"Status": "NEW" if reasons else "RESOLVED"},
                "RecordState": "ACTIVE",
            }
        )
        if reasons:
            finding["Remediation"] = {
                "Recommendation": {"Text": REMEDIATION, "Url": REMEDIATION_URL}
            }
        return finding

    def gone(self, previous):
        """An earlier finding of a VPC that no longer exists: archived, as it was."""
        finding = {
            k: previous[k]
            for k in (
                "SchemaVersion",
                "Id",
                "ProductArn",
                "GeneratorId",
                "AwsAccountId",
                "Types",
                "CreatedAt",
                "Title",
                "Description",
                "Resources",
            )
            if k in previous
        }
        finding.update({"UpdatedAt": self.now, "RecordState": "ARCHIVED"})
        return finding
