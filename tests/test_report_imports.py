"""The report path imports no Custodian-facing module (DESIGN.md): reading, checking and
rendering evidence runs in an interpreter that refuses every c7n, c7n-org and boto import."""
import os

from support.constants import ROOT
from support.packaging import VENV_PYTHON, json_of, run_python

# What `c7n-vpcflow report` reads, checks and renders with, its command included (cli,
# which also registers the other subcommands, talks to AWS through Custodian).
REPORT_PATH = ("vocabulary", "report.source", "report.s3", "report.checks", "report.run_log",
               "report.our_runs", "report.tree", "report.profiles", "report.rows",
               "report.text", "report.chart", "data.frameworks", "report.html_vpcs",
               "report.html", "report.command", "config.annotation", "config.evaluations",
               "report.aggregator", "cost.prices", "cost.model", "cost.choices",
               "cost.account_region", "report.costs", "report.cost_text", "report.html_cost")


def test_the_report_path_reads_checks_and_renders_without_custodian(tmp_path):
    (tmp_path / "out" / "vpc-flow-logs-audit").mkdir(parents=True)
    shown = json_of(run_python(VENV_PYTHON, """
        import importlib, importlib.abc, importlib.util, json, sys

        class Refuse(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("c7n", "c7n_org", "boto3", "botocore"):
                    raise ImportError("the report path imported " + name)

        sys.meta_path.insert(0, Refuse())
        # The package without running its __init__, which registers the plugin with
        # Custodian.
        spec = importlib.util.spec_from_file_location(
            "c7n_vpcflow", %r, submodule_search_locations=[])
        spec.submodule_search_locations.append(spec.origin.rsplit("/", 1)[0])
        sys.modules["c7n_vpcflow"] = importlib.util.module_from_spec(spec)
        for name in %r:
            importlib.import_module("c7n_vpcflow." + name)
        from c7n_vpcflow.report import checks, html, rows as account_rows, text, tree
        runs, notes, history = tree.read_tree([tree.open_source(%r)])
        rows, _notes = account_rows.account_rows(runs, terms=account_rows.Terms())
        terms = account_rows.Terms()
        pages = [render(rows, terms) for render in text.FORMATS.values()]
        pages.append(html.as_html(rows, history, ["out"], (3, "nothing"), terms))
        print(json.dumps({"validators": sorted(checks.validators()),
                          "pages": len(pages), "custodian": sorted(
                              m for m in sys.modules if m.split(".")[0] == "c7n")}))
        """ % (os.path.join(ROOT, "c7n_vpcflow", "__init__.py"), REPORT_PATH, str(tmp_path / "out")),
        cwd=tmp_path))

    assert shown == {"validators": ["flow-log-compliance.json", "flow-log-cost.json",
                                    "flow-log-plan.json", "flow-log-results.json"],
                     "pages": 4, "custodian": []}
