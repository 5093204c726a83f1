"""`c7n-vpcflow`: the project's own command (the policies themselves run under the stock
`custodian` and `c7n-org`): `report` (report.options), `telemetry-check` (telemetry.check)
and `permissions`, here.

`c7n-vpcflow permissions [POLICY...]`: the IAM actions policies declare they need, read
from what Custodian itself asks each policy (`Policy.get_permissions()`: the resource, its
filters and actions, with the options the policy sets) and its execution mode (which
Custodian leaves out), so the list cannot drift from the code. Without files: everything
the filter, the actions and the Config rule mode may need, every option on. With
--deploy: what deploying the Lambda policies among them calls instead (the function, its
trigger, passing its role).
"""

import argparse
import sys
from types import MappingProxyType

import yaml
from c7n import schema as c7n_schema
from c7n.config import Config
from c7n.exceptions import PolicyValidationError
from c7n.policy import Policy, ServerlessExecutionMode
from c7n.resources import load_resources
from c7n.structure import StructureParser

from c7n_vpcflow.analytics.action import FlowLogAnalytics
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.config.mode import ScheduledRuleSource, VpcFlowLogConfigRule
from c7n_vpcflow.remediation.action import EnableFlowLogs
from c7n_vpcflow.report import options as report_options
from c7n_vpcflow.telemetry import check as telemetry_check
from c7n_vpcflow.telemetry.action import PutVpcFlowLogTelemetryRule
from c7n_vpcflow.telemetry.filter import VpcFlowLogTelemetryRule

# What Custodian's deployment of a policy's Lambda function calls, whatever triggers it
# (c7n.mu.LambdaManager.publish, with its waiters: create or update, tag), and passing the
# function its role; then what deploying its trigger calls, by mode: an EventBridge rule
# (c7n.mu.CloudWatchEventSource) for Custodian's periodic and cloudtrail modes.
FUNCTION_DEPLOYMENT = (
    "lambda:CreateFunction",
    "lambda:GetFunction",
    "lambda:GetFunctionConfiguration",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "lambda:TagResource",
    "lambda:ListTags",
    "lambda:AddPermission",
    "iam:PassRole",
)
EVENT_RULE_DEPLOYMENT = (
    "events:PutRule",
    "events:DescribeRule",
    "events:PutTargets",
    "events:ListTargetsByRule",
)
TRIGGER_DEPLOYMENT = MappingProxyType(
    {
        "periodic": EVENT_RULE_DEPLOYMENT,
        "cloudtrail": EVENT_RULE_DEPLOYMENT,
        VpcFlowLogConfigRule.type: ScheduledRuleSource.permissions,
    }
)


class PolicyFileError(ValueError):
    """A policy file the command cannot use; the message is one line naming it."""


def read_policies(paths):
    """Custodian's policy data of every policy in the files `paths`, each file checked as
    `custodian validate` checks it: its structure, then Custodian's schema (which holds the
    plugin's keys); PolicyFileError naming the file, the policy and the key otherwise, so no
    list is printed for a policy that would not run."""
    documents = []
    for path in paths:
        try:
            with open(path) as f:
                data = yaml.safe_load(f)
        except OSError as e:
            raise PolicyFileError("%s: cannot be read (%s)" % (path, e.strerror)) from None
        except yaml.YAMLError as e:
            raise PolicyFileError("%s: not YAML (%s)" % (path, " ".join(str(e).split()))) from None
        documents.extend(_checked(path, data))
    return documents


def _checked(path, data):
    try:
        structure = StructureParser()
        structure.validate(data)
    except PolicyValidationError as e:
        raise PolicyFileError("%s: %s" % (path, " ".join(str(e).split()))) from None
    unknown = load_resources(structure.get_resource_types(data))
    if unknown:
        raise PolicyFileError("%s: unknown resource type %s" % (path, ", ".join(unknown)))
    errors = c7n_schema.validate(data, c7n_schema.generate())
    if errors:
        where = list(errors[0].absolute_path)
        policy = data["policies"][where[1]].get("name") if where[1:] else None
        key = "/".join(str(step) for step in where[2:])
        raise PolicyFileError(
            "%s: %s%s%s"
            % (
                path,
                "policy %s: " % policy if policy else "",
                "%s: " % key if key else "",
                errors[0].message.splitlines()[-1],
            )
        )
    return data["policies"]


