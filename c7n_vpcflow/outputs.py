"""Files the plugin adds to a policy's output directory."""
from c7n.utils import dumps

_DEFERRED = "_c7n_vpcflow_deferred_outputs"


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
