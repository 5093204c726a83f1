"""`c7n-vpcflow report OUT --regions R … [--account-id ID …]` (issue 20, item 4) declares
the account-regions that must be present, as `-c accounts.yml` does for c7n-org: two
single-region `custodian run`s into the same `-s out` overwrite each other, and only the
declaration shows the region lost; the README's form (every region in one run) keeps both."""

import json

import pytest

from support.constants import ACCOUNT_ID, OTHER_ACCOUNT_ID
from support.e2e import AUDIT_POLICY, custodian_run
from support.estate import seed_region

pytestmark = pytest.mark.emulator

FIRST, SECOND = "ap-south-1", "us-west-2"
LOST = "no output of this account-region in the tree"


def report(cli, out, *options):
    shown = cli("c7n-vpcflow", "report", out, "--format", "json", *options)
    assert "Traceback" not in shown.stderr, shown.stderr
    data = json.loads(shown.stdout)
    return shown.returncode, {(r["account-id"], r["region"]): r for r in data["accounts"]}


@pytest.fixture
def estate(emulator):
    for region in (FIRST, SECOND):
        seed_region(emulator, region, kinds=("healthy",))


def test_a_region_overwritten_by_a_later_single_region_run_is_not_judged_when_declared(
    estate, cli, tmp_path
):
    out = tmp_path / "out"
    for region in (FIRST, SECOND):  # the same out/<policy>/ twice
        assert custodian_run(cli, out, AUDIT_POLICY, regions=(region,)).returncode == 0

    code, rows = report(cli, out)
    assert (code, list(rows)) == (1, [(ACCOUNT_ID, SECOND)])  # FIRST silently gone

    code, rows = report(cli, out, "--regions", FIRST, SECOND)
    assert code == 3
    assert (rows[ACCOUNT_ID, FIRST]["judged"], rows[ACCOUNT_ID, FIRST]["cause"]) == (False, LOST)
    assert rows[ACCOUNT_ID, SECOND]["judged"] is True


def test_every_region_in_one_run_keeps_them_all(estate, cli, tmp_path):
    out = tmp_path / "out"
    assert custodian_run(cli, out, AUDIT_POLICY, regions=(FIRST, SECOND)).returncode == 0

    code, rows = report(cli, out, "--regions", FIRST, SECOND)

    assert code == 1  # judged: the default VPCs log nothing
    assert {key: row["judged"] for key, row in rows.items()} == {
        (ACCOUNT_ID, FIRST): True,
        (ACCOUNT_ID, SECOND): True,
    }

    code, rows = report(
        cli, out, "--regions", FIRST, SECOND, "--account-id", ACCOUNT_ID, OTHER_ACCOUNT_ID
    )
    assert code == 3
    assert {key for key, row in rows.items() if not row["judged"]} == {
        (OTHER_ACCOUNT_ID, FIRST),
        (OTHER_ACCOUNT_ID, SECOND),
    }
    assert rows[OTHER_ACCOUNT_ID, FIRST]["cause"] == LOST
