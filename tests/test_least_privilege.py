"""Least privilege, proven against a moto server that enforces IAM.

The server starts with INITIAL_NO_AUTH_ACTION_COUNT: exactly the requests that seed it pass
unauthenticated; every later request must be signed by a seeded user and is authorized
against that user's policies. Each case lives in an account of its own and holds the
statements of `iam/runner-role.yml` (policy `c7n-vpcflow`, resolved for the account), less
at most one action; all cases run the stock `custodian run` at once.

What moto can and cannot check (moto 5.2, read in moto/iam/access_control.py):
- it authorizes every request as `<service>:<Operation>` against the action lists;
- it matches the Resource of a statement against "*" for EC2 and CloudWatch Logs (and for
  IAM calls on a role that does not exist yet), so resource-scoped statements never match
  there: the runner's statements are granted here with `Resource: "*"`, actions unchanged;
  the scoping itself is checked on the template (test_iam_templates.py), not here;
- it never evaluates permissions a call needs besides its own action: iam:PassRole for
  CreateFlowLogs' DeliverLogsPermissionArn, ec2:CreateTags for its TagSpecifications,
  iam:TagRole for CreateRole's Tags (and whatever tag permission AWS wants for
  CreateLogGroup's tags). Those cases are strict xfails marked EMULATOR: AWS refuses the
  call without them, moto lets it pass;
- it evaluates a Condition only on keys the request carries (sts:ExternalId), so the
  runner's iam:PermissionsBoundary condition on CreateRole / PutRolePolicy always passes:
  that the role it creates carries the boundary is checked here, that AWS refuses one
  without it is a strict xfail here and flight data in test_denied_permissions_flight_data.
"""

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
import yaml

from c7n_vpcflow.remediation.role_policy import BOUNDARY_NAME, delivery_policy
from localaws.server import Emulator
from support.cli import Cli
from support.e2e import ENABLE_POLICY, custodian_reported, write_policy
from support.hermetic import hermetic_environ
from support.iam_enforced import PREFIX, REGION, client, runner_statements, user
from support.results import results_by_vpc

pytestmark = pytest.mark.emulator

POLICY = "vpc-flow-logs-enable"
KINDS = ("default", "bare", "existing_group", "broken")  # every VPC needs a change
NEW_GROUPS = ("default", "bare", "broken")  # ... in a log group made for it
SEED_REQUESTS = 12  # per account, see seed_account


@dataclass(frozen=True)
class Case:
    id: str
    removed: tuple = ()  # actions taken out of the runner's statements
    affected: tuple = ()  # kinds whose VPC must fail, as far as moto can tell
    shipped: bool = False  # the shipped policy file as is (no replace-broken)


# Permissions moto does not evaluate, and why; one account lacks all three at once (if
# moto refused one of them, that run would fail naming it).
EMULATOR_GAPS = {
    "iam:PassRole": "CreateFlowLogs passes the delivery role; moto never checks iam:PassRole",
    "ec2:CreateTags": "CreateFlowLogs carries TagSpecifications; moto authorizes only "
    "ec2:CreateFlowLogs",
    "iam:TagRole": "CreateRole carries Tags; moto authorizes only iam:CreateRole",
}
CASES = [
    Case("full-shipped-policy", shipped=True),
    Case("full-replace-broken"),
    Case("ec2:CreateFlowLogs", ("ec2:CreateFlowLogs",), KINDS),
    Case("logs:CreateLogGroup", ("logs:CreateLogGroup",), NEW_GROUPS),
    Case("logs:PutRetentionPolicy", ("logs:PutRetentionPolicy",), NEW_GROUPS),
    # AWS would also refuse the tagged CreateLogGroup calls of NEW_GROUPS; moto only the
    # TagResource made on the group that already existed.
    Case("logs:TagResource", ("logs:TagResource",), ("existing_group",)),
    Case("iam:CreateRole", ("iam:CreateRole",), KINDS),
    Case("iam:PutRolePolicy", ("iam:PutRolePolicy",), KINDS),
    Case("ec2:DeleteFlowLogs", ("ec2:DeleteFlowLogs",), ("broken",)),
    Case("emulator-gaps", tuple(EMULATOR_GAPS), KINDS),
]
ACCOUNTS = {case.id: "2%011d" % index for index, case in enumerate(CASES, 1)}


