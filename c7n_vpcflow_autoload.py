"""Start-up hook that registers c7n-vpcflow with Cloud Custodian, lazily.

Stock Custodian discovers no plugins, so the wheel ships ``c7n_vpcflow_autoload.pth``,
whose single line imports this module at interpreter start. Importing all of c7n here
would tax every Python process in the environment, so this module imports nothing but
``sys`` and installs a meta-path finder that waits for ``c7n.resources.vpc`` or
``c7n.resources.account`` (the modules defining ``aws.vpc`` and ``aws.account``). Right
after the first of them executes, the finder imports ``c7n_vpcflow``, which registers the
filter and the action on ``aws.vpc`` and, once Custodian announces it, ``aws.account``.
"""

import sys

TRIGGERS = ("c7n.resources.vpc", "c7n.resources.account")
PLUGIN = "c7n_vpcflow"


class _RegisterAfterExec:
    """Delegates to the real loader, then imports the plugin once the module has run."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        __import__(PLUGIN)


class PluginFinder:
    """Meta-path finder that only ever reacts to a trigger module, once."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in TRIGGERS:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(fullname, path, target) if find_spec else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _RegisterAfterExec(spec.loader)
                return spec
        return None


def install():
    if any(trigger in sys.modules for trigger in TRIGGERS):
        # c7n's AWS resources are already loaded: register now.
        __import__(PLUGIN)
    elif not any(isinstance(f, PluginFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, PluginFinder())


install()
