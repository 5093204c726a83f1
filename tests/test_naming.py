"""Log-group name templates: what validates, how each VPC's name is rendered."""

import pytest

from c7n_vpcflow.account import Account
from c7n_vpcflow.audit.templates import TemplateError
from c7n_vpcflow.remediation.naming import (
    check_log_group_template,
    fixed_prefix,
    render_log_group_name,
    sanitize_name_tag,
    vpc_name,
)


def vpc(vpc_id="vpc-0a1b2c3d4e5f67890", name=None):
    v = {"VpcId": vpc_id, "OwnerId": "123456789012"}
    if name is not None:
        v["Tags"] = [{"Key": "Owner", "Value": "net"}, {"Key": "Name", "Value": name}]
    return v


def render(template, v):
    return render_log_group_name(template, v, Account("123456789012", "eu-west-1", "aws"))


def test_default_template_gives_each_vpc_its_own_group():
    assert render("/vpc/flow-logs/{vpc_id}", vpc()) == "/vpc/flow-logs/vpc-0a1b2c3d4e5f67890"
    assert render("/vpc/flow-logs/{vpc_id}", vpc("vpc-1")) == "/vpc/flow-logs/vpc-1"


def test_every_variable_is_filled_in():
    name = render("/{partition}/{account_id}/{region}/{vpc_name}/{vpc_id}", vpc(name="core"))
    assert name == "/aws/123456789012/eu-west-1/core/vpc-0a1b2c3d4e5f67890"


@pytest.mark.parametrize(
    "tag,expected",
    [
        ("prod vpc (eu)", "prod-vpc-eu"),
        ("payments/primary#2", "payments/primary#2"),
        ("  spaced  ", "spaced"),
        ("Ünïcode-net", "n-code-net"),
    ],
)
def test_name_tag_is_sanitised_to_cloudwatch_characters(tag, expected):
    assert sanitize_name_tag(tag) == expected
    assert vpc_name(vpc(name=tag)) == expected


@pytest.mark.parametrize("tag", [None, "", "***"])
def test_vpc_name_falls_back_to_the_vpc_id(tag):
    v = vpc() if tag is None else vpc(name=tag)
    assert vpc_name(v) == "vpc-0a1b2c3d4e5f67890"


def test_rendered_name_over_512_characters_is_refused_naming_the_vpc():
    with pytest.raises(TemplateError, match="vpc-0a1b2c3d4e5f67890.*512"):
        render("/vpc/{vpc_name}", vpc(name="n" * 600))


def test_rendered_name_in_the_reserved_aws_namespace_is_refused():
    with pytest.raises(TemplateError, match="aws/"):
        render("{vpc_name}/flows", vpc(name="aws"))


@pytest.mark.parametrize(
    "template",
    [
        "/vpc/flow-logs/{vpc_id}",
        "{vpc_name}",
        "/{account_id}/{region}/{partition}/x",
        "#flows.v1_{vpc_id}-x",
    ],
)
def test_valid_templates_pass(template):
    check_log_group_template(template)


@pytest.mark.parametrize(
    "template,message",
    [
        ("/vpc/{vpc.id}", "plain names"),
        ("/vpc/{0}", "plain names"),
        ("/vpc/{vpc_id!r}", "conversion"),
        ("/vpc/{vpc_id:>30}", "format spec"),
        ("/vpc logs/{vpc_id}", "' '"),
        ("/vpc/*/{vpc_id}", "'*'"),
        ("aws/vpc/{vpc_id}", "aws/"),
        ("", "empty"),
        ("/vpc/{", "not a valid template"),
        ("/x" * 300, "512"),
    ],
)
def test_invalid_templates_are_refused_with_the_reason(template, message):
    with pytest.raises(TemplateError) as raised:
        check_log_group_template(template)
    if message:
        assert message in str(raised.value)


@pytest.mark.parametrize(
    "template,prefix",
    [
        ("/vpc/flow-logs/{vpc_id}", "/vpc/flow-logs/"),
        ("/{account_id}/{partition}/{region}/{vpc_id}", "/123456789012/aws/"),
        ("{vpc_name}/flows", ""),
        ("/central/vpc-flow-logs", "/central/vpc-flow-logs"),
    ],
)
def test_fixed_prefix_stops_at_the_first_per_vpc_or_per_region_variable(template, prefix):
    assert fixed_prefix(template, Account("123456789012", "eu-west-1", "aws")) == prefix
