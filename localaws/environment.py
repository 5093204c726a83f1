"""The one hermetic environment of the tests, the demo and the bench: nothing of the user's AWS
setup leaks in, and nothing leaves for a real AWS endpoint.

No AWS_*, BOTO_*, C7N_* or MOTO_* variable, profile, config file or credentials file of the
user is ever read: a process is isolated by dropping those variables for ours (dummy keys the
emulator accepts, our endpoint, a throwaway HOME, config files that do not exist), and
children get only PATH, that HOME and our values.
"""

import os

REGION = "us-east-1"
# Dummies the emulator accepts; nothing here ever holds a real credential.
ACCESS_KEY_ID = "AKIATESTINGONLY00000"
SECRET_ACCESS_KEY = "testing-secret-not-real"
# The user's variables that could steer an AWS SDK (or Custodian, or moto) somewhere else.
FOREIGN_PREFIXES = ("AWS_", "BOTO_", "C7N_", "MOTO_")


def aws_variables(endpoint, home, region=REGION, max_attempts=2):
    """Our AWS_* settings: dummy keys, the endpoint, config files that do not exist, and
    `max_attempts` per call (botocore's retries)."""
    return {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_DEFAULT_REGION": region,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_MAX_ATTEMPTS": str(max_attempts),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.path.join(home, "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "aws-credentials"),
    }


def base_environment(home):
    """PATH and a throwaway HOME, nothing else (locale only so Python speaks UTF-8)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
    }


def child_environment(endpoint, home):
    """The complete environment of a child process (c7n-org, c7n-vpcflow, a bench run)."""
    env = base_environment(home)
    env.update(aws_variables(endpoint, home))
    return env


def isolate(endpoint, home, monkeypatch=None, **settings):
    """Make this process hermetic (boto3 reads os.environ): the user's variables dropped,
    ours set (`settings`: aws_variables' region, max_attempts) and HOME at `home`. Through
    `monkeypatch` when given (pytest's: undone after the test), else for good."""
    setenv, delenv = (
        (monkeypatch.setenv, monkeypatch.delenv)
        if monkeypatch
        else (os.environ.__setitem__, os.environ.pop)
    )
    for name in [n for n in os.environ if n.startswith(FOREIGN_PREFIXES)]:
        delenv(name)
    for name, value in dict(aws_variables(endpoint, home, **settings), HOME=home).items():
        setenv(name, value)
