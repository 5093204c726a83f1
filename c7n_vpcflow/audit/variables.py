"""Policy variables: one rule for every templated key of the plugin and a Lambda policy's mode.

Custodian fills a policy's variables before it runs it: its own (c7n/policy.py
Policy.get_variables: {account_id}, {region}, {partition}, {now}, ...) and those of
``custodian run --vars-file`` or c7n-org's ``vars``. It fills a string only when it knows
every {name} in it (otherwise it leaves the whole string as written), and never a mapping's
keys. What is left is ours to fill ({vpc_id}, {vpc_name} per VPC; {account_id}, {region},
{partition} per account-region; {now} in tag values) or undefined.

Custodian validates a policy without its variables (``custodian validate``, c7n-org
validate, ``custodian run`` loading the file) and with them. Without them, any other name
may still be given, so it passes. Where a run's variables are known while it validates
(``custodian run``'s --vars-file; c7n-org's vars for a Lambda policy it deploys), a name
none of them defines is refused then, before any AWS call; each run refuses what is left
before any AWS call of its own (see EnableFlowLogs.process).
"""

from c7n.config import Config
from c7n.exceptions import PolicyValidationError
from c7n.policy import Policy, ServerlessExecutionMode
from c7n.utils import DeferredFormatString, load_file

from c7n_vpcflow.audit.templates import (
    PER_VPC_VARIABLES,
    TEMPLATE_VARIABLES,
    TemplateError,
    names_in,
)

# Kept as written by Custodian: it fills them in the member account at run time.
UNEXPANDED_MODE_KEYS = ("member-role",)
HOW_TO_DEFINE = "give each a value with --vars-file or in c7n-org's vars"


def custodian_variables():
    """The names Custodian's variable expansion knows, whatever their value."""
    return frozenset(
        Policy({"name": "variables", "resource": "aws.vpc"}, Config.empty()).get_variables()
    )


def deploys_lambda(manager):
    """True for a policy Custodian deploys as a Lambda function instead of running it."""
    policy = getattr(manager.ctx, "policy", None)
    return isinstance(policy and policy.get_execution_mode(), ServerlessExecutionMode)


def given_variables(manager):
    """The policy variables the run defines ({name: value}), or None when the policy is
    being validated without them.

    custodian run (and report, logs, metrics: their options carry ``configs``) has read its
    --vars-file before it loads the policies. c7n-org puts the account on the policy's
    conditions before validating; its vars count only for a Lambda policy it deploys,
    because c7n-org fails the run (exit 1) on an error raised while a policy runs but only
    warns about one raised while validating: a pull-mode policy is refused by its run.
    """
    config = manager.config
    if config.get("configs") is not None:
        path = config.get("vars_file")
        return dict(load_file(path) or {}) if path else {}
    policy = getattr(manager.ctx, "policy", None)
    account = policy.conditions.env_vars.get("account") if policy else None
    if account is not None and deploys_lambda(manager):
        return dict(account.get("vars") or {})
    return None


def check_mode(manager, variables):
    """Refuse to deploy a Lambda policy whose mode uses a variable nothing defines, but in a
    key its execution mode fills with a default then (its `defaulted_keys`)."""
    if deploys_lambda(manager):
        defaulted = getattr(manager.ctx.policy.get_execution_mode(), "defaulted_keys", ())
        problem = variables.mode_problem(manager.data.get("mode") or {}, defaulted)
        if problem:
            raise PolicyValidationError("%s: mode %s" % (manager.data.get("name"), problem))


class Variables:
    """What a validation or a run knows of the policy's variables: `given`, those the run
    defines ({name: value}); None while validating without them (any other name may yet be
    given)."""

    def __init__(self, given=None):
        self.given = given
        self.custodian = custodian_variables()

    @classmethod
    def of(cls, manager):
        return cls(given_variables(manager))

    @classmethod
    def filled(cls):
        """A run's: Custodian has filled every variable it was given."""
        return cls({})

    def _known(self, names):
        """The names Custodian fills (ours per VPC it does not know)."""
        assumed = self.given if self.given is not None else set(names) - set(PER_VPC_VARIABLES)
        return self.custodian | set(assumed)

    def policy_variables(self, template):
        """The names in `template` that are neither ours nor Custodian's."""
        return [
            n for n in names_in(template) if n not in TEMPLATE_VARIABLES and n not in self.custodian
        ]

    def view(self, template):
        """`template` as Custodian's expansion hands it over: the given variables filled in,
        its own kept as {name} (their values come with the account-region), {{vpc_id}}
        become {vpc_id}; or left whole when it uses a name Custodian does not know."""
        names = names_in(template)
        if not set(names) <= self._known(names):
            return template
        given = self.given or {}
        return template.format(
            **{
                n: given[n] if n in given and n not in self.custodian else DeferredFormatString(n)
                for n in names
            }
        )

    def problem(self, template, allowed):
        """Why the variables of `template` cannot all be filled, or None; `allowed`: the
        names of ours it may use."""
        names = names_in(template)
        for name in names:
            if name not in allowed and (name in TEMPLATE_VARIABLES or name in self.custodian):
                return "cannot use {%s}; allowed here: %s" % (
                    name,
                    ", ".join("{%s}" % v for v in allowed),
                )
        others = self.policy_variables(template)
        whole = not set(names) <= self._known(names)
        per_vpc = [n for n in names if n in PER_VPC_VARIABLES]
        if others and whole and per_vpc:
            return (
                "uses the policy variable {%s} beside {%s}, which Custodian does not "
                "know, so Custodian leaves the whole string unfilled: write {{%s}} for "
                "enable-flow-logs to fill" % (others[0], per_vpc[0], per_vpc[0])
            )
        undefined = [n for n in others if self.given is not None and n not in self.given]
        if undefined:
            return "uses %s, which no policy variable defines (%s)" % (
                ", ".join("{%s}" % n for n in undefined),
                HOW_TO_DEFINE,
            )
        return None

    def mode_problem(self, mode, defaulted=()):
        """Why a Lambda policy's mode cannot be deployed (a name nothing defines), or None;
        `defaulted`: keys whose variable may go undefined."""
        if self.given is None:
            return None
        for path, value in strings_in(mode):
            if path.split(".")[0] in UNEXPANDED_MODE_KEYS + tuple(defaulted):
                continue
            try:
                names = names_in(value)
            except TemplateError:
                continue  # not a template: Custodian leaves it as it is
            undefined = [n for n in names if n not in self.custodian and n not in self.given]
            if undefined:
                return (
                    "%s %r uses %s, which no policy variable defines (%s); nothing "
                    "was deployed"
                    % (path, value, ", ".join("{%s}" % n for n in undefined), HOW_TO_DEFINE)
                )
        return None


def strings_in(data, path=""):
    """(dotted path, string) for every string value in `data`."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings_in(value, "%s.%s" % (path, key) if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from strings_in(value, "%s[%d]" % (path, i))
    elif isinstance(data, str):
        yield path, data
