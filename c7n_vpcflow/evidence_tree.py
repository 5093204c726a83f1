"""An output tree of `custodian run` or `c7n-org run`, read into one record per policy run.

A policy's output directory (single-region `OUT/<policy>/`, multi-region
`OUT/<region>/<policy>/`, c7n-org `OUT/<account>/<region>/<policy>/`) holds Custodian's
metadata.json and custodian-run.log, rewritten or appended by every run into it, and our
flow-log-compliance.json and flow-log-results.json, written only when the filter or the
action ran. Only files whose execution id is that of metadata.json speak for the latest run.
On S3 each run has its own folder below the policy directory (evidence_source): the newest
one is read as the policy directory's latest run.
"""
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .evidence import RESULTS_FILE, VERDICTS_FILE
from .vocabulary import Judgement
from .vocabulary import ACTION, FILTER

METADATA_FILE, RUN_LOG = "metadata.json", "custodian-run.log"
RUN_FILES = {METADATA_FILE, RUN_LOG, VERDICTS_FILE, RESULTS_FILE}
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ - (\S+) - (\w+) - (.*)$")
COUNTED = re.compile(r"^policy:\S+ resource:\S+ region:\S* count:\d+")


class CorruptEvidence(Exception):
    """A file the report reads is not what its writer writes (truncated, invalid, edited)."""

    def __init__(self, path, problem):
        super().__init__("%s: %s" % (path, problem))


@dataclass
class PolicyRun:
    """The latest run of one policy into one directory, as its files tell it."""
    directory: str
    policy: str
    account_name: str = ""
    account_id: str = ""
    region: str = ""
    uses: set = None          # which of ours the policy uses; None: no metadata says
    mode: str = "pull"        # other modes deploy a Lambda function: the run judges nothing
    started: datetime = None
    verdicts: dict = None     # flow-log-compliance.json, when it is this run's
    results: dict = None      # flow-log-results.json, when it is this run's
    cause: str = None         # why this run judged nothing
    verdicts_found: dict = None   # flow-log-compliance.json, this run's or an earlier one's
    corrupt: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def judged(self):
        return (not self.corrupt and self.verdicts is not None
                and self.verdicts["status"] == Judgement.JUDGED.value)


