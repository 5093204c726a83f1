"""The exemption register's format (issue 23, item 1): the keys of the issue, required and
optional as it says, a JSON Schema shipped in the package, and what the schema cannot say
(expiry at most max-exemption-days after the run, one entry per VPC). Every problem is one
line naming the register, the entry (position, vpc-id, line) and the key."""

import json
import os
from datetime import date, timedelta
from importlib.resources import files

import pytest
import yaml
from jsonschema import Draft7Validator

from c7n_vpcflow.audit.register import RegisterError, parse_register
from support.constants import ROOT

TODAY = date(2026, 12, 10)
WHERE = "registers/exemptions.yml"
VPC = "vpc-0a1b2c3d4e5f67890"
ISSUE_EXAMPLE = """\
exemptions:
  - vpc-id: vpc-0a1b2c3d4e5f67890
    account-id: "123456789012"
    region: eu-west-1
    reason: vendor-managed VPC, vendor ticket V-123
    approved-by: jane.doe@example.com   # required
    ticket: SEC-4411                     # optional
    expires: 2027-03-31                  # required, ISO date
"""


def entry(**keys):
    """One entry as YAML text, every key of the issue's example unless given (None: left
    out)."""
    values = {
        "vpc-id": VPC,
        "account-id": '"123456789012"',
        "region": "eu-west-1",
        "reason": "vendor-managed VPC",
        "approved-by": "jane.doe@example.com",
        "ticket": "SEC-4411",
        "expires": "2027-03-31",
    }
    values.update({k.replace("_", "-"): v for k, v in keys.items()})
    lines = ["%s: %s" % (k, v) for k, v in values.items() if v is not None]
    return "  - " + "\n    ".join(lines) + "\n"


def register(*entries):
    return "exemptions:\n" + "".join(entries)


def problem(text, today=TODAY, **options):
    with pytest.raises(RegisterError) as raised:
        parse_register(text, WHERE, today, **options)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("exemption register %s: " % WHERE)
    return message[len("exemption register %s: " % WHERE) :]


def test_the_issues_example_is_a_register_of_one_exemption():
    [exemption] = parse_register(ISSUE_EXAMPLE, WHERE, TODAY)
    assert exemption.record() == {
        "vpc-id": VPC,
        "account-id": "123456789012",
        "region": "eu-west-1",
        "reason": "vendor-managed VPC, vendor ticket V-123",
        "approved-by": "jane.doe@example.com",
        "ticket": "SEC-4411",
        "expires": "2027-03-31",
        "entry": 1,
    }
    assert exemption.expires == date(2027, 3, 31)


def test_account_region_and_ticket_are_optional():
    [exemption] = parse_register(
        register(entry(account_id=None, region=None, ticket=None)), WHERE, TODAY
    )
    assert (exemption.account_id, exemption.region, exemption.ticket) == (None, None, None)


def test_an_empty_list_exempts_nothing():
    assert parse_register("exemptions: []\n", WHERE, TODAY) == []


@pytest.mark.parametrize("key", ["vpc-id", "reason", "approved-by", "expires"])
def test_each_required_key_missing_is_named_with_its_entry(key):
    text = register(entry(), entry(vpc_id="vpc-0123456789abcdef0", **{key: None}))
    named = "vpc-0123456789abcdef0" if key != "vpc-id" else "no vpc-id"
    assert problem(text) == "entry 2 (%s, line 9): %s: missing (required)" % (named, key)


@pytest.mark.parametrize(
    "key,value,shown",
    [
        ("expires", "2027-02-30", "'2027-02-30'"),
        ("expires", "31/03/2027", "'31/03/2027'"),
        ("expires", "2027-03-31T00:00:00", "'2027-03-31T00:00:00'"),
        ("vpc-id", "vpc-xyz", "'vpc-xyz'"),
        ("account-id", "123456789012", "123456789012"),
        ("account-id", '"12345"', "'12345'"),
        ("region", "Ireland", "'Ireland'"),
        ("reason", '" "', "' '"),
        ("approved-by", '""', "''"),
        ("ticket", "4411", "4411"),
    ],
    ids=[
        "impossible-date",
        "not-iso",
        "a-time",
        "vpc-id",
        "unquoted-account",
        "short-account",
        "region",
        "blank-reason",
        "empty-approver",
        "numeric-ticket",
    ],
)
def test_a_malformed_value_is_named_with_its_key_and_what_was_expected(key, value, shown):
    message = problem(register(entry(**{key: value})))
    assert message.startswith(
        "entry 1 (%s, line 2): %s: %s: expected " % (VPC if key != "vpc-id" else value, key, shown)
    )


