"""policies/vpc-flow-logs-config-rule.yml on the emulator, end to end up to AWS Config's
answer: deployed by the stock `custodian run` and `c7n-org run` (function, Config rule on
its schedule), its archive run isolated with the event AWS Config sends, the evaluations
of every VPC read from the PutEvaluations requests the emulator recorded, and the run's
evidence in the evidence bucket, read by the report.

The emulator (moto 5.2) answers PutEvaluations and GetComplianceDetailsByConfigRule only in
its test mode, HTTP 500 otherwise: so here the invocation fails, naming every VPC whose
evaluation was not put, after its evidence is written. AWS's real answers (taken, refused,
throttled, paged) are flight data in test_config_rule_mode.py.
"""

import json
import os
from datetime import datetime, timedelta, timezone

import pytest
import yaml

from c7n_vpcflow.vocabulary import VERDICTS_FILE
from localaws.estate import Row, seed
from localaws.lambda_boot import (
    EVIDENCE_BUCKET,
    config_rule_event,
    create_lambda_role,
)
from support.cloudformation import actions, load_template, resolve
from support.constants import ACCOUNT_ID, REGION, ROOT, policy_path
from support.e2e import org_run, recording
from support.evidence import bucket_evidence_problems, lambda_evidence
from support.lambda_runtime import (
    deploy_policy,
    publish_register,
    run_archive,
    with_register,
)

pytestmark = pytest.mark.emulator

POLICY = policy_path("vpc-flow-logs-config-rule.yml")
RULE = "custodian-vpc-flow-logs-config-rule"
SEED_ROLE = "arn:aws:iam::%s:role/vpc-flow-logs-delivery"
EXPIRES = (datetime.now(timezone.utc).date() + timedelta(days=60)).isoformat()


def seed_vpcs(emulator):
    """{kind: VPC id}: one VPC with a healthy flow log, one without, the default one."""
    rows = [
        Row(None, REGION, "good", "healthy", "10.1.0.0/16"),
        Row(None, REGION, "bare", "bare", "10.2.0.0/16"),
        Row(None, REGION, None, "default"),
    ]
    made = seed(emulator.endpoint, rows, SEED_ROLE, log_groups=("/flow-logs/good",))
    return {one.row.kind: one for one in made}


def deploy(emulator, cli, tmp_path, policy=POLICY, **variables):
    """Deploy the shipped policy (or `policy`): support.lambda_runtime.deploy_policy."""
    return deploy_policy(emulator, cli, tmp_path, policy, **variables)


def evaluations_put(calls):
    """The Evaluations of each PutEvaluations request, in the order they reached AWS."""
    puts = [c for c in calls if (c.service, c.operation) == ("config", "PutEvaluations")]
    assert {c.protocol for c in puts} <= {"json"}
    return [c.params for c in puts]


def test_deploying_makes_the_function_and_its_rule_calling_only_what_the_runner_may(
    emulator, cli, tmp_path
):
    deployed, archives, calls = deploy(emulator, cli, tmp_path, config_rule_schedule="Twelve_Hours")

    assert deployed.returncode == 0, deployed.stderr[-3000:]
    [(handler, _archive)] = archives.values()
    assert handler == "c7n_vpcflow.lambda_handler.run"
    [rule] = emulator.client("config", REGION).describe_config_rules(ConfigRuleNames=[RULE])[
        "ConfigRules"
    ]
    function = emulator.client("lambda", REGION).get_function(FunctionName=RULE)
    assert rule["Source"]["SourceIdentifier"] == function["Configuration"]["FunctionArn"]
    assert rule["MaximumExecutionFrequency"] == "Twelve_Hours"
    # Every call deploying made (STS answers who is calling without any permission) is
    # listed by `permissions --deploy` and granted by the runner's deployment policy.
    called = {"%s:%s" % (c.service, c.operation) for c in calls} - {"sts:GetCallerIdentity"}
    assert {"config:PutConfigRule", "lambda:CreateFunction"} <= called
    listed = cli("c7n-vpcflow", "permissions", "--deploy", POLICY)
    assert listed.returncode == 0, listed.stderr
    assert called <= set(listed.stdout.split())
    template = load_template(os.path.join(ROOT, "iam", "runner-role.yml"))
    [deployment] = [
        resolve(p["Fn::If"][1], {"AWS::AccountId": ACCOUNT_ID, "AWS::Partition": "aws"})
        for p in template["Resources"]["RunnerRole"]["Properties"]["Policies"]
        if "Fn::If" in p and p["Fn::If"][0] == "DeploysLambda"
    ]
    assert called <= actions(deployment["PolicyDocument"]["Statement"])


