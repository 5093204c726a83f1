"""`c7n-vpcflow report` is a gate (issue 11, items 3, 4 and 6): its exit code says whether
every account-region was judged and every non-compliant VPC fixed; results a later run did
not rewrite are not counted; the latest judged run counts and says when it ran; a corrupt
file is named in one line, never a traceback. The stock `custodian run` on the emulator.
"""

import json
import os

import pytest

from c7n_vpcflow.report.overall import Gate
from localaws.wire import error
from support.constants import REGION, ROOT
from support.e2e import AUDIT_POLICY, ENABLE_POLICY, custodian_run, output_dir
from support.estate import seed_region

AUDIT, ENABLE = "vpc-flow-logs-audit", "vpc-flow-logs-enable"
KINDS = ("bare", "healthy", "accept_only", "default")  # 3 non-compliant of 4


def run(cli, out, policy_file):
    return custodian_run(cli, out, policy_file, regions=(REGION,))


def report(cli, out, *options):
    """(exit code, parsed JSON report, stderr lines) of `c7n-vpcflow report`."""
    shown = cli("c7n-vpcflow", "report", out, "--format", "json", *options)
    assert "Traceback" not in shown.stderr, shown.stderr
    return shown.returncode, json.loads(shown.stdout), shown.stderr.splitlines()


def evidence(out, policy, name):
    return os.path.join(output_dir(out, REGION, policy, regions=(REGION,)), name)


def load(out, policy, name):
    with open(evidence(out, policy, name)) as f:
        return json.load(f)


def deny_log_group_of(vpc_id):
    return lambda call: (
        error(call, "AccessDeniedException", "not authorized")
        if (
            call.operation == "CreateLogGroup"
            and call.params.get("logGroupName") == "/vpc/flow-logs/" + vpc_id
        )
        else None
    )


@pytest.mark.emulator
def test_exit_1_while_vpcs_remain_non_compliant_then_0_once_all_are_fixed(emulator, cli, tmp_path):
    seed_region(emulator, REGION, kinds=KINDS)
    assert run(cli, tmp_path / "audit", AUDIT_POLICY).returncode == 0

    code, data, stderr = report(cli, tmp_path / "audit")
    assert code == 1 and stderr[-1].endswith("exit 1: VPCs remain non-compliant or failed")
    [row] = data["accounts"]
    assert (row["judged"], row["non-compliant"], row["fixed"]) == (True, 3, 0)

    assert run(cli, tmp_path / "enable", ENABLE_POLICY).returncode == 0
    code, data, stderr = report(cli, tmp_path / "enable")
    assert (code, stderr) == (0, [])
    [row] = data["accounts"]
    assert (row["judged"], row["non-compliant"], row["fixed"], row["failed"]) == (True, 3, 3, 0)


@pytest.mark.emulator
def test_exit_1_when_a_fix_failed(emulator, fault_proxy, cli, tmp_path):
    estate = seed_region(emulator, REGION, kinds=KINDS)
    fault_proxy.rules.append(deny_log_group_of(estate.vpcs["bare"]))

    assert run(cli, tmp_path / "out", ENABLE_POLICY).returncode != 0

    code, data, _stderr = report(cli, tmp_path / "out")
    assert code == 1
    [row] = data["accounts"]
    assert (row["non-compliant"], row["fixed"], row["failed"]) == (3, 2, 1)
    assert row["failures"][0]["vpc-id"] == estate.vpcs["bare"]


@pytest.mark.emulator
def test_a_later_run_with_nothing_to_do_makes_earlier_failures_stale(
    emulator, fault_proxy, cli, tmp_path
):
    estate = seed_region(emulator, REGION, kinds=KINDS)
    rule = deny_log_group_of(estate.vpcs["bare"])
    fault_proxy.rules.append(rule)
    out = tmp_path / "out"
    assert run(cli, out, ENABLE_POLICY).returncode != 0
    assert report(cli, out)[1]["accounts"][0]["failed"] == 1
    # The user fixes the last VPC some other way; the same policy then finds nothing to do.
    fault_proxy.rules.remove(rule)
    assert run(cli, tmp_path / "elsewhere", ENABLE_POLICY).returncode == 0
    stale = load(out, ENABLE, "flow-log-results.json")

    assert run(cli, out, ENABLE_POLICY).returncode == 0

    assert load(out, ENABLE, "flow-log-results.json") == stale  # left behind
    metadata = load(out, ENABLE, "metadata.json")
    assert stale["execution-id"] != metadata["execution"]["id"]
    code, data, _stderr = report(cli, out)
    assert code == 0
    [row] = data["accounts"]
    assert (row["vpcs"], row["non-compliant"], row["fixed"], row["failed"]) == (4, 0, 0, 0)
    assert row["failures"] == []
    assert row["judged-at"] == load(out, ENABLE, "flow-log-compliance.json")["started"]


