"""`c7n-vpcflow report --format html` (issue 12, item 4): one self-contained page with the
rows of the other formats, each non-compliant VPC with its reasons, flow logs and what was
done, the account-regions not judged, compliance over time when the evidence holds several
runs, and the frameworks that map the control; rendered by headless Chromium."""

import gzip
import json
import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
import yaml

from support.constants import ACCOUNT_ID
from support.e2e import AUDIT_POLICY, ENABLE_POLICY, custodian_run
from support.estate import seed_region
from support.page import ReportPage, read_png
from support.report_runs import BUCKET, age_local_tree, keys, s3_url, shift_started

pytestmark = pytest.mark.emulator

KINDS = ("bare", "healthy", "accept_only", "failing", "default")
WINDOW = (1200, 1800)


def age_s3_runs(s3, prefix, days):
    """Every run folder under prefix becomes a run of `days` earlier, in that hour's folder."""
    for key in keys(s3, prefix):
        parts = key.split("/")
        hour = datetime(*map(int, parts[-5:-1])) - timedelta(days=days)
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        if parts[-1].startswith(("metadata", "flow-log-")):
            data = shift_started(parts[-1], json.loads(gzip.decompress(body)), days)
            body = gzip.compress(json.dumps(data).encode())
        moved = "/".join(parts[:-5] + [hour.strftime("%Y/%m/%d/%H"), parts[-1]])
        s3.put_object(Bucket=BUCKET, Key=moved, Body=body)
        s3.delete_object(Bucket=BUCKET, Key=key)


def html_report(cli, *locations, code=1, options=()):
    shown = cli("c7n-vpcflow", "report", *locations, "--format", "html", *options)
    assert shown.returncode == code, shown.stderr
    assert "Traceback" not in shown.stderr
    return shown.stdout


def json_rows(cli, *locations, options=()):
    shown = cli("c7n-vpcflow", "report", *locations, "--format", "json", *options)
    return {
        (r["account-id"] or r["account-name"], r["region"]): r
        for r in json.loads(shown.stdout)["accounts"]
    }


def assert_self_contained(text, page):
    assert not [r for r in page.references if "//" in r or r.startswith("data:")], page.references
    assert "<script" not in text.lower() and "@import" not in text and "@font-face" not in text


def test_html_from_s3_shows_each_non_compliant_vpc_what_was_done_and_the_history(
    emulator, cli, tmp_path
):
    emulator.client("s3").create_bucket(Bucket=BUCKET)
    seed_region(emulator, "us-east-1", kinds=KINDS)
    seed_region(emulator, "eu-west-1", kinds=KINDS, at_limit=True)
    assert custodian_run(cli, s3_url("org"), AUDIT_POLICY).returncode == 0
    age_s3_runs(emulator.client("s3"), "org/", days=1)
    assert custodian_run(cli, s3_url("org"), ENABLE_POLICY).returncode != 0  # the at-limit VPC
    accounts = tmp_path / "accounts.yml"
    accounts.write_text(
        yaml.safe_dump(
            {
                "accounts": [
                    {
                        "name": ACCOUNT_ID,
                        "account_id": ACCOUNT_ID,
                        "regions": ["us-east-1", "eu-west-1"],
                    },
                    {"name": "sandbox", "account_id": "333333333333", "regions": ["us-east-1"]},
                ]
            }
        )
    )

    text = html_report(cli, "s3://%s/org" % BUCKET, code=3, options=("-c", accounts))
    (tmp_path / "report.html").write_text(text)  # kept for a look
    page = ReportPage(text)

    assert_self_contained(text, page)
    rows = json_rows(cli, "s3://%s/org" % BUCKET, options=("-c", accounts))
    judged, others = page.summary()
    cause = "no output of this account-region in the tree"
    assert others == {("333333333333", "us-east-1"): ("not-judged", cause)}
    assert text.count(cause) == 1  # said once, in its own full-width row
    assert judged == {
        key: [r["vpcs"], r["compliant"], r["exempt"], r["non-compliant"], r["fixed"], r["failed"]]
        for key, r in rows.items()
        if r["judged"]
    }
    assert judged[ACCOUNT_ID, "eu-west-1"] == [6, 1, 0, 5, 4, 1]
    assert page.totals == {
        "account-regions judged": "2 of 3",
        "not judged": "1",
        "stale": "0",
        "weaker": "0",
        "VPCs judged": "11",
        "compliant": "2",
        "exempt": "0",
        "non-compliant": "9",
        "fixed": "8",
        "failed": "1",
    }
    assert "91% compliant or fixed, of the 11 VPCs in the 2 judged account-regions only" in text
    where = ACCOUNT_ID + "/eu-west-1"
    header = ["VPC", "Name", "Reasons", "Flow logs (managed by)", "What was done"]
    still, fixed, compliant = (
        page.tables["%s:%s" % (kind, where)] for kind in ("non-compliant", "fixed", "compliant")
    )
    assert still[0] == fixed[0] == compliant[0] == header
    [failed] = still[1:]  # the VPC at the flow-log limit: its fix failed
    assert failed[4].startswith("failed") and "limit" in failed[4]
    assert len(fixed) == 5 and all(cells[4].startswith("created") for cells in fixed[1:])
    assert any(cells[2] == "traffic-type" and "(other)" in cells[3] for cells in fixed[1:])
    [healthy] = compliant[1:]
    assert (healthy[2], healthy[4]) == ("-", "-")
    assert '<details class="compliant"><summary>1 compliant</summary>' in text  # collapsed
    cell_style = re.search(r"th, td \{([^}]*)\}", text).group(1)
    assert "overflow-wrap: anywhere" in cell_style  # long names wrap inside their cell
    shown = json.loads(
        cli(
            "c7n-vpcflow", "report", "s3://%s/org" % BUCKET, "--format", "json", "-c", accounts
        ).stdout
    )["vpcs"]
    assert sorted(v["status"] for v in shown if v["region"] == "eu-west-1") == [
        "compliant",
        "failed",
        "fixed",
        "fixed",
        "fixed",
        "fixed",
    ]
    assert page.points == 2 and "over-time" in page.ids  # a day ago, and now
    frameworks = {cells[0]: cells[2] for cells in page.tables["frameworks"][1:]}
    assert frameworks["CIS Amazon Web Services Foundations Benchmark v5.0.0"] == "3.7"
    assert frameworks["CIS Amazon Web Services Foundations Benchmark v6.0.0"] == "4.7"
    assert "EC2.6" in frameworks["AWS Foundational Security Best Practices"]
    assert "s3://%s/org" % BUCKET in text and "Generated 20" in text


