"""What installing the project gives: lazy start-up hook and wheel.

The environment's own `python` and `pip` are used; the wheel is built once per module.
"""

import email.parser
import filecmp
import glob
import json
import os
import re
import subprocess
import zipfile

import pytest
from packaging.requirements import Requirement

import c7n_vpcflow
from support.constants import ROOT
from support.hermetic import hermetic_environ
from support.packaging import HOOK, PLUGIN, VENV_PYTHON, json_of, run_python, under

# -- 2. lazy loading through the .pth hook ---------------------------------------------


def test_fresh_interpreter_has_the_hook_but_not_c7n_boto_or_the_plugin(tmp_path):
    state = json_of(
        run_python(
            VENV_PYTHON,
            """
        import json, sys
        print(json.dumps({"modules": sorted(sys.modules),
                          "finders": [type(f).__module__ for f in sys.meta_path]}))
        """,
            cwd=tmp_path,
        )
    )
    modules = state["modules"]
    assert HOOK in modules
    assert HOOK in state["finders"]  # the finder waiting for c7n.resources.vpc
    heavy = [
        m for m in modules if m.split(".")[0] in ("c7n", "c7n_org", PLUGIN, "boto3", "botocore")
    ]
    assert heavy == []


def test_loading_aws_vpc_registers_the_filter_and_action_without_importing_the_plugin(tmp_path):
    state = json_of(
        run_python(
            VENV_PYTHON,
            """
        import json, sys
        from c7n.resources import load_resources
        load_resources(("aws.vpc",))
        from c7n.resources.vpc import Vpc
        action = Vpc.action_registry.get("enable-flow-logs")
        filter_ = Vpc.filter_registry.get("flow-log-compliance")
        print(json.dumps({"action": action and action.__module__,
                          "filter": filter_ and filter_.__module__,
                          "finder_left": any(type(f).__module__ == "c7n_vpcflow_autoload"
                                             for f in sys.meta_path)}))
        """,
            cwd=tmp_path,
        )
    )
    assert state["action"] == "c7n_vpcflow.remediation.action"
    assert state["filter"] == "c7n_vpcflow.audit.filter"
    assert state["finder_left"] is False  # it removes itself once it has fired


def test_the_plugin_adds_no_filter_to_custodians_loggers_even_when_a_run_fails(tmp_path):
    state = json_of(
        run_python(
            VENV_PYTHON,
            """
        import json, logging
        from c7n.resources import load_resources
        load_resources(("aws.vpc", "aws.account"))
        loggers = ("custodian", "custodian.output", "custodian.commands", "custodian.policy")
        from c7n_vpcflow.errors import FlowLogRemediationError
        try:
            raise FlowLogRemediationError("enable-flow-logs could not fix vpc-1: why")
        except FlowLogRemediationError:
            logging.getLogger("custodian.output").exception("Error while executing policy")
        print(json.dumps([logging.getLogger(n).filters for n in loggers]))
        """,
            cwd=tmp_path,
        )
    )
    assert state == [[], [], [], []]


def test_without_the_hooks_finder_aws_vpc_has_neither_filter_nor_action(tmp_path):
    """Control for the test above: the registration is the hook's doing."""
    state = json_of(
        run_python(
            VENV_PYTHON,
            """
        import json, sys
        sys.meta_path[:] = [f for f in sys.meta_path
                            if type(f).__module__ != "c7n_vpcflow_autoload"]
        from c7n.resources import load_resources
        load_resources(("aws.vpc",))
        from c7n.resources.vpc import Vpc
        print(json.dumps({"action": "enable-flow-logs" in Vpc.action_registry.keys(),
                          "filter": "flow-log-compliance" in Vpc.filter_registry.keys(),
                          "plugin": "c7n_vpcflow" in sys.modules}))
        """,
            cwd=tmp_path,
        )
    )
    assert state == {"action": False, "filter": False, "plugin": False}


IMPORT_TIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