@pytest.mark.emulator
def test_the_latest_judged_run_of_an_account_region_counts_and_says_when_it_ran(
    emulator, cli, tmp_path
):
    seed_region(emulator, REGION, kinds=KINDS)
    assert run(cli, tmp_path / "out" / "1-audit", AUDIT_POLICY).returncode == 0
    assert run(cli, tmp_path / "out" / "2-enable", ENABLE_POLICY).returncode == 0
    assert run(cli, tmp_path / "out" / "3-audit", AUDIT_POLICY).returncode == 0
    last = load(tmp_path / "out" / "3-audit", AUDIT, "flow-log-compliance.json")

    code, data, _stderr = report(cli, tmp_path / "out")
    assert code == 0
    [row] = data["accounts"]
    assert (row["vpcs"], row["non-compliant"]) == (4, 0)
    assert row["judged-at"] == last["started"]
    markdown = cli("c7n-vpcflow", "report", tmp_path / "out").stdout
    assert last["started"][:19].replace("T", " ") + " UTC" in markdown

    # Without the last audit, the enable run (after the first audit) counts, with its fixes.
    code, data, _stderr = report(cli, tmp_path / "out" / "2-enable")
    assert code == 0 and data["accounts"][0]["fixed"] == 3


@pytest.mark.emulator
def test_a_rerun_that_failed_before_judging_leaves_the_account_region_not_judged(
    emulator, fault_proxy, cli, tmp_path
):
    seed_region(emulator, REGION, kinds=KINDS)
    out = tmp_path / "out"
    assert run(cli, out, AUDIT_POLICY).returncode == 0
    fault_proxy.rules.append(
        lambda call: (
            error(
                call, "UnauthorizedOperation", "You are not authorized to perform this operation."
            )
            if call.operation == "DescribeVpcs"
            else None
        )
    )

    assert run(cli, out, AUDIT_POLICY).returncode != 0

    code, data, stderr = report(cli, out)
    assert code == 3 and stderr[-1].endswith("exit 3: some account-region was not judged")
    [row] = data["accounts"]
    assert (row["judged"], row["vpcs"], row["non-compliant"]) == (False, None, None)
    assert "earlier run" in row["cause"] and "UnauthorizedOperation" in row["cause"]


