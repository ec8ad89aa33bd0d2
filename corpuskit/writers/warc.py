"""WARC/1.1 shards of a release: writing them, indexing them (CDXJ), reading and checking them.

A shard is a ``.warc.gz`` file whose first record is a ``warcinfo`` record, followed by four
records per article, each record in its own gzip member (so any record, or an article's run of
four, can be read from a byte range):

1. ``resource``: the capture's raw bytes, verbatim, at the mirror URL it was taken from (else at
   ``urn:corpuskit:capture:<sha256 of the bytes>``), typed as the capture is (Markdown-wrapped
   HTML for mirror and feed captures, JSON for records, HTML for pages).
2. ``resource``: `render_html` of the article at the article's own URL, so replay tools (pywb)
   show the article at its original address (``urn:corpuskit:article:<id>:html`` without one).
   ``WARC-Concurrent-To`` record 1.
3. ``metadata``: ``Article.to_json()`` at ``urn:corpuskit:article:<id>`` (a metadata record at the
   page URL would replace the page in pywb). ``WARC-Refers-To`` record 1, ``WARC-Concurrent-To``
   records 1 and 2.
4. ``conversion``: the article as plain text (`conversion_text`) at record 2's URI, as Common
   Crawl's WET files do. ``WARC-Refers-To`` record 1; no ``WARC-Concurrent-To``, which WARC 1.1
   (5.7) forbids on conversion records, as 5.11 forbids ``WARC-Refers-To`` on resource records.

Every record but the warcinfo carries ``WARC-Warcinfo-ID``. The bytes are a function of the
inputs (and of the corpuskit version and the `Deflate` library's): record IDs are uuid5 names of
their content, dates come from the article (else the release date), gzip headers carry no time,
name or OS, header order is fixed, and the deflate is ISA-L's or zlib-ng's (the copy their wheels
carry), whatever zlib the system has. Digests are
``sha256:<lowercase hex>``, computed once per block and shared by the record ID, the WARC
headers and the CDXJ line.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import socket
import struct
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache, partial
from typing import Any, BinaryIO

import isal
import surt
import surt.GoogleURLCanonicalizer
from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import iso_date_to_timestamp
from zlib_ng import zlib_ng

from ..data import Article
from ..schema import schema_id
from .render import render_html

WARC_VERSION = "WARC/1.1"
WARC_FORMAT = "WARC File Format 1.1"
WARC_SPEC = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"

# Namespace of corpuskit's record IDs: uuid5(NAMESPACE_URL, "https://corpuskit.org/ns/warc-record-id").
# Fixed for good: changing it changes every record ID of every release.
RECORD_ID_NAMESPACE = uuid.UUID("d9933beb-7d8c-5c02-b6c1-f8fa13080a42")

ARTICLE_RECORD_TYPES = ("resource", "resource", "metadata", "conversion")  # in file order

# Capture layout (Source.format) → media type of the raw bytes.
CAPTURE_MEDIA_TYPES = {
    "mirror": "text/markdown",
    "feed": "text/markdown",
    "record": "application/json",
    "html": "text/html",
}

_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?")
_URI_UNSAFE = re.compile(r"[\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_MIME_END = re.compile(r"[;\s]")  # cdxj-indexer's cut of Content-Type to the bare media type
_CHUNK = 1 << 16
_MEMBER_CHUNK = 1 << 14
_crc32 = zlib_ng.crc32
_pack_trailer = struct.Struct("<II").pack


@dataclass(frozen=True)
class WarcLocation:
    """Where an article's records are: one contiguous byte range of gzip members."""

    filename: str  # the WARC file's name, e.g. "articles-00000-of-00002.warc.gz"
    offset: int  # byte offset of the article's first record (its gzip member) in that file
    length: int  # total compressed bytes of all the article's records


# Deflate libraries: (compress(data, level, wbits), levels, default level, library version).
# ISA-L (Intel's, in the `isal` wheel) is the default: on the WARC records of the 10,000-capture
# benchmark corpus its level 2 deflates an article in 89 µs where zlib-ng's level 6 takes 284,
# for 3.5% more bytes (docs/performance.md). zlib-ng stays for archives that want the last few
# per cent at three times the CPU (levels 7-9 shave another 0.5-3%).
_LIBRARIES: dict[str, tuple[Callable[..., bytes], range, int, str]] = {
    "isal": (isal_zlib.compress, range(4), 2, isal.ISAL_VERSION),
    "zlib-ng": (zlib_ng.compress, range(10), 6, zlib_ng.ZLIBNG_RUNTIME_VERSION),
}
DEFLATE_LIBRARIES = tuple(_LIBRARIES)