def policy_permissions(paths):
    """The sorted union of what the policies in `paths` declare."""
    return declared(read_policies(paths))


def loaded(documents):
    """The policies, each validated as `custodian validate` does after the schema (the
    plugin's own checks: prices files, key combinations, ...)."""
    load_resources({d["resource"] for d in documents} or {"aws.vpc"})
    policies = [
        Policy(data, Config.empty(region="us-east-1", account_id="123456789012"))
        for data in documents
    ]
    for policy in policies:
        try:
            policy.validate()
        except PolicyValidationError as e:
            raise PolicyFileError(
                "policy %s: %s" % (policy.name, " ".join(str(e).split()))
            ) from None
    return policies


def declared(documents):
    """The sorted union of what these policies (Custodian's policy data) declare: their
    resources, filters and actions, and their execution modes."""
    needed = set()
    for policy in loaded(documents):
        needed |= set(policy.get_permissions())
        needed |= set(policy.get_execution_mode().get_permissions())
    return sorted(needed)


def deploy_permissions(paths):
    """The sorted union of what deploying the Lambda policies in `paths` calls; every mode's
    without files. ValueError for a Lambda mode this does not know."""
    if not paths:
        return sorted(set(FUNCTION_DEPLOYMENT).union(*TRIGGER_DEPLOYMENT.values()))
    needed = set()
    for policy in loaded(read_policies(paths)):
        mode = policy.get_execution_mode()
        if isinstance(mode, ServerlessExecutionMode):
            if mode.type not in TRIGGER_DEPLOYMENT:
                raise ValueError(
                    "policy %s: what deploying mode %s calls is not known"
                    % (policy.name, mode.type)
                )
            needed |= set(FUNCTION_DEPLOYMENT) | set(TRIGGER_DEPLOYMENT[mode.type])
    return sorted(needed)


def everything():
    return sorted(
        set().union(
            *(
                element.permissions
                for element in (
                    FlowLogCompliance,
                    EnableFlowLogs,
                    FlowLogAnalytics,
                    VpcFlowLogTelemetryRule,
                    PutVpcFlowLogTelemetryRule,
                    VpcFlowLogConfigRule,
                )
            )
        )
    )


def permissions(args):
    try:
        if args.deploy:
            needed = deploy_permissions(args.policies)
        else:
            needed = policy_permissions(args.policies) if args.policies else everything()
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        print("c7n-vpcflow permissions: %s" % e, file=sys.stderr)
        return 2
    print("\n".join(needed))
    return 0


def register_permissions(commands):
    """Adds the `permissions` subcommand to the c7n-vpcflow parser."""
    command = commands.add_parser(
        "permissions",
        help="the IAM actions policies declare they need",
        description="Print, one a line, the IAM actions the given Custodian policy files "
        "declare (resource, filters and actions, with their options, and the "
        "execution mode); without files, every action flow-log-compliance, "
        "enable-flow-logs, flow-log-analytics, vpc-flow-log-telemetry-rule, "
        "put-vpc-flow-log-telemetry-rule (either scope) and the "
        "vpc-flow-log-config-rule mode may call. Scope them as "
        "iam/runner-role.yml and iam/lambda-role.yml do.",
    )
    command.add_argument(
        "policies", nargs="*", metavar="POLICY", help="a Custodian policy file (YAML)"
    )
    command.add_argument(
        "--deploy",
        action="store_true",
        help="instead, what deploying the Lambda policies among them calls "
        "(custodian run / c7n-org run of a policy with a Lambda mode: "
        "the function, its trigger, iam:PassRole on its role); without "
        "files, every Lambda mode's. iam/runner-role.yml grants it with "
        "AllowLambdaDeployment=true",
    )
    command.set_defaults(func=permissions)


class Parser(argparse.ArgumentParser):
    """argparse's parser (and its subcommands'), whose usage error is the one line naming
    the option, without the usage block before it that hides it."""

    def error(self, message):
        self.exit(2, "%s: error: %s (see %s --help)\n" % (self.prog, message, self.prog))


def parser():
    top = Parser(
        prog="c7n-vpcflow", description="CIS AWS 3.7 (VPC flow logs) tooling for Custodian"
    )
    commands = top.add_subparsers(dest="command", required=True)
    report_options.register(commands)
    register_permissions(commands)
    telemetry_check.register(commands)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
