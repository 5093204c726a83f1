"""The hermetic AWS environment of conftest's `hermetic_aws`, for module-scoped fixtures.

`hermetic_aws` is function-scoped; fixtures that run a command once per module (one
`custodian validate` over many files, a wheel build, a scratch venv) enter this instead,
so their subprocesses see the same dummy credentials and dead endpoint.
"""

import contextlib
import os

import pytest

from localaws.environment import REGION, isolate
from support.aws import DEAD_ENDPOINT


@contextlib.contextmanager
def hermetic_environ(home, region=REGION):
    """os.environ made hermetic (localaws.environment), one attempt per call, a dead endpoint."""
    home = str(home)
    os.makedirs(home, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        isolate(DEAD_ENDPOINT, home, mp, region=region, max_attempts=1)
        yield
