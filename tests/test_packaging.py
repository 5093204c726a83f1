"""What installing the project gives: documented schema, lazy start-up hook, wheel, editable.

The stock commands of this environment are used throughout (`custodian schema`, the
venv's `python`, `pip`); the wheel is built and the scratch venvs are made once per module.
"""
import email.parser
import filecmp
import glob
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile

import pytest
import yaml
from packaging.requirements import Requirement

import c7n
from support.cli import Cli
from support.hermetic import hermetic_environ

from c7n_vpcflow.action import EnableFlowLogs
from c7n_vpcflow.compliance import FlowLogCompliance

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)
VENV_PYTHON = os.path.join(VENV_BIN, "python")
# Where this environment's dependencies (c7n, boto3, ...) are installed.
DEPS_DIR = os.path.dirname(os.path.dirname(os.path.realpath(c7n.__file__)))
HOOK = "c7n_vpcflow_autoload"
PLUGIN = "c7n_vpcflow"


def under(path, directory):
    path, directory = os.path.realpath(path), os.path.realpath(directory)
    return os.path.commonpath([path, directory]) == directory


def run_python(python, code, *flags, cwd):
    """A fresh interpreter; cwd is a scratch dir, so the work tree is not on sys.path."""
    return subprocess.run([python, *flags, "-c", textwrap.dedent(code)], cwd=str(cwd),
                          capture_output=True, text=True, timeout=120)


