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
  GetCallerIdentity, which needs no permission.

Either way the account is confirmed once per policy run in an account-region: the first of
the filter, the actions and the dry run to ask settles it for the others, on the policy's
run context (Custodian's ExecutionContext: one per Policy object, so per account-region in
`custodian run -r` and c7n-org), never in the process.
"""

from dataclasses import dataclass, field

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
        return {"account_id": self.account_id, "region": self.region, "partition": self.partition}


# The attribute of Custodian's ExecutionContext that holds the plugin's RunState.
RUN_STATE = "c7n_vpcflow_run"


@dataclass
class RunState:
    """What one policy run in one account-region has settled: that its credentials belong to
    the configured account, and which warnings it has said."""

    account_confirmed: bool = False
    said: set = field(default_factory=set)


def run_state(manager):
    """The RunState of the manager's policy run (made when first asked for)."""
    state = getattr(manager.ctx, RUN_STATE, None)
    if state is None:
        state = RunState()
        setattr(manager.ctx, RUN_STATE, state)
    return state


class AccountMismatch(VpcFlowError):
    """The credentials do not belong to the account the run is configured for."""


def caller_account(manager):
    """The account id of the manager's credentials (one STS call)."""
    sts = local_session(manager.session_factory).client("sts")
    return manager.retry(sts.get_caller_identity)["Account"]


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
        "execution-options", {}
    )


def confirm_account(manager):
    """Raise AccountMismatch unless the credentials belong to the configured account; once
    confirmed, the rest of the policy run asks nothing."""
    state = run_state(manager)
    if not state.account_confirmed:
        _confirm(manager)
        state.account_confirmed = True


def _confirm(manager):
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
                "(sts:GetCallerIdentity: %s); nothing was judged or changed" % (configured, e)
            ) from None
        source = "its credentials belong to"
    if actual != configured:
        raise AccountMismatch(
            "the run is configured for account %s but %s account %s; nothing was judged "
            "or changed in %s/%s (check account_id in accounts.yml)"
            % (configured, source, actual, configured, config.region)
        )
