"""The account-region a run works in, and the confirmation that its credentials belong to it.

One account-region, as every name, ARN and finding of a run is rendered for it: Account.

Whose credentials a run holds: it judges and changes only the account it is configured for.
A mistyped ``account_id`` in c7n-org's accounts.yml would otherwise make every VPC look
shared by another account: skipped, and a clean result from a run that judged nothing.
How the account is confirmed depends on where the configured id came from:

- with a role to assume, the credentials are that role's account: its ARN must name the
  configured account (no call);
- ``custodian run`` without a role, and Custodian's Lambda handler, asked STS for the
  account themselves (no call);
- otherwise (c7n-org with a profile or ambient credentials, other embedders) one
  GetCallerIdentity, which needs no permission, kept for the process so the filter and
  the action of every policy run with the same credentials share it.
"""
import threading
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from c7n.utils import get_partition, local_session

from c7n_vpcflow.errors import VpcFlowError


@dataclass(frozen=True)
class Account:
    account_id: str
    region: str
    partition: str = "aws"

    @classmethod
    def of(cls, manager):
        """The account-region a resource manager works in."""
        region = manager.config.region
        return cls(manager.config.account_id, region, get_partition(region) or "aws")

    def values(self):
        """The account's template variables ({account_id}, {region}, {partition})."""
        return {"account_id": self.account_id, "region": self.region,
                "partition": self.partition}


_CONFIRMED = {}
_LOCK = threading.Lock()


class AccountMismatch(VpcFlowError):
    """The credentials do not belong to the account the run is configured for."""


def _credentials_key(config):
    """What decides whose credentials a run holds (the region does not)."""
    return (config.account_id, getattr(config, "assume_role", None),
            getattr(config, "profile", None), getattr(config, "external_id", None))


def caller_account(manager):
    """The account id of the manager's credentials (one STS call per credentials)."""
    key = _credentials_key(manager.config)
    with _LOCK:
        if key not in _CONFIRMED:
            sts = local_session(manager.session_factory).client("sts")
            _CONFIRMED[key] = manager.retry(sts.get_caller_identity)["Account"]
        return _CONFIRMED[key]


def _account_of_role(role_arn):
    parts = role_arn.split(":") if isinstance(role_arn, str) else ()
    return parts[4] if len(parts) > 5 and parts[4] else None


def _custodian_established(manager):
    """`custodian run` and Custodian's Lambda handler take the account id from STS
    themselves (unless a Lambda policy's execution-options set one)."""
    if manager.config.get("configs") is not None:
        return True
    mode = (getattr(manager, "data", None) or {}).get("mode") or {}
    return mode.get("type", "pull") != "pull" and "account_id" not in mode.get(
        "execution-options", {})


def confirm_account(manager):
    """Raise AccountMismatch unless the credentials belong to the configured account."""
    config = manager.config
    configured = config.account_id
    if not configured:
        return
    role_account = _account_of_role(getattr(config, "assume_role", None))
    if role_account:
        actual, source = role_account, "the role it assumes (%s) is in" % config.assume_role
    elif _custodian_established(manager):
        return
    else:
        try:
            actual = caller_account(manager)
        except (ClientError, BotoCoreError) as e:
            raise AccountMismatch(
                "could not confirm that the credentials belong to account %s "
                "(sts:GetCallerIdentity: %s); nothing was judged or changed" % (configured, e))
        source = "its credentials belong to"
    if actual != configured:
        raise AccountMismatch(
            "the run is configured for account %s but %s account %s; nothing was judged "
            "or changed in %s/%s (check account_id in accounts.yml)" % (
                configured, source, actual, configured, config.region))
