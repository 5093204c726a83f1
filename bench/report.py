"""bench/RESULTS.md: the table, the machine, the date, the commit, and every run."""

import datetime
import hashlib
import os
import platform
import subprocess
import sys
from importlib import metadata

from localaws.quotas import DEFAULT_QUOTAS

from .catalogue import MODES, SCENARIOS, SUITES
from .figures import FLOOR_RULE, by_operation, floor_seconds, fmt
from .findings import findings
from .notes import METHOD
from .scenarios import BIN, REPO


def git(*args):
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except OSError:
        return ""


def _blob_sha(path):
    with open(path, "rb") as f:
        data = f.read()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


# Both keyed by the path inside the package: its subpackages hold files of the same name.
def committed_files():
    """{path in c7n_vpcflow/: blob sha} of the package's .py files at HEAD."""
    found = {}
    for line in git("ls-tree", "-r", "HEAD", "c7n_vpcflow").splitlines():
        meta, path = line.split("\t", 1)
        if path.endswith(".py"):
            found[os.path.relpath(path, "c7n_vpcflow")] = meta.split()[2]
    return found


def package_files(location):
    """{path in the package at `location`: blob sha} of its .py files, as git hashes them."""
    return {
        os.path.relpath(os.path.join(folder, name), location): _blob_sha(os.path.join(folder, name))
        for folder, _dirs, names in os.walk(location)
        for name in names
        if name.endswith(".py")
    }


def installed_plugin():
    """How the plugin the `custodian` children load compares with the commit measured."""
    code = (
        "import importlib.util as u; "
        "print(u.find_spec('c7n_vpcflow').submodule_search_locations[0])"
    )
    probe = subprocess.run(
        [os.path.join(BIN, "python"), "-c", code], cwd="/", capture_output=True, text=True
    )
    location = probe.stdout.strip()
    if not location:
        return "not found (%s)" % probe.stderr.strip()[-200:]
    committed, installed = committed_files(), package_files(location)
    differing = sorted(
        n for n in set(committed) | set(installed) if committed.get(n) != installed.get(n)
    )
    if not differing:
        return "identical to c7n_vpcflow/ at the commit above (%s)" % location
    return "differs from the commit above in %s (%s)" % (", ".join(differing), location)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
        memory = ", %.0f GiB RAM" % (kib / 2**20)
    except (OSError, ValueError, IndexError):
        pass
    return "%s, %s, %d CPUs%s" % (platform.platform(), cpu, os.cpu_count() or 0, memory)


