"""An editable install (`pip install -e .`) loads the plugin from the work tree."""

import os
import subprocess

import pytest

from c7n_vpcflow.remediation.action import EnableFlowLogs
from support.constants import ROOT
from support.hermetic import hermetic_environ
from support.packaging import (
    DEPS_DIR,
    HOOK,
    PLUGIN,
    VENV_PYTHON,
    dependencies_only,
    json_of,
    run_python,
    split_schema_output,
    under,
)


def make_scratch_venv(path):
    """A venv without pip that sees this environment's dependencies, behind its own.

    zz-deps.pth appends a folder of DEPS_DIR's dependencies to sys.path (this environment's
    own install of the project left out, editable or not); .pth files there are not processed.
    """
    deps = dependencies_only(path.parent / "deps")
    subprocess.run(
        [VENV_PYTHON, "-m", "venv", "--without-pip", str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    python = os.path.join(str(path), "bin", "python")
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with open(os.path.join(site_packages, "zz-deps.pth"), "w") as f:
        f.write(deps + "\n")
    return python, site_packages


def pip_into(python, *args):
    """This environment's pip, installing into the scratch interpreter `python`."""
    return subprocess.run(
        [VENV_PYTHON, "-m", "pip", "--python", python, "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


EDITABLE = ("install", "--no-deps", "--no-build-isolation", "-e", ROOT)

STATE = """
    import json, sys
    state = {"hook": sys.modules["c7n_vpcflow_autoload"].__file__
             if "c7n_vpcflow_autoload" in sys.modules else None,
             "c7n_loaded": "c7n" in sys.modules}
    from c7n.resources import load_resources
    load_resources(("aws.vpc",))
    from c7n.resources.vpc import Vpc
    import c7n, importlib.util
    action = Vpc.action_registry.get("enable-flow-logs")
    plugin = importlib.util.find_spec("c7n_vpcflow")
    state.update(plugin=plugin and plugin.origin, c7n=c7n.__file__,
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


def test_scratch_venv_sees_dependencies_but_neither_plugin_nor_hook(editable_venv):
    _python, _site, before = editable_venv
    assert before["hook"] is None
    assert before["plugin"] is None and before["action"] is None
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
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    _help, example, printed = split_schema_output(result.stdout)
    assert set(printed["properties"]) == set(EnableFlowLogs.schema["properties"])
    assert example and "enable-flow-logs" in example
