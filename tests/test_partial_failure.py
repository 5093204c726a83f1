"""k of N VPCs cannot be fixed, each for a different reason: the other N-k are fixed, the
stock `custodian run` exits non-zero, and the failures are named (VPC id and reason) in its
output, in flow-log-results.json and in `c7n-vpcflow report`. Moto behind the fault proxy
answers the three failures as AWS would."""

import json
from types import SimpleNamespace

import pytest

from localaws.wire import create_flow_logs_unsuccessful, error
from support.cli import Cli
from support.constants import GROUP, REGION
from support.e2e import ENABLE_POLICY, custodian_run, run_results
from support.emulated import flow_logs_of
from support.estate import ACCOUNT_ID, seed_region
from support.faults import proxied_emulator

pytestmark = pytest.mark.emulator

POLICY = "vpc-flow-logs-enable"


def failures_for(estate):
    """{VPC id: (the reason AWS gives, rule answering it)} for k = 3 of the 5 VPCs."""
    unsuccessful, denied, limited = (estate.vpcs[k] for k in ("bare", "named", "default"))

    def rule(call):
        if call.operation == "CreateFlowLogs" and call.params.get("ResourceId.1") == unsuccessful:
            assert "ResourceId.2" not in call.params, "one CreateFlowLogs per log group"
            return create_flow_logs_unsuccessful(
                call, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist" % unsuccessful
            )
        if call.operation == "CreateLogGroup" and call.params["logGroupName"] == GROUP % denied:
            return error(
                call,
                "AccessDeniedException",
                (
                    "User: arn:aws:sts::%s:assumed-role/c7n-vpcflow-runner/custodian is not "
                    "authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:%s:%s:"
                    "log-group:%s:log-stream: because no identity-based policy allows the "
                    "logs:CreateLogGroup action" % (ACCOUNT_ID, REGION, ACCOUNT_ID, GROUP % denied)
                ),
            )
        if call.operation == "CreateLogGroup" and call.params["logGroupName"] == GROUP % limited:
            return error(call, "LimitExceededException", "Resource limit exceeded.")
        return None

    reasons = {
        unsuccessful: "InvalidVpcID.NotFound",
        denied: "AccessDeniedException",
        limited: "LimitExceededException",
    }
    return reasons, rule


@pytest.fixture(scope="module")
def run(moto_server, tmp_path_factory):
    """One stock `custodian run` of the shipped enable policy, and what it left behind."""
    workdir = tmp_path_factory.mktemp("partial")
    with proxied_emulator(moto_server, workdir / "home") as proxy:
        # bare, healthy, accept_only, failing, named, default: N = 5 non-compliant
        estate = seed_region(moto_server, REGION)
        before = flow_logs_of(moto_server, REGION)
        reasons, rule = failures_for(estate)
        proxy.rules.append(rule)
        cli = Cli(workdir)
        proc = custodian_run(cli, workdir / "out", ENABLE_POLICY, regions=(REGION,))
        report = cli("c7n-vpcflow", "report", workdir / "out", "--format", "json")
        groups = {
            g["logGroupName"]
            for g in moto_server.client("logs", REGION).describe_log_groups()["logGroups"]
        }
        return SimpleNamespace(
            estate=estate,
            before=before,
            after=flow_logs_of(moto_server, REGION),
            groups=groups,
            reasons=reasons,
            proc=proc,
            report=report,
            out=workdir / "out",
            injected=proxy.injected(),
        )


def test_the_others_are_fixed_and_the_run_exits_non_zero(run):
    estate, before, after, reasons = run.estate, run.before, run.after, run.reasons
    assert run.proc.returncode != 0
    assert len(run.injected) == 3
    fixed = set(estate.non_compliant.values()) - set(reasons)
    assert len(fixed) == 2  # N = 5 non-compliant, k = 3
    for vpc_id in fixed:
        new = [f for f in after[vpc_id] if f not in before.get(vpc_id, [])]
        assert [f["LogGroupName"] for f in new] == [GROUP % vpc_id], vpc_id
    for vpc_id in reasons:
        assert after.get(vpc_id, []) == before.get(vpc_id, []), vpc_id
    for vpc_id in fixed:
        assert GROUP % vpc_id in run.groups
    # Refused groups were not made; the one whose flow log was refused keeps its group.
    named, default = estate.vpcs["named"], estate.vpcs["default"]
    assert GROUP % named not in run.groups and GROUP % default not in run.groups


def test_every_failure_is_named_with_its_vpc_and_reason_in_the_run_output(run):
    reasons, proc = run.reasons, run.proc
    for vpc_id, reason in reasons.items():
        lines = [line for line in proc.stderr.splitlines() if vpc_id in line and reason in line]
        assert lines, "%s (%s) not reported:\n%s" % (vpc_id, reason, proc.stderr)
    assert "could not fix 3 of 5 VPCs in %s/%s" % (ACCOUNT_ID, REGION) in proc.stderr
    summary = [
        line
        for line in proc.stderr.splitlines()
        if "enable-flow-logs %s/%s:" % (ACCOUNT_ID, REGION) in line
    ]
    assert summary and "2 created" in summary[0] and "3 failed" in summary[0], summary


def test_the_results_file_records_each_failure_and_each_fix(run):
    estate, reasons = run.estate, run.reasons
    results = run_results(run.out, REGION, POLICY, regions=(REGION,))
    assert set(results) == set(estate.non_compliant.values())
    for vpc_id, result in results.items():
        if vpc_id in reasons:
            assert result["status"] == "failed" and reasons[vpc_id] in result["error"]
        else:
            assert result["status"] == "created" and "error" not in result


def test_the_report_shows_every_failure_with_its_vpc_and_reason(run):
    reasons, shown = run.reasons, run.report
    assert shown.returncode == 1, shown.stderr  # the gate: VPCs remain non-compliant
    (row,) = json.loads(shown.stdout)["accounts"]
    assert (row["account-id"], row["region"]) == (ACCOUNT_ID, REGION)
    assert (row["non-compliant"], row["fixed"], row["failed"]) == (5, 2, 3)
    failures = {f["vpc-id"]: f["error"] for f in row["failures"]}
    assert set(failures) == set(reasons)
    for vpc_id, reason in reasons.items():
        assert reason in failures[vpc_id]
    limited = [v for v, r in reasons.items() if r == "LimitExceededException"][0]
    assert "Resource limit exceeded." in failures[limited]
