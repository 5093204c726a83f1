"""AWS Lambda entry point for policies that use c7n-vpcflow.

Custodian's Lambda archive holds plain module folders (no .pth, no entry points), and its
default handler never imports plugins, so inside Lambda our filter and action would be
unknown. Lambda-mode policies therefore set::

    mode:
      packages: [c7n_vpcflow]
      handler: c7n_vpcflow.lambda_handler.run

which loads the plugin, then hands the event to Custodian's own dispatcher.
"""

from c7n import handler

import c7n_vpcflow  # noqa: F401  (registers the filter and the action)


def run(event, context):
    return handler.dispatch_event(event, context)
