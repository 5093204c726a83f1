"""Our verdict per VPC beside AWS's own (ListResourceTelemetry[ForOrganization]): where they disagree.

AWS's view says whether a VPC's Logs telemetry is Enabled; ours whether it has a flow log
that works by CIS 3.7 and our rules. They can disagree both ways (AWS counts an ACCEPT-only
or undelivered flow log as enabled; a VPC unknown to AWS was never evaluated: its account is
not onboarded, or evaluation is not running). Only account-regions we judged are compared.
"""
import json
from dataclasses import asdict, dataclass
from typing import List

from c7n.utils import local_session

from .inventory import paginate
from .telemetry_rule_spec import RESOURCE_TYPE

ENABLED = "Enabled"
UNKNOWN_TO_AWS = "not evaluated"
NOT_JUDGED_BY_US = "not judged"


@dataclass
class Disagreement:
    account_id: str
    region: str
    vpc_id: str
    ours: str          # compliant | non-compliant | not judged
    violations: List[str]
    aws: str           # Enabled | Disabled | NotApplicable | not evaluated

    def as_dict(self):
        return {k.replace("_", "-"): v for k, v in asdict(self).items()}


def aws_view(session_factory, region, scope="organization"):
    """{(account id, VPC id): Logs state} of one region, as Observability Admin tells it."""
    client = local_session(session_factory).client("observabilityadmin", region_name=region)
    operation = "list_resource_telemetry" + (
        "_for_organization" if scope == "organization" else "")
    found = {}
    for item in paginate(client, operation, "TelemetryConfigurations",
                         ResourceTypes=[RESOURCE_TYPE]):
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
                found.append(Disagreement(
                    account_id, region, vpc["vpc-id"],
                    "compliant" if vpc["compliant"] else "non-compliant",
                    vpc["violations"], aws))
        shared = {v["vpc-id"] for v in verdict.get("shared", ())}
        for (account, vpc_id), aws in sorted(view.items()):
            if account == account_id and vpc_id not in judged | shared:
                found.append(Disagreement(account_id, region, vpc_id, NOT_JUDGED_BY_US, [], aws))
    return sorted(found, key=lambda d: (d.account_id, d.region, d.vpc_id))


def check(verdicts, session_factory, scope="organization"):
    """Disagreements for the judged verdict files given, one listing per region."""
    judged = [v for v in verdicts if v.get("status") == "judged"]
    views = {region: aws_view(session_factory, region, scope)
             for region in sorted({v["region"] for v in judged})}
    return compare(judged, views)


def as_markdown(disagreements):
    if not disagreements:
        return "Our verdicts and AWS's resource telemetry agree on every VPC compared.\n"
    lines = ["| account | region | VPC | ours | violations | AWS (Logs) |",
             "|---|---|---|---|---|---|"]
    lines += ["| %s | %s | %s | %s | %s | %s |" % (
        d.account_id, d.region, d.vpc_id, d.ours, ", ".join(d.violations) or "-", d.aws)
        for d in disagreements]
    return "\n".join(lines) + "\n"


def as_json(disagreements):
    return json.dumps([d.as_dict() for d in disagreements], indent=2) + "\n"


FORMATS = {"md": as_markdown, "json": as_json}
