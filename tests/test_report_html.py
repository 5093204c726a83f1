"""`c7n-vpcflow report --format html` (issue 12, item 4): one self-contained page with the
rows of the other formats, each non-compliant VPC with its reasons, flow logs and what was
done, the account-regions not judged, compliance over time when the evidence holds several
runs, and the frameworks that map the control; rendered by headless Chromium."""
import gzip
import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
import yaml

from support.e2e import AUDIT_POLICY, ENABLE_POLICY, custodian_run
from support.estate import seed_region
from support.page import ReportPage, read_png
from support.report_runs import BUCKET, keys, s3_url
from support.constants import ACCOUNT_ID

pytestmark = pytest.mark.emulator

KINDS = ("bare", "healthy", "accept_only", "failing", "default")
WINDOW = (1200, 1800)


def shift_started(name, data, days):
    """A run's file as if the run had started `days` earlier."""
    if name.startswith("metadata.json"):
        data["execution"]["start"] -= days * 86400
    elif data.get("started"):
        data["started"] = (datetime.fromisoformat(data["started"])
                           - timedelta(days=days)).isoformat()
    return data


def age_local_tree(root, days):
    for directory, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".json") and name != "resources.json":
                path = os.path.join(directory, name)
                with open(path) as f:
                    data = shift_started(name, json.load(f), days)
                with open(path, "w") as f:
                    json.dump(data, f)


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
    return {(r["account-id"] or r["account-name"], r["region"]): r
            for r in json.loads(shown.stdout)["accounts"]}


def summary(page):
    """{(account, region): [VPCs, compliant, non-compliant, fixed, failed]} and the not judged."""
    table, attrs = page.tables["account-regions"], page.row_attrs["account-regions"]
    judged, not_judged = {}, set()
    for cells, row in zip(table[1:], attrs):
        key = (row["data-account"], row["data-region"])
        if row["class"] == "judged":
            judged[key] = [int(c) for c in cells[2:7]]
        else:
            not_judged.add(key)
    return judged, not_judged


def assert_self_contained(text, page):
    assert not [r for r in page.references if "//" in r or r.startswith("data:")], \
        page.references
    assert "<script" not in text.lower() and "@import" not in text and "@font-face" not in text


def test_html_from_s3_shows_each_non_compliant_vpc_what_was_done_and_the_history(
        emulator, cli, tmp_path):
    emulator.client("s3").create_bucket(Bucket=BUCKET)
    seed_region(emulator, "us-east-1", kinds=KINDS)
    seed_region(emulator, "eu-west-1", kinds=KINDS, at_limit=True)
    assert custodian_run(cli, s3_url("org"), AUDIT_POLICY).returncode == 0
    age_s3_runs(emulator.client("s3"), "org/", days=1)
    assert custodian_run(cli, s3_url("org"), ENABLE_POLICY).returncode != 0   # the at-limit VPC
    accounts = tmp_path / "accounts.yml"
    accounts.write_text(yaml.safe_dump({"accounts": [
        {"name": ACCOUNT_ID, "account_id": ACCOUNT_ID, "regions": ["us-east-1", "eu-west-1"]},
        {"name": "sandbox", "account_id": "333333333333", "regions": ["us-east-1"]}]}))

    text = html_report(cli, "s3://%s/org" % BUCKET, code=3, options=("-c", accounts))
    (tmp_path / "report.html").write_text(text)   # kept for a look
    page = ReportPage(text)

    assert_self_contained(text, page)
    rows = json_rows(cli, "s3://%s/org" % BUCKET, options=("-c", accounts))
    judged, not_judged = summary(page)
    assert not_judged == {("333333333333", "us-east-1")}
    assert judged == {key: [r["vpcs"], r["compliant"], r["non-compliant"], r["fixed"], r["failed"]]
                      for key, r in rows.items() if r["judged"]}
    assert judged[ACCOUNT_ID, "eu-west-1"] == [6, 1, 5, 4, 1]
    vpcs = page.tables[ACCOUNT_ID + "/eu-west-1"]
    assert vpcs[0] == ["VPC", "Name", "Reasons", "Flow logs (managed by)", "What was done"]
    done = {cells[0]: cells[4] for cells in vpcs[1:]}
    assert len(done) == 5
    assert sum(1 for d in done.values() if d.startswith("created")) == 4
    assert [d for d in done.values() if d.startswith("failed")] and any(
        "limit" in d for d in done.values())
    assert any(cells[2] == "traffic-type" and "(other)" in cells[3] for cells in vpcs[1:])
    assert "not-judged" in page.ids and "no output of this account-region in the tree" in text
    assert page.points == 2 and "over-time" in page.ids   # a day ago, and now
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
    judged, not_judged = summary(page)
    assert judged == {(ACCOUNT_ID, "us-east-1"): [5, 5, 0, 0, 0]} and not not_judged
    assert page.points == 2   # seven days ago, and now (the enable run and the audit after)
    report = tmp_path / "report.html"
    report.write_text(text)
    width, height, rows, step = screenshot(report, tmp_path / "report.png")
    assert (width, height) == WINDOW
    colours = {row[i:i + 3] for row in rows[::8] for i in range(0, len(row), step * 8)}
    assert len(colours) > 20   # text, bars, chart: not a blank or error page
    assert b"\x2e\x7d\x32" in colours   # the compliant green of the bars and the chart
    dark = sum(1 for row in rows[:300] for i in range(0, len(row), step) if row[i] < 80)
    assert dark > 2000   # the heading and the gate line are drawn in dark text


def screenshot(page, png):
    chromium = shutil.which("chromium")
    if not chromium:
        message = "the Debian package chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions", "--user-data-dir=%s" % (page.parent / "ud"),
         "--screenshot=%s" % png, "--window-size=%d,%d" % WINDOW, page.as_uri()],
        capture_output=True, text=True, timeout=120)
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
