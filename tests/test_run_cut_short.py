"""A run cut short keeps its record (issue 11, item 5).

A connection error while fixing one VPC fails that VPC only; an interrupt that stops the
whole run still leaves flow-log-results.json saying what was done and what was not, and the
run exits non-zero. The stock `custodian run`, with moto behind the fault proxy.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from localaws.proxy import DROP
from support.constants import GROUP, REGION
from support.e2e import ENABLE_POLICY, assert_no_secret, custodian_run, read_output, write_policy
from support.emulated import flow_logs_of
from support.estate import seed_region

pytestmark = pytest.mark.emulator


def results_file(out, policy):
    return read_output(out, REGION, policy, "flow-log-results.json", regions=(REGION,))


def new_flow_logs(emulator, before):
    after = flow_logs_of(emulator, REGION)
    return {
        vpc_id: [f for f in found if f not in before.get(vpc_id, [])]
        for vpc_id, found in after.items()
    }


def test_a_dropped_connection_fails_that_vpc_only(emulator, fault_proxy, cli, tmp_path):
    estate = seed_region(emulator, REGION)
    broken = estate.vpcs["bare"]
    before = flow_logs_of(emulator, REGION)
    fault_proxy.rules.append(
        lambda call: (
            DROP
            if call.operation == "CreateFlowLogs" and call.params.get("ResourceId.1") == broken
            else None
        )
    )

    proc = custodian_run(cli, tmp_path / "out", ENABLE_POLICY, regions=(REGION,))

    assert proc.returncode != 0, proc.stderr[-4000:]
    assert [c.injected for c in fault_proxy.injected()] == ["connection dropped"] * 2
    written = results_file(tmp_path / "out", "vpc-flow-logs-enable")
    assert written["complete"] is True and written["cause"] is None
    results = {r["vpc-id"]: r for r in written["results"]}
    assert set(results) == set(estate.non_compliant.values())
    assert results[broken]["status"] == "failed"
    assert "ConnectionClosedError" in results[broken]["error"]
    added = new_flow_logs(emulator, before)
    for vpc_id in set(estate.non_compliant.values()) - {broken}:
        assert results[vpc_id]["status"] == "created", vpc_id
        assert [f["LogGroupName"] for f in added[vpc_id]] == [GROUP % vpc_id]
    assert added.get(broken, []) == []
    failed_lines = [
        line
        for line in proc.stderr.splitlines()
        if broken in line and "ConnectionClosedError" in line
    ]
    assert failed_lines, proc.stderr[-3000:]


def interruptible():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_an_interrupted_run_records_what_was_done_and_what_was_not(emulator, fault_proxy, tmp_path):
    estate = seed_region(emulator, REGION)
    before = flow_logs_of(emulator, REGION)
    policy = write_policy(
        tmp_path / "enable.yml",
        "vpc-flow-logs-serial",
        filters=[{"type": "flow-log-compliance"}],
        action={"type": "enable-flow-logs", "max-workers": 1},
    )
    second_in_flight, interrupted = threading.Event(), threading.Event()
    creates = []

    def hold_the_second_create(call):
        if call.operation == "CreateFlowLogs":
            creates.append(call.params["ResourceId.1"])
            if len(creates) == 2:
                second_in_flight.set()
                # The interrupt lands while this call is on the wire: held until it is sent
                # (however busy the machine), then a moment for the run to take it.
                interrupted.wait(120)
                time.sleep(0.5)
        return None

    fault_proxy.rules.append(hold_the_second_create)

    custodian = os.path.join(os.path.dirname(sys.executable), "custodian")
    proc = subprocess.Popen(
        [
            custodian,
            "run",
            "-s",
            str(tmp_path / "out"),
            "--cache-period",
            "0",
            "-r",
            REGION,
            policy,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: a suite started in the background of a script inherits SIGINT
        # ignored (POSIX shells ignore it for `&` jobs), and so would the run.
        preexec_fn=interruptible,
    )
    try:
        assert second_in_flight.wait(120), "the run never reached its second flow log"
        proc.send_signal(signal.SIGINT)
        interrupted.set()
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        interrupted.set()
        if proc.poll() is None:
            proc.kill()
    assert_no_secret(stdout, stderr)

    assert proc.returncode != 0, stderr[-4000:]
    written = results_file(tmp_path / "out", "vpc-flow-logs-serial")
    assert written["complete"] is False and "KeyboardInterrupt" in written["cause"]
    results = {r["vpc-id"]: r for r in written["results"]}
    assert set(results) == set(estate.non_compliant.values())
    done = {v for v, r in results.items() if r["status"] == "created"}
    not_done = {v for v, r in results.items() if r["status"] == "unfinished"}
    assert done == set(creates) and len(done) == 2
    assert not_done == set(results) - done
    assert all("the run stopped" in results[v]["error"] for v in not_done)
    added = new_flow_logs(emulator, before)
    assert {v for v, found in added.items() if found} == done
    assert "stopped before it was done" in stderr
