"""Reads are bounded (issue 20, item 3): every member account can write into its prefix of
the central evidence bucket, so a file the report reads that is, or decompresses to, more
than `--max-file-mib` (default 64 MiB) is refused as corrupt (exit 4, the file named)
once that much was read; it is never held whole, locally or from S3."""

import gzip
import io
import os
import sys
import tracemalloc

import pytest

from bench.runner import run_child
from c7n_vpcflow.report.capped_read import MAX_FILE_BYTES, MIB, TooLarge, read_capped
from localaws.environment import child_environment
from support.e2e import AUDIT_POLICY, custodian_run
from support.estate import seed_region
from support.report_runs import BUCKET, keys, report, s3_url

MEMBER = 16 * MIB


def gzip_bomb(expanded):
    """A gzip file of zeros expanding to `expanded` bytes (members of 16 MiB, as gzip
    allows: about 1,000 times smaller than what it expands to)."""
    member = gzip.compress(bytes(MEMBER), mtime=0)
    return member * (expanded // MEMBER)


class Counting(io.BytesIO):
    """A stream that knows how many of its bytes were read."""

    taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


def test_a_2_gib_gzip_bomb_is_refused_having_read_only_the_first_64_mib_of_it():
    bomb = Counting(gzip_bomb(2048 * MIB))
    assert 1.5 * MIB < len(bomb.getvalue()) < 2.5 * MIB  # the 2 MB object

    tracemalloc.start()
    try:
        with pytest.raises(TooLarge, match="more than 64 MiB once decompressed"):
            read_capped(bomb, MAX_FILE_BYTES, gzipped=True)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < MAX_FILE_BYTES + 8 * MIB  # not the 2 GiB it expands to
    assert bomb.taken < len(bomb.getvalue()) / 16  # it stopped reading early


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzipped"])
def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused(gzipped):
    def stored(data):
        return io.BytesIO(gzip.compress(data) if gzipped else data)

    limit = 3 * MIB
    assert read_capped(stored(b"x" * limit), limit, gzipped) == b"x" * limit
    with pytest.raises(TooLarge, match="more than 3 MiB"):
        read_capped(stored(b"x" * (limit + 1)), limit, gzipped)
    with pytest.raises(TooLarge, match="more than 10 bytes"):
        read_capped(stored(b"x" * 11), 10, gzipped)


def test_broken_gzip_is_unreadable_not_too_large():
    truncated = gzip.compress(b'{"status": "judged"}' * 100)[:-20]
    with pytest.raises(OSError, match="not valid gzip") as raised:
        read_capped(io.BytesIO(truncated), MAX_FILE_BYTES, gzipped=True)
    assert not isinstance(raised.value, TooLarge)


def peak_rss_of_report(location, endpoint, workdir):
    """(exit code, peak RSS in MiB, output) of `c7n-vpcflow report` as a child."""
    home = os.path.join(workdir, "home")
    os.makedirs(home, exist_ok=True)
    argv = [os.path.join(os.path.dirname(sys.executable), "c7n-vpcflow"), "report", location]
    code, _wall, rss_kb, _cpu, output = run_child(
        argv, str(workdir), child_environment(endpoint, home)
    )
    return code, rss_kb / 1024.0, output


@pytest.mark.emulator
def test_a_gzip_bomb_in_the_evidence_bucket_is_corrupt_evidence_read_in_bounded_memory(
    emulator, cli, tmp_path
):
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    seed_region(emulator, "us-east-1", kinds=("healthy",))
    assert custodian_run(cli, s3_url("org"), AUDIT_POLICY, regions=("us-east-1",)).returncode == 0
    [verdict] = [k for k in keys(s3, "org/") if k.endswith("flow-log-compliance.json.gz")]
    s3.put_object(Bucket=BUCKET, Key=verdict, Body=gzip_bomb(2048 * MIB))

    code, peak_mib, output = peak_rss_of_report("s3://%s/org" % BUCKET, emulator.endpoint, tmp_path)

    assert code == 4, output
    assert (
        "corrupt evidence: s3://%s/%s: unreadable (more than 64 MiB once decompressed "
        "(the --max-file-mib limit): refused)" % (BUCKET, verdict)
    ) in output
    assert peak_mib < 400, "the report held %d MiB" % peak_mib  # 2 GiB unbounded


@pytest.mark.emulator
@pytest.mark.tampered_evidence
def test_local_files_are_bounded_too_plain_or_gzipped_and_the_limit_is_an_option(
    emulator, cli, tmp_path
):
    seed_region(emulator, "us-east-1", kinds=("healthy",))
    out = tmp_path / "out"
    assert custodian_run(cli, out, AUDIT_POLICY, regions=("us-east-1",)).returncode == 0
    verdict = out / "vpc-flow-logs-audit" / "flow-log-compliance.json"
    judged = verdict.read_bytes()
    # Valid JSON, the same verdict, padded past 1 MiB with whitespace.
    verdict.write_bytes(judged + b" " * (2 * MIB))

    assert report(cli, out).returncode == 1  # well within the default 64 MiB
    refused = report(cli, out, "json", "--max-file-mib", "1")
    assert refused.returncode == 4
    assert (
        "corrupt evidence: %s: unreadable (more than 1 MiB once decompressed" % verdict
        in refused.stderr
    )

    verdict.unlink()
    (out / "vpc-flow-logs-audit" / "flow-log-compliance.json.gz").write_bytes(gzip_bomb(128 * MIB))
    bombed = report(cli, out)
    assert bombed.returncode == 4
    assert "flow-log-compliance.json.gz: unreadable (more than 64 MiB" in bombed.stderr


@pytest.mark.parametrize("value", ["0", "-3", "lots"])
def test_the_limit_must_be_a_whole_number_of_mib(cli, tmp_path, value):
    shown = cli("c7n-vpcflow", "report", str(tmp_path), "--max-file-mib", value)
    assert shown.returncode == 2
    assert "argument --max-file-mib: %r is not a whole number of at least 1" % value in shown.stderr
