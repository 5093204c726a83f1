"""The exemption register's text checked and read into exemptions.

Its format is c7n_vpcflow/schemas/exemptions.schema.json (JSON Schema draft-07, checked by
`fastjsonschema`, dates by its `date` format). Both the YAML reader (PyYAML's pure-Python
SafeLoader) and the checker are pure Python, so a Lambda function's archive carries them
(mode `packages: [c7n_vpcflow, yaml, fastjsonschema]`) and checks a register exactly as a
pull-mode run does. The YAML is read as written: dates stay text for the schema to check,
and a key given twice or an alias (*name) is refused, so every entry says all it says
where it stands, as its reviewer saw it. What the schema cannot say is checked after it:
`expires` at most `max-exemption-days` after the run's date, and one entry per VPC (two
entries for one vpc-id may stand only when their account-id or their region differ; an
absent one means any, so it overlaps every value).

Every problem is one line naming the register, then the entry (its position from 1, its
vpc-id and line) and the key; the first problem in the file's order is the one said.
"""

import json
from datetime import date
from functools import lru_cache
from importlib.resources import files

import fastjsonschema
import yaml

from c7n_vpcflow.audit.exemptions import Exemption
from c7n_vpcflow.vocabulary import MAX_EXEMPTION_DAYS  # noqa: F401 (the default, said here)

SCHEMA_FILE = "exemptions.schema.json"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
LONGEST_VALUE = 60  # characters of a wrong value shown in its problem
WHAT_A_REGISTER_IS = (
    "a register is a mapping whose key exemptions lists the entries (exemptions: [] for none)"
)


class RegisterError(ValueError):
    """A register that cannot be used, in one line."""

    def __init__(self, location, problem):
        super().__init__("exemption register %s: %s" % (location, problem))


class RegisterLoader(yaml.SafeLoader):
    """YAML as written: no timestamps (dates stay text), no key twice, no alias."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "an alias (*name): write each entry out in full",
                self.peek_event().start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key, _value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, "%s given twice in one mapping" % key.value, key.start_mark
                )
            seen.add(key.value)
        return super().construct_mapping(node, deep)


RegisterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@lru_cache(maxsize=None)
def schema():
    return json.loads(files("c7n_vpcflow").joinpath("schemas", SCHEMA_FILE).read_text("utf-8"))


@lru_cache(maxsize=None)
def validator():
    # Every error, not only the first the generated code meets: the one said is the first
    # in the file's order (schema_problem).
    return fastjsonschema.compile(schema(), fast_fail=False)


def entry_schema():
    return schema()["definitions"]["exemption"]


def schema_errors(document):
    """The schema's errors in `document`, each with its path inside it (list indexes as
    numbers): [(path, error)]."""
    try:
        validator()(document)
    except fastjsonschema.JsonSchemaValuesException as e:
        return [
            ([int(step) if step.isdigit() else step for step in error.path[1:]], error)
            for error in e.errors
        ]
    return []


def read_yaml(text):
    """(the document, the line of each item of its `exemptions` list); YAMLError."""
    loader = RegisterLoader(text)
    try:
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    items = (
        next(
            (
                value.value
                for key, value in node.value
                if key.value == "exemptions" and isinstance(value, yaml.SequenceNode)
            ),
            [],
        )
        if isinstance(node, yaml.MappingNode)
        else []
    )
    return document, [item.start_mark.line + 1 for item in items]


def yaml_problem(error):
    mark = getattr(error, "problem_mark", None)
    return "not valid YAML: %s%s" % (
        "line %d: " % (mark.line + 1) if mark else "",
        " ".join(str(getattr(error, "problem", None) or error).split()),
    )


def entry_name(number, vpc_id, line):
    """How every problem names an entry: its position (from 1), vpc-id and line."""
    return "entry %d (%s, line %d)" % (number, vpc_id or "no vpc-id", line)


def unchecked_entry_name(document, lines, index):
    entry = document["exemptions"][index]
    vpc_id = entry.get("vpc-id") if isinstance(entry, dict) else None
    return entry_name(index + 1, vpc_id if isinstance(vpc_id, str) else None, lines[index])


def text_of(value):
    """A wrong value as a problem shows it: quoted if text, cut short to keep one line."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 3] + "..."


