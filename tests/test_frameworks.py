"""The framework mappings are one data file in the package (c7n_vpcflow/data/frameworks.json,
Prowler's mapping with its source), read by both the HTML report and flow-log-finding: a
finding's RelatedRequirements are the CIS rows the HTML page shows, whatever the file says."""

import glob
import json
import os
import re
import shutil
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from c7n_vpcflow.data import frameworks
from c7n_vpcflow.report.html import as_html
from c7n_vpcflow.report.rows import Terms
from c7n_vpcflow.securityhub.documents import Findings
from c7n_vpcflow.vocabulary import VIOLATIONS
from support.constants import ROOT
from support.page import ReportPage

DATA = os.path.join(ROOT, "c7n_vpcflow", "data", "frameworks.json")
ACCOUNT = SimpleNamespace(account_id="123456789012", region="eu-west-1", partition="aws")


def finding_requirements():
    findings = Findings(ACCOUNT, datetime.now(timezone.utc))
    finding = findings.judged({"VpcId": "vpc-1", VIOLATIONS: ["missing"]})
    return finding["Compliance"]["RelatedRequirements"]


def html_page():
    return as_html([], [], ["out"], (0, "every VPC judged is compliant"), Terms())


def cis_rows_shown(text):
    """The CIS rows of the page's framework table, as Security Hub names requirements."""
    shown = []
    for name, _version, requirements in ReportPage(text).tables["frameworks"][1:]:
        if name.startswith("CIS Amazon Web Services Foundations Benchmark "):
            shown += [
                "CIS AWS Foundations Benchmark %s/%s" % (name.rsplit(" ", 1)[1], rid)
                for rid in requirements.split(", ")
            ]
    return shown


def cis_headline(text):
    return re.search(r"CIS AWS Foundations Benchmark numbers this control ([^<]*)\.", text)[1]


@pytest.fixture
def edited_mapping(tmp_path, monkeypatch):
    """A copy of the package's data folder that a test may edit; frameworks.load reads it."""
    shutil.copytree(os.path.dirname(DATA), tmp_path / "data")
    monkeypatch.setattr(frameworks, "files", lambda package: tmp_path / "data")
    path = tmp_path / "data" / "frameworks.json"

    def edit(change):
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))

    return edit


def test_a_findings_related_requirements_are_the_cis_rows_the_html_page_shows():
    requirements = finding_requirements()
    assert requirements == cis_rows_shown(html_page())
    # Every CIS version Prowler maps, the older numbering included.
    for version, rid in (
        ("v1.4.0", "3.9"),
        ("v1.5.0", "3.9"),
        ("v2.0.0", "3.9"),
        ("v3.0.0", "3.7"),
        ("v5.0.0", "3.7"),
        ("v7.0.0", "4.7"),
    ):
        assert "CIS AWS Foundations Benchmark %s/%s" % (version, rid) in requirements


def test_the_pages_headline_numbers_the_control_in_every_version_a_finding_names():
    assert cis_headline(html_page()) == (
        "3.9 in v1.4.0, v1.5.0, v2.0.0; 3.7 in v3.0.0, v4.0.1, v5.0.0; 4.7 in v6.0.0, v7.0.0"
    )


def test_an_edited_mapping_changes_the_finding_and_the_page_alike(edited_mapping):
    edited_mapping(
        lambda data: data["frameworks"].append(
            {
                "name": "CIS Amazon Web Services Foundations Benchmark v8.0.0",
                "version": "8.0",
                "requirements": [{"id": "4.8", "name": ""}],
            }
        )
    )
    page = html_page()
    assert finding_requirements()[-1] == "CIS AWS Foundations Benchmark v8.0.0/4.8"
    assert finding_requirements() == cis_rows_shown(page)
    assert cis_headline(page).endswith("; 4.8 in v8.0.0")


def test_the_page_names_the_mappings_source_from_the_data_file(edited_mapping):
    edited_mapping(
        lambda data: data["source"].update(
            commit="0123456789abcdef0123456789abcdef01234567", date="2027-01-31"
        )
    )
    text = html_page()
    assert "commit <code>0123456789ab</code>, 2027-01-31" in text
    assert "<code>vpc_flow_logs_enabled</code>" in text


def test_the_data_file_names_its_source_and_every_framework_has_requirements():
    with open(DATA, encoding="utf-8") as f:
        data = json.load(f)
    assert data == frameworks.load()
    source = data["source"]
    assert source["repository"] == "https://github.com/prowler-cloud/prowler"
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert datetime.strptime(source["date"], "%Y-%m-%d")
    assert source["check"] == "vpc_flow_logs_enabled"
    names = [f["name"] for f in data["frameworks"]]
    assert len(names) == len(set(names))
    for framework in data["frameworks"]:
        assert framework["requirements"], framework["name"]
        assert all(r["id"] for r in framework["requirements"]), framework["name"]


def test_wherever_the_docs_number_the_control_by_version_they_say_what_the_data_file_does():
    """README and docs/ pages (Security Hub's mapping, the HTML page's headline) number the
    control in the data file's words, every version and no other."""
    headline = cis_headline(html_page())
    numbered = []
    for path in [os.path.join(ROOT, "README.md")] + sorted(
        glob.glob(os.path.join(ROOT, "docs", "*.md"))
    ):
        with open(path, encoding="utf-8") as f:
            text = " ".join(f.read().split())
        if re.search(r"\b\d+\.\d+ in v\d", text):
            numbered.append(path)
            assert not re.search(r"\b\d+\.\d+ in v\d", text.replace(headline, "")), path
    assert numbered
