"""`python -m demo` (what `make demo` runs): CIS AWS 3.7 end to end on a local emulator."""

import os
import signal
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone

from localaws.environment import child_environment, isolate
from localaws.server import Emulator, EmulatorError

from . import cost, exemptions, showcase
from . import estate as seeding
from .commands import Commands, StepFailed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEPS = 6
WIDTH = 72  # step lines: "[n/6] title ...... 1.2 s"
INDENT = " " * 6
FAILURE_TAIL = 40  # lines of a failed command's output shown


class Interrupted(BaseException):
    """SIGINT or SIGTERM: unwinds past every `except Exception` to the cleanup."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _ignore_signals():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _on_signal(signum, _frame):
    _ignore_signals()  # a second Ctrl-C must not interrupt the cleanup
    raise Interrupted(signum)


class Step:
    """Prints "[n/6] title", runs the block, ends the line with the time it took."""

    number = 0

    def __init__(self, title):
        Step.number += 1
        self.title = "[%d/%d] %s " % (Step.number, STEPS, title)

    def __enter__(self):
        sys.stdout.write(self.title.ljust(WIDTH - 8, "."))
        sys.stdout.flush()
        self.started = time.monotonic()
        return self

    def __exit__(self, kind, _value, _traceback):
        if kind is None:
            print(" %5.1f s" % (time.monotonic() - self.started))
        else:
            print()


def say(text=""):
    for line in text.splitlines() or [""]:
        print(INDENT + line if line else "")


def seed(emulator):
    """The estate seeded, and what its telemetry rule made as the emulator then holds it."""
    with Step("Seed the estate"):
        estate = seeding.seed(emulator.endpoint, os.path.join(ROOT, "accounts.yml"))
        rule = showcase.read_held(emulator.endpoint, estate.managed_by(seeding.TELEMETRY_RULE))
    say(
        "%d accounts x %d regions, %d VPCs: %s"
        % (
            len(estate.accounts),
            len({r for _, r in estate.account_regions}),
            len(estate.vpcs),
            ", ".join("%d %s" % (n, label) for label, n in estate.counts() if n),
        )
    )
    say(
        "an organization's CloudWatch telemetry rule made %d of the flow logs (tagged "
        "CloudWatchTelemetryRuleManaged=true):\n%s"
        % (
            sum(len(one.flow_logs) for one in rule),
            ", ".join(
                "%s of %s (%s %s)"
                % (f["FlowLogId"], one.vpc.name, one.vpc.account.name, one.vpc.region)
                for one in rule
                for f in one.flow_logs
            ),
        )
    )
    return estate, rule


def left_to_the_rule(emulator, seeded):
    """What the telemetry rule made, read again: a step failure unless as seeded."""
    now = showcase.read_held(emulator.endpoint, [one.vpc for one in seeded])
    changed = [one.vpc.vpc_id for one, then in zip(now, seeded) if one != then]
    if changed:
        raise StepFailed(
            "the enable changed the telemetry rule's flow logs or log groups "
            "of %s" % ", ".join(changed)
        )
    return now


def check_coverage(report, estate, what):
    """The report must judge every seeded VPC: c7n-org exits 0 even when no policy ran."""
    judged = report["total"]["vpcs"]
    if (
        len(report["accounts"]) != len(estate.account_regions)
        or judged != len(estate.vpcs)
        or not report["total"]["judged"]
    ):
        raise StepFailed(
            "%s judged %d VPCs in %d account-regions; %d VPCs were seeded in %d"
            % (what, judged, len(report["accounts"]), len(estate.vpcs), len(estate.account_regions))
        )


def with_register(estate, workdir):
    """Write the demo's exemption register; the folder of the policies that name it."""
    register = os.path.join(workdir, "exemptions.yml")
    exemptions.write_register(estate, register, datetime.now(timezone.utc).date())
    policies = os.path.join(workdir, "policies")
    os.mkdir(policies)
    for policy in (
        "policies/vpc-flow-logs-audit.yml",
        "demo/policies/vpc-flow-logs-enable.yml",
        "policies/vpc-flow-logs-cost.yml",
    ):
        exemptions.with_register(os.path.join(ROOT, policy), register, policies)
    return policies


