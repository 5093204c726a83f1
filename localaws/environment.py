"""The demo's own environment, built from scratch: nothing of the user's AWS setup leaks in.

No AWS_* or C7N_* variable, profile, config file or credentials file of the user is ever
read: children get only PATH, a throwaway HOME and our own AWS_* values, and the demo's
own process (which seeds and reads the emulator with boto3) drops the user's AWS_*
variables for the same values before it creates any session.
"""
import os

REGION = "us-east-1"
# Dummies the emulator accepts; the demo never holds a real credential.
ACCESS_KEY_ID = "AKIADEMODEMODEMO0000"
SECRET_ACCESS_KEY = "demo-secret-not-a-real-key"
# The user's variables that could steer an AWS SDK (or Custodian) somewhere else.
FOREIGN_PREFIXES = ("AWS_", "BOTO_", "C7N_", "MOTO_")


def aws_variables(endpoint, home):
    """Our AWS_* settings: dummy keys, the emulator's endpoint, config files that do not exist."""
    return {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.path.join(home, "no-such-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "no-such-aws-credentials"),
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
    """The complete environment of the c7n-org and c7n-vpcflow children."""
    env = base_environment(home)
    env.update(aws_variables(endpoint, home))
    return env


def isolate_this_process(endpoint, home):
    """Replace the user's AWS settings in os.environ by ours (boto3 reads os.environ)."""
    for name in list(os.environ):
        if name.startswith(FOREIGN_PREFIXES):
            del os.environ[name]
    os.environ.update(aws_variables(endpoint, home))
    os.environ["HOME"] = home
