"""The one rule for variables in templated keys (variables.py), and which variables a
validation knows: none (custodian validate), the --vars-file (custodian run), c7n-org's
vars (a Lambda policy it deploys)."""

import pytest
from c7n.config import Bag, Config
from c7n.exceptions import PolicyValidationError
from c7n.policy import Policy
from c7n.resources import load_resources
from c7n.utils import FormatDate

import c7n_vpcflow  # noqa: F401  (registers the filter and the action)
from c7n_vpcflow.account import Account
from c7n_vpcflow.audit.templates import PER_REGION_VARIABLES, TEMPLATE_VARIABLES
from c7n_vpcflow.audit.variables import Variables, given_variables
from c7n_vpcflow.remediation.run_settings import settings_for_run
from c7n_vpcflow.remediation.settings import Settings
from support.constants import ACCOUNT_ID, REGION

WITHOUT = Variables()  # custodian validate: none known, any may come
RUN = Variables.filled()  # a run: Custodian has filled what it was given
GIVEN = Variables({"env": "prod", "flow_log_bucket": "org-flow-logs-{region}"})
PERIODIC = {
    "type": "periodic",
    "schedule": "rate(1 day)",
    "execution-options": {
        "output_dir": "s3://{evidence_bucket}/{account_id}?region={evidence_region}"
    },
}


@pytest.mark.parametrize(
    "template,allowed",
    [
        ("/vpc/flow-logs/{vpc_id}", TEMPLATE_VARIABLES),
        ("/vpc/{env}/flows", TEMPLATE_VARIABLES),  # filled by Custodian
        ("/vpc/{env}/{{vpc_id}}", TEMPLATE_VARIABLES),  # ours escaped beside it
        ("{flow_log_bucket}", PER_REGION_VARIABLES),
        ("{owner}", PER_REGION_VARIABLES + ("now",)),
    ],
)
def test_without_variables_any_policy_variable_may_still_come(template, allowed):
    assert WITHOUT.problem(template, allowed) is None


@pytest.mark.parametrize(
    "template,allowed,says",
    [
        ("logs-{vpc_id}", PER_REGION_VARIABLES, "cannot use {vpc_id}"),
        ("/vpc/{event}", TEMPLATE_VARIABLES, "cannot use {event}"),  # Custodian's placeholder
        ("/vpc/{now}/{vpc_id}", TEMPLATE_VARIABLES, "cannot use {now}"),
        ("/vpc/{env}/{vpc_id}", TEMPLATE_VARIABLES, "write {{vpc_id}}"),
        ("{env}/{vpc_name}", TEMPLATE_VARIABLES, "write {{vpc_name}}"),
    ],
)
def test_refused_whatever_the_variables(template, allowed, says):
    for variables in (WITHOUT, GIVEN, RUN):
        assert says in variables.problem(template, allowed)


def test_with_the_runs_variables_a_name_none_defines_is_refused_by_name():
    assert GIVEN.problem("/vpc/{env}/flows", TEMPLATE_VARIABLES) is None
    problem = GIVEN.problem("{flow_log_bucket}-{owner}-{team}", PER_REGION_VARIABLES)
    assert "{owner}, {team}, which no policy variable defines" in problem
    assert "{flow_log_bucket}" not in problem and "--vars-file" in problem


def test_at_run_time_any_policy_variable_left_was_not_defined():
    assert "{owner}" in RUN.problem("{owner}", PER_REGION_VARIABLES + ("now",))
    assert RUN.problem("/vpc/flow-logs/{account_id}/{vpc_id}", TEMPLATE_VARIABLES) is None
    assert RUN.problem("{now:%Y-%m-%d}", PER_REGION_VARIABLES + ("now",)) is None


def test_the_view_is_what_custodian_hands_over():
    assert GIVEN.view("/vpc/{env}/{{vpc_id}}") == "/vpc/prod/{vpc_id}"
    assert GIVEN.view("{flow_log_bucket}") == "org-flow-logs-{region}"  # values: not again
    assert GIVEN.view("/vpc/{env}/{vpc_id}") == "/vpc/{env}/{vpc_id}"  # left whole
    assert WITHOUT.view("/vpc/{env}/{{vpc_id}}") == "/vpc/{env}/{vpc_id}"
    assert RUN.view("{now:%Y}-{region}") == "{now:%Y}-{region}"