def policy_uses(policy):
    """Which of our filter and action a policy's data names, in nested blocks too."""
    found = set()

    def visit(node):
        if isinstance(node, str) and node in (FILTER, ACTION):
            found.add(node)
        elif isinstance(node, dict):
            if node.get("type") in (FILTER, ACTION):
                found.add(node["type"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit([policy.get("filters", []), policy.get("actions", [])])
    return found


def _dict_items(value, *keys):
    return isinstance(value, list) and all(
        isinstance(item, dict) and all(k in item for k in keys) for item in value)


def _is_metadata(data):
    return (isinstance(data, dict) and isinstance(data.get("execution"), dict)
            and "id" in data["execution"] and isinstance(data.get("policy"), dict))


def _is_verdicts(data):
    return (isinstance(data, dict) and data.get("status") in {j.value for j in Judgement}
            and _dict_items(data.get("judged"), "vpc-id", "violations"))


def _is_results(data):
    # The list is the format before runs were identified: still readable, never current.
    return (_dict_items(data, "vpc-id", "status") or isinstance(data, dict)
            and _dict_items(data.get("results"), "vpc-id", "status"))


EXPECTED = {METADATA_FILE: (_is_metadata, "Custodian's metadata"),
            VERDICTS_FILE: (_is_verdicts, "flow-log-compliance verdicts"),
            RESULTS_FILE: (_is_results, "enable-flow-logs results")}


def read_evidence(folder, name):
    """The parsed file; CorruptEvidence when it does not parse or is not what it should be."""
    try:
        data = json.loads(folder.read(name).decode("utf-8"))
    except ValueError as e:   # JSONDecodeError, UnicodeDecodeError
        raise CorruptEvidence(folder.where(name), "not valid JSON (%s)" % e)
    except OSError as e:
        raise CorruptEvidence(folder.where(name), "unreadable (%s)" % (e.strerror or e))
    valid, what = EXPECTED[name]
    if not valid(data):
        raise CorruptEvidence(folder.where(name), "valid JSON but not %s" % what)
    return data


def first_error(folder):
    """The first error logged since the last run that got as far as counting resources.

    custodian-run.log is appended to by every run into the directory. A traceback's last
    line (the exception) is added to an error line that says no more than that it failed.
    """
    if RUN_LOG not in folder.files:
        return None
    try:
        lines = folder.read(RUN_LOG).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    parsed = [LOG_LINE.match(line) for line in lines]
    counted = [i for i, m in enumerate(parsed) if m and COUNTED.match(m.group(3))]
    start = counted[-1] + 1 if counted else 0
    for i in range(start, len(lines)):
        if parsed[i] and parsed[i].group(2) in ("ERROR", "CRITICAL"):
            message = parsed[i].group(3)
            following = []
            for line, match in zip(lines[i + 1:], parsed[i + 1:]):
                if match:
                    break
                if line.strip():
                    following.append(line.strip())
            return "%s: %s" % (message, following[-1]) if following else message
    return None


def _location(parts, sources):
    """(account name, account id, region) from the files' headers, else from the path."""
    account_id = next((s[0] for s in sources if s[0]), "")
    region = next((s[1] for s in sources if s[1]), "")
    if not region and len(parts) >= 2 and REGION.match(parts[-2]):
        region = parts[-2]
    # c7n-org writes <account name>/<region>/<policy>; an evidence bucket's layout may put
    # the account id there instead, which names nothing (-c accounts.yml may).
    name = parts[-3] if len(parts) >= 3 and region and parts[-2] == region else ""
    return ("" if name == account_id else name), account_id, region


def _when(value):
    return datetime.fromtimestamp(value, timezone.utc) if isinstance(value, (int, float)) \
        else None


def read_run(folder):
    parts = folder.parts
    run = PolicyRun(directory=folder.where(), policy=parts[-1])
    loaded = {}
    for name in sorted(set(folder.files) - {RUN_LOG}):
        try:
            loaded[name] = read_evidence(folder, name)
        except CorruptEvidence as e:
            run.corrupt.append(str(e))
    metadata = loaded.get(METADATA_FILE)
    verdicts, results = loaded.get(VERDICTS_FILE), loaded.get(RESULTS_FILE)
    headers = [h for h in (verdicts, results) if isinstance(h, dict)]
    sources = [(h.get("account-id"), h.get("region")) for h in headers]
    if metadata:
        config = metadata.get("config") or {}
        sources.insert(0, (config.get("account_id"), config.get("region")))
        run.policy = metadata["policy"].get("name", run.policy)
        run.uses = policy_uses(metadata["policy"])
        run.mode = (metadata["policy"].get("mode") or {}).get("type", "pull")
        run.started = _when(metadata["execution"].get("start"))
    elif headers:
        run.uses = {FILTER} if verdicts else {ACTION}
    run.account_name, run.account_id, run.region = _location(parts, sources)
    execution_id = metadata["execution"]["id"] if metadata else None
    if isinstance(results, list):
        run.notes.append("%s has no run id (written by an older c7n-vpcflow): not counted"
                         % folder.where(RESULTS_FILE))
    elif results and execution_id and results.get("execution-id") == execution_id:
        run.results = results
    if verdicts and execution_id and verdicts.get("execution-id") == execution_id:
        run.verdicts = verdicts
    run.verdicts_found = verdicts if isinstance(verdicts, dict) else None
    if not run.judged:
        run.cause = _why_not_judged(run, folder, metadata, verdicts)
    return run


def _why_not_judged(run, folder, metadata, verdicts):
    if run.corrupt:
        return "corrupt evidence: " + "; ".join(run.corrupt)
    if run.verdicts:
        return run.verdicts.get("cause") or "the filter could not judge"
    logged = first_error(folder)
    if not metadata:
        return logged or ("the run stopped before Custodian wrote metadata.json (c7n-org "
                          "says why in its own output, e.g. the role could not be assumed)")
    if verdicts and not verdicts.get("execution-id"):
        return ("flow-log-compliance.json has no run id (written by an older c7n-vpcflow): "
                "run the policy again")
    if verdicts:
        stale = "flow-log-compliance.json is from an earlier run (%s)" % (
            verdicts.get("started") or "of unknown time")
        return "%s; the latest run wrote none%s" % (stale, ": " + logged if logged else "")
    if logged:
        return logged
    if run.results and run.results.get("cause"):
        return run.results["cause"]
    if FILTER not in run.uses:
        return "the policy uses enable-flow-logs without the flow-log-compliance filter"
    return ("the run wrote no flow-log-compliance.json: Custodian calls the filter only "
            "when there are VPCs (none were found, or an earlier filter dropped them all)")


def read_tree(sources, history=False):
    """Every latest policy run in the sources that used our filter or action; notes for
    stderr; and with history, every verdict the sources hold as (policy parts, verdict),
    the current ones and those of earlier runs (S3 run folders, stale local files).

    A directory without metadata.json (the run failed before Custodian wrote it) counts
    as ours unless another directory's metadata says the same policy uses neither.
    """
    runs, verdicts, notes = [], [], []
    for source in sources:
        for folder in source.folders(RUN_FILES, history):
            found = None
            if folder.latest:
                runs.append(read_run(folder))
                found = runs[-1].verdicts_found
            elif history and VERDICTS_FILE in folder.files:
                try:
                    found = read_evidence(folder, VERDICTS_FILE)
                except CorruptEvidence as e:
                    notes.append("left out of the history: %s" % e)
            if history and found:
                verdicts.append((folder.parts, found))
    ours, ours_notes = _ours(runs)
    return ours, ours_notes + notes, verdicts


def _ours(runs):
    known = {}
    for run in runs:
        if run.uses is not None:
            known[run.policy] = known.get(run.policy, False) or bool(run.uses)
    ours, ignored, deployed = [], Counter(), Counter()
    for run in runs:
        if run.corrupt:
            ours.append(run)
        elif not (run.uses if run.uses is not None else known.get(run.policy, True)):
            ignored[run.policy] += 1
        elif run.mode != "pull" and not (run.verdicts or run.results):
            deployed[run.policy] += 1
        else:
            ours.append(run)
    notes = [note for run in ours for note in run.notes]
    if deployed:
        notes.insert(0, "ignored the output of deploying Lambda policies (their runs leave "
                        "their evidence where the function writes it): " + _count(deployed))
    if ignored:
        notes.insert(0, "ignored the output of policies that use neither %s nor %s: %s" % (
            FILTER, ACTION, _count(ignored)))
    return ours, notes


def _count(directories):
    return ", ".join("%s (%d %s)" % (policy, n, "directory" if n == 1 else "directories")
                     for policy, n in sorted(directories.items()))
