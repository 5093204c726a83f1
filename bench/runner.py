"""Running scenarios: one measured child process per run, on a freshly seeded estate.

Per run: reset and seed the emulator (directly; a run after one that changes nothing on
the same estate reuses it: reseeding 20,000 log groups takes a minute), reset the
proxy's counters, start moto's
request recorder, run the child (wall time; peak RSS and CPU time from wait4 on that
child), stop the recorder, count what reached the emulator by operation, read the proxy's
throttle counts and the account-regions it kept buckets for, and ask the emulator which
VPCs still lack a working flow log. A scenario may leave figures of its own in
`<run dir>/bench-extra.json` (a JSON object); they land in `Measurement.extra`.
"""

import json
import os
import resource
import shutil
import signal
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from localaws import processes
from localaws.environment import child_environment
from localaws.proxy import Proxy
from localaws.quotas import Quotas
from localaws.server import Recorder
from localaws.wire import parse_recorded

from . import estate as estates
from .catalogue import MODES, SCENARIOS
from .scenarios import RunContext

RUN_TIMEOUT = 3600


@dataclass
class Measurement:
    suite: str
    scenario: str
    rep: int
    vpcs: int
    exit_code: int
    wall: float
    peak_rss_kb: int
    calls: dict  # "service:Operation" -> calls that reached the emulator
    throttled: dict = field(default_factory=dict)  # refused by the proxy
    failed_vpcs: int = None  # still without a working flow log (None: n/a)
    unparsed: int = 0  # recorder lines that did not parse
    log_tail: str = ""
    cpu: float = 0.0  # user + system seconds of the child (and its children)
    extra: dict = field(default_factory=dict)  # the scenario's own figures


def count_calls(entries):
    """Counter of 'service:Operation' over moto recorder entries (moto-api ones left out)."""
    counts = Counter()
    unparsed = 0
    for entry in entries:
        if entry is None:
            unparsed += 1
            continue
        call = parse_recorded(entry)
        if call.protocol != "internal":
            counts[call.name] += 1
    return counts, unparsed


def environment(endpoint, home):
    """The demo's hermetic child environment, with botocore's default retries."""
    env = child_environment(endpoint, home)
    env.pop("AWS_MAX_ATTEMPTS", None)
    return env


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def run_child(argv, cwd, env, timeout=RUN_TIMEOUT):
    """(exit code, wall seconds, peak RSS in KiB, CPU seconds, output tail) of one child.

    Peak RSS is the child's own (wait4); CPU seconds include its reaped descendants (the
    getrusage(RUSAGE_CHILDREN) difference), e.g. c7n-org's worker processes."""
    log_path = os.path.join(cwd, "child.log")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log_path, "wb") as log:
        start = time.monotonic()
        process = processes.spawn(argv, env=env, cwd=cwd, stdout=log, stderr=log)
        timer = threading.Timer(timeout, _kill_group, (process.pid,))
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    process.returncode = os.waitstatus_to_exitcode(status)
    with open(log_path, errors="replace") as f:
        tail = "".join(f.readlines()[-15:])
    return process.returncode, wall, usage.ru_maxrss, cpu, tail


