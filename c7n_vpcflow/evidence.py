"""The evidence a run leaves in its policy's output directory: what was judged, what was done.

``flow-log-compliance.json`` (the filter's verdict on every VPC, or why nothing was judged)
and ``flow-log-results.json`` (what enable-flow-logs did, and whether it got to the end).
Both carry the run's execution id and start time: a later run into the same directory that
writes neither (nothing matched, so Custodian never called the action) leaves the earlier
files behind, and only those ids tell a reader they are not the current run's.
"""
from datetime import datetime, timezone

from .account import Account
from .outputs import write_deferred, write_output
from .vocabulary import Judgement

VERDICTS_FILE = "flow-log-compliance.json"
RESULTS_FILE = "flow-log-results.json"


def run_header(manager):
    """Which run, account and region a file speaks for."""
    ctx = manager.ctx
    start = getattr(ctx, "start_time", None)
    account = Account.of(manager)
    return {
        "execution-id": getattr(ctx, "execution_id", None),
        "started": datetime.fromtimestamp(start, timezone.utc).isoformat() if start else None,
        "account-id": account.account_id,
        "region": account.region,
    }


def write_verdicts(manager, judged=(), shared=(), cause=None):
    """The verdict on every VPC judged; with a cause, the account-region was not judged."""
    write_output(manager, VERDICTS_FILE, {
        "status": (Judgement.NOT_JUDGED if cause else Judgement.JUDGED).value,
        "cause": cause,
        "judged": list(judged),
        "shared": list(shared),
    }, stamp=run_header)


def write_results(manager, records, cause=None):
    """Per-VPC results; with a cause, the run stopped before it was done."""
    write_deferred(manager)
    write_output(manager, RESULTS_FILE, {
        "complete": cause is None, "cause": cause, "results": list(records)},
        stamp=run_header)
