"""An output tree of `custodian run` or `c7n-org run`, read into one record per policy run.

A policy's output directory (single-region `OUT/<policy>/`, multi-region
`OUT/<region>/<policy>/`, c7n-org `OUT/<account>/<region>/<policy>/`) holds Custodian's
metadata.json and custodian-run.log, rewritten or appended by every run into it, and our
flow-log-compliance.json, flow-log-results.json and flow-log-cost.json, written only when the
filter, the action or the cost filter ran. Only files whose execution id is that of
metadata.json speak for the latest run.
On S3 each run has its own folder below the policy directory (report.source): the newest
one is read as the policy directory's latest run. report.policy_run reads each run folder.
"""

from concurrent.futures import ThreadPoolExecutor

from c7n_vpcflow.report.capped_read import MAX_FILE_BYTES
from c7n_vpcflow.report.our_runs import ours
from c7n_vpcflow.report.policy_run import (
    METADATA_FILE,
    RESOURCES_FILE,
    UnusableEvidence,
    read_evidence,
    read_run,
)
from c7n_vpcflow.report.run_log import RUN_LOG
from c7n_vpcflow.report.s3 import S3Prefix
from c7n_vpcflow.report.source import LocalTree
from c7n_vpcflow.vocabulary import COST_FILE, RESULTS_FILE, VERDICTS_FILE

# Reads at once: S3 serves thousands of GETs a second per prefix; 32 keeps one client's
# connections few while hiding ~25 ms of latency per request.
DEFAULT_WORKERS = 32
RUN_FILES = frozenset((METADATA_FILE, RUN_LOG, VERDICTS_FILE, RESULTS_FILE, COST_FILE))
# resources.json is read only to check results for VPCs the run's verdict does not name.
LISTED = RUN_FILES | {RESOURCES_FILE}


def open_source(location, client=None, max_bytes=MAX_FILE_BYTES, connections=10):
    """The evidence source a command-line location names; `connections`: how many requests
    to S3 may be open at once (the size of the pool reading it)."""
    if location.startswith("s3://"):
        return S3Prefix(location, client, max_bytes, connections)
    return LocalTree(location, max_bytes)


def read_tree(sources, since=None, workers=DEFAULT_WORKERS):
    """Every latest policy run in the sources that used our filter or action; notes for
    stderr; and with a `since` stamp (report.source.stamp_of; () for all), every verdict
    the sources hold from run folders since then as (policy parts, verdict), the current
    ones and those of earlier runs (S3 run folders, stale local files). Folders are listed
    and read `workers` at once.

    A directory without metadata.json (the run failed before Custodian wrote it) counts
    as ours unless another directory's metadata says the same policy uses neither.
    """
    with ThreadPoolExecutor(workers, thread_name_prefix="evidence") as pool:
        folders = [
            f
            for source in sources
            for f in source.folders(LISTED, pool, since)
            if RUN_FILES & set(f.files)
            and (f.latest or since is not None and VERDICTS_FILE in f.files)
        ]
        read = list(pool.map(_read_folder, folders))
    verdicts, notes = [], []
    for folder, (_run, found) in zip(folders, read) if since is not None else ():
        if isinstance(found, UnusableEvidence):
            notes.append("left out of the history: %s" % found)
        elif found:
            verdicts.append((folder.parts, found))
    kept, kept_notes = ours([run for run, _verdicts in read if run])
    return kept, kept_notes + notes, verdicts


def _read_folder(folder):
    """(the run, its verdicts) of a latest run folder; (None, the verdicts or why they
    are not counted) of an earlier one."""
    if folder.latest:
        run = read_run(folder)
        return run, run.verdicts_found
    try:
        return None, read_evidence(folder, VERDICTS_FILE)
    except UnusableEvidence as e:
        return None, e
