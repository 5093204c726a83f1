"""Writing the plugin's evidence files next to Custodian's resources.json, each opened by
the header of the run it speaks for.

The header says which run (its execution id and start time: a later run into the same
directory that writes no file of ours, because nothing matched and Custodian never called
the action, leaves the earlier files behind, and only those ids tell a reader they are not
the current run's), its account and region, the policy, the plugin's and Custodian's
versions, and the format. The files' schemas are in c7n_vpcflow/schemas/.
"""
from datetime import datetime, timezone

from c7n.utils import dumps
from c7n.version import version as custodian_version

from c7n_vpcflow.account import Account
from c7n_vpcflow.vocabulary import EVIDENCE_FORMAT

_DEFERRED = "_c7n_vpcflow_deferred_outputs"


def _plugin_version():
    # Read when writing: the package's __init__ is still running when this module loads.
    from c7n_vpcflow import __version__
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


def write_output(manager, filename, data, stamp=None):
    """Write JSON next to resources.json; `stamp(manager)` adds keys known only then.

    Event-driven Lambda modes (cloudtrail, config-rule) filter resources before the policy
    context, and so its output, exists: what the filter writes then is kept on the manager
    and written by `write_deferred` once the action runs inside the context.
    """
    output = getattr(manager.ctx, "output", None)
    if output is None:
        deferred = getattr(manager, _DEFERRED, None)
        if deferred is None:
            deferred = {}
            setattr(manager, _DEFERRED, deferred)
        deferred[filename] = (data, stamp)
        return
    if stamp is not None:
        data = dict(stamp(manager), **data)
    output.write_file(filename, dumps(data, indent=2))


def write_deferred(manager):
    """Write what was kept for lack of an output (see write_output), once there is one."""
    deferred = getattr(manager, _DEFERRED, None)
    if not deferred or getattr(manager.ctx, "output", None) is None:
        return
    while deferred:
        filename, (data, stamp) = deferred.popitem()
        write_output(manager, filename, data, stamp)