def test_a_lambda_mode_names_every_variable_it_lacks_and_only_with_the_runs_variables():
    assert WITHOUT.mode_problem(PERIODIC) is None
    problem = Variables({}).mode_problem(PERIODIC)
    assert "execution-options.output_dir" in problem
    assert (
        "uses {evidence_bucket}, {evidence_region}, which no policy variable defines" in problem
        and "nothing was deployed" in problem
    )
    assert "uses {evidence_region}, which" in Variables({"evidence_bucket": "b"}).mode_problem(
        PERIODIC
    )
    assert (
        Variables({"evidence_bucket": "b", "evidence_region": "r"}).mode_problem(PERIODIC) is None
    )
    # member-role is Custodian's to fill in each member account
    assert Variables({}).mode_problem({"member-role": "arn:aws:iam::{account_id}:role/x"}) is None
    # a key the execution mode defaults when its variable is not given
    scheduled = {"schedule": "{config_rule_schedule}"}
    assert "uses {config_rule_schedule}" in Variables({}).mode_problem(scheduled)
    assert Variables({}).mode_problem(scheduled, defaulted=("schedule",)) is None


def policy(config, mode=None):
    load_resources(("aws.vpc",))
    data = {"name": "p", "resource": "aws.vpc", "actions": [{"type": "enable-flow-logs"}]}
    if mode:
        data["mode"] = mode
    return Policy(data, config, Bag()).resource_manager


def test_custodian_validate_knows_no_variables():
    manager = policy(Config.empty(dryrun=True, account_id="na", region="na"))
    assert given_variables(manager) is None


def test_custodian_run_knows_its_vars_file(tmp_path):
    vars_file = tmp_path / "vars.yml"
    vars_file.write_text("evidence_bucket: org-evidence\n")
    options = dict(configs=["p.yml"], region="", account_id=None)
    assert given_variables(policy(Config.empty(vars_file=str(vars_file), **options))) == {
        "evidence_bucket": "org-evidence"
    }
    assert given_variables(policy(Config.empty(vars_file=None, **options))) == {}


@pytest.mark.parametrize(
    "mode,expected", [(PERIODIC, {"team": "net"}), (None, None)], ids=["lambda", "pull"]
)
def test_c7n_org_vars_count_for_a_lambda_policy_it_deploys(mode, expected):
    manager = policy(Config.empty(region=REGION, account_id=ACCOUNT_ID), mode)
    manager.ctx.policy.conditions.env_vars["account"] = {"name": "a", "vars": {"team": "net"}}
    assert given_variables(manager) == expected


def test_a_run_fills_account_wide_keys_and_accepts_its_own_account_and_region():
    settings = Settings.from_data(
        {
            "role": "arn:{partition}:iam::{account_id}:role/delivery",
            "permissions-boundary": "arn:aws:iam::aws:policy/PowerUserAccess",
            "kms-key-id": "arn:aws:kms:{region}:%s:key/mrk-1" % ACCOUNT_ID,
            "tags": {"since": "{now:%Y}", "account": "{account_id}"},
        }
    )
    for region in ("us-east-1", "eu-west-1"):
        run = settings_for_run(settings, Account(ACCOUNT_ID, region), FormatDate.utcnow())
        assert run.kms_key_id == "arn:aws:kms:%s:%s:key/mrk-1" % (region, ACCOUNT_ID)
        assert run.role == "arn:aws:iam::%s:role/delivery" % ACCOUNT_ID
        assert run.tag_map["account"] == ACCOUNT_ID and run.tag_map["since"].isdigit()
    with pytest.raises(PolicyValidationError, match="kms-key-id"):
        settings_for_run(
            Settings.from_data({"kms-key-id": run.kms_key_id}),
            Account(ACCOUNT_ID, "us-east-1"),
            FormatDate.utcnow(),
        )
