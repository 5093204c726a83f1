"""`c7n-vpcflow report` checks every evidence file it reads (issue 20, item 3): against its
published schema and against the run it was found in. A hand-edited or inconsistent file
is never counted: exit 4 and one stderr line naming the file and what is wrong.

One stock `custodian run` of the enable policy over two regions, then one edit per case.
"""

import json
import os
import shutil

import pytest

from support.cli import Cli
from support.constants import ACCOUNT_ID, REGIONS
from support.e2e import AUDIT_POLICY, ENABLE_POLICY, custodian_run
from support.estate import seed_region
from support.evidence import bucket_evidence_problems
from support.hermetic import hermetic_environ
from support.report_runs import BUCKET, keys

pytestmark = [pytest.mark.emulator, pytest.mark.tampered_evidence]

ENABLE = "vpc-flow-logs-enable"
KINDS = ("bare", "healthy", "accept_only", "default")  # 3 non-compliant of 4, all fixed
REGION = REGIONS[0]
VERDICTS, RESULTS = "flow-log-compliance.json", "flow-log-results.json"
STRANGER = "vpc-0123456789abcdef0"


def enable_run(moto_server, root, policy_file=lambda root, vpcs: ENABLE_POLICY):
    """(the output tree, {kind: VPC id} of REGION) of one enable run over two regions of
    the VPCs of KINDS; `policy_file(root, vpcs)` names the policy file run."""
    with hermetic_environ(root / "home"), pytest.MonkeyPatch.context() as env:
        moto_server.reset()
        env.setenv("AWS_ENDPOINT_URL", moto_server.endpoint)
        env.setenv("AWS_MAX_ATTEMPTS", "2")
        vpcs = {region: seed_region(moto_server, region, kinds=KINDS).vpcs for region in REGIONS}
        policy = policy_file(root, vpcs[REGION])
        ran = custodian_run(Cli(root), root / "out", policy, regions=REGIONS)
    assert ran.returncode == 0, ran.stderr
    return root / "out", vpcs[REGION]


@pytest.fixture(scope="module")
def pristine(moto_server, tmp_path_factory):
    """The output tree of one enable run over two regions, every VPC fixed."""
    return enable_run(moto_server, tmp_path_factory.mktemp("pristine"))[0]