def seed_account(endpoint, account_id, removed):
    """SEED_REQUESTS requests: the permissions boundary (iam/delivery-boundary.yml), the
    runner user, an inspector user, and four VPCs that each need a change (no flow log;
    an existing group of ours; a broken flow log)."""
    iam = client(endpoint, "iam", account_id)
    iam.create_policy(
        PolicyName=BOUNDARY_NAME,
        PolicyDocument=json.dumps(delivery_policy(account_id, "aws", PREFIX)),
    )
    runner = user(iam, "runner", runner_statements(account_id, removed))
    inspector = user(iam, "inspector", [{"Effect": "Allow", "Action": "*", "Resource": "*"}])
    ec2, logs = client(endpoint, "ec2", account_id), client(endpoint, "logs", account_id)
    vpcs = {
        kind: ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        for kind, cidr in (
            ("bare", "10.1.0.0/16"),
            ("existing_group", "10.2.0.0/16"),
            ("broken", "10.3.0.0/16"),
        )
    }
    logs.create_log_group(logGroupName=PREFIX + vpcs["existing_group"])
    broken = ec2.create_flow_logs(  # into a missing group: moto marks it FAILED for good
        ResourceIds=[vpcs["broken"]],
        ResourceType="VPC",
        TrafficType="REJECT",
        LogGroupName="/seeded/missing",
        DeliverLogsPermissionArn=("arn:aws:iam::%s:role/seeded" % account_id),
    )["FlowLogIds"]
    return runner, inspector, vpcs, broken


@pytest.fixture(scope="module")
def enforced(tmp_path_factory):
    """Every case run by the stock custodian as its own least-privileged user."""
    workdir = tmp_path_factory.mktemp("least-privilege")
    server = Emulator(workdir)
    with hermetic_environ(workdir / "home"):
        server.start(INITIAL_NO_AUTH_ACTION_COUNT=str(SEED_REQUESTS * len(CASES)))
        try:
            yield run_cases(server.endpoint, workdir)
        finally:
            server.stop()


def run_cases(endpoint, workdir):
    seeded = {case.id: seed_account(endpoint, ACCOUNTS[case.id], case.removed) for case in CASES}
    # The free requests are used up: from here on moto authenticates and authorizes.
    with pytest.raises(Exception) as unsigned:
        client(endpoint, "ec2").describe_vpcs()
    assert "AuthFailure" in str(unsigned.value) or "InvalidClientTokenId" in str(unsigned.value)
    replace_broken = write_policy(
        workdir / "replace-broken.yml",
        POLICY,
        [{"type": "flow-log-compliance"}],
        {"type": "enable-flow-logs", "replace-broken": True},
    )
    with open(ENABLE_POLICY) as f:
        assert yaml.safe_load(f)["policies"][0]["name"] == POLICY
    cli = Cli(workdir)

    def run(case):
        runner = seeded[case.id][0]
        return cli(
            "custodian",
            "run",
            "-s",
            workdir / case.id,
            "--cache-period",
            "0",
            "-r",
            REGION,
            ENABLE_POLICY if case.shipped else replace_broken,
            env={
                "AWS_ACCESS_KEY_ID": runner["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": runner["SecretAccessKey"],
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_MAX_ATTEMPTS": "1",
            },
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        procs = dict(zip([c.id for c in CASES], pool.map(run, CASES)))
    runs = {}
    for case in CASES:
        _runner, inspector, vpcs, broken = seeded[case.id]
        ec2 = client(endpoint, "ec2", key=inspector)
        vpcs["default"] = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])[
            "Vpcs"
        ][0]["VpcId"]
        results_file = os.path.join(str(workdir), case.id, POLICY, "flow-log-results.json")
        results = results_by_vpc(results_file)
        runs[case.id] = SimpleNamespace(
            proc=procs[case.id],
            vpcs=vpcs,
            broken=broken,
            results=results,
            runner=seeded[case.id][0],
            endpoint=endpoint,
            flow_logs=ec2.describe_flow_logs()["FlowLogs"],
            iam=client(endpoint, "iam", key=inspector),
        )
    return runs


def test_the_runner_statements_grant_every_mutating_permission_tested():
    granted = {a for s in runner_statements("210987654321") for a in s["Action"]}
    assert {a for c in CASES for a in c.removed} <= granted


@pytest.mark.parametrize("case_id", ["full-shipped-policy", "full-replace-broken"])
def test_exactly_the_runner_permissions_fix_every_vpc(enforced, case_id):
    run = enforced[case_id]
    assert run.proc.returncode == 0, run.proc.stderr
    assert "AccessDenied" not in run.proc.stderr
    assert {v: r["status"] for v, r in run.results.items()} == {
        vpc_id: "created" for vpc_id in run.vpcs.values()
    }
    ours = [f for f in run.flow_logs if f["LogGroupName"].startswith(PREFIX)]
    assert sorted(f["ResourceId"] for f in ours) == sorted(run.vpcs.values())
    broken_kept = [f["FlowLogId"] for f in run.flow_logs if f["FlowLogId"] in run.broken]
    assert broken_kept == ([] if case_id == "full-replace-broken" else run.broken)


REMOVALS = [
    pytest.param(case.id, case.removed[0], case.affected, id="without-" + case.id)
    for case in CASES
    if case.removed and case.id != "emulator-gaps"
] + [
    pytest.param(
        "emulator-gaps",
        permission,
        KINDS,
        id="without-" + permission,
        marks=pytest.mark.xfail(
            strict=True, reason=("EMULATOR: moto does not enforce %s (%s)" % (permission, why))
        ),
    )
    for permission, why in EMULATOR_GAPS.items()
]


