"""Where the evidence is: a local output tree or an S3 prefix, read as run folders.

`custodian run -s OUT` rewrites OUT/<policy>/ on every run. `-s s3://bucket/prefix`
uploads every run, each file gzipped, to prefix/<policy>/YYYY/MM/DD/HH/ (multi-region runs
put <region>/ and c7n-org <account name>/<region>/ before <policy>); a later run in the
same hour overwrites the files it writes. A tree synced down from S3 has the same run
folders. Both sources yield RunFolder records: the policy directory's path below the root,
the run folder's hour, and its files by their plain names (a .gz is read decompressed).

Cost on S3, a request each: a ListObjectsV2 (Delimiter "/") of every folder above the run
folders (the root, each account, region and policy directory); then per policy directory
one listing of every key after the stamp of RECENT ago (or of `since`): the run folders
since then, ceil(keys / 1,000) requests (a daily or hourly run fits in one). The newest
of them is the latest run; only when there is none is it looked for by date: the newest
year, month and day folder (three listings, the day's keys in one). Then a GetObject per
file read: the latest run folder's metadata.json and our files in it; with `since` (the
HTML report's history), the flow-log-compliance.json of every run folder since then.
Listings and reads go `workers` at once (read_tree's pool).

Every file is read through a cap (capped_read): a file that is, or decompresses to, more
than the source's `max_bytes` is refused as corrupt once that many bytes were read, never
held whole.
"""
import os
import re
from concurrent.futures import FIRST_COMPLETED, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

from .capped_read import MAX_FILE_BYTES, read_capped

YEAR, TWO_DIGITS = re.compile(r"^\d{4}$"), re.compile(r"^\d\d$")
STAMP_DEPTH = 4   # YYYY/MM/DD/HH
DAY_DEPTH = STAMP_DEPTH - 1
# The latest state lists the run folders of this last while first: a daily run is in it.
RECENT = timedelta(days=2)


class SourceError(Exception):
    """The evidence location cannot be listed (no such directory or bucket, access denied)."""


@dataclass
class RunFolder:
    source: object
    directory: str    # the folder's path (local) or key prefix (S3) in its source
    parts: tuple      # the policy directory below the root: ([account, ][region, ]policy)
    stamp: tuple      # ("YYYY", "MM", "DD", "HH") of an S3 run folder; () for a directory
    files: dict       # plain file name -> path or key in the source
    latest: bool = True

    def where(self, name=None):
        return self.source.where(self.files[name] if name else self.directory)

    def read(self, name):
        """The file's bytes, decompressed when stored gzipped; OSError when unreadable,
        TooLarge past the source's limit."""
        key = self.files[name]
        with self.source.open(key) as stream:
            return read_capped(stream, self.source.max_bytes, key.endswith(".gz"))


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
    return (len(parts) == STAMP_DEPTH and bool(YEAR.match(parts[0]))
            and all(TWO_DIGITS.match(p) for p in parts[1:]))


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


def walk(pool, visit, start):
    """Every item visit(node) -> (items, child nodes) finds from `start` down, the nodes
    visited as the pool's workers come free (a listing never waits for its siblings)."""
    found, pending = [], {pool.submit(visit, start)}
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                items, children = future.result()
                found += items
                pending |= {pool.submit(visit, child) for child in children}
    finally:
        for future in pending:
            future.cancel()
    return found


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
                found.append(RunFolder(self, relative, parts, stamp, {
                    name: os.path.join(relative, stored) for name, stored in named.items()}))
        return [f for f in mark_latest(found)
                if f.latest or since is not None and f.stamp >= since]


