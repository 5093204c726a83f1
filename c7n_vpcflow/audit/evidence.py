"""Writing the plugin's evidence files next to Custodian's resources.json, each opened by
the header of the run it speaks for.

The header says which run (its execution id and start time: a later run into the same
directory that writes no file of ours, because nothing matched and Custodian never called
the action, leaves the earlier files behind, and only those ids tell a reader they are not
the current run's), its account and region, the policy, the plugin's and Custodian's
versions, and the format. The files' schemas are in c7n_vpcflow/schemas/.

Each file is written by its owner only: the verdicts by the filter, the results by
enable-flow-logs, the plans by the filter under --dryrun.
"""

from datetime import datetime, timezone

from c7n.policy import PullMode
from c7n.utils import dumps
from c7n.version import version as custodian_version

from c7n_vpcflow.account import Account
from c7n_vpcflow.vocabulary import EVIDENCE_FORMAT


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


def event_mode(manager):
    """True for a run of an event-driven Lambda mode (cloudtrail, config-rule, ...):
    Custodian filters its resources before it opens the run's output, so the filter writes
    no verdict file, and the results carry each VPC's verdict instead."""
    policy = getattr(manager.ctx, "policy", None)
    return policy is not None and not isinstance(policy.get_execution_mode(), PullMode)


def write_output(manager, filename, data, stamp=None):
    """Write JSON next to resources.json, when the run's output is open (not while an
    event mode filters, see event_mode: nothing is written then, nor kept for later);
    `stamp(manager)` adds keys known only then."""
    output = getattr(manager.ctx, "output", None)
    if output is None:
        return
    if stamp is not None:
        data = dict(stamp(manager), **data)
    output.write_file(filename, dumps(data, indent=2))
