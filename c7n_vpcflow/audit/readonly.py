"""Constants nobody can change, and plain JSON copies of them for what takes only JSON.

A module-level table is process-wide: in a Lambda container, a c7n-org worker or a test run
it outlives the policy run that might change it. So the package keeps none that can change
(tests/test_module_state.py holds every module to it); a JSON Schema fragment is read-only
here and copied into plain dicts and lists where Custodian's schema or jsonschema takes it.
"""

from types import MappingProxyType


def read_only(value):
    """`value` with every dict made a read-only mapping, every list a tuple and every set a
    frozenset, however deeply nested."""
    if isinstance(value, (dict, MappingProxyType)):
        return MappingProxyType({key: read_only(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(read_only(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    return value


def as_json(value):
    """A fresh copy of `value` in JSON's own types (dicts and lists), nested included."""
    if isinstance(value, (dict, MappingProxyType)):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    return value