def test_the_function_evaluates_every_vpc_and_its_evidence_reaches_the_bucket(
    emulator, cli, tmp_path
):
    vpcs = seed_vpcs(emulator)
    # The default VPC is exempt by the register in S3, which the function reads itself.
    publish_register(
        emulator.client("s3", REGION),
        {
            "vpc-id": vpcs["default"].vpc_id,
            "reason": "landing-zone default VPC",
            "approved-by": "jane.doe@example.com",
            "expires": EXPIRES,
        },
    )
    _deployed, archives, _calls = deploy(
        emulator, cli, tmp_path, with_register(POLICY, tmp_path / "config-rule.yml")
    )
    [(handler, archive)] = archives.values()

    with recording(emulator) as recorder:
        completed, _report = run_archive(
            archive,
            handler,
            config_rule_event(ACCOUNT_ID, REGION, RULE),
            tmp_path / "lambda",
            dict(os.environ, AWS_REGION=REGION),
        )
        calls = recorder.calls()

    # One request, sent twice: the emulator answers HTTP 500 and the SDK tries again
    # (AWS_MAX_ATTEMPTS=2); both carry the same evaluations.
    first, again = evaluations_put(calls)
    assert first == again and first["ResultToken"] == "result-token-1"
    put = {e["ComplianceResourceId"]: e for e in first["Evaluations"]}
    good, bare, default = vpcs["healthy"], vpcs["bare"], vpcs["default"]
    assert set(put) == {good.vpc_id, bare.vpc_id, default.vpc_id}
    assert put[good.vpc_id]["ComplianceType"] == "COMPLIANT"
    assert put[good.vpc_id]["Annotation"] == (
        "compliant; judged with: traffic-types ALL/REJECT; flow logs: %s (other)"
        % good.flow_logs[0]
    )
    assert put[bare.vpc_id]["ComplianceType"] == "NON_COMPLIANT"
    assert put[bare.vpc_id]["Annotation"] == (
        "non-compliant: missing; judged with: traffic-types ALL/REJECT; flow logs: none"
    )
    assert put[default.vpc_id]["ComplianceType"] == "NOT_APPLICABLE"
    assert put[default.vpc_id]["Annotation"] == (
        "exempt until %s: landing-zone default VPC; approved by jane.doe@example.com" % EXPIRES
    )
    assert {e["ComplianceResourceType"] for e in put.values()} == {"AWS::EC2::VPC"}

    # AWS Config took none of them: the invocation fails, one line per VPC.
    assert completed.returncode != 0
    for vpc_id in put:
        assert (
            sum("%s: evaluation not put" % vpc_id in line for line in completed.stderr.splitlines())
            == 1
        )
    assert "During handling" not in completed.stderr

    # Its evidence was written before: the verdicts, dated as the evaluations are.
    left = lambda_evidence(emulator.client("s3", REGION), "vpc-flow-logs-config-rule")
    judged = left[VERDICTS_FILE]
    assert sorted(v["vpc-id"] for v in judged["judged"]) == sorted(put)
    started = datetime.fromisoformat(judged["started"]).timestamp()
    assert {round(e["OrderingTimestamp"], 3) for e in put.values()} == {round(started, 3)}
    assert not bucket_evidence_problems(emulator.client("s3"), EVIDENCE_BUCKET)
    shown = cli(
        "c7n-vpcflow", "report", "s3://%s/vpc-flow-logs" % EVIDENCE_BUCKET, "--format", "json"
    )
    [row] = json.loads(shown.stdout)["accounts"]
    assert (row["judged"], row["vpcs"], row["non-compliant"], row["exempt"]) == (True, 3, 1, 1)
    assert shown.returncode == 1, shown.stderr


def test_c7n_org_deploys_the_rule_into_each_account_on_its_own_schedule(emulator, cli, tmp_path):
    accounts = [
        ("hourly", "111111111111", {"config_rule_schedule": "One_Hour"}),
        ("daily", "222222222222", {}),
    ]
    for _name, account_id, _vars in accounts:
        create_lambda_role(emulator.client("iam", account_id=account_id))
    config = tmp_path / "accounts.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "vars": {"evidence_bucket": EVIDENCE_BUCKET, "evidence_region": REGION},
                "accounts": [
                    {
                        "name": name,
                        "account_id": account_id,
                        "regions": [REGION],
                        "role": "arn:aws:iam::%s:role/c7n-vpcflow-runner" % account_id,
                        "vars": variables,
                    }
                    for name, account_id, variables in accounts
                ],
            }
        )
    )

    ran, output = org_run(cli, config, tmp_path / "out", POLICY)

    assert ran.returncode == 0, output[-3000:]
    schedules = {}
    for name, account_id, _vars in accounts:
        [rule] = emulator.client("config", REGION, account_id).describe_config_rules(
            ConfigRuleNames=[RULE]
        )["ConfigRules"]
        schedules[name] = rule["MaximumExecutionFrequency"]
    assert schedules == {"hourly": "One_Hour", "daily": "TwentyFour_Hours"}