@dataclass(frozen=True)
class Deflate:
    """How a WARC's gzip members are deflated: ``library`` (``isal`` or ``zlib-ng``) at
    ``level`` (None: the library's default, 2 for ISA-L's 0-3, 6 for zlib-ng's 0-9).

    The member bytes depend on the library's version (`deflate_versions`), and may on the
    processor family: ISA-L and zlib-ng pick code by CPU features at run time, and both are
    reported to write other (equally valid) streams on some CPUs (ISA-L without SSE4.2, zlib-ng
    on aarch64), which is why the manifest names the machine too.
    """

    library: str = "isal"
    level: int | None = None
    _compress: Callable[[bytes], bytes] = field(init=False, repr=False, compare=False)
    _header: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.library not in _LIBRARIES:
            raise ValueError(f"the deflate library must be one of {', '.join(_LIBRARIES)}: "
                             f"{self.library!r}")
        levels, default = _LIBRARIES[self.library][1:3]
        if self.level is None:
            object.__setattr__(self, "level", default)
        elif not isinstance(self.level, int) or self.level not in levels:
            raise ValueError(f"the {self.library} level must be {levels[0]} to {levels[-1]}: "
                             f"{self.level!r}")

        # XFL (RFC 1952): 2 for zlib-ng's slowest level, 4 for its fastest, else 0 (no claim)
        xfl = (2 if self.level == 9 else 4 if self.level == 1 else 0) \
            if self.library == "zlib-ng" else 0
        object.__setattr__(self, "_header", b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + bytes((xfl, 255)))
        object.__setattr__(self, "_compress", partial(_LIBRARIES[self.library][0],
                                                      level=self.level, wbits=-15))

    def gzip_member(self, data: bytes) -> bytes:
        """One gzip member (RFC 1952) holding ``data``: no file name, mtime 0, OS 255.

        Written here rather than by warcio's GzippingWrapper (fixed level 9) or gzip.compress,
        both of which let zlib write the OS byte of the machine that built it (gzip.compress
        does so from Python 3.11 when mtime is 0): the shard's bytes must not depend on the
        platform. The deflate is the library's own copy, not the zlib Python was linked to
        (Fedora's is zlib-ng-compat, others classic zlib, with different output).
        """
        return b"".join((self._header, self._compress(data),
                         _pack_trailer(_crc32(data), len(data) & 0xFFFFFFFF)))


def deflate_versions() -> dict[str, str]:
    """Versions of the deflate libraries (not of their Python packages) that the WARC records'
    bytes depend on: each package pins its library for its wheels."""
    return {name: entry[3] for name, entry in _LIBRARIES.items()}


def warc_date(value: str) -> str:
    """An RFC 3339 date or date-time as a WARC-Date: UTC, ``Z``, fractional seconds as given.

    A day alone becomes that day at 00:00:00Z; an offset is converted to UTC.
    """
    m = _RFC3339.fullmatch(value.strip())
    if m is None:
        raise ValueError(f"not an RFC 3339 date or date-time: {value!r}")
    day, time, fraction, zone = m.groups()
    if time is None:
        return f"{day}T00:00:00Z"
    fraction = fraction or ""
    if zone in ("Z", "z", "+00:00", "-00:00"):
        return f"{day}T{time}{fraction}Z"
    utc = datetime.fromisoformat(f"{day}T{time}{zone}").astimezone(timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M:%S}{fraction}Z"


# A WARC-Date as warc_date writes it, from year 1000 on (strftime would not pad an earlier one)
_WARC_DATE = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z")


def _timestamp(date: str) -> str:
    """The 14-digit CDXJ timestamp of a WARC-Date: what warcio's ``iso_date_to_timestamp``
    returns (or raises), which builds a datetime and formats it (5 µs); for the usual form its
    digits, once ``fromisoformat`` has checked the fields as that datetime does."""
    if _WARC_DATE.fullmatch(date):
        try:
            datetime.fromisoformat(date[:19])
        except ValueError:
            pass  # warcio raises its own error
        else:
            return f"{date[:4]}{date[5:7]}{date[8:10]}{date[11:13]}{date[14:16]}{date[17:19]}"
    return iso_date_to_timestamp(date)


def conversion_text(article: Article) -> str:
    """The conversion record's text: the title, a blank line, the body text, a final newline."""
    text = article.text.strip("\n")
    return f"{article.title}\n\n{text}\n" if text else f"{article.title}\n"


def capture_content_type(article: Article, raw: bytes, raw_sha256: str) -> str:
    """Content-Type of the raw capture record.

    When ``raw`` is not the capture the article's ``source`` describes (an article read from a
    JSON/JSONL record file keeps its original ``source``; ``raw`` is then the record file), the
    type comes from the bytes themselves: JSON when they look like it, else octet-stream.
    """
    if raw_sha256 != article.source.sha256:
        head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        return "application/json" if head in (b"{", b"[") else "application/octet-stream"
    media = CAPTURE_MEDIA_TYPES.get(article.source.format)
    if media is None:
        return "application/octet-stream"
    return f"{media}; charset={_iana_charset(article.source.encoding)}"


