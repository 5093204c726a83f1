"""Dependencies point one way (issue 22, 1): what each part of the package may import, read
from the real import graph (every import statement of every module, those inside functions
included), and the report path run in an interpreter that refuses Custodian."""

import ast
import os

import pytest

from support.constants import ROOT
from support.packaging import VENV_PYTHON, json_of, run_python
from support.sources import PACKAGE, package_modules, parsed

# The top level's shared modules (the CLI, the Lambda handler and the package's __init__,
# which registers everything, are entry points: they may import anything).
TOP = ("vocabulary", "errors", "account")
ENTRY_POINTS = ("cli", "lambda_handler", "")
# What each part may import of the package, besides itself.
MAY_IMPORT = {
    "vocabulary": set(),
    "errors": {"vocabulary"},
    "account": {"vocabulary", "errors"},
    # Pure, shared by the Custodian side and the report.
    "data": set(),
    "cost": {"vocabulary"},
    "evaluations": {"vocabulary"},
    # The base every Custodian-facing part builds on.
    "audit": {*TOP, "cost", "data"},
    "remediation": {*TOP, "audit"},
    "analytics": {*TOP, "audit", "remediation", "cost"},
    "securityhub": {*TOP, "audit", "data"},
    "config": {*TOP, "audit", "evaluations"},
    # telemetry-check reads evidence through the report's reader (TELEMETRY_READS_EVIDENCE).
    "telemetry": {*TOP, "audit", "remediation", "report"},
    # Reads files only: nothing Custodian-facing.
    "report": {"vocabulary", "cost", "data", "evaluations"},
}
TELEMETRY_READS_EVIDENCE = "c7n_vpcflow.telemetry.check"
# Parts that never import Custodian (c7n, c7n-org): the report runs without it.
WITHOUT_CUSTODIAN = ("vocabulary", "errors", "data", "cost", "evaluations", "report")
CUSTODIAN = ("c7n", "c7n_org")

MODULES = package_modules()


def part_of(module):
    """The part of the package a module belongs to: its subpackage or top-level module
    ("" for the package's own __init__)."""
    return module.split(".")[1] if module.count(".") else ""


def imports_of(module, tree):
    """Every module `tree` (the source of `module`) imports, relative imports resolved; a
    name imported from a package counts as its submodule when it is one."""
    package = module if MODULES[module].endswith("__init__.py") else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = "%s.%s" % (base, alias.name)
                found.add(submodule if submodule in MODULES else base)
    return found


def broken_rules(module, imported):
    """Each import of `module` that its part may not make, as "part -> imported"."""
    own = part_of(module)
    broken = []
    for name in sorted(imported):
        top = name.split(".")[0]
        if top in CUSTODIAN and own in WITHOUT_CUSTODIAN:
            broken.append("%s -> %s" % (module, name))
        if top != PACKAGE or name == PACKAGE:  # the package itself: its __version__ only
            continue
        other = part_of(name)
        if other == own or own in ENTRY_POINTS:
            continue
        if other not in MAY_IMPORT[own] or (
            own == "telemetry" and other == "report" and module != TELEMETRY_READS_EVIDENCE
        ):
            broken.append("%s -> %s" % (module, name))
    return broken


def test_every_part_of_the_package_has_its_import_rule():
    # A new subpackage or top-level module is placed in MAY_IMPORT before it lands.
    parts = {part_of(module) for module in MODULES} - set(ENTRY_POINTS)
    assert parts == set(MAY_IMPORT)


SUBPACKAGES = sorted(
    part for part in MAY_IMPORT if os.path.isdir(os.path.join(ROOT, PACKAGE, part))
)


@pytest.mark.parametrize("part", SUBPACKAGES)
def test_each_subpackage_says_in_one_paragraph_what_it_holds_and_may_import(part):
    with open(os.path.join(ROOT, PACKAGE, part, "__init__.py")) as f:
        docstring = ast.get_docstring(ast.parse(f.read())) or ""
    paragraphs = [p for p in docstring.split("\n\n") if p.strip()]
    assert len(paragraphs) == 1, docstring
    assert "import" in docstring, docstring
    others = [p for p in MAY_IMPORT if p != part and p not in TOP]
    # It names the parts it may import or must not: the rule is said, not only tested.
    assert any(other in docstring for other in others), docstring


@pytest.mark.parametrize("part", sorted(MAY_IMPORT))
def test_each_part_imports_only_what_it_may(part):
    broken = [
        rule
        for module in sorted(MODULES)
        if part_of(module) == part
        for rule in broken_rules(module, imports_of(module, parsed(MODULES[module])))
    ]
    assert broken == []


def test_audit_and_report_import_nothing_that_builds_on_them():
    # The issue's own words, from the real graph: audit imports nothing of remediation,
    # analytics, telemetry, securityhub or report; report none of those, no config and no
    # Custodian.
    graph = {module: imports_of(module, parsed(path)) for module, path in MODULES.items()}
    reached = {
        part: {
            part_of(name) if name.startswith(PACKAGE + ".") else name.split(".")[0]
            for module, names in graph.items()
            if part_of(module) == part
            for name in names
        }
        for part in ("audit", "report")
    }
    assert not reached["audit"] & {
        "remediation",
        "analytics",
        "telemetry",
        "securityhub",
        "report",
        "config",
    }
    assert not reached["report"] & {
        "audit",
        "remediation",
        "analytics",
        "telemetry",
        "securityhub",
        "config",
        "account",
        "errors",
        "c7n",
        "c7n_org",
    }


def test_the_rules_catch_what_breaks_them():
    # The checker itself: relative and absolute imports, lazy ones inside functions.
    tree = ast.parse(
        "from ..remediation import plan\n"
        "def later():\n    import c7n.policy\n"
        "from c7n_vpcflow import __version__\n"
    )
    imported = imports_of("c7n_vpcflow.report.tree", tree)
    assert imported == {"c7n_vpcflow.remediation.plan", "c7n.policy", "c7n_vpcflow"}
    assert broken_rules("c7n_vpcflow.report.tree", imported) == [
        "c7n_vpcflow.report.tree -> c7n.policy",
        "c7n_vpcflow.report.tree -> c7n_vpcflow.remediation.plan",
    ]
    assert broken_rules("c7n_vpcflow.telemetry.spec", {"c7n_vpcflow.report.tree"}) == [
        "c7n_vpcflow.telemetry.spec -> c7n_vpcflow.report.tree"
    ]
    assert broken_rules("c7n_vpcflow.telemetry.check", {"c7n_vpcflow.report.tree"}) == []


# What `c7n-vpcflow report` reads, checks and renders with: every module of the parts it
# may import, its command included (cli, which also registers the other subcommands, talks
# to AWS through Custodian).
REPORT_PATH = sorted(
    module.split(".", 1)[1]
    for module in MODULES
    if part_of(module) in {"report", *MAY_IMPORT["report"]}
    and not MODULES[module].endswith("__init__.py")
)


def test_the_report_path_reads_checks_and_renders_without_custodian(tmp_path):
    (tmp_path / "out" / "vpc-flow-logs-audit").mkdir(parents=True)
    shown = json_of(
        run_python(
            VENV_PYTHON,
            """
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
        """
            % (
                os.path.join(ROOT, "c7n_vpcflow", "__init__.py"),
                REPORT_PATH,
                str(tmp_path / "out"),
            ),
            cwd=tmp_path,
        )
    )

    assert shown == {
        "validators": [
            "flow-log-compliance.json",
            "flow-log-cost.json",
            "flow-log-plan.json",
            "flow-log-results.json",
        ],
        "pages": 4,
        "custodian": [],
    }
