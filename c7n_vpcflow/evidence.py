"""The evidence a run leaves in its policy's output directory: what was judged, what was done.

``flow-log-compliance.json`` (the filter's verdict on every VPC, or why nothing was judged)
and ``flow-log-results.json`` (what enable-flow-logs did, per VPC and with the delivery
role, and whether it got to the end).
Both say what they were written under: the run's execution id and start time (a later run
into the same directory that writes neither, because nothing matched and Custodian never
called the action, leaves the earlier files behind, and only those ids tell a reader they
are not the current run's), its account and region, the policy, the plugin's and
Custodian's versions, the filter's or action's settings with their defaults, and the
format. Their schemas are in c7n_vpcflow/schemas/ (see evidence_checks).
"""
from datetime import datetime, timezone

from c7n.version import version as custodian_version

from .account import Account
from .outputs import write_deferred, write_output
from .vocabulary import EVIDENCE_FORMAT, RESULTS_FILE, VERDICTS_FILE, Judgement


def _plugin_version():
    # Read when writing: the package's __init__ is still running when this module loads.
    from . import __version__
    return __version__


def run_header(manager):
    """Which run, account, region, policy and versions a file speaks for."""
    ctx = manager.ctx
    start = getattr(ctx, "start_time", None)
    account = Account.of(manager)
    return {
        "format": EVIDENCE_FORMAT,
        "execution-id": getattr(ctx, "execution_id", None),
        "started": datetime.fromtimestamp(start, timezone.utc).isoformat() if start else None,
        "account-id": account.account_id,
        "region": account.region,
        "policy": manager.data.get("name"),
        "versions": {"c7n-vpcflow": _plugin_version(), "custodian": custodian_version},
    }


def write_verdicts(manager, settings, judged=(), shared=(), cause=None):
    """The verdict on every VPC judged under the filter's `settings`; with a cause, the
    account-region was not judged."""
    write_output(manager, VERDICTS_FILE, {
        "settings": settings,
        "status": (Judgement.NOT_JUDGED if cause else Judgement.JUDGED).value,
        "cause": cause,
        "judged": list(judged),
        "shared": list(shared),
    }, stamp=run_header)


def write_results(manager, settings, records, cause=None, role=None):
    """Per-VPC results under the action's `settings`; with a cause, the run stopped before
    it was done; `role`: what the run did with the delivery role (None: it needed none)."""
    write_deferred(manager)
    write_output(manager, RESULTS_FILE, {
        "settings": settings, "complete": cause is None, "cause": cause, "role": role,
        "results": list(records)}, stamp=run_header)