@pytest.mark.parametrize("case_id, removed, kinds", REMOVALS)
def test_without_one_mutating_permission_the_affected_vpcs_fail_by_name(
    enforced, case_id, removed, kinds
):
    run = enforced[case_id]
    assert run.proc.returncode != 0, "the run succeeded without %s" % removed
    affected = {run.vpcs[kind] for kind in kinds}
    failed = {v for v, r in run.results.items() if r["status"] == "failed"}
    assert failed == affected
    for vpc_id in affected:
        error = run.results[vpc_id]["error"]
        assert "AccessDenied" in error and removed in error, error
        # Named with its reason in the run's output: "  <vpc id>: <error>".
        assert "%s: %s" % (vpc_id, error) in run.proc.stderr, run.proc.stderr
    assert "could not fix %d of %d VPCs" % (len(affected), len(run.vpcs)) in run.proc.stderr
    for vpc_id in set(run.vpcs.values()) - affected:
        assert run.results[vpc_id]["status"] == "created", run.results[vpc_id]


def test_a_denied_run_reports_the_vpcs_in_one_error(enforced):
    run = enforced["ec2:CreateFlowLogs"]
    assert run.proc.returncode != 0
    output = run.proc.stderr + run.proc.stdout
    reported = custodian_reported(run.proc.stderr)
    assert {name for name, _message in reported} == {"c7n_vpcflow.errors.FlowLogRemediationError"}
    # it names every failed VPC, each on its own line
    for vpc_id, result in run.results.items():
        if result["status"] == "failed":
            assert "Error while executing policy" in output and vpc_id in output
            for _name, message in reported:
                assert "  %s: %s" % (vpc_id, result["error"]) in message.splitlines()


# -- the delivery role the action created, read back as its own user -------------------


def delivery_documents(run):
    role = "vpc-flow-logs-delivery"
    names = run.iam.list_role_policies(RoleName=role)["PolicyNames"]
    assert run.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    return [run.iam.get_role_policy(RoleName=role, PolicyName=n)["PolicyDocument"] for n in names]


def as_list(value):
    return value if isinstance(value, list) else [value]


def allow_statements(run):
    [document] = delivery_documents(run)
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow" and "NotAction" not in statement
        assert "NotResource" not in statement and "Condition" not in statement
        yield as_list(statement["Action"]), as_list(statement["Resource"])


FLOW_LOG_DELIVERY = {
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
}


def test_the_delivery_role_writes_only_into_log_groups_under_its_prefix(enforced):
    run = enforced["full-replace-broken"]
    on_prefix = "arn:aws:logs:*:%s:log-group:%s*" % (ACCOUNTS["full-replace-broken"], PREFIX)
    granted = set()
    for actions, resources in allow_statements(run):
        assert set(actions) <= FLOW_LOG_DELIVERY, actions
        granted |= set(actions)
        if set(actions) != {"logs:DescribeLogGroups"}:
            assert resources == [on_prefix], resources
    assert {"logs:CreateLogStream", "logs:PutLogEvents"} <= granted


def test_beyond_its_prefix_the_delivery_role_may_only_list_log_groups(enforced):
    """AWS authorizes DescribeLogGroups against the whole listing (log-group:*), so it is
    the one grant a name-scoped resource cannot carry; it reads names, never log data."""
    run = enforced["full-replace-broken"]
    account = ACCOUNTS["full-replace-broken"]
    on_prefix = "arn:aws:logs:*:%s:log-group:%s*" % (account, PREFIX)
    for actions, resources in allow_statements(run):
        assert set(actions) <= FLOW_LOG_DELIVERY, actions
        if resources != [on_prefix]:
            assert (actions, resources) == (
                ["logs:DescribeLogGroups"],
                ["arn:aws:logs:*:%s:log-group:*" % account],
            )


# -- what a holder of the runner role can do with IAM -----------------------------------


def test_the_delivery_role_the_runner_created_carries_the_boundary(enforced):
    run = enforced["full-shipped-policy"]
    role = run.iam.get_role(RoleName="vpc-flow-logs-delivery")["Role"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == (
        "arn:aws:iam::%s:policy/%s" % (ACCOUNTS["full-shipped-policy"], BOUNDARY_NAME)
    )


@pytest.mark.xfail(
    strict=True,
    reason=(
        "EMULATOR: moto passes a Condition whose key the request does not carry, so it never "
        "refuses iam:CreateRole without iam:PermissionsBoundary; AWS does (flight data: "
        "test_without_the_boundary_policy_aws_refuses_the_runner_role_to_create_the_role)"
    ),
)
def test_the_runner_cannot_create_the_delivery_role_without_the_boundary(enforced):
    run = enforced["full-shipped-policy"]
    runner = client(run.endpoint, "iam", key=run.runner)
    with pytest.raises(Exception) as denied:
        runner.create_role(
            RoleName="escalation",
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
                    ],
                }
            ),
        )
    assert "AccessDenied" in str(denied.value)
