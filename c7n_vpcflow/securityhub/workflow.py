"""An exempt VPC's finding: FAILED as judged, its workflow SUPPRESSED with a note saying why.

Security Hub lets BatchImportFindings set Workflow and Note only when it creates a finding;
after that they are the customer's, changed with BatchUpdateFindings (botocore's
securityhub model, BatchImportFindings' documentation). So the finding is imported as
judged, then a VPC the flow-log-compliance filter found exempt (c7n:flow-log-exemption)
has its finding's workflow set to SUPPRESSED with a note naming the exemption's reason,
approver, ticket and expiry; and a finding this action suppressed (its note written by
UPDATED_BY) whose VPC still fails without a current exemption (expired, or removed from the
register) goes back to NEW, and one whose VPC now complies is RESOLVED (Security Hub
resolves a PASSED finding by itself only from NEW or NOTIFIED, never from SUPPRESSED). A
finding someone else suppressed is left as they set it.

Calls: none when nothing changes; one BatchUpdateFindings per VPC whose suppression is new
or whose note changed (a note is per call), and ceil(N/100) for the N findings back to NEW
(per note said), likewise for those RESOLVED.
"""

from c7n.utils import chunks

from c7n_vpcflow.vocabulary import EXEMPTION, VIOLATIONS, ExemptionStatus

UPDATED_BY = "c7n-vpcflow exemption register"
BATCH = 100  # BatchUpdateFindings takes at most 100 findings a call
MAX_NOTE = 512  # Security Hub keeps at most 512 characters of a note
SUPPRESSED, NEW, RESOLVED = "SUPPRESSED", "NEW", "RESOLVED"
COMPLIANT_NOTE = "No longer exempt: the VPC complies."


def exemption_note(exemption):
    """The note of an exempt VPC's finding: why, who approved it, the ticket, until when."""
    text = "Exempt until %s (exemption register, entry %d): %s; approved by %s%s." % (
        exemption["expires"],
        exemption["entry"],
        exemption["reason"],
        exemption["approved-by"],
        "; ticket %s" % exemption["ticket"] if exemption.get("ticket") else "",
    )
    return text if len(text) <= MAX_NOTE else text[: MAX_NOTE - 1] + "…"


def unexempted_note(exemption):
    if exemption and exemption["status"] == ExemptionStatus.EXPIRED:
        return "No longer exempt: its exemption expired on %s." % exemption["expires"]
    return "No longer exempt: the exemption register has no entry for it."


def workflow_updates(judged, earlier, identifier):
    """[(finding identifiers, workflow status, note text)] to send, for the `judged` VPCs
    (annotated by the filter), `earlier`: {VPC id: its finding before this run},
    `identifier(vpc_id)`: its finding's {Id, ProductArn}."""
    updates, renewed = [], []  # renewed: (finding, workflow status, note)
    for vpc in judged:
        vpc_id, exemption = vpc["VpcId"], vpc.get(EXEMPTION)
        before = earlier.get(vpc_id) or {}
        status = (before.get("Workflow") or {}).get("Status")
        note = before.get("Note") or {}
        if exemption and exemption["status"] == ExemptionStatus.EXEMPT:
            text = exemption_note(exemption)
            if status != SUPPRESSED or note.get("Text") != text:
                updates.append(([identifier(vpc_id)], SUPPRESSED, text))
        elif status == SUPPRESSED and note.get("UpdatedBy") == UPDATED_BY:
            renewed.append(
                (identifier(vpc_id), NEW, unexempted_note(exemption))
                if vpc[VIOLATIONS]
                else (identifier(vpc_id), RESOLVED, COMPLIANT_NOTE)
            )
    # One call per status and note said (expired on a date, removed, complies), 100 at a time.
    by_note = {}
    for found, workflow, text in renewed:
        by_note.setdefault((workflow, text), []).append(found)
    for (workflow, text), found in sorted(by_note.items()):
        updates += [(part, workflow, text) for part in chunks(found, BATCH)]
    return updates


def send_updates(hub, retry, updates):
    """Send each update; [(finding Id, error)] of the findings not updated."""
    failed = []
    for identifiers, status, text in updates:
        try:
            answer = retry(
                hub.batch_update_findings,
                FindingIdentifiers=list(identifiers),
                Workflow={"Status": status},
                Note={"Text": text, "UpdatedBy": UPDATED_BY},
            )
        except Exception as e:  # noqa: BLE001  (every finding of the call is named)
            failed += [(i["Id"], "%s: %s" % (type(e).__name__, e)) for i in identifiers]
            continue
        failed += [
            (u["FindingIdentifier"]["Id"], "%s: %s" % (u["ErrorCode"], u["ErrorMessage"]))
            for u in answer.get("UnprocessedFindings", ())
        ]
    return failed
