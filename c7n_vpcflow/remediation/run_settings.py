"""The settings a run of enable-flow-logs uses: filled in for its account-region (and for
the one Custodian validates the policy for, when known), each ARN refused, naming its key,
that this account-region cannot use. The policy's own checks are validation's.
"""

import re

from c7n.exceptions import PolicyValidationError
from c7n.utils import FormatDate

from c7n_vpcflow.account import Account
from c7n_vpcflow.audit.variables import Variables
from c7n_vpcflow.errors import RunRefused
from c7n_vpcflow.remediation.role import parse_role
from c7n_vpcflow.remediation.validation import POLICY_ARN, fail, viewed_settings
from c7n_vpcflow.vocabulary import CLOUDWATCH, FIREHOSE

ACCOUNT_ID = re.compile(r"^\d{12}$")


def known_account(manager):
    """The account-region Custodian validates the policy for, when both are known (not
    while loading the file, nor under custodian validate's account 'na')."""
    config = manager.config
    if ACCOUNT_ID.match(str(config.account_id or "")) and config.region not in ("", "na"):
        return Account.of(manager)
    return None


def validate_run_account(settings, account):
    """Refuse, naming its key, an ARN of `settings` (filled in for `account`) that the
    account-region cannot use."""
    own = account.account_id
    if settings.destination_type == CLOUDWATCH:
        role = parse_role(settings.role)
        if role and role[1] not in (None, own):
            fail(
                "role",
                "%r is in account %s; flow logs deliver only through a role of their "
                "own account (%s)" % (settings.role, role[1], own),
            )
        boundary = POLICY_ARN.match(settings.permissions_boundary or "")
        if boundary and boundary.group(1) not in ("aws", own):
            fail(
                "permissions-boundary",
                "%r is a policy of account %s; a role of account %s "
                "takes only its own account's or an AWS managed policy as its boundary"
                % (settings.permissions_boundary, boundary.group(1), own),
            )
        key_region = (settings.kms_key_id or "").split(":")[3:4]
        if key_region and key_region[0] != account.region:
            fail(
                "kms-key-id",
                "%r is a key of %s; CloudWatch Logs in %s encrypts only with a "
                "key of its own region: write {region} in the ARN (a multi-Region key's "
                "replicas share its id) or name a key of %s"
                % (settings.kms_key_id, key_region[0], account.region, account.region),
            )
    role_account = (settings.cross_account_role or "").split(":")[4:5]
    if settings.destination_type == FIREHOSE and role_account and role_account[0] != own:
        fail(
            "cross-account-role",
            "%r is in account %s; it must be a role of the run's "
            "account (%s), which delivers to the stream's account"
            % (settings.cross_account_role, role_account[0], own),
        )


def settings_for_run(settings, account, now):
    """`settings` for a run in `account` (variables filled in, `now` the run's time), or
    PolicyValidationError naming the key it cannot run with: a variable nobody defined, a
    role, boundary or cross-account role of another account, a KMS key of another region."""
    settings = viewed_settings(settings, Variables.filled()).rendered(account, now)
    validate_run_account(settings, account)
    return settings


def runnable_settings(settings, account):
    """settings_for_run at the start of a run (or a dry run): RunRefused instead."""
    try:
        return settings_for_run(settings, account, FormatDate.utcnow())
    except PolicyValidationError as e:
        raise RunRefused(
            "%s; nothing was changed in %s/%s" % (e, account.account_id, account.region)
        ) from None
