"""One policy run, read from its folder into a PolicyRun: each file parsed and checked on
its own (schemas, report.checks), then against the run's metadata.json (only files of its
execution id speak for it), the account and region it ran in, and why it judged nothing
when it did not. report.tree finds the folders and reads them at once.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from c7n_vpcflow.report.checks import (
    REGION,
    costs_run_problem,
    file_problem,
    location_problem,
    matched_count,
    not_counted,
    results_run_problem,
    verdict_run_problem,
)
from c7n_vpcflow.report.exemption_checks import results_against_verdicts_problem
from c7n_vpcflow.report.our_runs import policy_uses
from c7n_vpcflow.report.run_log import first_error
from c7n_vpcflow.vocabulary import (
    ACTION,
    COST_FILE,
    COST_FILTER,
    FILTER,
    RESULTS_FILE,
    VERDICTS_FILE,
    Judgement,
)

METADATA_FILE, RESOURCES_FILE = "metadata.json", "resources.json"
EVIDENCE = (VERDICTS_FILE, RESULTS_FILE, COST_FILE)


class UnusableEvidence(Exception):
    """A file the report reads and does not count."""

    def __init__(self, path, reason):
        super().__init__("%s: %s" % (path, reason))
        self.reason = reason


class CorruptEvidence(UnusableEvidence):
    """Not what its writer writes (truncated, invalid, edited, or not of its run)."""


class NotCounted(UnusableEvidence):
    """Of a format the report does not read (older, or newer, than it)."""


@dataclass
class PolicyRun:
    """The latest run of one policy into one directory, as its files tell it."""

    directory: str
    policy: str
    account_name: str = ""
    account_id: str = ""
    region: str = ""
    uses: set = None  # which of ours the policy uses; None: no metadata says
    mode: str = "pull"  # other modes deploy a Lambda function: the run judges nothing
    started: datetime = None
    verdicts: dict = None  # flow-log-compliance.json, when it is this run's and checked
    results: dict = None  # flow-log-results.json, when it is this run's and checked
    costs: dict = None  # flow-log-cost.json, when it is this run's and checked
    cause: str = None  # why this run judged nothing
    verdicts_found: dict = None  # flow-log-compliance.json, this run's or an earlier one's
    corrupt: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    not_counted: dict = field(default_factory=dict)  # file name -> why its format is not
    matched: int = None  # VPCs the run kept after its filters, when it got that far
    paths: dict = field(default_factory=dict)  # file name -> where it was read
    lock: object = None  # the S3 Object Lock of the verdict as read (report.source.Lock)

    @property
    def judged(self):
        return (
            not self.corrupt
            and self.verdicts is not None
            and self.verdicts["status"] == Judgement.JUDGED.value
        )


def _is_metadata(data):
    return (
        isinstance(data, dict)
        and isinstance(data.get("execution"), dict)
        and "id" in data["execution"]
        and isinstance(data.get("policy"), dict)
    )


def _parse(folder, name):
    try:
        return json.loads(folder.read(name).decode("utf-8"))
    except ValueError as e:  # JSONDecodeError, UnicodeDecodeError
        raise CorruptEvidence(folder.where(name), "not valid JSON (%s)" % e) from None
    except OSError as e:
        raise CorruptEvidence(folder.where(name), "unreadable (%s)" % (e.strerror or e)) from None


def read_evidence(folder, name):
    """The parsed file, checked on its own: CorruptEvidence when it does not parse or does
    not match what its writer writes; NotCounted when it is of another format."""
    data = _parse(folder, name)
    if name == METADATA_FILE:
        if not _is_metadata(data):
            raise CorruptEvidence(folder.where(name), "valid JSON but not Custodian's metadata")
        return data
    reason = not_counted(name, data)
    if reason:
        raise NotCounted(folder.where(name), reason)
    problem = file_problem(name, data)
    if problem:
        raise CorruptEvidence(folder.where(name), problem)
    return data


def _kept_vpcs(folder, run):
    """The VPC ids of resources.json when it is this run's (as many as the run kept)."""
    if run.matched is None or RESOURCES_FILE not in folder.files:
        return None
    resources = _parse(folder, RESOURCES_FILE)
    if not (isinstance(resources, list) and all(isinstance(r, dict) for r in resources)):
        raise CorruptEvidence(folder.where(RESOURCES_FILE), "valid JSON but not a resource list")
    return {r.get("VpcId") for r in resources} if len(resources) == run.matched else None


