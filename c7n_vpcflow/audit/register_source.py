"""Reading the exemption register from a local file or an S3 object, bounded in size.

The location is a path or s3://bucket/key (optionally ?versionId=... to pin the version
reviewed). Custodian fills a policy's variables into it before the run ({account_id},
{region}, --vars-file, c7n-org's vars); a name still in braces is one nothing defined, and
is refused before any call. An S3 object is read through the client the caller passes (the
filter's, from Custodian's session) with one GetObject whose Range asks for at most one
byte more than the limit, so no more than that ever arrives; what was read is recorded by
its SHA-256 and, for a versioned bucket, the version id S3 returned.
"""

import hashlib
import re
from urllib.parse import parse_qs, urlparse

from botocore.exceptions import BotoCoreError, ClientError

from c7n_vpcflow.audit.exemptions import Register, is_s3
from c7n_vpcflow.audit.register import MAX_EXEMPTION_DAYS, RegisterError, parse_register
from c7n_vpcflow.audit.templates import TemplateError, names_in
from c7n_vpcflow.audit.variables import HOW_TO_DEFINE
from c7n_vpcflow.errors import failed_call

# 1 MiB, about 5,000 entries of 200 bytes: far more than a reviewed register holds.
MAX_REGISTER_BYTES = 1 << 20
TOTAL_SIZE = re.compile(r"/(\d+)$")  # Content-Range: bytes 0-1048576/2000000


def s3_object(location):
    """(bucket, key, version id or None) of s3://bucket/key[?versionId=...]."""
    url = urlparse(location)
    query = parse_qs(url.query, keep_blank_values=True)
    key = url.path.lstrip("/")
    if not url.netloc or not key or key.endswith("/"):
        raise RegisterError(location, "not an S3 object: write s3://bucket/key")
    if set(query) - {"versionId"} or len(query.get("versionId", ())) > 1:
        raise RegisterError(location, "only ?versionId=... may follow the key")
    if query.get("versionId") == [""]:
        # Else the current object would be read under a URL that looks pinned.
        raise RegisterError(
            location, "?versionId= names no version: write the version reviewed, or no ?versionId"
        )
    return url.netloc, key, query.get("versionId", [None])[0]


def too_large(location, size, max_bytes):
    return RegisterError(
        location,
        "%s bytes: at most %d are read"
        % (size if size is not None else "more than %d" % max_bytes, max_bytes),
    )


def read_local(path, max_bytes):
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise RegisterError(path, "cannot read it: %s" % (e.strerror or e)) from None
    if len(data) > max_bytes:
        raise too_large(path, None, max_bytes)
    return data, None


def read_s3(location, client, max_bytes):
    bucket, key, version_id = s3_object(location)
    params = {"Bucket": bucket, "Key": key, "Range": "bytes=0-%d" % max_bytes}
    if version_id:
        params["VersionId"] = version_id
    try:
        response = client.get_object(**params)
        with response["Body"] as body:
            data = body.read(max_bytes + 1)
    except (BotoCoreError, ClientError) as e:
        if isinstance(e, ClientError) and e.response["Error"].get("Code") == "InvalidRange":
            return b"", version_id  # S3's answer to a range of an empty object
        raise RegisterError(
            location, "cannot read it: %s" % failed_call(client, "get_object", e)
        ) from None
    total = TOTAL_SIZE.search(response.get("ContentRange") or "")
    size = int(total.group(1)) if total else len(data)
    if size > max_bytes:
        raise too_large(location, size, max_bytes)
    version = response.get("VersionId")
    return data, version if version and version != "null" else None


def load_register(
    location, today, s3_client=None, max_days=MAX_EXEMPTION_DAYS, max_bytes=MAX_REGISTER_BYTES
):
    """The register at `location` (its policy variables filled in), checked for a run on
    `today`; RegisterError naming the first problem, before any call when the location
    itself is wrong."""
    try:
        names = names_in(location)
    except TemplateError as e:
        raise RegisterError(location, str(e)) from None
    if names:
        raise RegisterError(
            location,
            "uses %s, left unfilled: Custodian fills a string "
            "only when it knows every name in it (%s)"
            % (", ".join("{%s}" % n for n in names), HOW_TO_DEFINE),
        )
    if is_s3(location):
        data, version_id = read_s3(location, s3_client, max_bytes)
    else:
        data, version_id = read_local(location, max_bytes)
    if not data.strip():
        raise RegisterError(
            location, "empty: write exemptions: [] for a register without exemptions"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RegisterError(location, "not UTF-8 text (byte %d)" % e.start) from None
    return Register(
        location,
        parse_register(text, location, today, max_days),
        hashlib.sha256(data).hexdigest(),
        version_id,
    )