@pytest.fixture
def tree(pristine, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(pristine, out)
    return out


def path_of(out, name, region=REGION):
    return os.path.join(str(out), region, ENABLE, name)


def edit(out, name, change, region=REGION):
    with open(path_of(out, name, region)) as f:
        data = json.load(f)
    change(data)
    with open(path_of(out, name, region), "w") as f:
        json.dump(data, f)


def report(cli, out, *options):
    shown = cli("c7n-vpcflow", "report", out, "--format", "json", *options)
    assert "Traceback" not in shown.stderr, shown.stderr
    return shown.returncode, json.loads(shown.stdout), shown.stderr.splitlines()


def assert_refused(cli, out, path, problem, *options):
    """Exit 4; one stderr line names the file and the problem; its row is not judged."""
    code, data, stderr = report(cli, out, *options)
    assert code == 4, stderr
    named = [line for line in stderr if path in line]
    assert len(named) == 1 and "corrupt evidence" in named[0], stderr
    assert problem in named[0], named[0]
    assert stderr[-1].endswith("exit 4: corrupt evidence")
    refused = [r for r in data["accounts"] if path in (r["cause"] or "")]
    assert [(r["judged"], r["vpcs"]) for r in refused] == [(False, None)], data["accounts"]
    return data


def non_compliant_entry(data):
    return next(v for v in data["judged"] if v["violations"])


def test_the_untouched_tree_is_judged_and_passes(cli, tree):
    code, data, stderr = report(cli, tree)
    assert (code, stderr) == (0, [])
    assert [(r["region"], r["vpcs"], r["fixed"]) for r in data["accounts"]] == [
        ("eu-west-1", 4, 3),
        ("us-east-1", 4, 3),
    ]


def emptied_violations(data):
    non_compliant_entry(data)["violations"] = []


def emptied_verdict(data):
    data["judged"] = []


def duplicated_vpc(data):
    data["judged"].append(dict(data["judged"][0]))


def compliant_with_violations(data):
    next(v for v in data["judged"] if v["violations"])["compliant"] = True


def another_account(data):
    data["account-id"] = "111111111111"


def unknown_status(data):
    data["results"][0]["status"] = "fixed-somehow"


def stranger_result(data):
    stranger = dict(data["results"][0], **{"vpc-id": STRANGER})
    stranger.pop("verdict")  # of the VPC it was copied from
    data["results"].append(stranger)


def result_with_another_vpcs_verdict(data):
    data["results"][0]["verdict"]["vpc-id"] = STRANGER


def result_of_another_region(data):
    data["results"][0]["region"] = "eu-west-1"


def result_without_error(data):
    data["results"][0].update(status="failed", error=None)


@pytest.mark.parametrize(
    "name,change,problem",
    [
        (VERDICTS, emptied_violations, "judged/"),
        (VERDICTS, compliant_with_violations, "judged/"),
        (VERDICTS, emptied_verdict, "names 0 VPCs, but the run kept 3"),
        (VERDICTS, duplicated_vpc, "more than once"),
        (
            VERDICTS,
            another_account,
            "says account 111111111111, but metadata.json says %s" % ACCOUNT_ID,
        ),
        (RESULTS, unknown_status, "'fixed-somehow' is not one of"),
        (
            RESULTS,
            stranger_result,
            "has results for %s, which this run neither judged nor kept" % STRANGER,
        ),
        (RESULTS, result_of_another_region, "results of another account-region"),
        (RESULTS, result_with_another_vpcs_verdict, "whose verdict names another VPC"),
        (RESULTS, result_without_error, "results/0/error"),
    ],
    ids=lambda case: getattr(case, "__name__", None),
)
def test_an_edited_file_is_refused_naming_it_and_the_problem(cli, tree, name, change, problem):
    edit(tree, name, change)

    assert_refused(cli, tree, path_of(tree, name), problem)


def test_a_verdict_in_another_regions_folder_is_refused(cli, tree):
    # The files and metadata.json agree with each other, not with the folder they are in.
    for name in (VERDICTS, RESULTS):
        edit(tree, name, lambda data: data.update(region="us-west-2"))
        edit(
            tree, name, lambda data: [r.update(region="us-west-2") for r in data.get("results", ())]
        )
    edit(tree, "metadata.json", lambda data: data["config"].update(region="us-west-2"))

    assert_refused(
        cli, tree, path_of(tree, VERDICTS), "says region us-west-2, but its folder says us-east-1"
    )


def test_evidence_in_another_accounts_folder_of_the_evidence_layout_is_refused(cli, tree):
    layout = tree / "vpc-flow-logs" / "111111111111"
    layout.mkdir(parents=True)
    shutil.move(str(tree / REGION), str(layout / REGION))

    assert_refused(
        cli,
        tree / "vpc-flow-logs",
        str(layout / REGION / ENABLE / VERDICTS),
        "says account %s, but its folder says 111111111111" % ACCOUNT_ID,
    )


def test_evidence_under_an_account_name_of_another_account_is_refused_with_the_accounts_file(
    cli, tree, tmp_path
):
    named = tree / "network-prod"
    named.mkdir()
    shutil.move(str(tree / REGION), str(named / REGION))
    accounts = tmp_path / "accounts.yml"
    accounts.write_text(
        "accounts: [{name: network-prod, account_id: '111111111111', regions: [%s]}]\n" % REGION
    )
    assert report(cli, named)[0] == 0  # nothing else says whose folder this is

    assert_refused(
        cli,
        tree,
        str(named / REGION / ENABLE / VERDICTS),
        "says account %s, but the accounts file gives its folder network-prod "
        "account 111111111111" % ACCOUNT_ID,
        "-c",
        accounts,
    )


def test_evidence_under_another_accounts_s3_key_is_refused(emulator, cli):
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    seed_region(emulator, REGION, kinds=("bare", "healthy"))
    layout = (
        "s3://%s/vpc-flow-logs/{account_id}/{region}/{policy_name}/{now:%%Y/%%m/%%d/%%H}"
        "?region=us-east-1" % BUCKET
    )
    assert custodian_run(cli, layout, AUDIT_POLICY, regions=(REGION,)).returncode == 0
    assert not bucket_evidence_problems(s3, BUCKET)
    for key in keys(s3, "vpc-flow-logs/"):
        moved = key.replace("/%s/" % ACCOUNT_ID, "/111111111111/")
        s3.copy_object(Bucket=BUCKET, Key=moved, CopySource={"Bucket": BUCKET, "Key": key})
        s3.delete_object(Bucket=BUCKET, Key=key)
    [verdict] = [k for k in keys(s3, "vpc-flow-logs/") if VERDICTS in k]

    assert_refused(
        cli,
        "s3://%s/vpc-flow-logs" % BUCKET,
        "s3://%s/%s" % (BUCKET, verdict),
        "says account %s, but its folder says 111111111111" % ACCOUNT_ID,
    )
