"""The plugin's own modules, by name, with their source parsed: for the tests that hold the
package to its rules (what may import what, no module-level state)."""

import ast
import os

from support.constants import ROOT

PACKAGE = "c7n_vpcflow"


def package_modules():
    """{dotted module name: path} of every .py file of the package (a subpackage by its
    __init__.py)."""
    found = {}
    for folder, _dirs, files in os.walk(os.path.join(ROOT, PACKAGE)):
        parts = os.path.relpath(folder, ROOT).split(os.sep)
        for name in files:
            if name.endswith(".py"):
                stem = name[:-3]
                found[".".join(parts if stem == "__init__" else parts + [stem])] = os.path.join(
                    folder, name
                )
    return found


def parsed(path):
    with open(path, encoding="utf-8") as source:
        return ast.parse(source.read(), path)
