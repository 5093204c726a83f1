"""What the README (and docs/) claim about keys, reason codes and IAM, held against the code:
documented keys exist with the defaults applied and every choice named, the reason table is
the judge's codes, the Lambda deployment permissions are what the runner template grants."""

import glob
import os
import re

import pytest
import yaml

from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.remediation.action import EnableFlowLogs
from c7n_vpcflow.vocabulary import REASONS
from support.cloudformation import actions, load_template
from support.constants import ROOT

PAGES = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
KEY_TABLES = {"filter key": FlowLogCompliance, "action key": EnableFlowLogs}


def tables(heading):
    """[(page, [[cell, ...], ...])] of every Markdown table whose first column is `heading`."""
    found = []
    for page in PAGES:
        with open(page, encoding="utf-8") as f:
            lines = f.read().splitlines()
        for n, line in enumerate(lines):
            if line.startswith("| %s |" % heading):
                rows = []
                for row in lines[n + 2 :]:
                    if not row.startswith("|"):
                        break
                    rows.append([c.strip() for c in row.strip("|").split(" | ")])
                found.append((os.path.relpath(page, ROOT), rows))
    return found


def key_rows():
    return [
        pytest.param(page, KEY_TABLES[heading], row, id="%s:%s" % (page, row[0].strip("`")))
        for heading in KEY_TABLES
        for page, rows in tables(heading)
        for row in rows
    ]


KEY_ROWS = key_rows()


def test_the_docs_hold_the_key_tables_these_checks_read():
    assert {param.values[1] for param in KEY_ROWS} == set(KEY_TABLES.values())


@pytest.mark.parametrize("page, cls, row", KEY_ROWS)
def test_a_documented_key_exists_with_the_default_applied_and_every_choice_named(page, cls, row):
    key_cell, default_cell, what = row
    key = key_cell.strip("`")
    schema = cls.schema["properties"].get(key)
    assert schema is not None, "%s names %s, which %s does not take" % (page, key, cls.type)
    if default_cell.startswith("`"):
        assert yaml.safe_load(default_cell.strip("`")) == schema.get("default"), (page, key)
    else:  # "none", "any", "AWS default": nothing is filled in
        assert "default" not in schema, (page, key, default_cell)
    text = "%s %s" % (default_cell, what)
    for choice in schema.get("enum", ()):
        assert re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(str(choice)), text), (
            "%s: %s does not name %r" % (page, key, choice)
        )


def test_the_reason_table_lists_the_judges_reason_codes_in_order():
    [(page, rows)] = tables("reason")
    assert [row[0].strip("`") for row in rows] == list(REASONS), page


def test_the_lambda_deployment_permissions_named_are_what_the_runner_template_grants():
    runner = load_template(os.path.join(ROOT, "iam", "runner-role.yml"))["Resources"]["RunnerRole"]
    [deployment] = [
        p["Fn::If"][1]
        for p in runner["Properties"]["Policies"]
        if "Fn::If" in p and p["Fn::If"][0] == "DeploysLambda"
    ]
    granted = {
        a
        for a in actions(deployment["PolicyDocument"]["Statement"])
        if a.startswith(("lambda:", "events:"))
    }
    named = set()
    for page in PAGES:
        with open(page, encoding="utf-8") as f:
            named |= set(re.findall(r"`((?:lambda|events):\w+)`", f.read()))
    assert named == granted