def test_hook_import_cost_at_start_up_is_its_own_module_only(tmp_path, record_property):
    result = run_python(VENV_PYTHON, "pass", "-X", "importtime", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [m.groups() for m in map(IMPORT_TIME.match, result.stderr.splitlines()) if m]
    assert rows, result.stderr
    names = [name for _self, _cumulative, _indent, name in rows]
    [(own_us, cumulative_us, _indent, _name)] = [r for r in rows if r[3] == HOOK]
    record_property("hook_import_us", int(cumulative_us))
    print("%s import: self %s us, cumulative %s us" % (HOOK, own_us, cumulative_us))
    # Nothing was imported on its behalf (a nested import would add to the cumulative).
    assert own_us == cumulative_us
    ours = [n for n in names if n.split(".")[0] in (PLUGIN, "c7n", "c7n_org", "boto3", "botocore")]
    assert ours == []


# -- 3. the wheel ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    with hermetic_environ(out / "home"):
        result = subprocess.run(
            [
                VENV_PYTHON,
                "-m",
                "pip",
                "wheel",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-build-isolation",
                "-w",
                str(out),
                ROOT,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    [path] = glob.glob(str(out / "*.whl"))
    with zipfile.ZipFile(path) as archive:
        yield archive


def dist_info(archive):
    [directory] = {
        n.split("/")[0] for n in archive.namelist() if n.split("/")[0].endswith(".dist-info")
    }
    return directory


def test_wheel_holds_every_plugin_module_and_the_hook_at_its_root(wheel):
    names = set(wheel.namelist())
    source_modules = {
        os.path.relpath(p, ROOT).replace(os.sep, "/")
        for p in glob.glob(os.path.join(ROOT, PLUGIN, "**", "*.py"), recursive=True)
    }
    assert {"c7n_vpcflow/__init__.py", "c7n_vpcflow/audit/filter.py"} <= source_modules
    assert source_modules <= names, source_modules - names
    schemas = {
        "c7n_vpcflow/schemas/" + os.path.basename(p)
        for p in glob.glob(os.path.join(ROOT, PLUGIN, "schemas", "*.schema.json"))
    }
    assert len(schemas) == 6 and schemas <= names, schemas - names
    assert {HOOK + ".py", HOOK + ".pth"} <= names


def test_wheel_holds_the_packages_data_files_as_in_the_work_tree(wheel):
    """Data read at run time (the framework mappings) ships inside the package."""
    data_dir = os.path.join(ROOT, PLUGIN, "data")
    data = sorted(
        os.path.relpath(os.path.join(d, n), ROOT).replace(os.sep, "/")
        for d, _dirs, names in os.walk(data_dir)
        for n in names
    )
    assert PLUGIN + "/data/frameworks.json" in data
    for name in data:
        with open(os.path.join(ROOT, name), "rb") as f:
            assert wheel.read(name) == f.read(), name


def test_the_installed_plugin_reads_its_framework_mappings(tmp_path):
    state = json_of(
        run_python(
            VENV_PYTHON,
            """
        import json, os
        import c7n_vpcflow
        from c7n_vpcflow.data.frameworks import load
        print(json.dumps({"from": os.path.dirname(c7n_vpcflow.__file__), "data": load()}))
        """,
            cwd=tmp_path,
        )
    )
    assert not under(state["from"], os.path.join(ROOT, PLUGIN))  # the installed copy
    with open(os.path.join(ROOT, PLUGIN, "data", "frameworks.json"), encoding="utf-8") as f:
        assert state["data"] == json.load(f)


def test_wheel_root_holds_nothing_but_the_plugin_the_hook_and_metadata(wheel):
    top = {n.split("/")[0] for n in wheel.namelist()}
    assert top == {PLUGIN, HOOK + ".py", HOOK + ".pth", dist_info(wheel)}


def test_wheel_pth_is_one_line_importing_the_hook(wheel):
    content = wheel.read(HOOK + ".pth").decode()
    assert content.splitlines() == ["import " + HOOK]


def test_wheel_hook_module_is_the_work_tree_one(wheel):
    with open(os.path.join(ROOT, HOOK + ".py"), "rb") as f:
        assert wheel.read(HOOK + ".py") == f.read()


def test_wheel_metadata_names_the_distribution_and_its_requirements(wheel):
    metadata = email.parser.Parser().parsestr(wheel.read(dist_info(wheel) + "/METADATA").decode())
    assert metadata["Name"] == "c7n-vpcflow"
    assert metadata["Version"] == c7n_vpcflow.__version__  # the one every evidence file records
    requirements = [Requirement(r) for r in metadata.get_all("Requires-Dist")]
    runtime = {r.name for r in requirements if r.marker is None}
    assert {"c7n", "c7n-org", "boto3", "jsonschema", "fastjsonschema", "pyyaml"} <= runtime
    assert "test" in metadata.get_all("Provides-Extra")
    test_extra = {
        r.name: r
        for r in requirements
        if r.marker is not None and r.marker.evaluate({"extra": "test"})
    }
    assert {"pytest", "placebo", "moto"} <= set(test_extra)
    assert "server" in test_extra["moto"].extras


def test_installed_plugin_is_the_work_tree_version(tmp_path):
    """The stock-CLI tests exercise the installed copy: it must be this work tree's code.

    Fails after editing c7n_vpcflow/ without reinstalling (`make test` reinstalls).
    """
    where = json_of(
        run_python(
            VENV_PYTHON,
            """
        import json, os, sys
        import c7n_vpcflow
        print(json.dumps([os.path.dirname(c7n_vpcflow.__file__),
                          sys.modules["c7n_vpcflow_autoload"].__file__]))
        """,
            cwd=tmp_path,
        )
    )
    installed, hook = where
    source = os.path.join(ROOT, PLUGIN)
    modules = sorted(os.path.basename(p) for p in glob.glob(os.path.join(source, "*.py")))
    _same, differ, missing = filecmp.cmpfiles(source, installed, modules, shallow=False)
    assert differ + missing == [], (
        "the installed %s differs from the work tree in %s: reinstall (make install)"
        % (installed, differ + missing)
    )
    site_dir = os.path.dirname(hook)
    for name in (HOOK + ".py", HOOK + ".pth"):
        assert filecmp.cmp(os.path.join(ROOT, name), os.path.join(site_dir, name), shallow=False), (
            name
        )
