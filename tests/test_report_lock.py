"""Evidence that cannot be rewritten afterwards (issue 20, item 5): when the report reads
`s3://` evidence it says, per account-region, whether the verdict it counted is under an S3
Object Lock retention and until when, from the very GetObject that read that verdict (its
version, no request more); `--require-lock` counts a verdict no one is kept from
rewriting (no lock, an expired one, or a GOVERNANCE lock, which can be bypassed) as not
judged."""
from datetime import datetime, timedelta, timezone

import pytest

from localaws.evidence import seed_evidence
from support.report_runs import report

from c7n_vpcflow.evidence_source import Lock, open_source
from c7n_vpcflow.evidence_tree import read_tree

pytestmark = pytest.mark.emulator

NOW = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
PLACES = [("210000000001", "us-east-1"), ("210000000001", "eu-west-1")]


def test_the_lock_of_the_verdict_counted_comes_with_its_getobject(
        audit_files, emulator, tmp_path):
    seed_evidence(emulator.endpoint, "locked-evidence", audit_files, PLACES,
                  [NOW - timedelta(hours=1)], lock_days=400)
    seed_evidence(emulator.endpoint, "plain-evidence", audit_files, PLACES,
                  [NOW - timedelta(hours=1)])

    locked, _notes, _history = read_tree([open_source("s3://locked-evidence/vpc-flow-logs")])
    plain, _notes, _history = read_tree([open_source("s3://plain-evidence/vpc-flow-logs")])

    assert len(locked) == len(plain) == 2
    for run in locked:
        assert run.lock.mode == "COMPLIANCE"
        assert abs(run.lock.until - (datetime.now(timezone.utc) + timedelta(days=400))) < \
            timedelta(minutes=10)
    assert [run.lock for run in plain] == [None, None]


def test_only_a_compliance_lock_to_come_binds():
    now = datetime(2026, 12, 6, tzinfo=timezone.utc)
    assert Lock("COMPLIANCE", now + timedelta(days=1)).binds(now)
    assert not Lock("COMPLIANCE", now - timedelta(seconds=1)).binds(now)
    assert not Lock("GOVERNANCE", now + timedelta(days=400)).binds(now)