def _check_against_run(folder, run, metadata):
    """The current verdict, results and costs must speak for this run (report.checks)."""
    for name, data in (
        (VERDICTS_FILE, run.verdicts),
        (RESULTS_FILE, run.results),
        (COST_FILE, run.costs),
    ):
        if data is not None:
            problem = location_problem(data, metadata, folder.parts) or (
                verdict_run_problem(data, metadata) if name == VERDICTS_FILE else None
            )
            if problem:
                raise CorruptEvidence(folder.where(name), problem)
    if run.costs is not None and run.verdicts is not None:
        problem = costs_run_problem(run.costs, run.verdicts)
        if problem:
            raise CorruptEvidence(folder.where(COST_FILE), problem)
    if run.results is not None:
        judged = [v["vpc-id"] for v in (run.verdicts or {}).get("judged", ())]
        if run.results["event"]:  # no verdict file: each result carries its verdict
            judged += [r["vpc-id"] for r in run.results["results"] if "verdict" in r]
        strangers = {r["vpc-id"] for r in run.results["results"]} - set(judged)
        problem = results_run_problem(
            run.results, judged, _kept_vpcs(folder, run) if strangers else ()
        )
        if problem is None and run.verdicts is not None:
            problem = results_against_verdicts_problem(run.results, run.verdicts)
        if problem:
            raise CorruptEvidence(folder.where(RESULTS_FILE), problem)


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
    return datetime.fromtimestamp(value, timezone.utc) if isinstance(value, (int, float)) else None


def read_run(folder):
    parts = folder.parts
    run = PolicyRun(directory=folder.where(), policy=parts[-1])
    loaded = {}
    for name in sorted(set(folder.files) & {METADATA_FILE, *EVIDENCE}):
        run.paths[name] = folder.where(name)
        try:
            loaded[name] = read_evidence(folder, name)
        except NotCounted as e:
            run.notes.append("%s: not counted" % e)
            run.not_counted[name] = e.reason
        except CorruptEvidence as e:
            run.corrupt.append(str(e))
    metadata = loaded.get(METADATA_FILE)
    verdicts, results, costs = (loaded.get(name) for name in EVIDENCE)
    headers = [h for h in (verdicts, results, costs) if h]
    sources = [(h["account-id"], h["region"]) for h in headers]
    if metadata:
        config = metadata.get("config") or {}
        sources.insert(0, (config.get("account_id"), config.get("region")))
        run.policy = metadata["policy"].get("name", run.policy)
        run.uses = policy_uses(metadata["policy"])
        run.mode = (metadata["policy"].get("mode") or {}).get("type", "pull")
        run.started = _when(metadata["execution"].get("start"))
        run.matched = matched_count(metadata)
    elif headers or run.not_counted:
        run.uses = (
            {FILTER}
            if verdicts or VERDICTS_FILE in run.not_counted
            else {ACTION}
            if results or RESULTS_FILE in run.not_counted
            else {COST_FILTER}
        )
    run.account_name, run.account_id, run.region = _location(parts, sources)
    execution_id = metadata["execution"]["id"] if metadata else None
    if results and execution_id and results["execution-id"] == execution_id:
        run.results = results
    if verdicts and execution_id and verdicts["execution-id"] == execution_id:
        run.verdicts, run.lock = verdicts, folder.lock(VERDICTS_FILE)
    if costs and execution_id and costs["execution-id"] == execution_id:
        run.costs = costs
    run.verdicts_found = verdicts
    if metadata and not run.corrupt:
        try:
            _check_against_run(folder, run, metadata)
        except CorruptEvidence as e:
            run.corrupt.append(str(e))
    if run.corrupt:
        run.verdicts = run.results = run.verdicts_found = run.costs = None
    if not run.judged:
        run.cause = _why_not_judged(run, folder, metadata, verdicts)
    return run


def _why_not_judged(run, folder, metadata, verdicts):
    if run.corrupt:
        return "corrupt evidence: " + "; ".join(run.corrupt)
    if run.verdicts:
        return run.verdicts["cause"] or "the filter could not judge"
    logged = first_error(folder)
    if not metadata:
        return logged or (
            "the run stopped before Custodian wrote metadata.json (c7n-org "
            "says why in its own output, e.g. the role could not be assumed)"
        )
    if VERDICTS_FILE in run.not_counted:
        return "%s %s: not counted; run the policy again" % (
            VERDICTS_FILE,
            run.not_counted[VERDICTS_FILE],
        )
    if verdicts:
        stale = "%s is from an earlier run (%s)" % (VERDICTS_FILE, verdicts["started"])
        return "%s; the latest run wrote none%s" % (stale, ": " + logged if logged else "")
    if logged:
        return logged
    if run.results and run.results["cause"]:
        return run.results["cause"]
    if run.results and run.results["event"]:
        return (
            "a run of the event mode %s judges only the VPCs of its events (its results "
            "carry their verdicts), never the account-region" % run.results["mode"]
        )
    if FILTER not in run.uses:
        return "the policy uses enable-flow-logs without the flow-log-compliance filter"
    if run.matched:
        return (
            "the run kept %d VPCs (metadata.json's ResourceCount) but left no %s: "
            "nothing says how they were judged" % (run.matched, VERDICTS_FILE)
        )
    return (
        "the run wrote no %s: Custodian calls the filter only when there are VPCs "
        "(none were found, or an earlier filter dropped them all)" % VERDICTS_FILE
    )
