"""`c7n-vpcflow report` checks the exemptions a file cites before it counts (issue 20's
rule applied to issue 23's exempt verdicts): an exempt VPC fails no gate, so no hand edit
may make one. Each edit is refused naming the file and the problem.

One stock `custodian run` of the enable policy with an exemption register over two regions:
in the first, the VPC without flow logs exempt (entry 1), the ACCEPT-only one's exemption
expired three days ago (entry 2, fixed all the same), the healthy one's unneeded (entry 3);
the default VPC has none. Then one edit per case, read by the report's own tree reader.
"""

import copy
import shutil

import pytest
import yaml
from test_exemption_filter import entry, write_register
from test_report_checks import (
    REGION,
    RESULTS,
    VERDICTS,
    assert_refused,
    edit,
    enable_run,
    path_of,
    report,
)

from c7n_vpcflow.report.tree import open_source, read_tree
from support.constants import ACCOUNT_ID
from support.e2e import ENABLE_POLICY

pytestmark = [pytest.mark.emulator, pytest.mark.tampered_evidence]

EXEMPT, EXPIRED, UNNEEDED, NONE = "bare", "accept_only", "healthy", "default"
LONG_AGO, FAR_AHEAD = "2020-01-01", "2099-12-31"


def exempting_policy(root, vpcs):
    """The shipped enable policy, its filter naming a register for the VPCs of REGION."""
    register = write_register(
        root / "exemptions.yml",
        entry(vpcs[EXEMPT], 30),
        entry(vpcs[EXPIRED], -3),
        entry(vpcs[UNNEEDED], 60),
    )
    with open(ENABLE_POLICY) as f:
        policies = yaml.safe_load(f)
    policies["policies"][0]["filters"][0]["exemptions"] = register
    path = root / "enable.yml"
    path.write_text(yaml.safe_dump(policies))
    return str(path)


@pytest.fixture(scope="module")
def exempting(moto_server, tmp_path_factory):
    return enable_run(moto_server, tmp_path_factory.mktemp("exempting"), exempting_policy)


