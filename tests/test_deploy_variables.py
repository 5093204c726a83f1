"""Policy variables with the stock `custodian run` and `c7n-org run` against the emulator.

A Lambda policy whose variables are missing is refused before any AWS call, naming them,
and nothing is deployed (the emulator's request recorder sees no request, and no function
exists afterwards). A pull policy using a variable nothing defines (tags too) is refused
before any write; given its variables, they land where they belong.
"""

import os

import pytest
import yaml

from support.constants import REGION, policy_path
from support.e2e import custodian_run, org_run, recording
from support.emulated import flow_logs_of, log_groups_of, new_vpc

pytestmark = pytest.mark.emulator

ACCOUNT = "111111111111"
LAMBDA_POLICIES = ["vpc-flow-logs-periodic.yml", "vpc-flow-logs-on-create.yml"]


def write_yaml(path, document):
    with open(str(path), "w") as f:
        yaml.safe_dump(document, f)
    return str(path)


def requests_of(emulator, command, account_id=None):
    """(command(), the requests the emulator saw while it ran); that no Lambda function
    exists is asked while recording, so an empty recording cannot mean a silent recorder."""
    lambda_client = emulator.client("lambda", REGION, account_id)
    with recording(emulator) as recorder:
        done = command()
        assert lambda_client.list_functions()["Functions"] == []
        calls = recorder.calls()
    assert calls[-1].operation == "ListFunctions"
    return done, ["%s.%s" % (c.service, c.operation) for c in calls[:-1]]


def one_line_naming(output, *words):
    """The output's one line that names every word (no traceback anywhere)."""
    assert "Traceback" not in output, output[-3000:]
    lines = [line for line in output.splitlines() if all(w in line for w in words)]
    assert len(lines) == 1, output[-3000:]
    return lines[0]


def accounts_file(tmp_path, *accounts):
    """A c7n-org accounts file of (name, account id, vars) in REGION."""
    return write_yaml(
        tmp_path / "accounts.yml",
        {
            "accounts": [
                {
                    "name": name,
                    "account_id": account_id,
                    "regions": [REGION],
                    "vars": variables,
                    "role": "arn:aws:iam::%s:role/c7n-vpcflow-runner" % account_id,
                }
                for name, account_id, variables in accounts
            ]
        },
    )


@pytest.mark.parametrize("policy", LAMBDA_POLICIES)
@pytest.mark.parametrize(
    "given,missing",
    [
        ({}, ["{evidence_bucket}", "{evidence_region}"]),
        ({"evidence_bucket": "org-evidence"}, ["{evidence_region}"]),
    ],
    ids=["no-vars-file", "bucket-only"],
)
def test_custodian_run_refuses_a_lambda_policy_lacking_variables_before_any_aws_call(
    emulator, cli, tmp_path, policy, given, missing
):
    options = ["--vars-file", write_yaml(tmp_path / "vars.yml", given)] if given else []
    ran, requests = requests_of(
        emulator,
        lambda: custodian_run(
            cli, tmp_path / "out", policy_path(policy), *options, regions=(REGION,)
        ),
    )
    assert requests == []
    assert ran.returncode == 1, ran.stderr[-3000:]
    line = one_line_naming(ran.stderr, "execution-options.output_dir", "nothing was deployed")
    assert "uses %s, which no policy variable defines" % ", ".join(missing) in line


def test_c7n_org_refuses_a_lambda_policy_in_each_account_lacking_a_variable(
    emulator, cli, tmp_path
):
    accounts = accounts_file(tmp_path, ("lacking", ACCOUNT, {"evidence_bucket": "b"}))
    (_ran, output), requests = requests_of(
        emulator,
        lambda: org_run(cli, accounts, tmp_path / "out", policy_path("vpc-flow-logs-periodic.yml")),
        ACCOUNT,
    )
    assert requests == []
    assert "uses {evidence_region}, which no policy variable defines" in output, output[-3000:]
    assert "nothing was deployed" in output