def json_of(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- 1. `custodian schema` documents the filter and the action ------------------------

ELEMENTS = {
    "aws.vpc.actions.enable-flow-logs": ("actions", EnableFlowLogs),
    "aws.vpc.filters.flow-log-compliance": ("filters", FlowLogCompliance),
}


def split_schema_output(output):
    """(help text, YAML example or None, printed schema) of `custodian schema <element>`."""
    help_part, _, schema_part = output.partition("\nSchema\n------\n")
    example = None
    match = re.search(r"^([ \t]*)\.\. code-block:: yaml[ \t]*\n((?:[ \t]*\n)*)", help_part, re.M)
    if match:
        lines = []
        for line in help_part[match.end():].splitlines():
            if line.strip() and len(line) - len(line.lstrip()) <= len(match.group(1)):
                break
            lines.append(line)
        example = textwrap.dedent("\n".join(lines))
    return help_part, example, yaml.safe_load(schema_part)


@pytest.fixture(scope="module")
def schema_outputs(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("schema")
    with hermetic_environ(workdir / "home"):
        cli = Cli(workdir)
        return {element: cli("custodian", "schema", element) for element in ELEMENTS}


@pytest.mark.parametrize("element", list(ELEMENTS))
def test_custodian_schema_prints_help_with_a_complete_yaml_example(element, schema_outputs):
    result = schema_outputs[element]
    assert result.returncode == 0, result.stderr
    kind, cls = ELEMENTS[element]
    help_text, example, _schema = split_schema_output(result.stdout)
    assert "Help" in help_text
    assert example, "no `.. code-block:: yaml` example in:\n" + help_text
    document = yaml.safe_load(example)
    [policy] = document["policies"]
    assert policy["resource"] in ("aws.vpc", "vpc")
    elements = [e for e in policy[kind] if isinstance(e, dict) and e.get("type") == cls.type]
    assert len(elements) == 1, policy
    # Complete: the example shows every key the schema has.
    assert set(elements[0]) == set(cls.schema["properties"])


@pytest.mark.parametrize("element", list(ELEMENTS))
def test_custodian_schema_lists_every_key_of_the_class_schema(element, schema_outputs):
    result = schema_outputs[element]
    assert result.returncode == 0, result.stderr
    _kind, cls = ELEMENTS[element]
    _help, _example, printed = split_schema_output(result.stdout)
    assert set(printed["properties"]) == set(cls.schema["properties"])
    assert printed["properties"] == cls.schema["properties"]


def test_schema_examples_pass_custodian_validate(schema_outputs, tmp_path, cli):
    files = []
    for n, element in enumerate(ELEMENTS):
        _help, example, _schema = split_schema_output(schema_outputs[element].stdout)
        path = tmp_path / ("example-%d.yml" % n)
        path.write_text(example)
        files.append(path)
    result = cli("custodian", "validate", *files)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Configuration valid") == len(files), result.stderr


# -- 2. lazy loading through the .pth hook ---------------------------------------------

def test_fresh_interpreter_has_the_hook_but_not_c7n_boto_or_the_plugin(tmp_path):
    state = json_of(run_python(VENV_PYTHON, """
        import json, sys
        print(json.dumps({"modules": sorted(sys.modules),
                          "finders": [type(f).__module__ for f in sys.meta_path]}))
        """, cwd=tmp_path))
    modules = state["modules"]
    assert HOOK in modules
    assert HOOK in state["finders"]  # the finder waiting for c7n.resources.vpc
    heavy = [m for m in modules if m.split(".")[0] in
             ("c7n", "c7n_org", PLUGIN, "boto3", "botocore")]
    assert heavy == []


def test_loading_aws_vpc_registers_the_filter_and_action_without_importing_the_plugin(tmp_path):
    state = json_of(run_python(VENV_PYTHON, """
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
        """, cwd=tmp_path))
    assert state["action"] == "c7n_vpcflow.action"
    assert state["filter"] == "c7n_vpcflow.compliance"
    assert state["finder_left"] is False  # it removes itself once it has fired


def test_without_the_hooks_finder_aws_vpc_has_neither_filter_nor_action(tmp_path):
    """Control for the test above: the registration is the hook's doing."""
    state = json_of(run_python(VENV_PYTHON, """
        import json, sys
        sys.meta_path[:] = [f for f in sys.meta_path
                            if type(f).__module__ != "c7n_vpcflow_autoload"]
        from c7n.resources import load_resources
        load_resources(("aws.vpc",))
        from c7n.resources.vpc import Vpc
        print(json.dumps({"action": "enable-flow-logs" in Vpc.action_registry.keys(),
                          "filter": "flow-log-compliance" in Vpc.filter_registry.keys(),
                          "plugin": "c7n_vpcflow" in sys.modules}))
        """, cwd=tmp_path))
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
    ours = [n for n in names if n.split(".")[0] in (PLUGIN, "c7n", "c7n_org", "boto3",
                                                     "botocore")]
    assert ours == []


# -- 3. the wheel ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    with hermetic_environ(out / "home"):
        result = subprocess.run(
            [VENV_PYTHON, "-m", "pip", "wheel", "--disable-pip-version-check", "--no-deps",
             "--no-build-isolation", "-w", str(out), ROOT],
            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    [path] = glob.glob(str(out / "*.whl"))
    with zipfile.ZipFile(path) as archive:
        yield archive


def dist_info(archive):
    [directory] = {n.split("/")[0] for n in archive.namelist()
                   if n.split("/")[0].endswith(".dist-info")}
    return directory


def test_wheel_holds_every_plugin_module_and_the_hook_at_its_root(wheel):
    names = set(wheel.namelist())
    source_modules = {"c7n_vpcflow/" + os.path.basename(p)
                      for p in glob.glob(os.path.join(ROOT, PLUGIN, "*.py"))}
    assert "c7n_vpcflow/__init__.py" in source_modules
    assert source_modules <= names, source_modules - names
    assert {HOOK + ".py", HOOK + ".pth"} <= names


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
    metadata = email.parser.Parser().parsestr(
        wheel.read(dist_info(wheel) + "/METADATA").decode())
    assert metadata["Name"] == "c7n-vpcflow"
    requirements = [Requirement(r) for r in metadata.get_all("Requires-Dist")]
    runtime = {r.name for r in requirements if r.marker is None}
    assert {"c7n", "c7n-org", "boto3"} <= runtime
    assert "test" in metadata.get_all("Provides-Extra")
    test_extra = {r.name: r for r in requirements
                  if r.marker is not None and r.marker.evaluate({"extra": "test"})}
    assert {"pytest", "placebo", "moto"} <= set(test_extra)
    assert "server" in test_extra["moto"].extras


def test_installed_plugin_is_the_work_tree_version(tmp_path):
    """The stock-CLI tests exercise the installed copy: it must be this work tree's code.

    Fails after editing c7n_vpcflow/ without reinstalling (`make test` reinstalls).
    """
    where = json_of(run_python(VENV_PYTHON, """
        import json, os, sys
        import c7n_vpcflow
        print(json.dumps([os.path.dirname(c7n_vpcflow.__file__),
                          sys.modules["c7n_vpcflow_autoload"].__file__]))
        """, cwd=tmp_path))
    installed, hook = where
    source = os.path.join(ROOT, PLUGIN)
    modules = sorted(os.path.basename(p) for p in glob.glob(os.path.join(source, "*.py")))
    _same, differ, missing = filecmp.cmpfiles(source, installed, modules, shallow=False)
    assert differ + missing == [], (
        "the installed %s differs from the work tree in %s: reinstall (make install)"
        % (installed, differ + missing))
    site_dir = os.path.dirname(hook)
    for name in (HOOK + ".py", HOOK + ".pth"):
        assert filecmp.cmp(os.path.join(ROOT, name), os.path.join(site_dir, name),
                           shallow=False), name


# -- 4. editable install --------------------------------------------------------------

def make_scratch_venv(path):
    """A venv without pip that sees this environment's dependencies, behind its own.

    zz-deps.pth appends DEPS_DIR to sys.path; the .pth files inside DEPS_DIR (our
    installed hook among them) are not processed there.
    """
    subprocess.run([VENV_PYTHON, "-m", "venv", "--without-pip", str(path)], check=True,
                   capture_output=True, timeout=120)
    python = os.path.join(str(path), "bin", "python")
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(site_packages, "zz-deps.pth"), "w") as f:
        f.write(DEPS_DIR + "\n")
    return python, site_packages


def pip_into(python, *args):
    """This environment's pip, installing into the scratch interpreter `python`."""
    return subprocess.run(
        [VENV_PYTHON, "-m", "pip", "--python", python, "--disable-pip-version-check",
         *args], capture_output=True, text=True, timeout=300)


EDITABLE = ("install", "--no-deps", "--no-build-isolation", "-e", ROOT)

STATE = """
    import json, sys
    state = {"hook": sys.modules["c7n_vpcflow_autoload"].__file__
             if "c7n_vpcflow_autoload" in sys.modules else None,
             "c7n_loaded": "c7n" in sys.modules}
    from c7n.resources import load_resources
    load_resources(("aws.vpc",))
    from c7n.resources.vpc import Vpc
    import c7n, c7n_vpcflow
    action = Vpc.action_registry.get("enable-flow-logs")
    state.update(plugin=c7n_vpcflow.__file__, c7n=c7n.__file__,
                 action=action and sys.modules[action.__module__].__file__)
    print(json.dumps(state))
    """


@pytest.fixture(scope="module")
def editable_venv(tmp_path_factory):
    """(python, site-packages, state before the install) of a venv with `pip install -e`.

    Nothing beyond the test extra is installed first: hatchling's dev-mode-dirs make the
    editable wheel a plain path .pth, with no need for the `editables` package.
    """
    workdir = tmp_path_factory.mktemp("editable")
    with hermetic_environ(workdir / "home"):
        python, site_packages = make_scratch_venv(workdir / "ed")
        before = run_python(python, STATE, cwd=workdir)
        installed = pip_into(python, *EDITABLE)
    assert installed.returncode == 0, (installed.stdout + installed.stderr)[-3000:]
    return python, site_packages, json_of(before)


def test_scratch_venv_sees_dependencies_but_not_the_installed_hook(editable_venv):
    _python, _site, before = editable_venv
    assert before["hook"] is None
    assert under(before["c7n"], DEPS_DIR)


def test_editable_install_loads_the_hook_from_the_work_tree_at_start_up(editable_venv, tmp_path):
    python, site_packages, _before = editable_venv
    assert os.path.isfile(os.path.join(site_packages, HOOK + ".pth"))
    state = json_of(run_python(python, STATE, cwd=tmp_path))
    assert state["hook"] and under(state["hook"], ROOT), state
    assert state["c7n_loaded"] is False


def test_editable_install_registers_the_work_tree_plugin(editable_venv, tmp_path):
    python, site_packages, _before = editable_venv
    state = json_of(run_python(python, STATE, cwd=tmp_path))
    assert under(state["plugin"], ROOT), state
    assert under(state["action"], ROOT), state
    assert not os.path.exists(os.path.join(site_packages, PLUGIN))  # not a copy
    assert under(state["c7n"], DEPS_DIR), state


def test_editable_install_python_m_c7n_cli_schema_works(editable_venv, tmp_path):
    python, _site, _before = editable_venv
    result = subprocess.run(
        [python, "-m", "c7n.cli", "schema", "aws.vpc.actions.enable-flow-logs"],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    _help, example, printed = split_schema_output(result.stdout)
    assert set(printed["properties"]) == set(EnableFlowLogs.schema["properties"])
    assert example and "enable-flow-logs" in example


