"""Security Hub and exemptions (issue 23, item 5): an exempt VPC's finding stays FAILED, its
workflow SUPPRESSED with a note (reason, approver, ticket, expiry); back to NEW once the
exemption has expired or left the register. BatchImportFindings may not change Workflow or
Note once a finding exists (botocore's model), so BatchUpdateFindings does; the emulator
(moto 5.2) has no BatchUpdateFindings: recorded answers, attached to a real session."""

from test_exemption_filter import ACCOUNT, REGION, V, entry, write_register

from c7n_vpcflow.securityhub.workflow import UPDATED_BY, workflow_updates
from c7n_vpcflow.vocabulary import EXEMPTION, VIOLATIONS
from support.policy import run_policy


def finding_of(vpc_id):
    return {
        "Id": "arn:aws:securityhub:%s:%s:c7n-vpcflow/cis-vpc-flow-logs/%s"
        % (REGION, ACCOUNT, vpc_id),
        "ProductArn": "arn:aws:securityhub:%s:%s:product/%s/default" % (REGION, ACCOUNT, ACCOUNT),
    }


def test_exempt_findings_are_suppressed_with_a_note_and_renewed_when_no_longer_exempt(
    flight_data, tmp_path
):
    # Recorded before this run: missing NEW; inactive and accept suppressed by this action;
    # delivery suppressed by a person.
    register = write_register(
        tmp_path / "exemptions.yml", entry(V["missing"], 20), entry(V["inactive"], -5)
    )
    flight = flight_data()
    run_policy(
        {
            "name": "vpc-flow-logs-securityhub",
            "resource": "aws.vpc",
            "filters": [{"type": "flow-log-compliance", "match": "all", "exemptions": register}],
            "actions": [{"type": "flow-log-finding"}],
        },
        flight,
        tmp_path / "out",
    )

    [imported] = flight.params("securityhub.BatchImportFindings")
    exempt = next(f for f in imported["Findings"] if f["Id"] == finding_of(V["missing"])["Id"])
    assert exempt["Compliance"]["Status"] == "FAILED"
    updates = flight.params("securityhub.BatchUpdateFindings")
    until, expired = entry(V["missing"], 20)["expires"], entry(V["inactive"], -5)["expires"]
    assert updates == [
        {
            "FindingIdentifiers": [finding_of(V["missing"])],
            "Workflow": {"Status": "SUPPRESSED"},
            "Note": {
                "Text": "Exempt until %s (exemption register, entry 1): vendor-managed VPC; "
                "approved by jane.doe@example.com; ticket SEC-4411." % until,
                "UpdatedBy": UPDATED_BY,
            },
        },
        {
            "FindingIdentifiers": [finding_of(V["inactive"])],
            "Workflow": {"Status": "NEW"},
            "Note": {
                "Text": "No longer exempt: its exemption expired on %s." % expired,
                "UpdatedBy": UPDATED_BY,
            },
        },
        {
            "FindingIdentifiers": [finding_of(V["accept"])],
            "Workflow": {"Status": "NEW"},
            "Note": {
                "Text": "No longer exempt: the exemption register has no entry for it.",
                "UpdatedBy": UPDATED_BY,
            },
        },
    ]
    # The finding a person suppressed is theirs: not touched.
    assert finding_of(V["delivery"]) not in [i for u in updates for i in u["FindingIdentifiers"]]


def exempt_vpc(vpc_id, status="exempt"):
    return {
        "VpcId": vpc_id,
        VIOLATIONS: ["missing"],
        EXEMPTION: {
            "expires": "2027-01-31",
            "entry": 1,
            "reason": "lab",
            "approved-by": "sec@example.com",
            "ticket": None,
            "status": status,
        },
    }


def test_a_suppression_already_in_place_costs_no_call_and_many_renewals_go_100_a_call():
    note = (
        "Exempt until 2027-01-31 (exemption register, entry 1): lab; approved by sec@example.com."
    )
    earlier = {
        "vpc-1": {
            "Workflow": {"Status": "SUPPRESSED"},
            "Note": {"Text": note, "UpdatedBy": UPDATED_BY},
        }
    }
    assert workflow_updates([exempt_vpc("vpc-1")], earlier, finding_of) == []
    renewed = ["vpc-%03d" % n for n in range(150)]
    earlier = {
        v: {"Workflow": {"Status": "SUPPRESSED"}, "Note": {"Text": note, "UpdatedBy": UPDATED_BY}}
        for v in renewed
    }
    updates = workflow_updates(
        [{"VpcId": v, VIOLATIONS: ["missing"]} for v in renewed], earlier, finding_of
    )
    assert [(len(ids), status) for ids, status, _note in updates] == [(100, "NEW"), (50, "NEW")]


def test_a_long_note_is_cut_to_what_security_hub_keeps():
    vpc = exempt_vpc("vpc-1")
    vpc[EXEMPTION]["reason"] = "r" * 600
    [(_ids, _status, note)] = workflow_updates([vpc], {}, finding_of)
    assert len(note) == 512 and note.endswith("…")


def test_a_finding_suppressed_for_an_exemption_is_resolved_once_its_vpc_complies():
    note = "Exempt until 2027-01-31 (exemption register, entry 1): lab; approved by x."
    earlier = {
        v: {"Workflow": {"Status": "SUPPRESSED"}, "Note": {"Text": note, "UpdatedBy": by}}
        for v, by in (("vpc-ours", UPDATED_BY), ("vpc-theirs", "jane"))
    }
    complies = [
        dict(exempt_vpc(v, status="unneeded"), **{VIOLATIONS: []})
        for v in ("vpc-ours", "vpc-theirs")
    ]
    assert workflow_updates(complies, earlier, finding_of) == [
        ([finding_of("vpc-ours")], "RESOLVED", "No longer exempt: the VPC complies.")
    ]
