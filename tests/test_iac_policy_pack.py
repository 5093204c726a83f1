"""The shift-left policy pack itself: each policy passes its c7n-left test harness case
and c7n-left's schema, and carries the shared CIS compliance tag (as the live ones do).
Needs the `iac` extra (c7n-left, tfparse); skipped without it.
"""

import shutil
import sys
from pathlib import Path

import pytest
import yaml

from support.constants import ROOT
from support.iac import C7N_LEFT, MISSING, OPT_IN_DIR, POLICY_DIR, RETENTION, TAG, TRAFFIC, run

pytest.importorskip("c7n_left")
pytestmark = pytest.mark.iac

if not Path(C7N_LEFT).exists():
    pytest.skip("no c7n-left beside this Python", allow_module_level=True)


@pytest.mark.parametrize("policy_dir, count", [(POLICY_DIR, 2), (OPT_IN_DIR, 1)])
def test_c7n_left_test_harness(policy_dir, count):
    """`c7n-left test -p policies/iac[/opt-in]`: each policy against its tests/<name>/
    (the opt-in one at its default minimum, 365 days)."""
    proc = run(C7N_LEFT, "test", "-p", str(policy_dir))
    assert proc.returncode == 0, proc.stdout
    assert f"Discovered {count} Tests" in proc.stdout and "Untested" not in proc.stdout
    assert proc.stdout.count("Success") == count


def test_c7n_left_test_harness_catches_a_wrong_expectation(tmp_path):
    shutil.copytree(POLICY_DIR, tmp_path / "iac")
    plan = tmp_path / "iac" / "tests" / MISSING / "left.plan.yaml"
    plan.write_text(yaml.safe_dump(yaml.safe_load(plan.read_text())[:1]))
    proc = run(C7N_LEFT, "test", "-p", str(tmp_path / "iac"))
    assert proc.returncode == 1 and "1 findings unmatched" in proc.stdout


def load_policies(*paths):
    return [p for path in paths for p in yaml.safe_load(path.read_text())["policies"]]


def test_policies_pass_c7n_left_schema_validation():
    # `c7n-left validate -p policies/iac` also reads the test plans under tests/ (and
    # rejects them): validate the policy files themselves, in a child process.
    files = sorted(map(str, [*POLICY_DIR.glob("*.yml"), *OPT_IN_DIR.glob("*.yml")]))
    code = (
        "import sys; from c7n_left.validate import validate_files; "
        "errors = validate_files(sys.argv[1:]); print(errors); sys.exit(bool(errors))"
    )
    proc = run(sys.executable, "-c", code, *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_policy_has_a_harness_case_and_the_shared_compliance_tag():
    policies = load_policies(*POLICY_DIR.glob("*.yml"))
    opt_in = load_policies(*OPT_IN_DIR.glob("*.yml"))
    assert {p["name"] for p in policies} == {MISSING, TRAFFIC}
    assert {p["name"] for p in opt_in} == {RETENTION}
    assert {d.name for d in (POLICY_DIR / "tests").iterdir()} == {MISSING, TRAFFIC}
    assert {d.name for d in (OPT_IN_DIR / "tests").iterdir()} == {RETENTION}
    for p in policies + opt_in:
        assert p["metadata"]["compliance"] == [TAG], p["name"]
        assert "\n" not in p["description"] and "," not in p["metadata"]["title"]


def test_live_policies_carry_the_same_compliance_tag():
    live = load_policies(*sorted((Path(ROOT) / "policies").glob("*.yml")))
    tagged = [p for p in live if "compliance" in p.get("metadata", {})]
    if not tagged:
        pytest.skip("the live policies carry no metadata.compliance yet")
    for p in live:
        assert TAG in p.get("metadata", {}).get("compliance", []), p["name"]
