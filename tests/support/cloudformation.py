"""Reading the CloudFormation templates under iam/ as plain data."""

import re

import yaml


class TemplateLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags turned into their long forms."""


def _intrinsic(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else "Fn::" + suffix
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


TemplateLoader.add_multi_constructor("!", _intrinsic)


def load_template(path):
    with open(path) as f:
        return yaml.load(f, Loader=TemplateLoader)


def resolve(value, parameters):
    """Replace Ref / Fn::Sub with `parameters` (which include AWS::AccountId etc.)."""
    if isinstance(value, list):
        return [resolve(v, parameters) for v in value]
    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            return parameters[value["Ref"]]
        if set(value) == {"Fn::Sub"}:
            # ${!Literal} is how a template writes ${Literal} itself (an IAM policy variable).
            return re.sub(
                r"\$\{([\w:]+)\}", lambda m: parameters[m.group(1)], value["Fn::Sub"]
            ).replace("${!", "${")
        return {k: resolve(v, parameters) for k, v in value.items()}
    return value


def statements(role_resource, policy_name):
    """The statements of one inline policy of an AWS::IAM::Role resource."""
    for policy in role_resource["Properties"]["Policies"]:
        if isinstance(policy, dict) and policy.get("PolicyName") == policy_name:
            return policy["PolicyDocument"]["Statement"]
    raise KeyError(policy_name)


def actions(statement_list):
    found = set()
    for statement in statement_list:
        action = statement["Action"]
        found.update(action if isinstance(action, list) else [action])
    return found