@lru_cache(maxsize=64)  # a handful of encodings, one lookup an article
def _iana_charset(encoding: str) -> str:
    """Python codec name → the IANA charset name a Content-Type carries (gb18030, big5-hkscs)."""
    name = encoding.lower().replace("_", "-")
    special = {"big5hkscs": "big5-hkscs", "utf-8-sig": "utf-8", "latin-1": "iso-8859-1",
               "euc-kr": "euc-kr", "shift-jis": "shift_jis", "ascii": "us-ascii"}
    if name in special:
        return special[name]
    if re.fullmatch(r"cp125\d", name):
        return "windows-" + name[2:]
    if name.startswith("iso8859-"):
        return "iso-8859-" + name[8:]
    return name


def _safe_uri(uri: str) -> str:
    """The URI with whitespace and controls percent-encoded (a WARC header line must not hold
    them; warcio's reader would re-encode spaces, making the index disagree with the header)."""
    if not _URI_UNSAFE.search(uri):
        return uri
    return _URI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), uri)


def _field(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name} must be one line: {value!r}")
    return value


# The URNs corpuskit makes (urn:corpuskit:capture:<sha256>, urn:corpuskit:article:<id>[:html])
# in the characters SURT leaves alone: it returns such a URN unchanged (tests/test_warc.py
# checks), so it is its own key. Anything else, upper case, "%", "#" or non-ASCII included, goes
# through surt, which lower-cases, unescapes, re-escapes or cuts such URNs.
_URN_KEY = re.compile(r"urn:corpuskit:[0-9a-z:]*")


# Plain http(s) URLs, keyed here rather than by surt, which is pure Python and builds objects
# (~15 µs a URL, two URLs an article). On this shape each step of surt 0.3.1's default
# canonicalisation does no more than `_plain_surt` does; tests/test_warc.py compares the two
# (hypothesis over URL shapes on both sides of every condition, and the seeds' URLs). The shape:
# a lower-case scheme, no user, port or fragment; a host of ASCII labels with one non-digit at
# least (all digits and dots is an IP address to surt, which then resolves it); a path and query
# of printable ASCII but "#" and "%", and escapes %XX only of bytes that surt's re-escaping
# (quote with its safe set) escapes again: controls, space, "#", DEL and non-ASCII, not "%"
# itself. Unescaping then re-escaping such a path gives it back with upper-case hex, which the
# lower-casing that follows makes no difference.
_ESCAPED = r"%(?:[01][0-9A-Fa-f]|2[03]|7[Ff]|[89A-Fa-f][0-9A-Fa-f])"
_PLAIN_URL = re.compile(
    r"https?://([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)"
    rf"((?:/(?:[^\x00-\x20#%?\x7f-\U0010ffff]|{_ESCAPED})*)?)"
    rf"(?:\?((?:[^\x00-\x20#%\x7f-\U0010ffff]|{_ESCAPED})*))?")
_DIGITS_AND_DOTS = re.compile(r"[0-9.]+")
_WWW = re.compile(r"www\d*\.")  # surt's massageHost: a leading www., www2. … goes
# what surt's session-ID patterns need: a "(" in the path (…/(S(id))/….aspx) or these in the
# query (jsessionid=, phpsessid=, sid=, ASPSESSIONIDxxxxxxxx=, cfid=…&cftoken=)
_QUERY_SESSION = ("jsessionid=", "sid=", "aspsessionid", "cfid=")  # sid= in phpsessid=


def _plain_surt(url: str) -> str | None:
    """surt.surt(url) for a plain http(s) URL (see _PLAIN_URL); None for any other."""
    m = _PLAIN_URL.fullmatch(url)
    if m is None:
        return None
    host, path, query = m.groups()
    # surt's path normalisation drops empty, "." and ".." segments (but a last empty one)
    if ("(" in path or "//" in path or "/./" in path or "/../" in path
            or path.endswith(("/.", "/.."))):
        return None
    if _DIGITS_AND_DOTS.fullmatch(host):
        return None
    host = host.lower()
    www = _WWW.match(host)
    if www is not None:
        host = host[www.end():]
    path = path.lower() or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    if not query:  # none, or an empty one ("…?"), which surt drops
        return f"{','.join(reversed(host.split('.')))}){path}"
    query = query.lower()
    if any(s in query for s in _QUERY_SESSION):
        return None
    if len(query) > 1:  # surt's alphaReorderQuery: "&"-separated pairs, sorted
        pairs = sorted(tuple(arg.split("=", 1)) for arg in query.split("&"))
        query = "&".join("=".join(p) for p in pairs)
    return f"{','.join(reversed(host.split('.')))}){path}?{query}"


