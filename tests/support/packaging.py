"""Helpers for tests of what installing the project gives."""

import json
import os
import re
import subprocess
import sys
import textwrap

import c7n
import yaml

VENV_BIN = os.path.dirname(sys.executable)
VENV_PYTHON = os.path.join(VENV_BIN, "python")
# Where this environment's dependencies (c7n, boto3, ...) are installed.
DEPS_DIR = os.path.dirname(os.path.dirname(os.path.realpath(c7n.__file__)))
HOOK = "c7n_vpcflow_autoload"
PLUGIN = "c7n_vpcflow"


def dependencies_only(directory):
    """`directory`, made a folder of links to DEPS_DIR's entries but this project's own.

    Left out: whatever installing the project put there (its package, hook, .pth files and
    dist-info), as a copy (`make install`) or as a path (`pip install -e`). A scratch
    interpreter given this folder sees the same dependencies and no plugin, however this
    environment installed the project.
    """
    os.makedirs(directory)
    for name in os.listdir(DEPS_DIR):
        if not name.lstrip("_").startswith(PLUGIN):
            os.symlink(os.path.join(DEPS_DIR, name), os.path.join(directory, name))
    return str(directory)


def under(path, directory):
    path, directory = os.path.realpath(path), os.path.realpath(directory)
    return os.path.commonpath([path, directory]) == directory


def run_python(python, code, *flags, cwd):
    """A fresh interpreter; cwd is a scratch dir and PYTHONPATH is dropped, so the work tree
    is not on sys.path."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    return subprocess.run(
        [python, *flags, "-c", textwrap.dedent(code)],
        cwd=str(cwd),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def json_of(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def split_schema_output(output):
    """(help text, YAML example or None, printed schema) of `custodian schema <element>`."""
    help_part, _, schema_part = output.partition("\nSchema\n------\n")
    example = None
    match = re.search(r"^([ \t]*)\.\. code-block:: yaml[ \t]*\n((?:[ \t]*\n)*)", help_part, re.M)
    if match:
        lines = []
        for line in help_part[match.end() :].splitlines():
            if line.strip() and len(line) - len(line.lstrip()) <= len(match.group(1)):
                break
            lines.append(line)
        example = textwrap.dedent("\n".join(lines))
    return help_part, example, yaml.safe_load(schema_part)
