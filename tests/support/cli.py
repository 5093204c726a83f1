"""Running the stock console scripts installed next to this interpreter."""

import os
import subprocess
import sys


class Cli:
    def __init__(self, workdir):
        self.workdir = str(workdir)
        self.bin = os.path.dirname(sys.executable)

    def __call__(self, command, *args, timeout=300, env=None):
        """Run `command` (e.g. 'custodian') with args; returns CompletedProcess (text)."""
        full_env = dict(os.environ)
        full_env.update(env or {})
        return subprocess.run(
            [os.path.join(self.bin, command), *map(str, args)],
            cwd=self.workdir,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