def _urlkey(url: str) -> str:
    """The CDXJ sort key of a URL, as cdxj-indexer makes it (SURT; the URL if SURT fails)."""
    if _URN_KEY.fullmatch(url):
        return url
    return _surt_key(url)


@lru_cache(maxsize=16)  # an article's page and text records share their URI
def _surt_key(url: str) -> str:
    key = _plain_surt(url)
    if key is not None:
        return key
    with _surt_lock:
        resolve = surt.GoogleURLCanonicalizer.attemptIPFormats
        surt.GoogleURLCanonicalizer.attemptIPFormats = _numeric_ip
        try:
            return surt.surt(url)
        except Exception:  # cdxj-indexer falls back the same way
            return url
        finally:
            surt.GoogleURLCanonicalizer.attemptIPFormats = resolve


# surt's attemptIPFormats hands a host of digits and dots (1.2.3.4, 017.0.0.1, 1.2, 300.1.1.1)
# to socket.gethostbyname_ex, that is to the machine's resolver: glibc's answers such names
# itself, others may ask DNS, so the key could take a network query and depend on the machine.
# _surt_key swaps in this offline copy while it calls surt (under a lock, and put back after, so
# other users of surt in the process are not changed). It answers as glibc's resolver does:
# inet_aton's reading of the address (octal parts, short forms) or, when inet_aton rejects it,
# nothing, as for a failed lookup, and the host stays as it is.
_surt_lock = threading.Lock()


def _numeric_ip(host: bytes | None) -> bytes | None:
    if not host:
        return None
    if host.isdigit():  # as surt: the low four bytes of the number
        return socket.inet_ntoa(struct.pack(">L", int(host) & 0xFFFFFFFF)).encode("ascii")
    canonicalizer = surt.GoogleURLCanonicalizer  # its own patterns for an address's shape
    if canonicalizer.DECIMAL_IP.match(host) or canonicalizer.OCTAL_IP.match(host):
        try:
            return socket.inet_ntoa(socket.inet_aton(host.decode("ascii"))).encode("ascii")
        except (OSError, UnicodeDecodeError):
            return None
    return None


@lru_cache(maxsize=64)  # a handful of Content-Types
def _bare_mime(content_type: str) -> str:
    """The media type of a Content-Type, cut as cdxj-indexer cuts it (the index's ``mime``)."""
    return _MIME_END.split(content_type, 1)[0].strip()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_NAMESPACE_BYTES = RECORD_ID_NAMESPACE.bytes
_sha1 = hashlib.sha1


