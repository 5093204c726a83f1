"""The hermetic AWS environment of conftest's `hermetic_aws`, for module-scoped fixtures.

`hermetic_aws` is function-scoped; fixtures that run a command once per module (one
`custodian validate` over many files, a wheel build, a scratch venv) enter this instead,
so their subprocesses see the same dummy credentials and dead endpoint.
"""
import contextlib
import os

import pytest

from support.aws import DEAD_ENDPOINT


@contextlib.contextmanager
def hermetic_environ(home, region="us-east-1"):
    """os.environ without AWS_*/C7N_* variables, dummy credentials, a dead endpoint."""
    home = str(home)
    os.makedirs(home, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("AWS_") or name.startswith("C7N_"):
                mp.delenv(name, raising=False)
        mp.setenv("HOME", home)
        mp.setenv("AWS_ACCESS_KEY_ID", "AKIATESTINGONLY00000")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-not-real")
        mp.setenv("AWS_DEFAULT_REGION", region)
        mp.setenv("AWS_CONFIG_FILE", os.path.join(home, "aws-config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", os.path.join(home, "aws-credentials"))
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("AWS_MAX_ATTEMPTS", "1")
        mp.setenv("AWS_ENDPOINT_URL", DEAD_ENDPOINT)
        yield
