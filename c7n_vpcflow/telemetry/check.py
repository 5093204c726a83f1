"""Our verdict per VPC beside AWS's own (ListResourceTelemetry[ForOrganization]): where they
disagree.

AWS's view says whether a VPC's Logs telemetry is Enabled; ours whether it has a flow log
that works by CIS 3.7 and our rules. They can disagree both ways (AWS counts an ACCEPT-only
or undelivered flow log as enabled; a VPC unknown to AWS was never evaluated: its account is
not onboarded, or evaluation is not running). Only account-regions we judged are compared.
"""

import json
import sys
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import List

from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound
from c7n.credentials import SessionFactory
from c7n.utils import local_session

from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.errors import failed_call, one_line
from c7n_vpcflow.report.source import SourceError
from c7n_vpcflow.report.tree import open_source, read_tree
from c7n_vpcflow.telemetry.spec import WHEN_DENIED
from c7n_vpcflow.vocabulary import VPC_RESOURCE_TYPE, Judgement

ENABLED = "Enabled"
UNKNOWN_TO_AWS = "not evaluated"
NOT_JUDGED_BY_US = Judgement.NOT_JUDGED.label


@dataclass
class Disagreement:
    account_id: str
    region: str
    vpc_id: str
    ours: str  # compliant | non-compliant | not judged
    violations: List[str]
    aws: str  # Enabled | Disabled | NotApplicable | not evaluated

    def as_dict(self):
        return {k.replace("_", "-"): v for k, v in asdict(self).items()}


class ListingFailed(Exception):
    """AWS's view of a region could not be read; the message is one line naming the call."""


def aws_view(session_factory, scope="organization"):
    """{(account id, VPC id): Logs state} of the factory's region, as Observability Admin
    tells it."""
    try:
        client = local_session(session_factory).client("observabilityadmin")
    except ProfileNotFound:
        raise
    except (ClientError, BotoCoreError) as e:  # e.g. the role could not be assumed
        raise ListingFailed(
            "no session in %s: %s" % (session_factory.region, one_line(e))
        ) from None
    operation = "list_resource_telemetry" + ("_for_organization" if scope == "organization" else "")
    found = {}
    try:
        listing = paginate(
            client, operation, "TelemetryConfigurations", ResourceTypes=[VPC_RESOURCE_TYPE]
        )
    except (ClientError, BotoCoreError) as e:
        raise ListingFailed(failed_call(client, operation, e, WHEN_DENIED[scope])) from None
    for item in listing:
        state = (item.get("TelemetryConfigurationState") or {}).get("Logs", "Disabled")
        found[(item.get("AccountIdentifier"), item["ResourceIdentifier"])] = state
    return found


def compare(verdicts, views):
    """Disagreements between our verdict files and AWS's views ({region: aws_view(...)})."""
    found = []
    for verdict in verdicts:
        account_id, region = verdict["account-id"], verdict["region"]
        view = views.get(region, {})
        judged = set()
        for vpc in verdict["judged"]:
            judged.add(vpc["vpc-id"])
            aws = view.get((account_id, vpc["vpc-id"]), UNKNOWN_TO_AWS)
            if vpc["compliant"] != (aws == ENABLED):
                found.append(
                    Disagreement(
                        account_id,
                        region,
                        vpc["vpc-id"],
                        "compliant" if vpc["compliant"] else "non-compliant",
                        vpc["violations"],
                        aws,
                    )
                )
        shared = {v["vpc-id"] for v in verdict.get("shared", ())}
        for (account, vpc_id), aws in sorted(view.items()):
            if account == account_id and vpc_id not in judged | shared:
                found.append(Disagreement(account_id, region, vpc_id, NOT_JUDGED_BY_US, [], aws))
    return sorted(found, key=lambda d: (d.account_id, d.region, d.vpc_id))


def check(verdicts, session_factory_of, scope="organization"):
    """(disagreements, failures) for the judged verdict files given: one listing per
    region, each through `session_factory_of(region)`; a region whose listing failed is
    not compared, and its failure (one line) is returned instead."""
    judged = [v for v in verdicts if v.get("status") == "judged"]
    views, failures = {}, []
    for region in sorted({v["region"] for v in judged}):
        try:
            views[region] = aws_view(session_factory_of(region), scope)
        except ListingFailed as e:
            failures.append(str(e))
    return compare([v for v in judged if v["region"] in views], views), failures


def as_markdown(disagreements):
    if not disagreements:
        return "Our verdicts and AWS's resource telemetry agree on every VPC compared.\n"
    lines = [
        "| account | region | VPC | ours | violations | AWS (Logs) |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        "| %s | %s | %s | %s | %s | %s |"
        % (d.account_id, d.region, d.vpc_id, d.ours, ", ".join(d.violations) or "-", d.aws)
        for d in disagreements
    ]
    return "\n".join(lines) + "\n"


def as_json(disagreements):
    return json.dumps([d.as_dict() for d in disagreements], indent=2) + "\n"


FORMATS = MappingProxyType({"md": as_markdown, "json": as_json})


def say(text):
    print("c7n-vpcflow telemetry-check: %s" % text, file=sys.stderr)


def session_factory_of(args):
    """Custodian's session factory for a region, with the command's credentials options
    (c7n caches one session per region: the factory must name its region)."""
    return lambda region: SessionFactory(region, profile=args.profile, assume_role=args.assume_role)


def telemetry_check(args):
    try:
        runs, notes, _history = read_tree([open_source(o) for o in args.output_dir])
    except SourceError as e:
        say(str(e))
        return 2
    for note in notes:
        say(note)
    verdicts = [run.verdicts for run in runs if run.judged]
    if not verdicts:
        say(
            "no judged flow-log-compliance.json under %s: nothing to compare"
            % " ".join(args.output_dir)
        )
        return 3
    try:
        found, failures = check(verdicts, session_factory_of(args), args.scope)
    except ProfileNotFound as e:
        say("--profile: %s" % e)
        return 2
    for failure in failures:
        say(failure + "; not compared")
    regions = {v["region"] for v in verdicts if v.get("status") == "judged"}
    if args.format == "md" and len(failures) == len(regions):
        # Not "they agree": no listing came back, so no VPC was compared.
        sys.stdout.write(
            "Nothing compared: AWS's resource telemetry could not be listed in any region judged.\n"
        )
        return 3
    sys.stdout.write(FORMATS[args.format](found))
    return 3 if failures else 1 if found else 0


def register(commands):
    """Adds the `telemetry-check` subcommand to the c7n-vpcflow parser."""
    command = commands.add_parser(
        "telemetry-check",
        help="VPCs where our verdict and AWS's resource telemetry disagree",
        description="Compares each VPC judged in the output of `custodian run -s OUT` or "
        "`c7n-org run -s OUT` (local or s3://) with AWS's own view, "
        "ListResourceTelemetryForOrganization (or ListResourceTelemetry with "
        "--scope account), one listing per region, and names the VPCs where "
        "they disagree. Exit 0: they agree; 1: disagreements; 2: usage; 3: "
        "nothing judged, or a region's listing failed (each failure one line "
        "on stderr, naming the call; that region is not compared).",
    )
    command.add_argument("output_dir", metavar="OUT", nargs="+")
    command.add_argument("--scope", choices=("organization", "account"), default="organization")
    command.add_argument("--format", choices=sorted(FORMATS), default="md")
    command.add_argument("--profile", help="AWS profile of the administering account")
    command.add_argument(
        "--assume-role",
        help="role ARN to assume for the listing (with --profile: assumed from that profile)",
    )
    command.set_defaults(func=telemetry_check)
