"""Where the evidence is: a local output tree or an S3 prefix, read as run folders.

`custodian run -s OUT` rewrites OUT/<policy>/ on every run. `-s s3://bucket/prefix`
uploads every run, each file gzipped, to prefix/<policy>/YYYY/MM/DD/HH/ (multi-region runs
put <region>/ and c7n-org <account name>/<region>/ before <policy>); a later run in the
same hour overwrites the files it writes. A tree synced down from S3 has the same run
folders. Both sources yield RunFolder records: the policy directory's path below the root,
the run folder's hour, and its files by their plain names (a .gz is read decompressed).

Cost on S3, a request each: a ListObjectsV2 (Delimiter "/") of every folder above the
policy directories (the root, each account and region folder); then per policy directory
one listing of every key after the stamp of RECENT ago (or of `since`): the run folders
since then, ceil(keys / 1,000) requests (a daily or hourly run fits in one). The newest
of them is the latest run; only when there is none is it looked for by date: a listing of
the policy directory, then its newest year, month and day folders (the day's keys in one
listing). A policy directory outside a region folder (`custodian run -s s3://...` of one
region) is listed once before. Then a GetObject per file read: the latest run folder's
metadata.json and our files in it; with `since` (the HTML report's history), the
flow-log-compliance.json of every run folder since then.
Listings and reads go `workers` at once (read_tree's pool). The S3 source is report.s3;
report.tree.open_source opens either.

An S3 Object Lock on a file read is what its GetObject said (a Lock), no request more.

Every file is read through a cap (capped_read): a file that is, or decompresses to, more
than the source's `max_bytes` is refused as corrupt once that many bytes were read, never
held whole.
"""

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from c7n_vpcflow.report.capped_read import MAX_FILE_BYTES, read_capped

YEAR, TWO_DIGITS = re.compile(r"^\d{4}$"), re.compile(r"^\d\d$")
STAMP_DEPTH = 4  # YYYY/MM/DD/HH
DAY_DEPTH = STAMP_DEPTH - 1
# The latest state lists the run folders of this last while first: a daily run is in it.
RECENT = timedelta(days=2)


class SourceError(Exception):
    """The evidence location cannot be listed (no such directory or bucket, access denied)."""


@dataclass
class RunFolder:
    source: object
    directory: str  # the folder's path (local) or key prefix (S3) in its source
    parts: tuple  # the policy directory below the root: ([account, ][region, ]policy)
    stamp: tuple  # ("YYYY", "MM", "DD", "HH") of an S3 run folder; () for a directory
    files: dict  # plain file name -> path or key in the source
    latest: bool = True

    def where(self, name=None):
        return self.source.where(self.files[name] if name else self.directory)

    def read(self, name):
        """The file's bytes, decompressed when stored gzipped; OSError when unreadable,
        TooLarge past the source's limit."""
        key = self.files[name]
        with self.source.open(key) as stream:
            return read_capped(stream, self.source.max_bytes, key.endswith(".gz"))

    def lock(self, name):
        """The S3 Object Lock of the file as read: a Lock, or None (none, or local)."""
        return self.source.lock(self.files[name])


@dataclass(frozen=True)
class Lock:
    """The S3 Object Lock retention of an object version: its mode and until when."""

    mode: str  # COMPLIANCE, or GOVERNANCE (lifted by whoever may bypass it)
    until: datetime

    def binds(self, now):
        """Whether no one, the bucket owner and root included, can rewrite or delete the
        version before its date: a COMPLIANCE retention to come."""
        return self.mode == "COMPLIANCE" and self.until > now


def locked_until_text(lock, now):
    """A report's "Locked until": the date, its mode unless compliance; "expired", "-"."""
    if lock is None:
        return "-"
    text = lock.until.strftime("%Y-%m-%d")
    if lock.until <= now:
        return "expired " + text
    return text if lock.mode == "COMPLIANCE" else "%s (%s)" % (text, lock.mode.lower())


def unbound_text(lock, now):
    """Why a file's lock does not keep it from being rewritten (lock.binds is False)."""
    if lock is None:
        return (
            "is under no S3 Object Lock retention (a local file, a bucket without Object "
            "Lock, or a reader not allowed s3:GetObjectRetention, to whom S3 shows none)"
        )
    if lock.until <= now:
        return "was locked until %s, no longer" % lock.until.strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        "is locked in %s mode, which anyone allowed s3:BypassGovernanceRetention can "
        "lift" % lock.mode
    )


def plain_names(file_names, wanted):
    """{plain name: stored name} of the wanted files; a plain file beats its .gz."""
    found = {}
    for stored in sorted(file_names, key=lambda n: not n.endswith(".gz")):
        name = stored[:-3] if stored.endswith(".gz") else stored
        if name in wanted:
            found[name] = stored
    return found


def is_stamp(parts):
    """Whether path parts are a run folder's YYYY/MM/DD/HH."""
    return (
        len(parts) == STAMP_DEPTH
        and bool(YEAR.match(parts[0]))
        and all(TWO_DIGITS.match(p) for p in parts[1:])
    )


def split_stamp(parts):
    """(policy directory parts, run folder stamp) of a folder's path parts."""
    tail = tuple(parts[-STAMP_DEPTH:])
    if len(parts) > STAMP_DEPTH and is_stamp(tail):
        return tuple(parts[:-STAMP_DEPTH]), tail
    return tuple(parts), ()


def mark_latest(folders):
    """Marks the newest run folder of each policy directory as latest, the others not."""
    newest = {}
    for folder in folders:
        if folder.parts not in newest or folder.stamp > newest[folder.parts].stamp:
            newest[folder.parts] = folder
    for folder in folders:
        folder.latest = newest[folder.parts] is folder
    return folders


def stamp_of(moment):
    """A run folder's stamp for a datetime (UTC, as Custodian names its S3 run folders)."""
    return tuple(moment.strftime("%Y %m %d %H").split())


class LocalTree:
    def __init__(self, root, max_bytes=MAX_FILE_BYTES):
        if not os.path.isdir(root):
            raise SourceError("%s is not a directory" % root)
        self.root, self.max_bytes = root, max_bytes

    def __str__(self):
        return self.root

    def where(self, path):
        return os.path.normpath(os.path.join(self.root, path))

    def open(self, path):
        return open(self.where(path), "rb")

    def lock(self, path):
        return None  # a local file can always be rewritten

    def folders(self, wanted, pool, since=None):
        """The latest run folder of every directory; with a `since` stamp, the run folders
        synced down from S3 since then too (walking a local disk gains nothing from the
        pool)."""
        found = []
        for directory, _dirs, files in sorted(os.walk(self.root)):
            named = plain_names(files, wanted)
            if named:
                relative = os.path.relpath(directory, self.root)
                parts, stamp = split_stamp(relative.split(os.sep))
                found.append(
                    RunFolder(
                        self,
                        relative,
                        parts,
                        stamp,
                        {name: os.path.join(relative, stored) for name, stored in named.items()},
                    )
                )
        return [f for f in mark_latest(found) if f.latest or since is not None and f.stamp >= since]