def _record_id(*parts: str) -> str:
    """``<urn:uuid:…>``, a uuid5 of the parts (type, URI, content hash…) in our namespace.

    What ``uuid.uuid5`` computes (RFC 4122 4.3: SHA-1 of namespace and name, version 5, variant
    10), without its UUID object, whose construction and str() cost 2.2 of its 3.5 µs; four
    IDs an article. tests/test_warc.py checks it against uuid5.
    """
    h = bytearray(_sha1(_NAMESPACE_BYTES + "\n".join(parts).encode("utf-8")).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # variant RFC 4122
    x = h.hex()
    return f"<urn:uuid:{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}>"


class WarcWriter:
    """Writes one WARC/1.1 .warc.gz shard: a warcinfo record first, then 4 records per article.

    The stream must be at the start of the file: offsets count the bytes this writer wrote. It
    is written to, flushed on `close`, never closed. Writing the same article twice into one
    shard raises ValueError (its record IDs would repeat).

    ``warcinfo=False`` writes a *segment*: the articles' records without the warcinfo record
    (whose ID they still name), with offsets counted from the segment's first byte. A shard is
    its warcinfo member followed by its segments' bytes, in order; the segments can be written
    by different processes, and the shard's bytes are the same as one writer's (gzip members
    are independent). `cdxj_entries` and `cdxj_line` give the segment's index lines at their
    offsets in the shard.
    """

    def __init__(self, stream: BinaryIO, filename: str, *, release: str, software: str,
                 warc_date: str, deflate: Deflate | None = None,
                 warcinfo: bool = True) -> None:
        if not filename or "/" in filename or "\\" in filename:
            raise ValueError(f"filename must be a bare file name, not a path: {filename!r}")
        self.filename = _field("filename", filename)
        self.release = _field("release", release)
        self.software = _field("software", software)
        self.warc_date = _default_warc_date(warc_date)
        self.deflate = deflate or Deflate()
        self._stream = stream
        self._offset = 0
        self._cdxj: list[tuple[str, str, str, str, str, int, int]] = []
        self._ids: set[str] = set()
        self._closed = False
        self.warcinfo_id = ""
        self._write_warcinfo(write=warcinfo)

    @property
    def bytes_written(self) -> int:
        """Size of the shard so far (for callers that cut shards by size)."""
        return self._offset

    def _write_warcinfo(self, write: bool = True) -> None:
        fields = [
            ("software", self.software),
            ("format", WARC_FORMAT),
            ("conformsTo", WARC_SPEC),
            ("isPartOf", self.release),
            ("description", "corpuskit release shard; per article: the raw capture (resource), "
                            "a rendered HTML page at the article URL (resource), the article "
                            "record as JSON (metadata) and its plain text (conversion)"),
            ("json-schema", schema_id()),
        ]
        block = "".join(f"{k}: {v}\r\n" for k, v in fields).encode("utf-8")
        sha = hashlib.sha256(block).hexdigest()
        self.warcinfo_id = _record_id(self.release, "warcinfo", self.filename, sha)
        self._ids.add(self.warcinfo_id)
        if write:
            self._write_record("warcinfo", self.warcinfo_id, None, self.warc_date,
                               "application/warc-fields", block, sha, "")

    def write_article(self, article: Article, raw: bytes, *,
                      record_json: str | bytes | None = None,
                      raw_sha256: str | None = None) -> WarcLocation:
        """Append the article's four records; where they are in the file.

        ``record_json``: ``article.to_json()`` (or its UTF-8) when the caller has it already
        (it is the metadata record's block, byte for byte); ``raw_sha256``: the hex SHA-256 of
        ``raw``, likewise (a pack hashed the file when it found it; `verify` checks the
        digests).
        """
        if self._closed:
            raise ValueError(f"{self.filename}: the writer is closed")
        date = self._article_date(article)
        raw_sha = raw_sha256 or hashlib.sha256(raw).hexdigest()
        if raw_sha == article.source.sha256 and article.source.mirror_url:
            capture_uri = _safe_uri(article.source.mirror_url)
        else:
            capture_uri = f"urn:corpuskit:capture:{raw_sha}"
        page_uri = _safe_uri(article.source_url or f"urn:corpuskit:article:{article.id}:html")
        meta_uri = f"urn:corpuskit:article:{article.id}"
        html = render_html(article)
        if record_json is None:
            record_json = article.to_json()
        meta = record_json.encode("utf-8") if isinstance(record_json, str) else record_json
        text = conversion_text(article).encode("utf-8")
        records = [  # (type, target URI, Content-Type, block, sha256 of the block)
            ("resource", capture_uri, capture_content_type(article, raw, raw_sha), raw, raw_sha),
            ("resource", page_uri, "text/html; charset=utf-8", html, _sha256(html)),
            ("metadata", meta_uri, "application/json", meta, _sha256(meta)),
            ("conversion", page_uri, "text/plain; charset=utf-8", text, _sha256(text)),
        ]
        ids = [_record_id(self.release, t, u, sha, article.id) for t, u, _, _, sha in records]
        if self._ids.intersection(ids):
            raise ValueError(f"{self.filename}: article {article.id} is already in this shard")
        self._ids.update(ids)
        capture_id, page_id = ids[0], ids[1]
        links: list[tuple[tuple[str, ...], str | None]] = [  # (WARC-Concurrent-To, -Refers-To)
            ((), None),
            ((capture_id,), None),
            ((capture_id, page_id), capture_id),
            ((), capture_id),
        ]
        ts = _timestamp(date)
        start = self._offset
        for (rec_type, uri, ctype, block, sha), rec_id, (concurrent, refers) in zip(
                records, ids, links, strict=True):
            self._write_record(rec_type, rec_id, uri, date, ctype, block, sha, ts,
                               concurrent=concurrent, refers_to=refers)
        return WarcLocation(self.filename, start, self._offset - start)

    def _article_date(self, article: Article) -> str:
        """WARC-Date of an article's records: captured, else published, else the release date."""
        for value in (article.captured_at, article.published_at):
            if value:
                return warc_date(value)
        return self.warc_date

    def _write_record(self, rec_type: str, rec_id: str, uri: str | None, date: str,
                      content_type: str, block: bytes, sha: str, timestamp: str, *,
                      concurrent: Sequence[str] = (), refers_to: str | None = None) -> None:
        """Serialize one record, gzip it as its own member, note its CDXJ line.

        The header block is what warcio's ``WARCWriter`` writes for these headers (version
        line, ``Name: value`` lines, a blank line; the block; CRLF CRLF), built here directly:
        warcio's record machinery cost more than gzip (tests/test_warc.py reads every record
        back with warcio).
        """
        digest = f"sha256:{sha}"
        warcinfo = rec_type == "warcinfo"
        head = (f"{WARC_VERSION}\r\nWARC-Type: {rec_type}\r\nWARC-Record-ID: {rec_id}\r\n"
                f"WARC-Date: {date}\r\n")
        if warcinfo:
            head += f"WARC-Filename: {self.filename}\r\n"
        if uri is not None:
            head += f"WARC-Target-URI: {uri}\r\n"
        if not warcinfo:
            head += f"WARC-Warcinfo-ID: {self.warcinfo_id}\r\n"
        for c in concurrent:
            head += f"WARC-Concurrent-To: {c}\r\n"
        if refers_to:
            head += f"WARC-Refers-To: {refers_to}\r\n"
        head += f"WARC-Block-Digest: {digest}\r\n"
        if not warcinfo:
            # these blocks carry no protocol headers: the payload is the whole block
            head += f"WARC-Payload-Digest: {digest}\r\n"
        head += f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
        member = self.deflate.gzip_member(b"".join((head.encode("utf-8"), block, b"\r\n\r\n")))
        offset = self._offset
        self._stream.write(member)
        self._offset += len(member)
        if uri is not None:
            self._cdxj.append((_urlkey(uri), timestamp, uri, _bare_mime(content_type), digest,
                               len(member), offset))

    def cdxj_entries(self) -> list[tuple[str, str, str, str, str, int, int]]:
        """The CDXJ lines of `cdxj_lines` as tuples, for `cdxj_line` (a segment's, with the
        segment's start offset in its shard)."""
        return list(self._cdxj)

    def cdxj_lines(self) -> list[str]:
        """CDXJ lines (no newline) of every record written so far but the warcinfo, unsorted.

        Each is what ``cdxj-indexer --records all`` writes for that record; sort them with
        `corpuskit.writers.cdxj.sort_cdxj`.
        """
        return [cdxj_line(self.filename, entry) for entry in self._cdxj]

    def close(self) -> None:
        """Flush the stream (which stays open: it is the caller's)."""
        if not self._closed:
            self._stream.flush()
            self._closed = True

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _default_warc_date(value: str) -> str:
    try:
        return warc_date(value)
    except ValueError:
        raise ValueError(f"warc_date must be RFC 3339 (the release date): {value!r}") from None


def cdxj_line(filename: str, entry: Sequence[Any], base: int = 0) -> str:
    """The CDXJ line (no newline) of one `WarcWriter.cdxj_entries` entry, its record ``base``
    bytes further into the file."""
    urlkey, timestamp, uri, mime, digest, length, offset = entry
    fields = {"url": uri, "mime": mime, "digest": digest, "length": str(length),
              "offset": str(offset + base), "filename": filename}
    # json.dumps defaults (ASCII, ", " and ": ") are what cdxj-indexer writes
    return f"{urlkey} {timestamp} {json.dumps(fields)}"


def iter_warc_articles(path: str | os.PathLike[str]
                       ) -> Iterator[tuple[Article, bytes, WarcLocation]]:
    """Read a shard back: for each article its Article (from the metadata record's JSON), the
    raw capture bytes (from the raw resource record) and its location.

    Raises ValueError when the records are not laid out as `WarcWriter` writes them; use
    `check_warc` to verify digests.
    """
    filename = os.path.basename(os.fspath(path))
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh, no_record_parse=True)
        group: list[tuple[str, str | None, bytes, int, int]] = []
        first = True
        for record in it:
            content = record.raw_stream.read()
            rec_type = record.rec_type
            headers = record.rec_headers
            offset, length = it.get_record_offset(), it.get_record_length()
            if first:
                first = False
                if rec_type != "warcinfo":
                    raise ValueError(f"{path}: offset 0: first record is {rec_type}, "
                                     "not warcinfo")
                continue
            expected = ARTICLE_RECORD_TYPES[len(group)]
            if rec_type != expected:
                raise ValueError(f"{path}: offset {offset}: {rec_type} record where a "
                                 f"{expected} record belongs")
            refers = headers.get_header("WARC-Refers-To")
            group.append((headers.get_header("WARC-Record-ID") or "", refers, content,
                          offset, length))
            if len(group) < len(ARTICLE_RECORD_TYPES):
                continue
            raw_id, _, raw, start, _ = group[0]
            _, meta_refers, meta, meta_offset, _ = group[2]
            if meta_refers != raw_id:
                raise ValueError(f"{path}: offset {meta_offset}: metadata record refers to "
                                 f"{meta_refers}, not to the capture record {raw_id}")
            end = group[-1][3] + group[-1][4]
            group = []
            yield (Article.from_dict(json.loads(meta)), raw,
                   WarcLocation(filename, start, end - start))
        if group:
            raise ValueError(f"{path}: offset {group[0][3]}: the last article has "
                             f"{len(group)} of its {len(ARTICLE_RECORD_TYPES)} records")


