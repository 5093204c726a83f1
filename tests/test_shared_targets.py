"""Two VPCs never share what a template names per VPC: where {vpc_name} (or its sanitised
form) collides within an account-region, each VPC that would write there fails, naming the
others, the template and the log group or S3 folder; nothing is created for them, and no
result claims a creation."""

import pytest

from c7n_vpcflow.account import Account
from c7n_vpcflow.audit.inventory import Inventory
from c7n_vpcflow.remediation.account_plan import refuse_shared_targets
from c7n_vpcflow.remediation.settings import Settings
from support.aws import RecordingSession
from support.constants import ACCOUNT_ID, REGION
from support.emulated import flow_logs_of, log_groups_of, new_vpc
from support.model import group, planned
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import read_results

ACCOUNT = Account(ACCOUNT_ID, REGION, "aws")


def vpc(vpc_id, name):
    return {"VpcId": vpc_id, "OwnerId": ACCOUNT_ID, "Tags": [{"Key": "Name", "Value": name}]}


def plans(vpcs, flow_logs=(), groups=(), **keys):
    settings = Settings.from_data(keys)
    inventory = Inventory(list(flow_logs), list(groups))
    return {
        p.vpc_id: p
        for p in refuse_shared_targets(
            [planned(v, inventory, settings, ACCOUNT) for v in vpcs], settings
        )
    }


def test_vpcs_whose_names_collide_fail_naming_each_other_the_template_and_the_group():
    decided = plans(
        [vpc("vpc-1", "prod"), vpc("vpc-2", "prod"), vpc("vpc-3", "dev")],
        **{"log-group-name": "/vpc/flow-logs/{vpc_name}"},
    )
    for vpc_id, other in (("vpc-1", "vpc-2"), ("vpc-2", "vpc-1")):
        p = decided[vpc_id]
        assert p.outcome == "fail" and p.calls == []
        assert other in p.reason and "/vpc/flow-logs/prod" in p.reason
        assert "'/vpc/flow-logs/{vpc_name}'" in p.reason and "{vpc_id}" in p.reason
    assert decided["vpc-3"].outcome == "create"


def test_names_that_sanitise_alike_collide_too():
    decided = plans(
        [vpc("vpc-1", "prod vpc"), vpc("vpc-2", "prod (vpc)")],
        **{"log-group-name": "/vpc/{vpc_name}"},
    )
    assert {p.outcome for p in decided.values()} == {"fail"}


def test_a_sound_vpc_keeps_its_group_and_the_newcomer_of_the_same_name_fails():
    sound = {
        "FlowLogId": "fl-1",
        "ResourceId": "vpc-1",
        "FlowLogStatus": "ACTIVE",
        "DeliverLogsStatus": "SUCCESS",
        "TrafficType": "REJECT",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": "/vpc/prod",
    }
    decided = plans(
        [vpc("vpc-1", "prod"), vpc("vpc-2", "prod")],
        [sound],
        [group("/vpc/prod")],
        **{"log-group-name": "/vpc/{vpc_name}"},
    )
    assert decided["vpc-1"].outcome == "skip"
    assert decided["vpc-2"].outcome == "fail" and "vpc-1" in decided["vpc-2"].reason


def test_s3_prefixes_by_vpc_name_collide_the_same_way():
    decided = plans(
        [vpc("vpc-1", "prod"), vpc("vpc-2", "prod")],
        **{"destination-type": "s3", "bucket": "org-flow-logs", "prefix": "flows/{vpc_name}"},
    )
    for p in decided.values():
        assert p.outcome == "fail" and p.destination_type == "s3"
        assert "prefix 'flows/{vpc_name}'" in p.reason
        assert "arn:aws:s3:::org-flow-logs/flows/prod/" in p.reason


@pytest.mark.parametrize(
    "keys",
    [
        {"log-group-name": "/vpc/flow-logs/shared"},  # shared on purpose
        {"destination-type": "s3", "bucket": "org-flow-logs"},  # one bucket for all
        {"log-group-name": "/vpc/{vpc_name}-{vpc_id}"},  # unique by id
    ],
    ids=["fixed-group", "s3-bucket", "name-and-id"],
)
def test_a_template_that_does_not_name_each_vpc_apart_may_share(keys):
    decided = plans([vpc("vpc-1", "prod"), vpc("vpc-2", "prod")], **keys)
    assert {p.outcome for p in decided.values()} == {"create"}


@pytest.mark.emulator
def test_a_run_creates_nothing_for_colliding_vpcs_and_fixes_the_others(emulator, tmp_path):
    prod = [new_vpc(emulator, "10.%d.0.0/16" % n, name="prod") for n in (1, 2)]
    dev = new_vpc(emulator, "10.3.0.0/16", name="dev")
    with pytest.raises(Exception) as raised:
        run_policy(
            enable_policy(**{"log-group-name": "/vpc/flow-logs/{vpc_name}"}),
            RecordingSession(REGION),
            tmp_path,
        )
    assert all(v in str(raised.value) for v in prod)
    assert "/vpc/flow-logs/prod" not in log_groups_of(emulator)
    assert "/vpc/flow-logs/dev" in log_groups_of(emulator)
    flow_logs = flow_logs_of(emulator)
    assert dev in flow_logs and not any(v in flow_logs for v in prod)
    results = read_results(tmp_path, ENABLE_NAME)
    for vpc_id in prod:
        assert results[vpc_id]["status"] == "failed"
        assert not any("created" in change for change in results[vpc_id].get("changes", []))
    assert results[dev]["status"] == "created"


@pytest.mark.emulator
def test_vpcs_sharing_a_fixed_group_on_purpose_claim_its_creation_once(emulator, tmp_path):
    vpcs = [new_vpc(emulator, "10.%d.0.0/16" % n) for n in (1, 2)]  # and the default VPC
    run_policy(
        enable_policy(filtered=False, **{"log-group-name": "/vpc/flow-logs/all"}),
        RecordingSession(REGION),
        tmp_path,
    )
    results = read_results(tmp_path, ENABLE_NAME)
    claims = [
        v
        for v in results
        if any(c.startswith("created log group /vpc/flow-logs/all ") for c in results[v]["changes"])
    ]
    assert set(vpcs) < set(results) and len(claims) == 1
    for vpc_id in set(results) - set(claims):
        assert any("shared with %s" % claims[0] in c for c in results[vpc_id]["changes"])
        assert all(
            f["LogGroupName"] == "/vpc/flow-logs/all" for f in flow_logs_of(emulator)[vpc_id]
        )
