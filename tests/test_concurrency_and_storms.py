"""enable-flow-logs under contention: two runs at once on one account-region, and throttling
storms on every mutating call. Against moto, through the fault proxy (support.faults)."""

import json
import logging
import os
import re
import subprocess
import threading
from types import SimpleNamespace

import c7n.utils
import pytest

import c7n_vpcflow.remediation.apply
from c7n_vpcflow.remediation.apply import Remediation
from localaws.proxy import Proxy
from support.aws import RecordingSession
from support.constants import REGION
from support.e2e import ENABLE_POLICY, run_results
from support.emulated import flow_logs_of
from support.estate import ACCOUNT_ID, seed_region
from support.faults import every_mutating_call_throttled, proxied_emulator
from support.policy import ENABLE_NAME, enable_policy, run_policy
from support.results import read_results

pytestmark = pytest.mark.emulator

ENABLE = enable_policy()
RACE_KINDS = ("bare", "named", "default", "healthy", "accept_only", "failing")


def new_flow_logs(before, after):
    """{VPC id: [flow logs added since `before`]} for every VPC seen in `after`."""
    return {
        vpc_id: [f for f in flow_logs if f not in before.get(vpc_id, [])]
        for vpc_id, flow_logs in after.items()
    }


def assert_exactly_one_new_flow_log_each(estate, before, after):
    added = new_flow_logs(before, after)
    for kind, vpc_id in estate.non_compliant.items():
        assert len(added.get(vpc_id, [])) == 1, (kind, added.get(vpc_id))
        assert added[vpc_id][0]["LogGroupName"] == "/vpc/flow-logs/" + vpc_id
    assert added.get(estate.vpcs["healthy"], []) == []