def test_c7n_org_refuses_to_deploy_a_lambda_policy_whose_role_is_of_another_account(
    emulator, cli, tmp_path
):
    with open(policy_path("vpc-flow-logs-periodic.yml")) as f:
        document = yaml.safe_load(f)
    document["policies"][0]["actions"][0]["role"] = "arn:aws:iam::999999999999:role/x"
    policy = write_yaml(tmp_path / "periodic.yml", document)
    accounts = accounts_file(
        tmp_path, ("prod", ACCOUNT, {"evidence_bucket": "b", "evidence_region": REGION})
    )
    (_ran, output), requests = requests_of(
        emulator, lambda: org_run(cli, accounts, tmp_path / "out", policy), ACCOUNT
    )
    assert requests == []
    assert "role 'arn:aws:iam::999999999999:role/x' is in account 999999999999" in output


def tagged_policy(tmp_path, **keys):
    return write_yaml(
        tmp_path / "tagged.yml",
        {
            "policies": [
                {
                    "name": "tagged",
                    "resource": "aws.vpc",
                    "filters": [{"type": "flow-log-compliance"}],
                    "actions": [
                        dict({"type": "enable-flow-logs", "tags": {"owner": "{owner}"}}, **keys)
                    ],
                }
            ]
        },
    )


def test_custodian_run_refuses_a_tag_variable_nothing_defines_before_any_aws_call(
    emulator, cli, tmp_path
):
    new_vpc(emulator, "10.1.0.0/16")
    ran, requests = requests_of(
        emulator,
        lambda: custodian_run(cli, tmp_path / "out", tagged_policy(tmp_path), regions=(REGION,)),
    )
    assert requests == []
    assert ran.returncode == 1
    one_line_naming(
        ran.stderr, "tags 'owner': '{owner}' uses {owner}, which no policy variable defines"
    )


def test_given_variables_land_in_tags_and_beside_an_escaped_vpc_id(emulator, cli, tmp_path):
    vpc_id = new_vpc(emulator, "10.1.0.0/16")
    policy = tagged_policy(tmp_path, **{"log-group-name": "/vpc/{env}/{{vpc_id}}"})
    vars_file = write_yaml(tmp_path / "vars.yml", {"owner": "secops", "env": "prod"})
    ran = custodian_run(cli, tmp_path / "out", policy, "--vars-file", vars_file, regions=(REGION,))
    assert ran.returncode == 0, ran.stderr[-3000:]
    [flow_log] = flow_logs_of(emulator)[vpc_id]
    assert flow_log["LogGroupName"] == "/vpc/prod/" + vpc_id
    assert {t["Key"]: t["Value"] for t in flow_log["Tags"]}["owner"] == "secops"
    assert "/vpc/prod/" + vpc_id in log_groups_of(emulator)


def test_c7n_org_fails_the_account_lacking_a_tag_variable_and_fixes_the_other(
    emulator, cli, tmp_path
):
    lacking, given = "222222222222", "333333333333"
    accounts = accounts_file(
        tmp_path, ("lacking", lacking, {}), ("given", given, {"owner": "platform"})
    )
    ran, output = org_run(cli, accounts, tmp_path / "out", tagged_policy(tmp_path))
    assert ran.returncode == 1, output[-3000:]
    assert "tags 'owner': '{owner}' uses {owner}, which no policy variable defines" in output
    assert log_groups_of_account(emulator, lacking) == {}
    flow_logs = emulator.client("ec2", REGION, given).describe_flow_logs()["FlowLogs"]
    assert flow_logs and all(
        {t["Key"]: t["Value"] for t in f["Tags"]}["owner"] == "platform" for f in flow_logs
    )
    assert emulator.client("ec2", REGION, lacking).describe_flow_logs()["FlowLogs"] == []


def log_groups_of_account(emulator, account_id):
    groups = emulator.client("logs", REGION, account_id).describe_log_groups()["logGroups"]
    return {g["logGroupName"]: g.get("retentionInDays") for g in groups}


def test_the_shipped_lambda_policies_still_validate_without_variables(cli):
    proc = cli("custodian", "validate", *[policy_path(p) for p in LAMBDA_POLICIES])
    assert proc.returncode == 0, proc.stderr
    assert os.path.basename(LAMBDA_POLICIES[0]) in proc.stderr
