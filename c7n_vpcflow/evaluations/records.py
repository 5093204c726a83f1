"""One AWS Config evaluation per VPC, from the flow-log-compliance filter's annotations.

Pure (no AWS call): a judged VPC is NON_COMPLIANT with its reason codes and flow logs in
the annotation, or COMPLIANT with the flow logs that make it so; a VPC shared into the
account is NOT_APPLICABLE (only its owner can add flow logs), and so is a VPC the filter
found exempt (c7n:flow-log-exemption: a current exemption of the register it applied),
its annotation naming the exemption; one whose exemption has expired is NON_COMPLIANT with
the reason exemption-expired. Every evaluation is dated by the judging time
(OrderingTimestamp), so Config orders it after any earlier run's.
"""

from c7n_vpcflow.evaluations.annotation import (
    exempt_annotation,
    shared_annotation,
    verdict_annotation,
)
from c7n_vpcflow.vocabulary import (
    EXEMPTION,
    FLOW_LOGS,
    MANAGED_BY,
    VIOLATIONS,
    VPC_RESOURCE_TYPE,
    ExemptionStatus,
)

COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE = "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"


def evaluation(vpc_id, compliance_type, annotation, judged_at):
    return {
        "ComplianceResourceType": VPC_RESOURCE_TYPE,
        "ComplianceResourceId": vpc_id,
        "ComplianceType": compliance_type,
        "Annotation": annotation,
        "OrderingTimestamp": judged_at,
    }


def judged_evaluation(vpc, settings, judged_at):
    """The evaluation of a VPC the filter judged (annotated with its violations and flow
    logs) under the filter's `settings`."""
    violations = vpc[VIOLATIONS]
    flow_logs = [(f["FlowLogId"], f[MANAGED_BY]) for f in vpc[FLOW_LOGS]]
    return evaluation(
        vpc["VpcId"],
        NON_COMPLIANT if violations else COMPLIANT,
        verdict_annotation(violations, settings, flow_logs),
        judged_at,
    )


def evaluations(judged, shared, settings, judged_at):
    """The evaluations of one run: of every VPC in `judged` (annotated by the filter) and
    `shared` (shared into the account), in that order."""
    found = []
    for vpc in judged:
        exemption = vpc.get(EXEMPTION)
        if exemption and exemption["status"] == ExemptionStatus.EXEMPT:
            found.append(
                evaluation(vpc["VpcId"], NOT_APPLICABLE, exempt_annotation(exemption), judged_at)
            )
        else:
            found.append(judged_evaluation(vpc, settings, judged_at))
    found.extend(
        evaluation(vpc["VpcId"], NOT_APPLICABLE, shared_annotation(vpc["OwnerId"]), judged_at)
        for vpc in shared
    )
    return found