class Bench:
    """The emulator, the proxy of the current mode, and a scratch directory."""

    def __init__(self, emulator, workdir):
        self.emulator = emulator
        self.workdir = workdir
        self.proxy = None
        self.mode = None
        self.intact = None  # the estate the emulator holds unchanged, if any

    def use_mode(self, name):
        mode = MODES[name]
        if self.mode == mode:
            return
        self.close_proxy()
        self.mode = mode
        if mode.proxied:
            quotas = Quotas(mode.quotas, mode.bursts)
            self.proxy = Proxy(self.emulator.endpoint, mode.latency_ms, quotas).start()

    def close_proxy(self):
        if self.proxy is not None:
            self.proxy.stop()
            self.proxy = None

    @property
    def endpoint(self):
        return self.proxy.endpoint if self.proxy else self.emulator.endpoint

    def measure(self, suite, scenario_name, rep):
        scenario = SCENARIOS[scenario_name]
        self.use_mode(suite.mode)
        spec = suite.estate
        run_dir = os.path.join(self.workdir, "%s-%s-%d" % (suite.name, scenario_name, rep))
        shutil.rmtree(run_dir, ignore_errors=True)
        home = os.path.join(run_dir, "home")
        os.makedirs(home)
        ctx = RunContext(self.endpoint, run_dir, spec, environment(self.endpoint, home))
        if self.intact != spec:
            spec.seed_into(self.emulator.endpoint)
        # After seeding: a scenario may prepare the seeded estate (e.g. deploy a function
        # and create the bucket its evidence goes to).
        argv = scenario.command(ctx)
        # Only scenarios that remediate change the estate.
        self.intact = None if scenario.remediates else spec
        if self.proxy:
            self.proxy.reset()
        recorder = Recorder(self.emulator.endpoint)
        recorder.start()
        try:
            exit_code, wall, rss, cpu, tail = run_child(argv, run_dir, ctx.env)
        finally:
            recorder.stop()
            entries = recorder.entries()
        calls, unparsed = count_calls(entries)
        throttled = self.proxy.stats()["throttled"] if self.proxy else {}
        extra = read_extra(run_dir)
        # What else ran meanwhile: on a shared machine CPU time per unit of work rises.
        extra["load_average"] = os.getloadavg()[0]
        if self.proxy:
            extra.update(self.proxy_buckets())
            extra.update(self.proxy_concurrency(wall))
        failed = None
        if scenario.remediates:
            failed = len(estates.unfixed(self.emulator.endpoint, spec))
        return Measurement(
            suite.name,
            scenario_name,
            rep,
            spec.vpcs,
            exit_code,
            wall,
            rss,
            dict(calls),
            throttled,
            failed,
            unparsed,
            tail,
            cpu,
            extra,
        )

    def proxy_concurrency(self, wall):
        """Requests in flight at the proxy during the run: the mean (their summed time
        over the run's wall time) and the peak."""
        stats = self.proxy.stats()
        return {
            "mean_in_flight": stats["busy_seconds"] / wall if wall else 0.0,
            "peak_in_flight": stats["peak_in_flight"],
        }

    def proxy_buckets(self):
        """The account-regions the proxy kept token buckets for during the run."""
        quotas = self.proxy.quotas
        with quotas.lock:
            places = {(account, region) for _rule, account, region in quotas.buckets}
        return {
            "bucket_account_regions": len(places),
            "bucket_accounts": len({account for account, _ in places}),
        }


def read_extra(run_dir):
    try:
        with open(os.path.join(run_dir, "bench-extra.json")) as f:
            return dict(json.load(f))
    except (OSError, ValueError):
        return {}


def run_suites(bench, suites, reps, progress=print):
    """Every scenario of every suite, `reps` times, interleaved: rep 1 of each, then rep 2."""
    results = []
    for suite in suites:
        for rep in range(1, reps + 1):
            for name in suite.scenarios:
                m = bench.measure(suite, name, rep)
                results.append(m)
                progress(
                    "%-14s %-8s rep %d: exit %d, %.1f s, %d calls, %d throttled%s"
                    % (
                        suite.name,
                        name,
                        rep,
                        m.exit_code,
                        m.wall,
                        sum(m.calls.values()),
                        sum(m.throttled.values()),
                        "" if m.failed_vpcs is None else ", %d VPCs unfixed" % m.failed_vpcs,
                    )
                )
    return results


def median_counts(dicts):
    keys = sorted({k for d in dicts for k in d})
    return {k: statistics.median([d.get(k, 0) for d in dicts]) for k in keys}


@dataclass
class Summary:
    suite: str
    scenario: str
    vpcs: int
    reps: int
    calls: dict
    throttled: dict
    failed_vpcs: object
    wall: float
    wall_range: tuple
    peak_rss_kb: float
    exit_codes: list
    cpu: float = 0.0
    extra: dict = field(default_factory=dict)  # medians of numbers, else the first value


def summarize(results):
    """One Summary per (suite, scenario), medians over its repetitions, in run order."""
    groups = {}
    for m in results:
        groups.setdefault((m.suite, m.scenario), []).append(m)
    summaries = []
    for (suite, scenario), runs in groups.items():
        walls = [m.wall for m in runs]
        failed = [m.failed_vpcs for m in runs if m.failed_vpcs is not None]
        summaries.append(
            Summary(
                suite,
                scenario,
                runs[0].vpcs,
                len(runs),
                median_counts([m.calls for m in runs]),
                median_counts([m.throttled for m in runs]),
                statistics.median(failed) if failed else None,
                statistics.median(walls),
                (min(walls), max(walls)),
                statistics.median([m.peak_rss_kb for m in runs]),
                [m.exit_code for m in runs],
                statistics.median([m.cpu for m in runs]),
                median_extra([m.extra for m in runs]),
            )
        )
    return summaries


def median_extra(dicts):
    merged = {}
    for key in {k for d in dicts for k in d}:
        values = [d[key] for d in dicts if key in d]
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        merged[key] = statistics.median(values) if numbers else values[0]
    return merged


def to_json(results):
    return json.dumps([m.__dict__ for m in results], indent=1)
