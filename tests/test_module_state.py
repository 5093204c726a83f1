"""No module-level mutable state (issue 22, 2g): every name a module of the package assigns
at module level holds a value nobody can change (numbers, strings, tuples, frozensets,
read-only mappings, frozen dataclasses, compiled patterns, enums, functions and classes),
deeply; caches only on pure functions of immutable arguments, named below with why."""

import ast
import dataclasses
import datetime
import enum
import importlib
import logging
import re
import string
import threading
import types

import pytest

from support.sources import package_modules, parsed

# Values nobody changes: immutable by construction (a Template's text is read only by
# convention, and it holds no state between runs).
IMMUTABLE_SCALARS = (
    type(None),
    bool,
    int,
    float,
    complex,
    str,
    bytes,
    range,
    enum.Enum,
    re.Pattern,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    datetime.timezone,
    string.Template,
    type,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.ModuleType,
)
# Process-wide by Python's design, and what Custodian expects of a plugin: a module's logger
# (logging keeps every logger in its own registry whatever we do).
ALLOWED = (logging.Logger,)
# functools caches on module-level functions: each must be pure (a function of immutable
# arguments, the same answer for the life of the process), said here.
PURE_CACHES = {
    # Each takes no argument and reads a file shipped in the package (a JSON Schema, the
    # prices) or compiles a validator from one: the same answer for the life of the process.
    # What they return is only read (a validator, a schema looked into, prices merged into
    # a new mapping).
    "c7n_vpcflow.report.checks.validators",
    "c7n_vpcflow.audit.register.schema",
    "c7n_vpcflow.audit.register.validator",
    "c7n_vpcflow.cost.prices.package_prices",
    "c7n_vpcflow.cost.prices._validator",
}


def mutable_part(value, where):
    """Where in `value` something can be changed, or None when nothing can."""
    if isinstance(value, ALLOWED + IMMUTABLE_SCALARS):
        return None
    if isinstance(value, (tuple, frozenset)):
        items = enumerate(value)
    elif isinstance(value, types.MappingProxyType):
        items = value.items()
    elif dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen:
        items = ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    else:
        return "%s (%s)" % (where, type(value).__name__)
    for key, item in items:
        found = mutable_part(item, "%s[%r]" % (where, key))
        if found:
            return found
    return None


def assigned_names(tree):
    """Names a module assigns at its top level (in if/try blocks too), imports excluded."""
    names, statements = [], list(tree.body)
    while statements:
        statement = statements.pop(0)
        if isinstance(statement, (ast.If, ast.Try)):
            statements.extend(
                statement.body + statement.orelse + getattr(statement, "finalbody", [])
            )
            statements.extend(s for h in getattr(statement, "handlers", []) for s in h.body)
            continue
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
            if isinstance(statement, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        for target in targets:
            names.extend(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


MODULES = package_modules()


@pytest.mark.parametrize("module_name", sorted(MODULES))
def test_no_module_level_name_holds_anything_mutable(module_name):
    module = importlib.import_module(module_name)
    found = [
        mutable_part(getattr(module, name), name)
        for name in assigned_names(parsed(MODULES[module_name]))
        if name != "__version__" and hasattr(module, name)
    ]
    assert [f for f in found if f] == []


@pytest.mark.parametrize("module_name", sorted(MODULES))
def test_module_level_caches_are_only_on_named_pure_functions(module_name):
    module = importlib.import_module(module_name)
    cached = {
        "%s.%s" % (module_name, name)
        for name, value in vars(module).items()
        if hasattr(value, "cache_info") and getattr(value, "__module__", None) == module_name
    }
    assert cached <= PURE_CACHES


def test_the_check_finds_what_can_change():
    # The rule itself: what it lets pass and what it catches, nested included.
    assert mutable_part(types.MappingProxyType({"a": (1, frozenset("b"))}), "X") is None
    assert mutable_part((1, {"a": 1}), "X") == "X[1] (dict)"
    assert mutable_part(types.MappingProxyType({"a": [1]}), "X") == "X['a'] (list)"
    assert mutable_part(threading.Lock(), "X") == "X (lock)"
    assert mutable_part(set(), "X") == "X (set)"
    assert mutable_part(bytearray(), "X") == "X (bytearray)"
    assert assigned_names(ast.parse("A = B = {}\nif x:\n    C: list = []\nimport os")) == [
        "A",
        "B",
        "C",
    ]