# ---------------------------------------------------------------------------------------------
# Checking


class _BrokenMember(Exception):
    pass


def _read_member(fh: BinaryIO, pos: int) -> tuple[int, bytes]:
    """(compressed length, content) of the gzip member at ``pos``; _BrokenMember if it is not
    a whole, valid member."""
    fh.seek(pos)
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    fed = 0
    chunk = _MEMBER_CHUNK  # most members are a few KB: read little, then more
    while True:
        buf = fh.read(chunk)
        chunk = _CHUNK
        if not buf:
            raise _BrokenMember("truncated gzip member (the file ends inside it)")
        try:
            parts.append(inflate.decompress(buf))
        except zlib.error as exc:
            raise _BrokenMember(f"broken gzip member ({exc})") from None
        fed += len(buf)
        if inflate.eof:
            return fed - len(inflate.unused_data), b"".join(parts)


def _resync(fh: BinaryIO, pos: int) -> int | None:
    """Offset of the next whole gzip member at or after ``pos``, or None."""
    while True:
        fh.seek(pos)
        window = fh.read(_CHUNK + 2)
        if len(window) < 3:
            return None
        hit = window.find(b"\x1f\x8b\x08")
        if hit < 0:
            pos += len(window) - 2
            continue
        try:
            _read_member(fh, pos + hit)
            return pos + hit
        except _BrokenMember:
            pos += hit + 1