def test_a_long_wrong_value_is_cut_short_to_keep_one_line():
    message = problem(register(entry(region="x" * 500)))
    assert "region: '%s...: expected" % ("x" * 56) in message and len(message) < 200


def test_an_unquoted_account_id_is_told_to_be_quoted():
    assert "12 digits in quotes" in problem(register(entry(account_id="123456789012")))


def test_a_key_the_issue_does_not_name_is_refused_and_tags_are_no_source():
    assert problem(register(entry(tags="{owner: vendor}"))) == (
        "entry 1 (%s, line 2): tags: not a key of an exemption (its keys: vpc-id, "
        "account-id, region, reason, approved-by, ticket, expires)" % VPC
    )


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "- vpc-id: %s\n" % VPC,
            "not a register: a register is a mapping whose key exemptions "
            "lists the entries (exemptions: [] for none)",
        ),
        ("exemptions: vpc-1\n", "exemptions: not a list of entries"),
        (
            "exemptions: []\nowner: security\n",
            "owner: not a key of a register: a register is a "
            "mapping whose key exemptions lists the entries "
            "(exemptions: [] for none)",
        ),
        (
            "exemptions:\n  - %s\n" % VPC,
            "entry 1 (no vpc-id, line 2): not a mapping of vpc-id, "
            "account-id, region, reason, approved-by, ticket, "
            "expires",
        ),
        (
            "exemptions: [\n",
            "not valid YAML: line 2: expected the node content, but found '<stream end>'",
        ),
    ],
    ids=["a-bare-list", "not-a-list", "other-top-key", "entry-not-a-mapping", "broken-yaml"],
)
def test_a_register_of_the_wrong_shape_says_what_a_register_is(text, message):
    assert problem(text) == message


def test_a_key_given_twice_in_an_entry_is_refused_at_its_line():
    text = register(entry(expires="2027-01-31\n    expires: 2027-12-31"))
    assert problem(text) == "not valid YAML: line 9: expires given twice in one mapping"


def test_an_alias_is_refused_each_entry_standing_in_full():
    text = register(
        entry(reason="&why vendor-managed"), entry(vpc_id="vpc-0123456789abcdef0", reason="*why")
    )
    assert (
        problem(text) == "not valid YAML: line 12: an alias (*name): write each entry out in full"
    )


@pytest.mark.parametrize("days,refused", [(365, False), (366, True)])
def test_expiry_is_at_most_365_days_after_the_run_by_default(days, refused):
    expires = TODAY + timedelta(days=days)
    text = register(entry(expires=expires.isoformat()))
    if not refused:
        [exemption] = parse_register(text, WHERE, TODAY)
        assert exemption.expires == expires
    else:
        assert problem(text) == (
            "entry 1 (%s, line 2): expires: %s is 366 days after this run (2026-12-10): at "
            "most 365 (max-exemption-days)" % (VPC, expires)
        )


def test_max_exemption_days_sets_how_far_an_expiry_may_be():
    text = register(entry(expires=(TODAY + timedelta(days=91)).isoformat()))
    assert "is 91 days after this run (2026-12-10): at most 90" in problem(text, max_days=90)
    assert parse_register(text, WHERE, TODAY, max_days=91)


def test_an_expired_entry_is_part_of_the_register():
    [exemption] = parse_register(register(entry(expires="2026-01-31")), WHERE, TODAY)
    assert exemption.expires == date(2026, 1, 31)


@pytest.mark.parametrize(
    "first,second,scope",
    [
        ({}, {}, "account 123456789012, region eu-west-1"),
        ({"account_id": None, "region": None}, {}, "account 123456789012, region eu-west-1"),
        (
            {"region": None},
            {"account_id": None, "region": "us-east-1"},
            "account 123456789012, region us-east-1",
        ),
        (
            {"account_id": None, "region": None},
            {"account_id": None, "region": None},
            "account any, region any",
        ),
    ],
    ids=["same-scope", "any-covers-one", "any-account-meets-any-region", "both-anywhere"],
)
def test_two_entries_that_could_apply_to_one_vpc_are_refused(first, second, scope):
    text = register(entry(**first), entry(**second))
    second_line = 2 + entry(**first).count("\n")
    assert problem(text) == (
        "entry 2 (%s, line %d): vpc-id: entry 1 (%s, line 2) also applies to it in %s: one "
        "entry per VPC" % (VPC, second_line, VPC, scope)
    )


