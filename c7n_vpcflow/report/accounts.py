"""The c7n-org accounts file, as the report reads it: the account-regions that must be
present (read_accounts; declared adds --regions of --account-id), and which account each
folder name stands for (check_account_names: a run in a folder of another account is
corrupt evidence).
"""

import yaml

from c7n_vpcflow.vocabulary import RESULTS_FILE, VERDICTS_FILE

# What c7n-org runs an account in when accounts.yml gives it no regions.
C7N_ORG_DEFAULT_REGIONS = ("us-east-1", "us-west-2")


class AccountsFileError(Exception):
    """The c7n-org accounts file cannot be read."""


def read_accounts(path):
    """[(account name, account id, [region, ...])] of a c7n-org accounts file."""
    try:
        with open(path) as f:
            config = yaml.safe_load(f)
        found = []
        for account in config["accounts"]:
            regions = account.get("regions") or C7N_ORG_DEFAULT_REGIONS
            found.append(
                (
                    account.get("name") or str(account["account_id"]),
                    str(account["account_id"]),
                    [r.strip() for value in regions for r in value.split(",")],
                )
            )
        return found
    except OSError as e:
        raise AccountsFileError("cannot read %s: %s" % (path, e.strerror)) from None
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as e:
        raise AccountsFileError(
            "%s is not a c7n-org accounts file (%s: %s)" % (path, type(e).__name__, e)
        ) from None


def declared(accounts, rows, regions, account_ids):
    """The accounts that must be present, as read_accounts gives them: those of the accounts
    file, and `regions` (--regions) of each of `account_ids` (--account-id) or, without
    them, of every account the evidence or the file names."""
    if not regions:
        return list(accounts)
    names = {a[1]: a[0] for a in accounts}
    names.update((r.account_id, r.account_name) for r in rows if r.account_id)
    ids = account_ids or sorted(set(names))
    return list(accounts) + [(names.get(i, i), i, list(regions)) for i in ids]


def check_account_names(runs, accounts):
    """A run in a c7n-org account folder must be of the account the accounts file gives
    that name; one that is not is corrupt evidence."""
    ids = {name: account_id for name, account_id, _regions in accounts}
    for run in runs:
        expected = ids.get(run.account_name)
        said = run.verdicts or run.results
        if said and expected and said["account-id"] != expected:
            name = VERDICTS_FILE if run.verdicts else RESULTS_FILE
            run.corrupt.append(
                "%s: says account %s, but the accounts file gives its folder "
                "%s account %s" % (run.paths[name], said["account-id"], run.account_name, expected)
            )
            run.verdicts = run.results = run.verdicts_found = run.costs = None
            run.cause = "corrupt evidence: " + "; ".join(run.corrupt)