def _iter_members(fh: BinaryIO) -> Iterator[tuple[int, int, bytes | None, str | None]]:
    """(offset, length, content, None) per gzip member; (offset, 0, None, problem) per broken
    stretch."""
    size = os.fstat(fh.fileno()).st_size
    pos = 0
    while pos < size:
        try:
            length, data = _read_member(fh, pos)
        except _BrokenMember as exc:
            yield pos, 0, None, str(exc)
            nxt = _resync(fh, pos + 1)
            if nxt is None:
                return
            pos = nxt
            continue
        yield pos, length, data, None
        pos += length


_HTTP_TYPES = ("response", "request")
_NO_CONCURRENT_TO = ("warcinfo", "conversion", "continuation")
_NO_REFERS_TO = ("warcinfo", "response", "resource", "request", "continuation")


def check_warc(path: str | os.PathLike[str],
               on_record: Callable[[int, int, StatusAndHeaders, str], None] | None = None
               ) -> list[str]:
    """Every problem found in a shard, as human-readable strings naming file, offset and record
    ID: recomputed WARC-Block-Digest / WARC-Payload-Digest (sha256) mismatches, missing warcinfo
    first, records without WARC-Warcinfo-ID, broken gzip members. [] when sound.

    Also: records that are not WARC/1.1, bad Content-Length, a member holding other than one
    record, repeated record IDs, WARC-Concurrent-To / WARC-Refers-To where WARC 1.1 forbids them.

    ``on_record(offset, length, headers, block_sha256)`` is called for every record read (in
    file order, whatever was found wrong with it), so a caller that wants more from the shard
    (`corpuskit.release.check`) reads and decompresses it once.
    """
    name = os.fspath(path)
    problems: list[str] = []
    parser = StatusAndHeadersParser([WARC_VERSION], verify=True)
    warcinfo_id: str | None = None
    seen: set[str] = set()
    count = 0
    with open(path, "rb") as fh:
        for offset, length, data, broken in _iter_members(fh):
            if data is None:
                problems.append(f"{name}: offset {offset}: {broken}")
                continue
            found: list[str] = []
            digest: list[str] = []
            headers = _check_record(data, parser, found, digest)
            rec_id = headers.get_header("WARC-Record-ID") if headers is not None else None
            if headers is not None:
                rec_type = headers.get_header("WARC-Type")
                if count == 0 and rec_type == "warcinfo":
                    warcinfo_id = rec_id
                elif count == 0:
                    found.append(f"first record is {rec_type}, not warcinfo")
                if rec_type != "warcinfo":
                    link = headers.get_header("WARC-Warcinfo-ID")
                    if not link:
                        found.append("no WARC-Warcinfo-ID")
                    elif warcinfo_id is not None and link != warcinfo_id:
                        found.append(f"WARC-Warcinfo-ID {link} is not this file's warcinfo "
                                     f"record {warcinfo_id}")
                if rec_id in seen:
                    found.append("WARC-Record-ID repeats an earlier record's")
                if rec_id:
                    seen.add(rec_id)
                count += 1
                if on_record is not None:
                    on_record(offset, length, headers, digest[0] if digest else "")
            problems.extend(f"{name}: offset {offset}: record {rec_id or '(none)'}: {p}"
                            for p in found)
    if count == 0 and not problems:
        problems.append(f"{name}: offset 0: no records (a shard starts with warcinfo)")
    return problems