@pytest.mark.parametrize(
    "first,second",
    [
        ({"account_id": '"123456789012"'}, {"account_id": '"444455556666"'}),
        ({"region": "eu-west-1"}, {"region": "us-east-1"}),
        ({}, {"vpc_id": "vpc-0123456789abcdef0"}),
    ],
    ids=["other-account", "other-region", "other-vpc"],
)
def test_one_vpc_id_may_stand_twice_in_different_accounts_or_regions(first, second):
    assert len(parse_register(register(entry(**first), entry(**second)), WHERE, TODAY)) == 2


def test_the_first_problem_in_the_files_order_is_the_one_said():
    text = register(
        entry(), entry(vpc_id="vpc-0123456789abcdef0", reason=None), entry(vpc_id="vpc-xyz")
    )
    assert problem(text).startswith("entry 2 (vpc-0123456789abcdef0, line 9): reason:")


def test_the_schema_is_draft_07_shipped_in_the_package_and_holds_the_issues_keys():
    schema = json.loads(
        files("c7n_vpcflow").joinpath("schemas", "exemptions.schema.json").read_text()
    )
    # draft-07: the newest draft fastjsonschema implements, which checks the register in
    # a Lambda archive too.
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)
    exemption = schema["definitions"]["exemption"]
    assert list(exemption["properties"]) == [
        "vpc-id",
        "account-id",
        "region",
        "reason",
        "approved-by",
        "ticket",
        "expires",
    ]
    assert exemption["required"] == ["vpc-id", "reason", "approved-by", "expires"]
    # Any JSON Schema tool checks a register as c7n-vpcflow reads it (dates as text).
    document = yaml.safe_load(ISSUE_EXAMPLE.replace("2027-03-31", '"2027-03-31"'))
    checker = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    assert not list(checker.iter_errors(document))
    assert list(
        checker.iter_errors({"exemptions": [dict(document["exemptions"][0], expires="2027-02-30")]})
    )


@pytest.mark.parametrize(
    "expires", ["2028-02-29", "2027-12-31", "2026-12-10"], ids=["leap-day", "year-end", "today"]
)
def test_a_real_calendar_date_is_an_expiry(expires):
    [exemption] = parse_register(register(entry(expires=expires)), WHERE, TODAY, max_days=500)
    assert exemption.expires.isoformat() == expires


@pytest.mark.parametrize(
    "key,value,shown",
    [
        ("expires", "2027-02-29", "'2027-02-29'"),
        ("expires", "20270331", "20270331"),
        ("expires", '"2027-3-31"', "'2027-3-31'"),
        ("expires", "0000-01-01", "'0000-01-01'"),
        ("ticket", "", "null"),
        ("vpc-id", "[vpc-0a1b2c3d]", '["vpc-0a1b2c3d"]'),
        ("reason", "{text: why}", '{"text": "why"}'),
    ],
    ids=[
        "no-leap-day",
        "date-as-number",
        "unpadded-month",
        "year-zero",
        "empty-ticket",
        "vpc-id-list",
        "reason-mapping",
    ],
)
def test_a_value_of_the_wrong_kind_is_named_with_its_key(key, value, shown):
    message = problem(register(entry(**{key: value})))
    named = VPC if key != "vpc-id" else "no vpc-id"
    assert message.startswith(
        "entry 1 (%s, line 2): %s: %s: expected %s"
        % (
            named,
            key,
            shown,
            json.loads(
                files("c7n_vpcflow").joinpath("schemas", "exemptions.schema.json").read_text()
            )["definitions"]["exemption"]["properties"][key]["description"],
        )
    )


def test_within_an_entry_a_missing_key_is_said_before_a_wrong_value():
    message = problem(register(entry(vpc_id="vpc-xyz", reason=None)))
    assert message == "entry 1 (vpc-xyz, line 2): reason: missing (required)"


def test_within_an_entry_the_keys_are_checked_in_the_schemas_order():
    message = problem(register(entry(region="Ireland", expires="2027-02-30")))
    assert message.startswith("entry 1 (%s, line 2): region: 'Ireland'" % VPC)


def test_the_docs_example_is_a_register_and_their_error_line_is_what_a_run_says():
    page = open(os.path.join(ROOT, "docs", "audit.md"), encoding="utf-8").read()
    section = page[page.index("## Exemptions: the register") :]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    [exemption] = parse_register(example, "exemptions.yml", TODAY)
    said = section.split("```text\n", 1)[1].split("```", 1)[0].strip()
    second = (
        example.split("exemptions:\n", 1)[1]
        .replace(exemption.vpc_id, "vpc-04e5f6a7b8c9d0e1f")
        .replace("2027-03-31", "2028-06-01")
    )
    with pytest.raises(RegisterError) as raised:
        parse_register(example + second, "exemptions.yml", TODAY)
    assert str(raised.value) == said