def run(emulator, workdir):
    out = os.path.join(workdir, "out")
    commands = Commands(ROOT, workdir, child_environment(emulator.endpoint, workdir))
    estate, rule = seed(emulator)
    policies = with_register(estate, workdir)

    with Step("Audit: c7n-org run vpc-flow-logs-audit.yml"):
        commands.org_run("vpc-flow-logs-audit.yml", os.path.join(out, "audit"), policy_dir=policies)
    with Step("Report: c7n-vpcflow report (per account and region)"):
        # A gate: exit 1 while VPCs remain non-compliant, as they do before remediation.
        table = commands.report(os.path.join(out, "audit"), expect=1)
        check_coverage(
            commands.report(os.path.join(out, "audit"), "json", expect=1), estate, "the audit"
        )
    print(table, end="")
    say("exit 1: VPCs remain non-compliant (0 once every account-region is judged and fixed)")
    say(
        'the telemetry rule\'s %d flow logs: cloudwatch-telemetry-rule in "Flow logs by manager"'
        % sum(len(one.flow_logs) for one in rule)
    )
    say("\n".join(exemptions.lines(estate, datetime.now(timezone.utc).date())))

    with Step("Enable: c7n-org run vpc-flow-logs-enable.yml (+ queries, alarm)"):
        commands.org_run(
            "vpc-flow-logs-enable.yml", os.path.join(out, "enable"), policy_dir=policies
        )
        table = commands.report(os.path.join(out, "enable"))
        rule = left_to_the_rule(emulator, rule)
    # The table alone: its lists (exempt, unused) are the audit's, shown above.
    print(table.split("\n\n", 1)[0])
    say(
        "left to the telemetry rule (its VPCs are compliant): as seeded, not replaced, "
        "re-tagged or deleted"
    )
    say("\n".join(showcase.held_lines(rule)))
    print()

    with Step("Audit again, and cost: c7n-org run vpc-flow-logs-cost.yml"):
        ingested = cost.seed_ingestion(emulator.endpoint, estate)
        commands.org_run("vpc-flow-logs-cost.yml", os.path.join(out, "after"), policy_dir=policies)
        # Exit 0: every account-region judged, no VPC non-compliant (else the table shows).
        table = commands.report(os.path.join(out, "after"))
        after = commands.report(os.path.join(out, "after"), "json")
        check_coverage(after, estate, "the second audit")
    total = after["total"]
    say(
        "%d VPCs: %d compliant, %d exempt (left alone), %d non-compliant in %d account-regions;"
        " exit 0: an exempt VPC fails no gate"
        % (
            total["vpcs"],
            total["compliant"],
            total["exempt"],
            total["non-compliant"],
            len(after["accounts"]),
        )
    )
    say(
        "what their flow logs cost, from %.0f GB of IncomingBytes put on the emulator for "
        "the last %d days:" % (ingested, cost.DAYS)
    )
    print(cost.section(table))
    say("the ten most expensive VPCs, each with its cheaper choices: c7n-vpcflow report OUT")

    vpc = estate.find(*seeding.SHOWCASE)
    with Step("Remediated: %s (%s)" % (vpc.name, vpc.vpc_id)):
        rows = showcase.lines(showcase.read(emulator.endpoint, vpc))
    say(
        "account %s (%s), region %s; before: %s"
        % (vpc.account.name, vpc.account.account_id, vpc.region, seeding.label(vpc))
    )
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        say("%s  %s" % (label.ljust(width), value))


def main():
    sys.stdout.reconfigure(line_buffering=True)
    # Library deprecation notices (boto3's Python version warnings) are not demo output.
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    started = time.monotonic()
    code = 1
    with tempfile.TemporaryDirectory(prefix="c7n-vpcflow-demo-") as workdir:
        emulator = Emulator(workdir)
        isolate(emulator.endpoint, workdir)
        try:
            emulator.start()
            print(
                "emulator: moto on 127.0.0.1:%d (pid %d); dummy credentials, "
                "your AWS settings are ignored" % (emulator.port, emulator.pid)
            )
            run(emulator, workdir)
            code = 0
        except Interrupted as e:
            print(
                "interrupted (%s): emulator stopped, nothing left running"
                % signal.Signals(e.signum).name,
                file=sys.stderr,
            )
            code = 128 + e.signum
        except StepFailed as e:
            tail = e.output.strip().splitlines()[-FAILURE_TAIL:]
            if tail:
                print("output of the failed command (last %d lines):" % len(tail), file=sys.stderr)
                print("\n".join(tail), file=sys.stderr)
            print("demo failed: %s" % e.summary, file=sys.stderr)
        except EmulatorError as e:
            print("demo failed: %s" % e, file=sys.stderr)
        except Exception as e:  # a screenshot, not a stack trace: one line says what broke
            print("demo failed: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        finally:
            _ignore_signals()
            emulator.stop()
    if code == 0:
        print("done in %.1f s; emulator stopped" % (time.monotonic() - started))
    return code


if __name__ == "__main__":
    sys.exit(main())
