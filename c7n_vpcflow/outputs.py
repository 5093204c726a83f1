"""Files the plugin adds to a policy's output directory."""
from c7n.utils import dumps


def write_output(manager, filename, data):
    """Write JSON next to resources.json; a no-op where the run has no output yet.

    Event-driven Lambda modes filter resources before entering the policy context.
    """
    output = getattr(manager.ctx, "output", None)
    if output is not None:
        output.write_file(filename, dumps(data, indent=2))