class _Headers(StatusAndHeaders):
    """warcio's StatusAndHeaders with a dict lookup (`get_header` is called ~15 times a record
    while checking, and warcio's scans the list each time)."""

    def __init__(self, headers: list[tuple[str, str]], total_len: int) -> None:
        self.statusline = ""
        self.headers = headers
        self.protocol = WARC_VERSION
        self.total_len = total_len
        self.headers_buff = None
        self._first: dict[str, str] = {}
        for name, value in headers:
            self._first.setdefault(name.lower(), value)

    def get_header(self, name: str, default_value: str | None = None) -> str | None:
        return self._first.get(name.lower(), default_value)


def _parse_headers(data: bytes) -> tuple[StatusAndHeaders, int] | None:
    """A record's headers and where its block starts, as warcio's ``StatusAndHeadersParser``
    reads them, for the plain case only (a ``WARC/1.1`` line, UTF-8 ``Name: value`` lines
    ending in CRLF, no continuation lines); None for anything else."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = data[:end]
    if head.count(b"\n") != head.count(b"\r\n") or head.count(b"\r") != head.count(b"\n"):
        return None  # a lone CR or LF: readline() would cut lines elsewhere
    try:
        lines = head.decode("utf-8").split("\r\n")
    except UnicodeDecodeError:
        return None
    if lines[0] != WARC_VERSION:
        return None
    headers = []
    for line in lines[1:]:
        line = line.rstrip()  # as warcio strips each line
        name, sep, value = line.partition(":")
        if not line or not sep or line[0] in " \t":
            return None
        headers.append((name.rstrip(" \t"), value.lstrip()))
    return _Headers(headers, end + 4), end + 4


def _check_record(data: bytes, parser: StatusAndHeadersParser, found: list[str],
                  digest: list[str] | None = None) -> StatusAndHeaders | None:
    """Check one member's record, adding to ``found``; its headers, None if it is no record.

    The block's SHA-256 (hex) is appended to ``digest`` when the block could be cut out."""
    parsed = _parse_headers(data)
    if parsed is not None:
        headers, start = parsed
    else:  # anything unusual: warcio's parser, which also says what is wrong
        stream = io.BytesIO(data)
        try:
            headers = parser.parse(stream)
        except Exception as exc:  # warcio raises its own exception, or EOFError on nothing
            first = data.split(b"\n", 1)[0][:80]
            found.append(f"not a {WARC_VERSION} record (first line {first!r}) {exc}".rstrip())
            return None
        start = stream.tell()
    rec_type = headers.get_header("WARC-Type") or ""
    for required in ("WARC-Record-ID", "WARC-Type", "WARC-Date"):
        if not headers.get_header(required):
            found.append(f"no {required}")
    try:
        length = int(headers.get_header("Content-Length") or "")
    except ValueError:
        found.append(f"bad Content-Length {headers.get_header('Content-Length')!r}")
        return headers
    block = data[start:start + length]
    rest = data[start + length:]
    if len(block) < length:
        found.append(f"block is {len(block)} bytes, Content-Length says {length}")
    elif rest != b"\r\n\r\n":
        if rest.startswith(b"\r\n\r\n") and rest.strip():
            found.append("the gzip member holds more than one record")
        else:
            found.append("block not followed by exactly CRLF CRLF (Content-Length wrong?)")
    if rec_type in _NO_CONCURRENT_TO and headers.get_header("WARC-Concurrent-To"):
        found.append(f"WARC-Concurrent-To is not allowed in {rec_type} records")
    if rec_type in _NO_REFERS_TO and headers.get_header("WARC-Refers-To"):
        found.append(f"WARC-Refers-To is not allowed in {rec_type} records")

    payload: bytes | None = block
    uri = headers.get_header("WARC-Target-URI") or ""
    if rec_type in _HTTP_TYPES and uri.startswith(("http:", "https:")):
        cut = block.find(b"\r\n\r\n")
        payload = block[cut + 4:] if cut >= 0 else b""
    elif rec_type in ("revisit", "warcinfo"):
        payload = None  # a revisit's payload digest is the original's; warcinfo has none
    block_sha = hashlib.sha256(block).hexdigest()
    if digest is not None:
        digest.append(block_sha)
    checks = [("WARC-Block-Digest", block)]
    if payload is not None:
        checks.append(("WARC-Payload-Digest", payload))
    for header, content in checks:
        value = headers.get_header(header)
        if not value:
            found.append(f"no {header}")
            continue
        algo, _, encoded = value.partition(":")
        if algo.lower() != "sha256":
            found.append(f"{header} is {algo or value!r}, not sha256")
            continue
        # most payloads are the whole block: hash it once
        actual = block_sha if content is block else hashlib.sha256(content).hexdigest()
        if encoded != actual:
            found.append(f"{header} mismatch: header says {value}, content is sha256:{actual}")
    return headers