class S3Prefix:
    """s3://bucket[/prefix][?region=...] (the form `custodian run -s` takes)."""

    def __init__(self, url, client=None, max_bytes=MAX_FILE_BYTES, connections=10):
        parsed = urlparse(url)
        self.url, self.bucket, self.max_bytes = url, parsed.netloc, max_bytes
        prefix = parsed.path.strip("/")
        self.prefix = prefix + "/" if prefix else ""
        if client is None:
            import boto3
            from botocore.config import Config
            region = parse_qs(parsed.query).get("region", [None])[0]
            client = boto3.client("s3", region_name=region,
                                  config=Config(max_pool_connections=connections))
        self.client = client

    def __str__(self):
        return "s3://%s/%s" % (self.bucket, self.prefix)

    def where(self, key):
        return "s3://%s/%s" % (self.bucket, key)

    @contextmanager
    def open(self, key):
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except (ClientError, BotoCoreError) as e:
            raise OSError(str(e))
        try:
            yield body
        except (ClientError, BotoCoreError) as e:   # the connection broke mid-read
            raise OSError(str(e))
        finally:
            body.close()

    def _list(self, prefix, whole=False, start_after=None):
        """(sub-folder names, file names) directly under prefix; whole: (), and the names
        of every key below it (after the key `start_after`)."""
        from botocore.exceptions import BotoCoreError, ClientError
        params = {"Bucket": self.bucket, "Prefix": prefix}
        if not whole:
            params["Delimiter"] = "/"
        if start_after:
            params["StartAfter"] = start_after
        folders, files = [], []
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(**params):
                folders += [p["Prefix"][len(prefix):-1] for p in page.get("CommonPrefixes", ())]
                files += [o["Key"][len(prefix):] for o in page.get("Contents", ())]
        except (ClientError, BotoCoreError) as e:
            raise SourceError("cannot list %s: %s" % (self.where(prefix), e))
        return folders, files

    def folders(self, wanted, pool, since=None):
        """The newest run folder of every policy directory; with a `since` stamp, every
        run folder since then too (() is before every stamp: all of them)."""
        start = since if since is not None else stamp_of(datetime.now(timezone.utc) - RECENT)

        def visit(node):
            kind, prefix, parts, stamp = node
            if kind == "undated":
                return self._undated(prefix, parts, wanted)
            if kind == "policy":
                found, nodes = self._since(prefix, parts, wanted, start, stamp)
                return (found if since is not None else newest(found)), nodes
            return self._dated(prefix, parts, wanted, stamp)

        return mark_latest(walk(pool, visit, ("undated", self.prefix, (), ())))

    def _undated(self, prefix, parts, wanted):
        """A folder above the run folders (the root, an account, a region, a policy
        directory): its own files as a run folder, its sub-folders to visit, and, when it
        has year folders, its run folders."""
        children, files = self._list(prefix)
        named = plain_names(files, wanted)
        found = [RunFolder(self, prefix, parts, (), {
            name: prefix + stored for name, stored in named.items()})] if named else []
        nodes = [("undated", prefix + c + "/", parts + (c,), ()) for c in children
                 if not YEAR.match(c)]
        years = tuple(sorted(c for c in children if YEAR.match(c)))
        if years:
            nodes.append(("policy", prefix, parts, years))
        return found, nodes

    def _since(self, prefix, parts, wanted, start, years):
        """A policy directory's run folders from `start` on, from one listing of the keys
        after it; when there are none, its newest run folder is looked for by date."""
        _none, keys = self._list(prefix, whole=True, start_after=prefix + "/".join(start))
        found = self._run_folders(prefix, parts, (), keys, wanted)
        if found:
            return found, []
        return [], [("dated", prefix + years[-1] + "/", parts, (years[-1],))]

    def _dated(self, prefix, parts, wanted, stamp):
        """The newest run folder below a year or month folder, down the newest month and
        day; a day folder is listed whole (its hours' files in one listing)."""
        if len(stamp) < DAY_DEPTH:
            children, _files = self._list(prefix)
            dated = sorted(c for c in children if TWO_DIGITS.match(c))
            return [], [("dated", prefix + dated[-1] + "/", parts, stamp + (dated[-1],))
                        ] if dated else []
        _none, keys = self._list(prefix, whole=True)
        return newest(self._run_folders(prefix, parts, stamp, keys, wanted)), []

    def _run_folders(self, prefix, parts, above, keys, wanted):
        """The run folders among the keys listed below the folder `prefix` of the policy
        directory `parts`, `above` the part of the stamp the folder already names."""
        runs = {}
        for key in keys:
            *rest, name = key.split("/")
            stamp = above + tuple(rest)
            if is_stamp(stamp):
                runs.setdefault(tuple(rest), []).append(name)
        found = []
        for rest, names in sorted(runs.items()):
            named = plain_names(names, wanted)
            folder = prefix + "".join(p + "/" for p in rest)
            if named:
                found.append(RunFolder(self, folder, parts, above + rest, {
                    name: folder + stored for name, stored in named.items()}))
        return found


def newest(folders):
    return [max(folders, key=lambda f: f.stamp)] if folders else []


def open_source(location, client=None, max_bytes=MAX_FILE_BYTES, connections=10):
    """The evidence source a command-line location names; `connections`: how many requests
    to S3 may be open at once (the size of the pool reading it)."""
    if location.startswith("s3://"):
        return S3Prefix(location, client, max_bytes, connections)
    return LocalTree(location, max_bytes)
