"""Child processes that cannot outlive the demo.

Each child starts in its own session (its own process group): a Ctrl-C at the terminal
reaches only the demo, which then stops every child *group* (c7n-org's workers included)
itself, in order. On Linux a child also gets SIGTERM should the demo die without cleaning
up (PR_SET_PDEATHSIG), e.g. when it is killed with SIGKILL.
"""

import ctypes
import os
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def spawn(args, env, cwd, stdout, stderr):
    """Popen in a new session; stdin is /dev/null (the child is not in the foreground)."""
    return subprocess.Popen(
        args,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def _signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def stop(process, grace=5.0):
    """SIGTERM to the child's whole process group, SIGKILL after `grace` seconds."""
    if process is None:
        return
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
    # Workers the leader left behind (the group outlives its leader).
    _signal_group(process, signal.SIGKILL)
