"""The Annotation of each AWS Config evaluation the rule mode puts: written for an auditor
reading one VPC in AWS Config or Audit Manager, and read back by the report (--from-config).

Pure (imports only vocabulary): the Config rule mode writes with it, the report's Config
reader parses with it, so the two cannot drift apart. Segments are separated by "; ", the
verdict first, then what it was judged with, then the flow logs (id and manager)::

    non-compliant: inactive, delivery-failed; judged with: traffic-types ALL/REJECT,
    min-retention-days 365; flow logs: fl-0a1b2c3d4e5f67890 (other)
    compliant; judged with: traffic-types ALL/REJECT; flow logs: fl-0b2c... (c7n-vpcflow)
    shared by account 444455556666: only its owner can add flow logs
    exempt until 2027-03-31: vendor-managed VPC; approved by jane.doe@example.com; ticket SEC-4411
    no longer in this account-region when judged: deleted, or no longer shared into it

Config keeps at most 256 characters: a longer annotation is cut and ends with "…". The
verdict, what it was judged with and the "flow logs: " label always fit (at most 253
characters, with every setting and every reason but ``missing``, which comes alone;
``kinesis-data-firehose`` is written ``firehose`` to keep it so), so only the flow-log list
is ever cut; a reader takes the ids that are whole.
"""

import re
from dataclasses import dataclass, field
from types import MappingProxyType

from c7n_vpcflow.vocabulary import MANAGERS, REASONS

# PutEvaluations' Annotation: 1 to 256 characters (botocore's config model).
MAX_ANNOTATION = 256
CUT = "…"
SEPARATOR = "; "
COMPLIANT = "compliant"
NON_COMPLIANT = "non-compliant: "
JUDGED_WITH = "judged with: "
FLOW_LOGS = "flow logs: "
NO_FLOW_LOGS = "none"
LIST = "/"
FLOW_LOG = re.compile(r"^(fl-[0-9a-f]+) \((%s)\)$" % "|".join(map(re.escape, MANAGERS)))
# The filter's settings named in "judged with", in this order; lists joined with "/".
SETTINGS = ("traffic-types", "min-retention-days", "destination-types")
# Destination types written shorter than EC2 names them (read back to EC2's names).
SHORT_NAMES = MappingProxyType({"kinesis-data-firehose": "firehose"})


class NotOurs(ValueError):
    """An annotation this grammar did not write."""


@dataclass(frozen=True)
class Verdict:
    """One VPC's verdict as an annotation tells it."""

    violations: tuple = ()
    settings: dict = field(default_factory=dict)  # SETTINGS; a key absent: not checked
    flow_logs: tuple = ()  # ((flow-log id, manager), ...), as many as the annotation held
    cut: bool = False  # the annotation was cut: flow logs may be missing


def truncated(text, limit=MAX_ANNOTATION):
    """`text`, or its first limit-1 characters and "…" when longer than `limit`."""
    return text if len(text) <= limit else text[: limit - len(CUT)] + CUT


def _settings_text(settings):
    parts = []
    for key in SETTINGS:
        value = settings.get(key)
        if value is not None:
            parts.append(
                "%s %s"
                % (
                    key,
                    LIST.join(sorted(SHORT_NAMES.get(v, v) for v in value))
                    if isinstance(value, (list, tuple, set, frozenset))
                    else value,
                )
            )
    return JUDGED_WITH + ", ".join(parts)


def verdict_annotation(violations, settings, flow_logs):
    """The annotation of a judged VPC: `violations` (reason codes, empty when compliant),
    the filter's `settings` (its keys; None: not checked) and `flow_logs` ((id, manager))."""
    verdict = NON_COMPLIANT + ", ".join(violations) if violations else COMPLIANT
    logs = ", ".join("%s (%s)" % flow_log for flow_log in flow_logs) or NO_FLOW_LOGS
    return truncated(SEPARATOR.join((verdict, _settings_text(settings), FLOW_LOGS + logs)))


def shared_annotation(owner_id):
    return "shared by account %s: only its owner can add flow logs" % owner_id


# A VPC the rule evaluated before that the run no longer found (Custodian says only "The
# rule does not apply.").
GONE = "no longer in this account-region when judged: deleted, or no longer shared into it"


def exempt_annotation(exemption):
    """A VPC exempt under `exemption` (the filter's record of the register's entry)."""
    return truncated(
        "exempt until %s: %s; approved by %s%s"
        % (
            exemption["expires"],
            exemption["reason"],
            exemption["approved-by"],
            "; ticket %s" % exemption["ticket"] if exemption.get("ticket") else "",
        )
    )


def _parse_settings(text):
    if not text.startswith(JUDGED_WITH):
        raise NotOurs("no %r" % JUDGED_WITH.strip())
    settings = {}
    for part in text[len(JUDGED_WITH) :].split(", "):
        key, _, value = part.partition(" ")
        if key not in SETTINGS or not value or key in settings:
            raise NotOurs("unknown setting %r" % part)
        long_names = {short: name for name, short in SHORT_NAMES.items()}
        settings[key] = (
            int(value)
            if key == "min-retention-days" and value.isdigit()
            else [long_names.get(v, v) for v in value.split(LIST)]
        )
    if "traffic-types" not in settings:
        raise NotOurs("no traffic-types")
    return settings


def _parse_flow_logs(text, cut):
    if not text.startswith(FLOW_LOGS):
        raise NotOurs("no %r" % FLOW_LOGS.strip())
    listed = text[len(FLOW_LOGS) :]
    if listed == NO_FLOW_LOGS:
        return ()
    items = listed.split(", ")
    if cut:  # the last item is the one cut short
        items = items[:-1]
    found = []
    for item in items:
        match = FLOW_LOG.match(item)
        if not match:
            raise NotOurs("not a flow log: %r" % item)
        found.append(match.groups())
    return tuple(found)


def parse_verdict(annotation):
    """The Verdict of a judged VPC's annotation; NotOurs when this grammar did not write it."""
    cut = (annotation or "").endswith(CUT)
    text = annotation[: -len(CUT)] if cut else annotation or ""
    segments = text.split(SEPARATOR, 2)
    if len(segments) != 3:
        raise NotOurs("not three segments")
    verdict, judged_with, flow_logs = segments
    if verdict == COMPLIANT:
        violations = ()
    elif verdict.startswith(NON_COMPLIANT):
        violations = tuple(verdict[len(NON_COMPLIANT) :].split(", "))
        if not violations or not set(violations) <= set(REASONS):
            raise NotOurs("unknown reasons %r" % verdict)
    else:
        raise NotOurs("no verdict")
    return Verdict(violations, _parse_settings(judged_with), _parse_flow_logs(flow_logs, cut), cut)