@pytest.fixture
def tree(exempting, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(exempting[0], out)
    return out


@pytest.fixture
def vpcs(exempting):
    return exempting[1]


def refusals(out):
    """What the report's tree reader refuses in the tree, one line each."""
    runs, _notes, _history = read_tree([open_source(str(out))])
    return [line for run in runs for line in run.corrupt]


def test_the_untouched_tree_counts_its_exempt_vpc_apart_and_passes(cli, tree, vpcs):
    assert refusals(tree) == []
    code, data, stderr = report(cli, tree)
    assert (code, stderr) == (0, [])
    [row] = [r for r in data["accounts"] if r["region"] == REGION]
    assert (row["vpcs"], row["fixed"], row["exempt"]) == (4, 2, 1)
    statuses = {v["vpc-id"]: v["status"] for v in data["vpcs"] if v["region"] == REGION}
    assert statuses[vpcs[EXEMPT]] == "exempt"


def verdict_of(data, vpcs, kind):
    return next(v for v in data["judged"] if v["vpc-id"] == vpcs[kind])


def result_of(data, vpcs, kind):
    return next(r for r in data["results"] if r["vpc-id"] == vpcs[kind])


def exempt_without_violations(data, vpcs):
    verdict_of(data, vpcs, EXEMPT)["violations"] = []


def exempt_without_its_exemption(data, vpcs):
    verdict_of(data, vpcs, EXEMPT)["exemption"] = None


def made_exempt_citing_another_vpcs_exemption(data, vpcs):
    forged = verdict_of(data, vpcs, NONE)
    forged.update(
        status="exempt", exemption=copy.deepcopy(verdict_of(data, vpcs, EXEMPT)["exemption"])
    )


def made_exempt_citing_an_entry_of_another_vpc(data, vpcs):
    made_exempt_citing_another_vpcs_exemption(data, vpcs)
    verdict_of(data, vpcs, NONE)["exemption"]["vpc-id"] = vpcs[NONE]


def made_exempt_citing_an_entry_beyond_the_register(data, vpcs):
    made_exempt_citing_an_entry_of_another_vpc(data, vpcs)
    verdict_of(data, vpcs, NONE)["exemption"]["entry"] = 4


def exemption_of_another_account(data, vpcs):
    verdict_of(data, vpcs, EXEMPT)["exemption"]["account-id"] = "111111111111"


def exemption_of_another_region(data, vpcs):
    verdict_of(data, vpcs, EXEMPT)["exemption"]["region"] = "eu-west-1"


def exempt_past_its_expiry(data, vpcs):
    verdict_of(data, vpcs, EXEMPT)["exemption"]["expires"] = LONG_AGO


def exempt_beyond_max_exemption_days(data, vpcs):
    verdict_of(data, vpcs, EXEMPT)["exemption"]["expires"] = FAR_AHEAD


def no_register_recorded(data, vpcs):
    data["register"] = None


def register_of_fewer_entries(data, vpcs):
    data["register"]["entries"] = 1


def expired_reason_without_an_exemption(data, vpcs):
    verdict_of(data, vpcs, NONE)["violations"].append("exemption-expired")


def expired_reason_beside_a_current_exemption(data, vpcs):
    verdict_of(data, vpcs, EXEMPT)["violations"].append("exemption-expired")


def expired_exemption_still_current(data, vpcs):
    verdict_of(data, vpcs, EXPIRED)["exemption"]["expires"] = FAR_AHEAD


def expired_exemption_without_its_reason(data, vpcs):
    verdict_of(data, vpcs, EXPIRED)["violations"].remove("exemption-expired")


def unneeded_exemption_of_a_non_compliant_vpc(data, vpcs):
    verdict_of(data, vpcs, UNNEEDED).update(
        status="non-compliant", compliant=False, violations=["missing"]
    )


def skipped_as_exempt(result):
    result.update(
        status="skipped",
        reason="exempt until %s: vendor-managed VPC (approved by x; entry 1 of the "
        "exemption register)" % FAR_AHEAD,
        changes=[],
    )


def non_compliant_result_skipped_as_exempt(data, vpcs):
    skipped_as_exempt(result_of(data, vpcs, NONE))


def skipped_as_exempt_without_the_verdict_it_carried(data, vpcs):
    non_compliant_result_skipped_as_exempt(data, vpcs)
    result_of(data, vpcs, NONE).pop("verdict")


def event_result_skipped_as_exempt_without_a_verdict(data, vpcs):
    skipped_as_exempt_without_the_verdict_it_carried(data, vpcs)
    data["event"] = True


def skipped_until_another_date(data, vpcs):
    result = result_of(data, vpcs, EXEMPT)
    result["reason"] = result["reason"].replace(
        result["verdict"]["exemption"]["expires"], FAR_AHEAD
    )


def carried_verdict_exempt_past_its_expiry(data, vpcs):
    result_of(data, vpcs, EXEMPT)["verdict"]["exemption"]["expires"] = LONG_AGO


@pytest.mark.parametrize(
    "name,change,problem",
    [
        (VERDICTS, exempt_without_violations, "judged/"),
        (VERDICTS, exempt_without_its_exemption, "judged/"),
        (VERDICTS, made_exempt_citing_another_vpcs_exemption, "cites the exemption of vpc-"),
        (
            VERDICTS,
            made_exempt_citing_an_entry_of_another_vpc,
            "cites entry 1 of the exemption register for vpc-",
        ),
        (
            VERDICTS,
            made_exempt_citing_an_entry_beyond_the_register,
            "cites entry 4 of an exemption register recorded as holding 3",
        ),
        (
            VERDICTS,
            exemption_of_another_account,
            "cites an exemption for account 111111111111, but the file says %s" % ACCOUNT_ID,
        ),
        (
            VERDICTS,
            exemption_of_another_region,
            "cites an exemption for region eu-west-1, but the file says %s" % REGION,
        ),
        (
            VERDICTS,
            exempt_past_its_expiry,
            "is exempt under an exemption that expired %s, before the run's day" % LONG_AGO,
        ),
        (
            VERDICTS,
            exempt_beyond_max_exemption_days,
            "cites an exemption until %s, " % FAR_AHEAD,
        ),
        (VERDICTS, no_register_recorded, "cites exemptions (for vpc-"),
        (
            VERDICTS,
            register_of_fewer_entries,
            "cites entry 3 of an exemption register recorded as holding 1",
        ),
        (
            VERDICTS,
            expired_reason_without_an_exemption,
            "has the reason exemption-expired without an expired exemption",
        ),
        (
            VERDICTS,
            expired_reason_beside_a_current_exemption,
            "has the reason exemption-expired without an expired exemption",
        ),
        (
            VERDICTS,
            expired_exemption_still_current,
            "has an exemption marked expired that runs until %s" % FAR_AHEAD,
        ),
        (
            VERDICTS,
            expired_exemption_without_its_reason,
            "has an expired exemption without the reason exemption-expired",
        ),
        (
            VERDICTS,
            unneeded_exemption_of_a_non_compliant_vpc,
            "is non-compliant but its exemption is marked unneeded",
        ),
        (
            RESULTS,
            non_compliant_result_skipped_as_exempt,
            "skipped as exempt until %s, but the verdict it carries judges it non-compliant"
            % FAR_AHEAD,
        ),
        (
            RESULTS,
            skipped_as_exempt_without_the_verdict_it_carried,
            "but the run's flow-log-compliance.json judges it non-compliant",
        ),
        (RESULTS, event_result_skipped_as_exempt_without_a_verdict, "but it carries no verdict"),
        (
            RESULTS,
            skipped_until_another_date,
            "skipped as exempt until %s, but the verdict it carries gives its exemption until"
            % FAR_AHEAD,
        ),
        (RESULTS, carried_verdict_exempt_past_its_expiry, "carries a verdict: vpc-"),
    ],
    ids=lambda case: getattr(case, "__name__", None),
)
def test_an_edited_exemption_is_refused_naming_the_file_and_the_problem(
    tree, vpcs, name, change, problem
):
    edit(tree, name, lambda data: change(data, vpcs))

    [refused] = refusals(tree)
    assert refused.startswith(path_of(tree, name) + ": "), refused
    assert problem in refused, refused


def test_a_non_compliant_vpc_edited_exempt_fails_the_gate_as_corrupt_evidence(cli, tree, vpcs):
    # Valid under the schema: only the check of the exemption it cites refuses it.
    edit(tree, VERDICTS, lambda data: made_exempt_citing_an_entry_of_another_vpc(data, vpcs))

    assert_refused(cli, tree, path_of(tree, VERDICTS), "cites entry 1 of the exemption register")


def test_a_result_edited_to_exempt_fails_the_gate_as_corrupt_evidence(cli, tree, vpcs):
    edit(tree, RESULTS, lambda data: skipped_as_exempt_without_the_verdict_it_carried(data, vpcs))

    assert_refused(cli, tree, path_of(tree, RESULTS), "skipped as exempt until %s" % FAR_AHEAD)
