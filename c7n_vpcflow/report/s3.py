"""The evidence in an S3 prefix (`custodian run -s s3://...`, the central evidence bucket),
listed and read concurrently; report.source says what a run folder is and what reading
one costs."""

from concurrent.futures import FIRST_COMPLETED, wait
from contextlib import contextmanager
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlparse

from c7n_vpcflow.report.capped_read import MAX_FILE_BYTES
from c7n_vpcflow.report.checks import REGION
from c7n_vpcflow.report.source import (
    DAY_DEPTH,
    RECENT,
    TWO_DIGITS,
    YEAR,
    Lock,
    RunFolder,
    SourceError,
    is_stamp,
    mark_latest,
    plain_names,
    stamp_of,
)


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


class S3Prefix:
    """s3://bucket[/prefix][?region=...] (the form `custodian run -s` takes)."""

    def __init__(self, url, client=None, max_bytes=MAX_FILE_BYTES, connections=10):
        parsed = urlparse(url)
        if not parsed.netloc:
            raise SourceError("%s names no bucket: give s3://bucket[/prefix]" % url)
        self.url, self.bucket, self.max_bytes = url, parsed.netloc, max_bytes
        self.locks = {}  # key -> the Lock of the version read, from its GetObject
        prefix = parsed.path.strip("/")
        self.prefix = prefix + "/" if prefix else ""
        if client is None:
            import boto3
            from botocore.config import Config

            region = parse_qs(parsed.query).get("region", [None])[0]
            client = boto3.client(
                "s3", region_name=region, config=Config(max_pool_connections=connections)
            )
        self.client = client

    def __str__(self):
        return "s3://%s/%s" % (self.bucket, self.prefix)

    def where(self, key):
        return "s3://%s/%s" % (self.bucket, key)

    @contextmanager
    def open(self, key):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as e:
            raise OSError(str(e)) from None
        # GetObject says the Object Lock of the very version it returns (to a reader
        # allowed s3:GetObjectRetention; S3 leaves it out for others): no request more.
        if response.get("ObjectLockMode") and response.get("ObjectLockRetainUntilDate"):
            self.locks[key] = Lock(
                response["ObjectLockMode"], response["ObjectLockRetainUntilDate"]
            )
        body = response["Body"]
        try:
            yield body
        except (ClientError, BotoCoreError) as e:  # the connection broke mid-read
            raise OSError(str(e)) from None
        finally:
            body.close()

    def lock(self, key):
        return self.locks.get(key)

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
                folders += [p["Prefix"][len(prefix) : -1] for p in page.get("CommonPrefixes", ())]
                files += [o["Key"][len(prefix) :] for o in page.get("Contents", ())]
        except (ClientError, BotoCoreError) as e:
            raise SourceError(
                "cannot list %s: %s" % (self.where(prefix), " ".join(str(e).split()))
            ) from None
        return folders, files

    def folders(self, wanted, pool, since=None):
        """The newest run folder of every policy directory; with a `since` stamp, every
        run folder since then too (() is before every stamp: all of them)."""
        start = since if since is not None else stamp_of(datetime.now(timezone.utc) - RECENT)

        def visit(node):
            kind, prefix, parts, extra = node
            if kind in ("undated", "listed"):
                return self._undated(prefix, parts, wanted, since_listed=kind == "listed")
            if kind == "since":
                found, nodes = self._since(prefix, parts, wanted, start, extra)
                return (found if since is not None else newest(found)), nodes
            return self._dated(prefix, parts, wanted, extra)

        return mark_latest(walk(pool, visit, ("undated", self.prefix, (), ())))

    def _undated(self, prefix, parts, wanted, since_listed=False):
        """A folder above the run folders (the root, an account, a region, a policy
        directory): its own files as a run folder, its sub-folders to visit, and, when it
        has year folders, its run folders (by date when its keys since `start` were listed
        already and held none)."""
        children, files = self._list(prefix)
        named = plain_names(files, wanted)
        found = (
            [
                RunFolder(
                    self,
                    prefix,
                    parts,
                    (),
                    {name: prefix + stored for name, stored in named.items()},
                )
            ]
            if named
            else []
        )
        # Custodian puts only policy directories in a region folder: each is listed from
        # `start` on straight away, which saves listing it first.
        below_region = bool(parts) and REGION.match(parts[-1])
        nodes = [
            ("since", prefix + c + "/", parts + (c,), None)
            if below_region
            else ("undated", prefix + c + "/", parts + (c,), ())
            for c in children
            if not YEAR.match(c)
        ]
        years = tuple(sorted(c for c in children if YEAR.match(c)))
        if years and since_listed:
            nodes.append(("dated", prefix + years[-1] + "/", parts, (years[-1],)))
        elif years:
            nodes.append(("since", prefix, parts, years))
        return found, nodes

    def _since(self, prefix, parts, wanted, start, years):
        """A policy directory's run folders from `start` on, from one listing of the keys
        after it. When there are none, its newest run folder is looked for by date: below
        its newest year folder, or (`years` None: a directory in a region folder, not
        listed before) after a listing of the directory itself."""
        _none, keys = self._list(prefix, whole=True, start_after=prefix + "/".join(start))
        found = self._run_folders(prefix, parts, (), keys, wanted)
        if not found:
            return [], [
                ("listed", prefix, parts, ())
                if years is None
                else ("dated", prefix + years[-1] + "/", parts, (years[-1],))
            ]
        own = plain_names([k for k in keys if "/" not in k], wanted)
        if own and years is None:  # its own files: after any stamp, among the keys
            found.append(
                RunFolder(
                    self, prefix, parts, (), {name: prefix + stored for name, stored in own.items()}
                )
            )
        return found, []

    def _dated(self, prefix, parts, wanted, stamp):
        """The newest run folder below a year or month folder, down the newest month and
        day; a day folder is listed whole (its hours' files in one listing)."""
        if len(stamp) < DAY_DEPTH:
            children, _files = self._list(prefix)
            dated = sorted(c for c in children if TWO_DIGITS.match(c))
            return [], [
                ("dated", prefix + dated[-1] + "/", parts, stamp + (dated[-1],))
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
                found.append(
                    RunFolder(
                        self,
                        folder,
                        parts,
                        above + rest,
                        {name: folder + stored for name, stored in named.items()},
                    )
                )
        return found


def newest(folders):
    return [max(folders, key=lambda f: f.stamp)] if folders else []