def versions():
    names = ("c7n", "c7n-org", "boto3", "botocore", "moto")
    found = []
    for name in names:
        try:
            found.append("%s %s" % (name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            pass
    return "Python %s; %s" % (platform.python_version(), ", ".join(found))


def estate_size(s, suite):
    places = len(suite.estate.account_regions) if suite else 1
    if places == 1:
        return "%d" % s.vpcs
    return "%d (%d accounts × %d regions × %d)" % (
        s.vpcs,
        len(suite.estate.account_ids),
        len(suite.estate.regions),
        s.vpcs // places,
    )


def table(summaries):
    lines = [
        "| mode | N | scenario | API calls reaching the emulator, by operation | throttled "
        "| failed VPCs | wall s (min-max) | peak RSS MB | × floor |",
        "|---|---:|---|---|---|---:|---:|---:|---:|",
    ]
    for s in summaries:
        suite = SUITES.get(s.suite)
        if suite and not suite.vpc_table:
            continue
        mode = suite.mode if suite else s.suite
        lines.append(
            "| %s | %s | %s | %s | %s | %s | %.1f (%.1f-%.1f) | %.0f | %.2f |"
            % (
                mode,
                estate_size(s, suite),
                SCENARIOS[s.scenario].label,
                by_operation(s.calls),
                by_operation(s.throttled) if s.throttled else "0",
                "n/a" if s.failed_vpcs is None else fmt(s.failed_vpcs),
                s.wall,
                s.wall_range[0],
                s.wall_range[1],
                s.peak_rss_kb / 1024.0,
                s.wall / floor_seconds(s.vpcs, suite),
            )
        )
    return "\n".join(lines)


def runs_table(results):
    lines = [
        "| suite | scenario | rep | exit | wall s | CPU s | peak RSS MB | calls | throttled "
        "| failed VPCs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in results:
        lines.append(
            "| %s | %s | %d | %d | %.1f | %.1f | %.0f | %d | %d | %s |"
            % (
                m.suite,
                m.scenario,
                m.rep,
                m.exit_code,
                m.wall,
                m.cpu,
                m.peak_rss_kb / 1024.0,
                sum(m.calls.values()),
                sum(m.throttled.values()),
                "n/a" if m.failed_vpcs is None else m.failed_vpcs,
            )
        )
    return "\n".join(lines)


def settings():
    lines = []
    for mode in MODES.values():
        if mode.proxied and mode.quotas:
            quotas = ", ".join(
                "%s %g/s (burst %g)" % (r, q, mode.bursts.get(r, max(1.0, q)))
                for r, q in sorted(mode.quotas.items())
            )
            lines.append(
                "- **%s**: proxy adds %g ms per call; token buckets per account-region: "
                "%s." % (mode.name, mode.latency_ms, quotas)
            )
        elif mode.proxied:
            lines.append(
                "- **%s**: proxy adds %g ms per call, no quota." % (mode.name, mode.latency_ms)
            )
        else:
            lines.append("- **%s**: the moto server itself, no latency, no quota." % mode.name)
    return "\n".join(lines)


def render(summaries, results, reps, elapsed):
    return "\n".join(
        [
            "# Benchmark results (issue 6)",
            "",
            "Generated by `make bench` (`python -m bench`); do not edit by hand.",
            "",
            *provenance(elapsed),
            "- **Runs**: median of %d per row, scenarios interleaved "
            "(rep 1 of each, then rep 2...)." % reps,
            settings(),
            "",
            table(summaries),
            "",
            findings(summaries),
            "",
            (
                METHOD
                % {
                    "floor_rule": FLOOR_RULE,
                    "floor_rate": DEFAULT_QUOTAS[FLOOR_RULE],
                    "python": os.path.basename(sys.executable),
                }
            ).rstrip(),
            "",
            "## Every run",
            "",
            runs_table(results),
            "",
        ]
    )


def provenance(elapsed):
    head = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        "- **Date**: %s (this bench: %.0f s)" % (now, elapsed),
        "- **Machine**: %s" % machine(),
        "- **Commit**: %s%s" % (head or "unknown", " (tracked files modified)" if dirty else ""),
        "- **Plugin measured** (the installed one the children load): %s" % installed_plugin(),
        "- **Software**: %s" % versions(),
    ]


def render_section(heading, lines, results, reps, elapsed):
    """A section of its own suites, measured apart from the rest of RESULTS.md: its
    provenance, its findings and its runs."""
    return "\n".join(
        [
            "## " + heading,
            "",
            "Measured apart from the sections above by "
            "`python -m bench --suite %s --reps %d`."
            % (" --suite ".join(dict.fromkeys(m.suite for m in results)), reps),
            "",
        ]
        + provenance(elapsed)
        + [settings(), ""]
        + lines
        + ["", "Its runs:", "", runs_table(results), ""]
    )


def merge_section(existing, section):
    """RESULTS.md with `section` in place of the one under the same heading (or, new,
    before the method)."""
    heading = section.split("\n", 1)[0]
    if heading in existing:
        start = existing.index(heading)
        end = existing.find("\n## ", start + len(heading))
        return existing[:start] + section + (existing[end + 1 :] if end >= 0 else "")
    before = existing.find("## How to read it")
    if before < 0:
        return existing.rstrip("\n") + "\n\n" + section
    return existing[:before] + section + "\n" + existing[before:]