def test_two_stock_runs_started_together_leave_each_vpc_exactly_one_new_flow_log(
    emulator, cli, tmp_path
):
    """Each run talks to moto through a proxy of its own, so its calls can be told apart."""
    estate = seed_region(emulator, REGION, kinds=RACE_KINDS)
    before = flow_logs_of(emulator, REGION)
    with Proxy(emulator.endpoint) as first, Proxy(emulator.endpoint) as second:
        runs = [
            subprocess.Popen(
                [
                    cli.bin + "/custodian",
                    "run",
                    "-s",
                    str(tmp_path / name),
                    "--cache-period",
                    "0",
                    "-r",
                    REGION,
                    ENABLE_POLICY,
                ],
                cwd=cli.workdir,
                env=dict(os.environ, AWS_ENDPOINT_URL=proxy.endpoint),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name, proxy in (("first", first), ("second", second))
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
    for run, (_stdout, stderr) in zip(runs, outputs):
        assert run.returncode == 0, stderr
    assert_exactly_one_new_flow_log_each(estate, before, flow_logs_of(emulator, REGION))
    # Whatever the interleaving, each run accounts for every VPC it was given.
    for name in ("first", "second"):
        results = run_results(tmp_path / name, REGION, ENABLE_NAME, regions=(REGION,)).values()
        assert {r["status"] for r in results} <= {"created", "skipped"}
        assert not any("error" in r for r in results)
    # They did race: both runs asked for flow logs on the same VPCs (moto refused one).
    asked = [
        {
            v
            for v in estate.non_compliant.values()
            if any(c.mentions(v) for c in proxy.calls_of("CreateFlowLogs"))
        }
        for proxy in (first, second)
    ]
    assert asked[0] & asked[1], "the two runs did not overlap: %s" % asked


def test_two_runs_that_both_planned_every_vpc_still_create_one_flow_log_each(
    fault_proxy, emulator, tmp_path, monkeypatch
):
    """The worst interleaving, forced: both runs plan before either applies anything."""
    estate = seed_region(emulator, REGION, kinds=RACE_KINDS)
    before = flow_logs_of(emulator, REGION)
    both_planned = threading.Barrier(2, timeout=30)
    original_run = Remediation.run

    def run_after_the_other_planned(self, plans):
        both_planned.wait()
        return original_run(self, plans)

    errors = []

    def enable(name):
        try:
            run_policy(ENABLE, RecordingSession(REGION), tmp_path / name)
        except Exception as e:  # reported below; a thread must not swallow it
            errors.append((name, e))

    monkeypatch.setattr(Remediation, "run", run_after_the_other_planned)
    threads = [threading.Thread(target=enable, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert_exactly_one_new_flow_log_each(estate, before, flow_logs_of(emulator, REGION))
    # The race did happen: every VPC was asked for twice, moto refused the duplicate once.
    creates = fault_proxy.calls_of("CreateFlowLogs")
    for vpc_id in estate.non_compliant.values():
        assert len([c for c in creates if c.mentions(vpc_id)]) == 2, vpc_id
    assert sum(b"FlowLogAlreadyExists" in c.response for c in creates) == len(estate.non_compliant)
    for name in ("a", "b"):
        results = read_results(tmp_path / name, ENABLE_NAME)
        assert {r["status"] for r in results.values()} == {"created"}, results


# -- throttling storms -------------------------------------------------------------------

STORM = 2  # each mutating call is throttled twice before it gets through


class Summary(logging.Handler):
    """The run's summary lines ('enable-flow-logs <account>/<region>: ...')."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines = []

    def emit(self, record):
        if record.getMessage().startswith("enable-flow-logs %s/" % ACCOUNT_ID):
            self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def storm(moto_server, tmp_path_factory):
    """replace-broken over a region where every mutating call meets a storm of its own."""
    workdir = tmp_path_factory.mktemp("storm")
    summary, delays = Summary(), []
    vpcflow_log = logging.getLogger("custodian.vpcflow")
    with (
        proxied_emulator(moto_server, workdir / "home") as proxy,
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.setenv("AWS_MAX_ATTEMPTS", "1")  # no botocore retries: c7n's retry is tested
        mp.setattr(c7n.utils, "CONN_CACHE", threading.local())
        mp.setattr(c7n.utils.time, "sleep", delays.append)  # c7n's backoff, recorded
        mp.setattr(c7n_vpcflow.remediation.apply, "ACTIVE_CHECK_DELAY", 0)
        estate = seed_region(moto_server, REGION, kinds=("bare", "named", "default", "failing"))
        before = flow_logs_of(moto_server, REGION)
        proxy.rules.append(every_mutating_call_throttled(STORM))
        policy = dict(ENABLE, actions=[{"type": "enable-flow-logs", "replace-broken": True}])
        level = vpcflow_log.level
        vpcflow_log.addHandler(summary)
        vpcflow_log.setLevel(logging.INFO)
        try:
            run_policy(policy, RecordingSession(REGION), workdir)
        finally:
            vpcflow_log.removeHandler(summary)
            vpcflow_log.setLevel(level)
        return SimpleNamespace(
            estate=estate,
            before=before,
            after=flow_logs_of(moto_server, REGION),
            results=read_results(workdir, ENABLE_NAME),
            throttled=proxy.injected(),
            summary=summary.lines,
            delays=delays,
        )


def test_throttling_storms_on_every_mutating_call_are_absorbed_and_no_vpc_is_lost(storm):
    estate = storm.estate
    added = new_flow_logs(storm.before, storm.after)
    for kind, vpc_id in estate.non_compliant.items():
        assert len(added[vpc_id]) == 1, (kind, storm.after[vpc_id])
    (broken,) = estate.flow_logs["failing"]
    assert broken not in [f["FlowLogId"] for f in storm.after[estate.vpcs["failing"]]]
    assert {storm.results[v]["status"] for v in estate.non_compliant.values()} == {"created"}
    # The storms hit every kind of change the run made, each distinct call STORM times.
    stormed = {"%s.%s" % (c.service, c.operation) for c in storm.throttled}
    assert stormed == {
        "iam.CreateRole",
        "iam.PutRolePolicy",
        "logs.CreateLogGroup",
        "logs.PutRetentionPolicy",
        "ec2.CreateFlowLogs",
        "ec2.DeleteFlowLogs",
    }
    distinct = {
        (
            c.operation,
            json.dumps({k: v for k, v in c.params.items() if k != "ClientToken"}, sort_keys=True),
        )
        for c in storm.throttled
    }
    # CreateRole, PutRolePolicy; per VPC CreateLogGroup, PutRetentionPolicy, CreateFlowLogs;
    # one DeleteFlowLogs for the broken flow log replaced.
    assert len(distinct) == 2 + 3 * len(estate.non_compliant) + 1
    assert len(storm.throttled) == STORM * len(distinct)
    # Every throttled call was waited for (c7n's backoff, about 1 s, then 2 s) and made again.
    assert len([d for d in storm.delays if d >= 0.5]) == len(storm.throttled)


def test_the_run_summary_counts_the_retries(storm):
    assert len(storm.summary) == 1, storm.summary
    retries = len(storm.throttled)
    assert re.search(r"\b%d retr(y|ies)\b" % retries, storm.summary[0]), storm.summary[0]
