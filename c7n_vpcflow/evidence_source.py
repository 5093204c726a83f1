"""Where the evidence is: a local output tree or an S3 prefix, read as run folders.

`custodian run -s OUT` rewrites OUT/<policy>/ on every run. `-s s3://bucket/prefix`
uploads every run, each file gzipped, to prefix/<policy>/YYYY/MM/DD/HH/ (multi-region runs
put <region>/ and c7n-org <account name>/<region>/ before <policy>); a later run in the
same hour overwrites the files it writes. A tree synced down from S3 has the same run
folders. Both sources yield RunFolder records: the policy directory's path below the root,
the run folder's hour, and its files by their plain names (a .gz is read decompressed).

Cost on S3: a ListObjectsV2 (Delimiter "/") per folder visited. For the latest run of each
policy directory only the newest year, month, day and hour are visited (five listings per
policy directory, plus one per account and region folder above it), and only that run
folder's files are read. The history (the HTML report's chart) visits every run folder
and reads one more file from each: its flow-log-compliance.json.
"""
import gzip
import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

YEAR, TWO_DIGITS = re.compile(r"^\d{4}$"), re.compile(r"^\d\d$")
STAMP_DEPTH = 4   # YYYY/MM/DD/HH


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
        """The file's bytes, decompressed when stored gzipped; OSError when unreadable."""
        key = self.files[name]
        data = self.source.read(key)
        if key.endswith(".gz"):
            try:
                return gzip.decompress(data)
            except (OSError, EOFError) as e:
                raise OSError("not valid gzip (%s)" % e)
        return data


def plain_names(file_names, wanted):
    """{plain name: stored name} of the wanted files; a plain file beats its .gz."""
    found = {}
    for stored in sorted(file_names, key=lambda n: not n.endswith(".gz")):
        name = stored[:-3] if stored.endswith(".gz") else stored
        if name in wanted:
            found[name] = stored
    return found


def split_stamp(parts):
    """(policy directory parts, run folder stamp) of a folder's path parts."""
    tail = parts[-STAMP_DEPTH:]
    if (len(parts) > STAMP_DEPTH and YEAR.match(tail[0])
            and all(TWO_DIGITS.match(p) for p in tail[1:])):
        return tuple(parts[:-STAMP_DEPTH]), tuple(tail)
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


class LocalTree:
    def __init__(self, root):
        if not os.path.isdir(root):
            raise SourceError("%s is not a directory" % root)
        self.root = root

    def __str__(self):
        return self.root

    def where(self, path):
        return os.path.normpath(os.path.join(self.root, path))

    def read(self, path):
        with open(self.where(path), "rb") as f:
            return f.read()

    def folders(self, wanted, history=False):
        found = []
        for directory, _dirs, files in sorted(os.walk(self.root)):
            named = plain_names(files, wanted)
            if named:
                relative = os.path.relpath(directory, self.root)
                parts, stamp = split_stamp(relative.split(os.sep))
                found.append(RunFolder(self, relative, parts, stamp, {
                    name: os.path.join(relative, stored) for name, stored in named.items()}))
        return mark_latest(found)


class S3Prefix:
    """s3://bucket[/prefix][?region=...] (the form `custodian run -s` takes)."""

    def __init__(self, url, client=None):
        parsed = urlparse(url)
        self.url, self.bucket = url, parsed.netloc
        prefix = parsed.path.strip("/")
        self.prefix = prefix + "/" if prefix else ""
        if client is None:
            import boto3
            region = parse_qs(parsed.query).get("region", [None])[0]
            client = boto3.client("s3", region_name=region)
        self.client = client

    def __str__(self):
        return "s3://%s/%s" % (self.bucket, self.prefix)

    def where(self, key):
        return "s3://%s/%s" % (self.bucket, key)

    def read(self, key):
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except (ClientError, BotoCoreError) as e:
            raise OSError(str(e))

    def _list(self, prefix):
        """(sub-folder names, file names) directly under prefix."""
        from botocore.exceptions import BotoCoreError, ClientError
        folders, files = [], []
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(
                    Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
                folders += [p["Prefix"][len(prefix):-1] for p in page.get("CommonPrefixes", ())]
                files += [o["Key"][len(prefix):] for o in page.get("Contents", ())]
        except (ClientError, BotoCoreError) as e:
            raise SourceError("cannot list %s: %s" % (self.where(prefix), e))
        return folders, files

    def folders(self, wanted, history=False):
        found, pending = [], [(self.prefix, (), 0)]
        while pending:
            prefix, parts, depth = pending.pop()
            children, files = self._list(prefix)
            named = plain_names(files, wanted)
            if named and depth in (0, STAMP_DEPTH):
                policy_parts, stamp = split_stamp(parts)
                found.append(RunFolder(self, prefix, policy_parts, stamp, {
                    name: prefix + stored for name, stored in named.items()}))
            if depth == STAMP_DEPTH:
                continue
            dated = [c for c in children if (YEAR if depth == 0 else TWO_DIGITS).match(c)]
            if dated and not history:
                dated = [max(dated)]
            pending += [(prefix + c + "/", parts + (c,), depth + 1) for c in dated]
            if depth == 0:
                pending += [(prefix + c + "/", parts + (c,), 0)
                            for c in children if not YEAR.match(c)]
        return mark_latest(found)


def open_source(location, client=None):
    """The evidence source a command-line location names."""
    if location.startswith("s3://"):
        return S3Prefix(location, client)
    return LocalTree(location)