def key_problem(path, error):
    """The problem of one error of the schema within an entry, naming its key."""
    entry = entry_schema()
    if error.rule == "required":
        return "%s: missing (required)" % next(
            key for key in entry["required"] if key not in error.value
        )
    if error.rule == "additionalProperties":
        return "%s: not a key of an exemption (its keys: %s)" % (
            next(key for key in error.value if key not in entry["properties"]),
            ", ".join(entry["properties"]),
        )
    if error.rule == "type" and len(path) == 2:
        return "not a mapping of %s" % ", ".join(entry["properties"])
    key = path[2]
    return "%s: %s: expected %s" % (
        key,
        text_of(error.value),
        entry["properties"][key]["description"],
    )


def schema_problem(document, lines):
    """The first problem the schema finds, in the file's order; None."""
    errors = schema_errors(document)
    if not errors:
        return None
    keys = list(entry_schema()["properties"])

    def place(found):
        path = found[0]
        index = path[1] if len(path) > 1 else -1
        return index, keys.index(path[2]) if len(path) > 2 else -1

    path, error = min(errors, key=place)
    if not path:
        if error.rule == "additionalProperties":
            return "%s: not a key of a register: %s" % (
                next(key for key in document if key != "exemptions"),
                WHAT_A_REGISTER_IS,
            )
        return "not a register: %s" % WHAT_A_REGISTER_IS
    if len(path) == 1:
        return "exemptions: not a list of entries"
    return "%s: %s" % (unchecked_entry_name(document, lines, path[1]), key_problem(path, error))


def exemption_of(entry, number, line):
    return Exemption(
        entry=number,
        line=line,
        vpc_id=entry["vpc-id"],
        reason=entry["reason"],
        approved_by=entry["approved-by"],
        expires=date.fromisoformat(entry["expires"]),
        account_id=entry.get("account-id"),
        region=entry.get("region"),
        ticket=entry.get("ticket"),
    )


def name(exemption):
    return entry_name(exemption.entry, exemption.vpc_id, exemption.line)


def rule_problem(exemptions, today, max_days):
    """The first entry, in the file's order, that expires too late or repeats a VPC."""
    earlier = {}
    for exemption in exemptions:
        days = (exemption.expires - today).days
        if days > max_days:
            return (
                "%s: expires: %s is %d days after this run (%s): at most %d "
                "(max-exemption-days)" % (name(exemption), exemption.expires, days, today, max_days)
            )
        other = next((e for e in earlier.get(exemption.vpc_id, ()) if e.overlaps(exemption)), None)
        if other is not None:
            return (
                "%s: vpc-id: %s also applies to it in account %s, region %s: one "
                "entry per VPC"
                % (
                    name(exemption),
                    name(other),
                    exemption.account_id or other.account_id or "any",
                    exemption.region or other.region or "any",
                )
            )
        earlier.setdefault(exemption.vpc_id, []).append(exemption)
    return None


def parse_register(text, location, today, max_days=MAX_EXEMPTION_DAYS):
    """The exemptions of a register's text, checked for a run on `today` (a date, UTC);
    RegisterError naming the first problem."""
    try:
        document, lines = read_yaml(text)
    except yaml.YAMLError as e:
        raise RegisterError(location, yaml_problem(e)) from None
    problem = schema_problem(document, lines)
    if problem:
        raise RegisterError(location, problem)
    exemptions = [
        exemption_of(entry, n + 1, lines[n]) for n, entry in enumerate(document["exemptions"])
    ]
    problem = rule_problem(exemptions, today, max_days)
    if problem:
        raise RegisterError(location, problem)
    return exemptions