@pytest.mark.emulator
@pytest.mark.tampered_evidence
@pytest.mark.parametrize(
    "name,content",
    [
        ("flow-log-compliance.json", None),  # truncated
        ("flow-log-results.json", None),
        ("metadata.json", "[]"),  # valid JSON, not what Custodian writes
    ],
)
def test_corrupt_evidence_is_named_in_one_line_and_exits_4(emulator, cli, tmp_path, name, content):
    seed_region(emulator, REGION, kinds=KINDS)
    out = tmp_path / "out"
    assert run(cli, out, ENABLE_POLICY).returncode == 0
    path = evidence(out, ENABLE, name)
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text[: len(text) // 2] if content is None else content)

    code, data, stderr = report(cli, out)

    assert code == 4
    named = [line for line in stderr if path in line]
    assert len(named) == 1 and "corrupt evidence" in named[0], stderr
    assert stderr[-1].endswith("exit 4: corrupt evidence")
    [row] = data["accounts"]
    assert row["judged"] is False and row["vpcs"] is None and path in row["cause"]


def without_format(data):
    """A file as c7n-vpcflow wrote it before files said their format and settings."""
    return {k: v for k, v in data.items() if k not in ("format", "settings", "policy", "versions")}


@pytest.mark.emulator
@pytest.mark.tampered_evidence
def test_evidence_of_an_older_or_unknown_format_is_not_counted(emulator, cli, tmp_path):
    seed_region(emulator, REGION, kinds=KINDS)
    out = tmp_path / "out"
    assert run(cli, out, ENABLE_POLICY).returncode == 0
    results, verdicts = (
        evidence(out, ENABLE, name)
        for name in ("flow-log-results.json", "flow-log-compliance.json")
    )
    written = load(out, ENABLE, "flow-log-results.json")
    for older in (
        written["results"],  # the list written before runs had ids
        without_format(written),
    ):  # before files said their settings
        with open(results, "w") as f:
            json.dump(older, f)

        code, data, stderr = report(cli, out)
        assert code == 1
        assert data["accounts"][0]["fixed"] == 0
        assert any(
            results in line and "older c7n-vpcflow" in line and "not counted" in line
            for line in stderr
        ), stderr

    for older, said in [
        (without_format(load(out, ENABLE, "flow-log-compliance.json")), "older c7n-vpcflow"),
        (
            dict(load(out, ENABLE, "flow-log-compliance.json"), format=1),
            "format 1, which this c7n-vpcflow does not read",
        ),
        (
            dict(load(out, ENABLE, "flow-log-compliance.json"), format=2),
            "format 2, which this c7n-vpcflow does not read",
        ),
        (
            dict(load(out, ENABLE, "flow-log-compliance.json"), format=4),
            "format 4, which this c7n-vpcflow does not read",
        ),
    ]:
        with open(verdicts, "w") as f:
            json.dump(older, f)
        code, data, stderr = report(cli, out)
        assert code == 3
        [row] = data["accounts"]
        assert row["judged"] is False and said in row["cause"], row["cause"]
        assert "run the policy again" in row["cause"]


def test_usage_errors_exit_2(cli, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "accounts.yml").write_text("accounts: [oops")
    for args, said in [
        ((tmp_path / "nope",), "not a directory"),
        ((tmp_path / "out", "-c", tmp_path / "missing.yml"), "cannot read"),
        ((tmp_path / "out", "-c", tmp_path / "accounts.yml"), "not a c7n-org accounts file"),
        ((tmp_path / "out", "--format", "xml"), "invalid choice"),
        ((tmp_path / "out", "--profile", "pci"), "invalid choice"),
        ((tmp_path / "out", "--max-age", "2w"), "'2w' is not a duration like 48h, 30d or none"),
        ((tmp_path / "out", "--regions", "useast1"), "'useast1' is not a region name"),
        (
            (tmp_path / "out", "--regions", "us-east-1", "--account-id", "12345"),
            "'12345' is not a 12-digit account id",
        ),
        ((tmp_path / "out", "--account-id", "123456789012"), "give --regions"),
    ]:
        shown = cli("c7n-vpcflow", "report", *args)
        assert shown.returncode == 2 and said in shown.stderr, (args, shown.stderr)


def test_help_documents_the_exit_codes_and_what_counts(cli):
    shown = cli("c7n-vpcflow", "report", "--help")
    assert shown.returncode == 0
    for code in range(5):
        assert "\n  %d  " % code in shown.stdout
    text = " ".join(shown.stdout.split())
    for said in (
        "--profile {cis,as-judged}",
        "at least as strictly as CIS 3.7",
        "--max-age DURATION",
        "48h (the default",
        "stale",
        "--regions REGION [REGION ...]",
        "--account-id ID [ID ...]",
    ):
        assert said in text, said


@pytest.mark.emulator
@pytest.mark.tampered_evidence
def test_a_run_that_kept_vpcs_but_left_no_verdict_does_not_say_none_were_found(
    emulator, cli, tmp_path
):
    seed_region(emulator, REGION, kinds=KINDS)
    out = tmp_path / "out"
    assert run(cli, out, AUDIT_POLICY).returncode == 0
    assert len(load(out, AUDIT, "resources.json")) == 3
    os.remove(evidence(out, AUDIT, "flow-log-compliance.json"))

    code, data, _stderr = report(cli, out)

    assert code == 3
    [row] = data["accounts"]
    assert "none were found" not in row["cause"]
    assert (
        "the run kept 3 VPCs (metadata.json's ResourceCount) but left no "
        "flow-log-compliance.json" in row["cause"]
    )


def test_readme_says_what_the_report_proves_with_every_exit_code():
    with open(os.path.join(ROOT, "README.md")) as f:
        section = f.read().split("## What the report proves\n", 1)[1].split("\n## ", 1)[0]
    for code in Gate:
        assert "\n| %d | " % code in section, code