def test_several_local_trees_together_render_in_chromium(emulator, cli, tmp_path):
    seed_region(emulator, "us-east-1", kinds=KINDS)
    before, after = tmp_path / "before", tmp_path / "after"
    regions = ("us-east-1",)
    assert custodian_run(cli, before, AUDIT_POLICY, regions=regions).returncode == 0
    age_local_tree(before, days=7)
    assert custodian_run(cli, after, ENABLE_POLICY, regions=regions).returncode == 0
    assert custodian_run(cli, after, AUDIT_POLICY, regions=regions).returncode == 0

    text = html_report(cli, before, after, code=0)
    page = ReportPage(text)

    assert_self_contained(text, page)
    assert json_rows(cli, before, after) == json_rows(cli, after)
    judged, not_judged = page.summary()
    assert judged == {(ACCOUNT_ID, "us-east-1"): [5, 5, 0, 0, 0, 0]} and not not_judged
    assert page.points == 2  # seven days ago, and now (the enable run and the audit after)
    report = tmp_path / "report.html"
    report.write_text(text)
    width, height, rows, step = screenshot(report, tmp_path / "report.png")
    assert (width, height) == WINDOW
    colours = {row[i : i + 3] for row in rows[::8] for i in range(0, len(row), step * 8)}
    assert len(colours) > 20  # text, bars, chart: not a blank or error page
    assert b"\x2e\x7d\x32" in colours  # the compliant green of the bars and the chart
    dark = sum(1 for row in rows[:300] for i in range(0, len(row), step) if row[i] < 80)
    assert dark > 2000  # the heading and the gate line are drawn in dark text


def screenshot(page, png):
    chromium = shutil.which("chromium")
    if not chromium:
        message = "the Debian package chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--user-data-dir=%s" % (page.parent / "ud"),
            "--screenshot=%s" % png,
            "--window-size=%d,%d" % WINDOW,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and png.exists(), done.stderr
    return read_png(png)


def test_html_of_a_tree_without_our_output_says_nothing_was_judged(cli, tmp_path):
    (tmp_path / "out").mkdir()

    text = html_report(cli, tmp_path / "out", code=3)

    page = ReportPage(text)
    assert_self_contained(text, page)
    assert "Exit 3: some account-region was not judged" in text
    assert "nothing was judged" in text and "%" not in text.split("<h2>")[1]
    assert page.tables["account-regions"] == [page.tables["account-regions"][0]]
    assert "over-time" not in page.ids
