"""The README is a front page and the manual lives in docs/ (issue 22, item 5): every relative
link in README.md and docs/*.md names a file that exists, and every #anchor a heading of
that file as GitHub names it; the README stays at most 250 lines and links the page of every
capability; each page opens with a paragraph saying what it is about."""

import glob
import os
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from support.constants import ROOT

README = os.path.join(ROOT, "README.md")
DOCS = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
PAGES = [README] + DOCS
# One page per capability, as issue 22 names them (remediation: enable-flow-logs; evidence
# and report: report.md), and the page of each way to run.
CAPABILITY_PAGES = (
    "audit",
    "remediation",
    "report",
    "lambda",
    "c7n-org",
    "securityhub",
    "telemetry-rules",
    "analytics",
    "iam",
    "shift-left",
    "custodian-run",
)
README_MAX_LINES = 250

# GitHub's heading ids: lower case, punctuation but '-' and '_' dropped, spaces to '-', a
# repeated heading suffixed -1, -2 (mdit-py-plugins' default slug follows github-slugger).
MARKDOWN = MarkdownIt("commonmark").enable("table").use(anchors_plugin, max_level=6)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def parsed(path):
    """Every token of the Markdown file, inline children included, in document order."""
    tokens = MARKDOWN.parse(read(path))
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or ())
    return flat


def headings(path):
    return {t.attrGet("id") for t in parsed(path) if t.type == "heading_open"}


def links(path):
    """The href of every link the page renders (links inside code are not links)."""
    return [t.attrGet("href") for t in parsed(path) if t.type == "link_open"]


def broken_links(path, root=ROOT):
    """[why] for each relative link of `path` whose file or #anchor does not exist."""
    broken = []
    for href in links(path):
        url = urlsplit(href)
        if url.scheme or url.netloc:
            continue  # a web address: not ours to resolve offline
        target = (
            os.path.normpath(os.path.join(os.path.dirname(path), unquote(url.path)))
            if url.path
            else path
        )
        if os.path.commonpath([root, target]) != root:
            broken.append("%s: outside the repository" % href)
        elif not os.path.exists(target):
            broken.append("%s: no such file" % href)
        elif url.fragment and (not target.endswith(".md") or url.fragment not in headings(target)):
            broken.append("%s: no such heading in %s" % (href, os.path.relpath(target, root)))
    return broken


def page_id(path):
    return os.path.relpath(path, ROOT)


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_relative_link_resolves_to_a_file_and_a_heading(page):
    assert links(page), "%s links nowhere" % page_id(page)
    assert broken_links(page) == [], page_id(page)


def test_the_link_check_finds_a_missing_file_a_missing_heading_and_ignores_code(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "audit.md").write_text("# The audit\n\n## What is judged\n")
    page = tmp_path / "README.md"
    page.write_text(
        "# Front\n\n## `enable-flow-logs`: how it behaves\n\n"
        "[ok](docs/audit.md#what-is-judged) [self](#enable-flow-logs-how-it-behaves) "
        "[gone](docs/remediation.md) [moved](docs/audit.md#what-is-fixed) "
        "[up](../elsewhere.md) [web](https://cloudcustodian.io/docs/)\n\n"
        "```\n[in code](docs/nothing.md)\n```\n"
    )
    assert broken_links(str(page), root=str(tmp_path)) == [
        "docs/remediation.md: no such file",
        "docs/audit.md#what-is-fixed: no such heading in docs/audit.md",
        "../elsewhere.md: outside the repository",
    ]


def test_heading_anchors_are_githubs():
    ids = [
        t.attrGet("id")
        for t in MARKDOWN.parse(
            "## What the report proves\n## `c7n-vpcflow report`: what counts\n"
            "## Cross-check: `telemetry-check`\n## Troubleshooting\n## Troubleshooting\n"
        )
        if t.type == "heading_open"
    ]
    assert ids == [
        "what-the-report-proves",
        "c7n-vpcflow-report-what-counts",
        "cross-check-telemetry-check",
        "troubleshooting",
        "troubleshooting-1",
    ]


def test_the_readme_is_a_front_page_of_at_most_250_lines():
    lines = read(README).splitlines()
    assert len(lines) <= README_MAX_LINES, "README.md has %d lines" % len(lines)


def test_the_readme_opens_with_the_two_commands_that_work_on_a_fresh_machine():
    opening = read(README).split("\n\n", 2)[1]
    commands = [line.split("#")[0].strip() for line in opening.splitlines()[1:-1]]
    assert commands == ["make demo", "make test"]


@pytest.mark.parametrize("name", CAPABILITY_PAGES)
def test_every_capability_has_its_page_and_the_readme_links_it(name):
    assert os.path.exists(os.path.join(ROOT, "docs", name + ".md"))
    assert "docs/%s.md" % name in {urlsplit(href).path for href in links(README)}


@pytest.mark.parametrize("page", DOCS, ids=page_id)
def test_each_page_opens_with_a_title_then_a_paragraph_saying_what_it_is(page):
    blocks = [t.type for t in MARKDOWN.parse(read(page)) if t.level == 0 and t.nesting == 1]
    assert blocks[:2] == ["heading_open", "paragraph_open"], page_id(page)
