"""`make bench`: start the emulator (and the proxy for realistic mode), run every suite,
print the table and write bench/RESULTS.md.

    python -m bench                                  # everything, median of 3 (minutes)
    python -m bench --suite bare-100 --reps 1 --out /tmp/quick.md
    python -m bench --scenario enable --suite realistic-200
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace

from localaws.server import Emulator

from . import cost, report_org
from .catalogue import SCENARIOS, SUITES
from .report import merge_section, render, render_section, table
from .runner import Bench, run_suites, summarize, to_json
from .scenarios import REPO

# The sections of RESULTS.md whose suites are measured apart: (heading, its lines from the
# summaries, its suites).
OWN_SECTIONS = (
    (report_org.REPORTS_HEADING, report_org.section, ("report-org", "report-history")),
    (cost.HEADING, cost.section, (cost.SUITE,)),
)


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--suite",
        action="append",
        choices=sorted(SUITES),
        help="suites to run (repeatable; default: all, in order)",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        choices=sorted(SCENARIOS),
        help="only these scenarios of each suite (repeatable)",
    )
    parser.add_argument("--reps", type=int, default=3, help="runs per scenario (median)")
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "RESULTS.md"))
    parser.add_argument("--json", help="also write every run as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    return parser.parse_args(argv)


def selected_suites(args):
    suites = [SUITES[name] for name in (args.suite or SUITES)]
    if args.scenario:
        suites = [
            replace(s, scenarios=tuple(n for n in s.scenarios if n in args.scenario))
            for s in suites
        ]
    return [s for s in suites if s.scenarios]


def main(argv=None):
    args = parse(argv)
    suites = selected_suites(args)
    workdir = tempfile.mkdtemp(prefix="c7n-vpcflow-bench-")
    emulator = Emulator(workdir)
    started = time.monotonic()
    emulator.start()
    print(
        "emulator: moto on %s (pid %d); scratch %s" % (emulator.endpoint, emulator.pid, workdir),
        flush=True,
    )
    bench = Bench(emulator, workdir)
    try:
        results = run_suites(
            bench, suites, args.reps, progress=lambda line: print(line, flush=True)
        )
    finally:
        bench.close_proxy()
        emulator.stop()
    summaries = summarize(results)
    print()
    print(table(summaries))
    # Rendered before the file is opened: truncating a tracked RESULTS.md first would make
    # the checkout look modified to render's `git status`.
    elapsed = time.monotonic() - started
    if all(not s.vpc_table for s in suites) and os.path.exists(args.out):
        # Suites with a section of their own replace only their sections.
        with open(args.out) as f:
            text = f.read()
        for heading, lines, names in OWN_SECTIONS:
            ran = [m for m in results if m.suite in names]
            if ran:
                text = merge_section(
                    text, render_section(heading, lines(summaries), ran, args.reps, elapsed)
                )
    else:
        text = render(summaries, results, args.reps, elapsed)
    with open(args.out, "w") as f:
        f.write(text)
    print("\nwrote %s" % args.out)
    if args.json:
        with open(args.json, "w") as f:
            f.write(to_json(results))
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
