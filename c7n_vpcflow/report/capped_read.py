"""Reading a file of evidence without trusting its size.

Any member account can write into its prefix of a central evidence bucket, and a 2 MB
gzip object can expand to 2 GiB: every file is read in chunks, decompressed as it streams,
and refused as soon as it passes the limit, so no more than the limit is ever held.
"""

import gzip
import zlib

MIB = 1 << 20
# A verdict on 10,000 VPCs is a few MiB; 64 MiB leaves room and bounds what one file costs.
MAX_FILE_BYTES = 64 * MIB
CHUNK = MIB


class TooLarge(OSError):
    """A file that is, or decompresses to, more than the reading limit."""

    def __init__(self, limit):
        super().__init__(
            "more than %s once decompressed (the --max-file-mib limit): refused" % size_text(limit)
        )


def size_text(count):
    return "%g MiB" % (count / MIB) if count >= MIB else "%d bytes" % count


def read_capped(stream, limit, gzipped=False):
    """The stream's bytes (decompressed when gzipped) if there are at most `limit` of them;
    TooLarge as soon as there are more, having taken at most `limit` + 1 of them (and the
    compressed bytes they came from); OSError when the gzip data is broken."""
    if gzipped:
        stream = gzip.GzipFile(fileobj=stream, mode="rb")
    chunks, size = [], 0
    try:
        while size <= limit:
            chunk = stream.read(min(CHUNK, limit + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise OSError("not valid gzip (%s)" % e) from None
    raise TooLarge(limit)
