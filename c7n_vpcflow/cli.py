"""`c7n-vpcflow`: the project's own command (the policies themselves run under the stock
`custodian` and `c7n-org`): `report` (report.command), `telemetry-check` (telemetry.check)
and `permissions`, here.

`c7n-vpcflow permissions [POLICY...]`: the IAM actions policies declare they need, read
from what Custodian itself asks each policy (`Policy.get_permissions()`: the resource, its
filters and actions, with the options the policy sets), so the list cannot drift from the
code. Without files: everything the filter and the actions may need, every option on.
"""
import argparse
import sys

import yaml
from c7n.config import Config
from c7n.policy import Policy
from c7n.resources import load_resources

from c7n_vpcflow.analytics.action import FlowLogAnalytics
from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.remediation.action import EnableFlowLogs
from c7n_vpcflow.report import command as report_command
from c7n_vpcflow.telemetry import check as telemetry_check
from c7n_vpcflow.telemetry.action import PutVpcFlowLogTelemetryRule
from c7n_vpcflow.telemetry.filter import VpcFlowLogTelemetryRule


def policy_permissions(paths):
    """The sorted union of what the policies in `paths` declare."""
    documents = []
    for path in paths:
        with open(path) as f:
            documents.extend((yaml.safe_load(f) or {}).get("policies") or ())
    return declared(documents)


def declared(documents):
    """The sorted union of what these policies (Custodian's policy data) declare."""
    load_resources({d["resource"] for d in documents} or {"aws.vpc"})
    needed = set()
    for data in documents:
        policy = Policy(data, Config.empty(region="us-east-1", account_id="123456789012"))
        needed |= set(policy.get_permissions())
    return sorted(needed)


def everything():
    return sorted(set().union(*(element.permissions for element in (
        FlowLogCompliance, EnableFlowLogs, FlowLogAnalytics, VpcFlowLogTelemetryRule,
        PutVpcFlowLogTelemetryRule))))


def permissions(args):
    try:
        needed = policy_permissions(args.policies) if args.policies else everything()
    except (OSError, yaml.YAMLError, KeyError, TypeError) as e:
        print("c7n-vpcflow permissions: %s" % e, file=sys.stderr)
        return 2
    print("\n".join(needed))
    return 0


def register_permissions(commands):
    """Adds the `permissions` subcommand to the c7n-vpcflow parser."""
    command = commands.add_parser(
        "permissions", help="the IAM actions policies declare they need",
        description="Print, one a line, the IAM actions the given Custodian policy files "
                    "declare (resource, filters and actions, with their options); without "
                    "files, every action flow-log-compliance, enable-flow-logs, "
                    "flow-log-analytics, vpc-flow-log-telemetry-rule and "
                    "put-vpc-flow-log-telemetry-rule (either scope) may call. Scope them as "
                    "iam/runner-role.yml does.")
    command.add_argument("policies", nargs="*", metavar="POLICY",
                         help="a Custodian policy file (YAML)")
    command.set_defaults(func=permissions)


def parser():
    top = argparse.ArgumentParser(
        prog="c7n-vpcflow", description="CIS AWS 3.7 (VPC flow logs) tooling for Custodian")
    commands = top.add_subparsers(dest="command", required=True)
    report_command.register(commands)
    register_permissions(commands)
    telemetry_check.register(commands)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
