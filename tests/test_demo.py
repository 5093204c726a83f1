"""`make demo` (`python -m demo`): offline, hermetic, quick, and it leaves nothing running.

The demo runs as users run it, a child process from the repository root, in an
environment that would point any AWS SDK at the wrong place: it must ignore all of it.
"""

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time

import pytest

from support.constants import ROOT

pytestmark = pytest.mark.emulator

HOSTILE_KEY_ID = "AKIAREALLOOKING000000"
HOSTILE_SECRET = "some-real-looking-secret"
FIRST_LINE = re.compile(r"^emulator: moto on 127\.0\.0\.1:(\d+) \(pid (\d+)\)")


def hostile_environment():
    """The user's AWS settings, none of which the demo may use."""
    env = dict(os.environ)
    env.update(
        AWS_PROFILE="nonexistent",
        AWS_ACCESS_KEY_ID=HOSTILE_KEY_ID,
        AWS_SECRET_ACCESS_KEY=HOSTILE_SECRET,
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
    )
    return env


def demo_command():
    return [sys.executable, "-m", "demo"]


def server_of(output):
    """(port, pid) the demo announces on its first line."""
    match = FIRST_LINE.match(output)
    assert match, output[:500]
    return int(match.group(1)), int(match.group(2))


def listening(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def alive(pid):
    """True if pid runs (zombies, exited but not yet reaped, count as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def descendants(root):
    """Pids of every process below `root` (Linux /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def assert_clean(text):
    assert "Traceback" not in text
    assert "DEBUG" not in text
    noisy = [line for line in text.splitlines() if re.search(r"\b(WARNING|ERROR)\b", line)]
    assert not noisy, noisy
    assert HOSTILE_SECRET not in text
    assert HOSTILE_KEY_ID not in text


def assert_stopped(port, pid):
    deadline = time.monotonic() + 5
    while (listening(port) or alive(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not listening(port), "something still listens on the demo's port %d" % port
    assert not alive(pid), "the demo's moto server (pid %d) still runs" % pid


def test_demo_runs_offline_remediates_everything_and_stops_its_server():
    started = time.monotonic()
    completed = subprocess.run(
        demo_command(),
        cwd=ROOT,
        env=hostile_environment(),
        capture_output=True,
        text=True,
        timeout=90,
    )
    elapsed = time.monotonic() - started
    out = completed.stdout
    assert completed.returncode == 0, out[-3000:] + completed.stderr[-3000:]
    assert elapsed < 60, elapsed
    assert_clean(out + completed.stderr)
    port, pid = server_of(out)
    assert_stopped(port, pid)

    seeded = int(re.search(r"3 accounts x 2 regions, (\d+) VPCs:", out).group(1))
    assert 15 <= seeded <= 25
    # The audit's table, before anything was fixed: non-compliant VPCs, with reasons.
    audit = out.split("[3/6]", 1)[1].split("[4/6]", 1)[0]
    assert "| Reasons" in audit and "| Judged at" in audit and "not judged" not in audit
    # The report is a gate: exit 1 before remediation, and the demo says so and goes on.
    assert "exit 1: VPCs remain non-compliant" in audit
    total = next(line for line in audit.splitlines() if "TOTAL" in line)
    for reason in ("missing", "delivery-failed", "traffic-type"):
        assert reason in total, total
    assert int(re.findall(r"\d+", total)[1]) < seeded  # compliant, of seeded
    assert_left_to_the_telemetry_rule(out, total)
    assert_one_exempt_and_one_expired(audit, total)
    # After the enable: everything compliant but the exempt VPC, left alone; the gate passes.
    final = re.search(
        r"(\d+) VPCs: (\d+) compliant, (\d+) exempt \(left alone\), (\d+) "
        r"non-compliant in (\d+) account-regions; exit 0",
        out,
    )
    assert final, out
    assert [int(n) for n in final.groups()] == [seeded, seeded - 1, 1, 0, 6]
    assert_the_cost_of_the_estate(out.split("[5/6]", 1)[1].split("[6/6]", 1)[0])
    # The remediated VPC, as the emulator holds it.
    shown = out.split("[6/6]", 1)[1]
    assert re.search(r"flow log +fl-\w+ +traffic REJECT +status ACTIVE +delivery SUCCESS", shown)
    assert re.search(r"log group +/vpc/flow-logs/vpc-\w+", shown)
    assert re.search(r"retention +365 days", shown)
    assert re.search(r"tags +.*managed-by=c7n-vpcflow", shown)
    assert re.search(r"role trust +Allow vpc-flow-logs\.amazonaws\.com", shown)
    assert re.search(r"condition +StringEquals aws:SourceAccount = \d{12}", shown)
    assert re.search(r"saved queries +4, e\.g\. [a-z-]+", shown)
    assert re.search(r'query +parse @message \(14 fields\) \| filter action = "REJECT"', shown)
    assert re.search(
        r"alarm +c7n-vpcflow-reject-spike:/vpc/flow-logs/vpc-\w+ +>= 100 REJECT "
        r"records in 300 s",
        shown,
    )
    assert len(out.splitlines()) <= 82  # two screens at most


def assert_one_exempt_and_one_expired(audit, total):
    """The audit's report: dev-alice exempt (its own column, expiring within 30 days, unused:
    the demo gives every other VPC a network interface), legacy-app's exemption expired."""
    header = next(line for line in audit.splitlines() if line.startswith("| Account"))
    exempt = [c.strip() for c in header.split("|")].index("Exempt")
    assert [c.strip() for c in total.split("|")][exempt] == "1"
    assert "exemption-expired 1" in total
    expiring = audit.split("Exempt, expiring within 30 days:\n", 1)[1].splitlines()[0]
    assert "sandbox/us-east-1" in expiring and "SEC-4411" in expiring
    unused = audit.split("Unused (no network interface: delete rather than log):\n", 1)[1]
    assert re.match(r"- vpc-\w+ \(dev-alice\) sandbox/us-east-1: missing\n\n", unused)
    assert re.search(r"register: legacy-app \(workloads-prod us-east-1\) expired on", audit)


def assert_the_cost_of_the_estate(step):
    """The shipped cost policy measured the IncomingBytes the demo put, and the report's cost
    section says what that costs, per account-region, labelled measured or estimated."""
    assert "c7n-org run vpc-flow-logs-cost.yml" in step
    put = float(
        re.search(
            r"from (\d+) GB of IncomingBytes put on the emulator for the last "
            r"30 days",
            step,
        ).group(1)
    )
    rows = [
        line.split("|")[1:-1]
        for line in step.splitlines()
        if re.match(r"\| [\w-]+ \| [a-z]{2}-[a-z]+-\d \|", line)
    ]
    assert len(rows) == 6
    [total] = [line.split("|")[1:-1] for line in step.splitlines() if line.startswith("| TOTAL")]
    # A month of the 30 days measured: GB a month = GB put x 30.4375 / 30 (estimated).
    assert float(total[4]) == pytest.approx(put * 30.4375 / 30, abs=0.1)
    assert float(total[7]) > 0
    assert "Measured: the bytes each VPC's log group ingested" in step
    assert re.search(
        r"^- log-group-class: INFREQUENT_ACCESS: about [\d.]+ USD a month saved", step, re.M
    )


def assert_left_to_the_telemetry_rule(out, audit_total):
    """The flow logs the seeded telemetry rule made: labelled by the audit's report, and
    after the enable as the emulator held them when seeded (the demo reads it each time)."""
    seeded = re.findall(r"(fl-\w+) of [\w-]+ \(sandbox ", out.split("[2/6]", 1)[0])
    assert seeded, out[:2000]
    assert "cloudwatch-telemetry-rule %d, other" % len(seeded) in audit_total, audit_total
    enable = out.split("[4/6]", 1)[1].split("[5/6]", 1)[0]
    assert "left to the telemetry rule" in enable
    tag = "CloudWatchTelemetryRuleManaged=true"
    kept = re.findall(
        r"flow log +(fl-\w+) +traffic REJECT +status ACTIVE +tags %s$" % tag, enable, re.M
    )
    assert sorted(kept) == sorted(seeded), enable
    # Each VPC still has the one flow log, into the rule's log group as the rule made it.
    vpcs = re.findall(r"^ +sandbox [\w-]+ [\w-]+ \((vpc-\w+)\): 1 flow log$", enable, re.M)
    groups = re.findall(r"log group +/aws/vpc/(vpc-\w+) +30 days +tags %s$" % tag, enable, re.M)
    assert len(vpcs) == len(seeded) and groups == vpcs, enable


def read_until(process, marker, timeout=45):
    """Everything the process printed up to and including `marker` (it may end mid-line)."""
    buffer = b""
    deadline = time.monotonic() + timeout
    while marker.encode() not in buffer:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "no %r within %ss: %r" % (marker, timeout, buffer[-2000:])
        ready, _, _ = select.select([process.stdout], [], [], remaining)
        if ready:
            chunk = os.read(process.stdout.fileno(), 65536)
            assert chunk, "the demo ended before %r: %r" % (marker, buffer[-2000:])
            buffer += chunk
    return buffer.decode()


@pytest.mark.parametrize(
    "marker,pause",
    [
        ("emulator: moto on", 0.0),  # right after the server started (seeding)
        ("[2/6] Audit: c7n-org run", 0.5),  # while c7n-org and its workers run
    ],
)
def test_interrupting_the_demo_stops_everything_it_started(marker, pause):
    process = subprocess.Popen(
        demo_command(),
        cwd=ROOT,
        env=hostile_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        printed = read_until(process, marker)
        port, pid = server_of(printed)
        time.sleep(pause)
        started_by_demo = descendants(process.pid)
        assert pid in started_by_demo
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        rest, errors = process.communicate(timeout=20)
        took = time.monotonic() - interrupted
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = printed + rest.decode() + errors.decode()
    assert process.returncode != 0
    assert took < 10, took
    assert_clean(text)
    assert "interrupted" in errors.decode()
    assert_stopped(port, pid)
    left = [p for p in started_by_demo if alive(p)]
    assert not left, "processes the demo started still run: %s" % left
