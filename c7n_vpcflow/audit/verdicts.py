"""The filter's verdict file, flow-log-compliance.json: the verdict on every VPC judged,
compliant or not, under the settings it was judged by, or why nothing was judged."""

from c7n_vpcflow.audit.evidence import run_header, write_output
from c7n_vpcflow.vocabulary import (
    CLOUDWATCH,
    EXEMPTION,
    FLOW_LOGS,
    MANAGED_BY,
    UNUSED,
    VERDICTS_FILE,
    VIOLATIONS,
    ExemptionStatus,
    Judgement,
    Verdict,
)


def name_tag(vpc):
    return next((t.get("Value") for t in vpc.get("Tags") or () if t.get("Key") == "Name"), None)


def flow_log_entry(flow_log):
    """A flow log as the verdict file names it: which one, who manages it, where it goes."""
    return {
        "id": flow_log["FlowLogId"],
        "managed-by": flow_log[MANAGED_BY],
        "status": flow_log.get("FlowLogStatus"),
        "traffic-type": flow_log.get("TrafficType"),
        "destination-type": flow_log.get("LogDestinationType", CLOUDWATCH),
        "destination": flow_log.get("LogGroupName") or flow_log.get("LogDestination"),
    }


def verdict_status(vpc):
    """Where a judged VPC stands: exempt is non-compliant under a current exemption."""
    if not vpc[VIOLATIONS]:
        return Verdict.COMPLIANT
    exemption = vpc.get(EXEMPTION)
    if exemption and exemption["status"] == ExemptionStatus.EXEMPT:
        return Verdict.EXEMPT
    return Verdict.NON_COMPLIANT


def verdict_record(vpc):
    """The verdict on a judged VPC, as the verdict file names it."""
    return {
        "vpc-id": vpc["VpcId"],
        "name": name_tag(vpc),
        "status": verdict_status(vpc).value,
        "compliant": not vpc[VIOLATIONS],
        "violations": vpc[VIOLATIONS],
        "exemption": vpc.get(EXEMPTION),
        "unused": vpc.get(UNUSED) if vpc[VIOLATIONS] else None,
        "flow-log-ids": [f["FlowLogId"] for f in vpc[FLOW_LOGS]],
        "flow-logs": [flow_log_entry(f) for f in vpc[FLOW_LOGS]],
    }


def write_verdicts(manager, settings, register, judged=(), shared=(), cause=None):
    """The verdict on every VPC judged under the filter's `settings` and the exemption
    `register` (its record, or None); with a cause, the account-region was not judged."""
    write_output(
        manager,
        VERDICTS_FILE,
        {
            "settings": settings,
            "status": (Judgement.NOT_JUDGED if cause else Judgement.JUDGED).value,
            "cause": cause,
            "register": register,
            "judged": list(judged),
            "shared": list(shared),
        },
        stamp=run_header,
    )
