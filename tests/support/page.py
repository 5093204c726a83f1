"""Reading what the HTML report shows: its tables parsed, its screenshot decoded."""

import re
import struct
import zlib
from html.parser import HTMLParser


class ReportPage(HTMLParser):
    """The rows, sections and outside references of one HTML report."""

    def __init__(self, text):
        super().__init__()
        self.references = []  # every src/href/url(...) value
        self.tables = {}  # table id or "account/region" -> [[cell text, ...]]
        self.row_attrs = {}  # same key -> [attrs of each body row]
        self.ids, self.points, self._cell = set(), 0, None
        self._table = self._row = None
        self.feed(text)
        self.references += re.findall(r"url\(([^)]*)\)", text)
        # The headline figures: {label: the figure as shown}.
        self.totals = dict(re.findall(r'data-total="([^"]+)"><b>([^<]*)</b>', text))

    def summary(self):
        """({(account, region): [VPCs, compliant, exempt, non-compliant, fixed, failed]} of the
        judged rows, {(account, region): (standing, its cause row)} of the others)."""
        table, attrs = self.tables["account-regions"], self.row_attrs["account-regions"]
        judged, others = {}, {}
        for cells, row in zip(table[1:], attrs):
            key = (row["data-account"], row["data-region"])
            if row["class"] == "judged":
                judged[key] = [int(c) for c in cells[2:8]]
            elif row["class"] == "cause-row":
                assert len(cells) == 1 and key in others  # one full-width cell under its row
                others[key] = (others[key][0], cells[0])
            else:
                others[key] = (row["class"], None)
        return judged, others

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.references += [attrs[a] for a in ("src", "href") if a in attrs]
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "circle" and attrs.get("class") == "point":
            self.points += 1
        if tag == "table":
            self._table = attrs.get("id") or "%s/%s" % (
                attrs.get("data-account"),
                attrs.get("data-region"),
            )
            self.tables[self._table], self.row_attrs[self._table] = [], []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        if tag == "tr" and self._table and attrs:
            self.row_attrs[self._table].append(attrs)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_png(path):
    """(width, height, rows of pixel bytes) of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, idat = 8, {}, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IDAT":
            idat += body
        chunks.setdefault(kind, body)
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    step = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * step
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(step, stride):
                line[i] = (line[i] + line[i - step]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - step] if i >= step else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - step] if i >= step else 0
                upper_left = previous[i - step] if i >= step else 0
                line[i] = (line[i] + _paeth(left, previous[i], upper_left)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows, step
