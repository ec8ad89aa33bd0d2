"""WARC shards: layout, determinism, digests, reading back, checking (warcio and check_warc)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
import zlib
from pathlib import Path
from unittest import mock

import pytest
import surt
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.recordbuilder import RecordBuilder
from warcio.timeutils import iso_date_to_timestamp
from zlib_ng import zlib_ng

import corpuskit
from corpuskit.writers.render import render_html
from corpuskit.writers.warc import (
    RECORD_ID_NAMESPACE,
    Deflate,
    WarcLocation,
    WarcWriter,
    _plain_surt,
    _record_id,
    _timestamp,
    _urlkey,
    check_warc,
    conversion_text,
    iter_warc_articles,
    warc_date,
)

NAME = "articles-00000-of-00001.warc.gz"
RELEASE = "corpuskit-seeds-2024.05.01"
RELEASE_DATE = "2024-05-01T00:00:00Z"


def seed_inputs() -> list[tuple[corpuskit.Article, bytes]]:
    return [(corpuskit.extract(p), p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))]


def build(items, name: str = NAME, release: str = RELEASE
          ) -> tuple[bytes, list[WarcLocation], WarcWriter]:
    out = io.BytesIO()
    writer = WarcWriter(out, name, release=release, software="corpuskit/test",
                        warc_date=RELEASE_DATE)
    locations = [writer.write_article(a, raw) for a, raw in items]
    writer.close()
    return out.getvalue(), locations, writer


@pytest.fixture(scope="module")
def inputs() -> list[tuple[corpuskit.Article, bytes]]:
    return seed_inputs()


@pytest.fixture(scope="module")
def shard(inputs, tmp_path_factory) -> tuple[Path, list[WarcLocation]]:
    data, locations, _ = build(inputs)
    path = tmp_path_factory.mktemp("warc") / NAME
    path.write_bytes(data)
    return path, locations


def records(data: bytes) -> list[tuple[dict[str, list[str]], str, bytes]]:
    """(headers as name → values, type, block) of every record, read with warcio."""
    out = []
    for rec in ArchiveIterator(io.BytesIO(data), no_record_parse=True):
        headers: dict[str, list[str]] = {}
        for k, v in rec.rec_headers.headers:
            headers.setdefault(k, []).append(v)
        out.append((headers, rec.rec_type, rec.raw_stream.read()))
    return out


def members(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """(offset, compressed bytes, content) of every gzip member."""
    out, pos = [], 0
    while pos < len(data):
        inflate = zlib.decompressobj(31)
        content = inflate.decompress(data[pos:])
        end = len(data) - len(inflate.unused_data)
        out.append((pos, data[pos:end], content))
        pos = end
    return out


# --- round trip --------------------------------------------------------------------------------


def test_round_trip_articles_raw_bytes_and_locations(shard, inputs):
    path, locations = shard
    back = list(iter_warc_articles(path))
    assert len(back) == 5
    for (article, raw, loc), (orig, orig_raw), written, seed in zip(
            back, inputs, locations, sorted(SEEDS.glob("*.txt")), strict=True):
        assert article == orig
        assert article.to_json() == orig.to_json()
        assert raw == orig_raw == seed.read_bytes()
        assert loc == written
        assert loc.filename == NAME


def test_byte_range_holds_exactly_the_articles_four_records(shard, inputs):
    path, locations = shard
    data = path.read_bytes()
    for (article, raw), loc in zip(inputs, locations, strict=True):
        chunk = data[loc.offset:loc.offset + loc.length]
        got = [(rec.rec_type, rec.raw_stream.read())
               for rec in ArchiveIterator(io.BytesIO(chunk), no_record_parse=True)]
        assert [t for t, _ in got] == ["resource", "resource", "metadata", "conversion"]
        assert got[0][1] == raw
        assert got[1][1] == render_html(article)
        assert json.loads(got[2][1])["id"] == article.id
        assert got[3][1] == conversion_text(article).encode("utf-8")
    # the ranges tile the file after the warcinfo record
    assert locations[0].offset == members(data)[1][0]
    for a, b in itertools.pairwise(locations):
        assert a.offset + a.length == b.offset
    assert locations[-1].offset + locations[-1].length == len(data)


# --- layout ------------------------------------------------------------------------------------


def test_warcinfo_first_then_four_linked_records_per_article(shard, inputs):
    path, _ = shard
    recs = records(path.read_bytes())
    assert len(recs) == 1 + 4 * len(inputs)
    info, info_type, info_block = recs[0]
    assert info_type == "warcinfo"
    assert info["WARC-Date"] == [RELEASE_DATE]
    assert info["WARC-Filename"] == [NAME]
    fields = dict(line.split(": ", 1) for line in info_block.decode().splitlines())
    assert fields["software"] == "corpuskit/test"
    assert fields["format"] == "WARC File Format 1.1"
    assert fields["isPartOf"] == RELEASE
    info_id = info["WARC-Record-ID"][0]

    all_ids = [h["WARC-Record-ID"][0] for h, _, _ in recs]
    assert len(set(all_ids)) == len(all_ids)
    for i, (article, raw) in enumerate(inputs):
        (raw_h, _, _), (page_h, _, _), (meta_h, _, meta), (text_h, _, text) = \
            recs[1 + 4 * i:5 + 4 * i]
        for h in (raw_h, page_h, meta_h, text_h):
            assert h["WARC-Warcinfo-ID"] == [info_id]
            assert h["WARC-Record-ID"][0].startswith("<urn:uuid:")
            assert h["WARC-Block-Digest"] == h["WARC-Payload-Digest"]
        raw_id, page_id = raw_h["WARC-Record-ID"][0], page_h["WARC-Record-ID"][0]

        mirror = article.source.mirror_url
        capture_urn = f"urn:corpuskit:capture:{article.source.sha256}"
        assert raw_h["WARC-Target-URI"] == [mirror or capture_urn]
        assert raw_h["Content-Type"] == ["text/markdown; charset=utf-8"]
        assert raw_h["WARC-Block-Digest"] == [f"sha256:{hashlib.sha256(raw).hexdigest()}"]
        assert "WARC-Concurrent-To" not in raw_h and "WARC-Refers-To" not in raw_h

        assert page_h["WARC-Target-URI"] == [article.source_url]
        assert page_h["Content-Type"] == ["text/html; charset=utf-8"]
        assert page_h["WARC-Concurrent-To"] == [raw_id]
        assert "WARC-Refers-To" not in page_h  # WARC 1.1 5.11: not in resource records

        assert meta_h["WARC-Target-URI"] == [f"urn:corpuskit:article:{article.id}"]
        assert meta_h["Content-Type"] == ["application/json"]
        assert meta_h["WARC-Refers-To"] == [raw_id]
        assert meta_h["WARC-Concurrent-To"] == [raw_id, page_id]
        assert meta == article.to_json().encode("utf-8")

        assert text_h["WARC-Target-URI"] == page_h["WARC-Target-URI"]
        assert text_h["Content-Type"] == ["text/plain; charset=utf-8"]
        assert text_h["WARC-Refers-To"] == [raw_id]
        assert "WARC-Concurrent-To" not in text_h  # WARC 1.1 5.7: not in conversion records
        assert text.decode("utf-8") == f"{article.title}\n\n{article.text}\n"


def test_header_order_and_version_line(shard):
    data = shard[0].read_bytes()
    content = members(data)[2][2]  # the first article's rendered page
    head = content[:content.index(b"\r\n\r\n")].decode().split("\r\n")
    assert head[0] == "WARC/1.1"
    assert [line.split(":", 1)[0] for line in head[1:]] == [
        "WARC-Type", "WARC-Record-ID", "WARC-Date", "WARC-Target-URI", "WARC-Warcinfo-ID",
        "WARC-Concurrent-To", "WARC-Block-Digest", "WARC-Payload-Digest", "Content-Type",
        "Content-Length"]


def test_warc_date_from_capture_then_publication_then_release(inputs):
    feed, _ = inputs[1]  # captured_at set
    mirror, raw = inputs[0]  # day-only published_at, no captured_at
    assert feed.captured_at == "2023-10-19T13:17:02Z"
    assert mirror.captured_at is None and mirror.published_at == "2023-07-26"
    undated = dataclasses.replace(mirror, published_at=None, published_precision=None,
                                  published_local=None, published_source=None)
    fractional = dataclasses.replace(mirror, id="0123456789abcdef",
                                     captured_at="2023-07-26T01:02:03.456Z")
    data, _, _ = build([inputs[1], (mirror, raw)])
    dates = [h["WARC-Date"][0] for h, _, _ in records(data)]
    assert dates == [RELEASE_DATE] + ["2023-10-19T13:17:02Z"] * 4 + ["2023-07-26T00:00:00Z"] * 4
    data, _, _ = build([(undated, raw), (fractional, raw)])
    dates = [h["WARC-Date"][0] for h, _, _ in records(data)]
    assert dates == [RELEASE_DATE] * 5 + ["2023-07-26T01:02:03.456Z"] * 4


def test_warc_date_normalisation():
    assert warc_date("2023-07-26") == "2023-07-26T00:00:00Z"
    assert warc_date("2023-10-19T13:08:46.609Z") == "2023-10-19T13:08:46.609Z"
    assert warc_date("2023-09-14T10:23:55-04:00") == "2023-09-14T14:23:55Z"
    with pytest.raises(ValueError):
        warc_date("yesterday")


def test_capture_uri_and_type_without_urls_and_from_record_files(inputs, tmp_path):
    feed, _ = inputs[1]
    bare = dataclasses.replace(feed, source_url=None)
    data, _, _ = build([(bare, inputs[1][1])])
    recs = records(data)
    assert recs[1][0]["WARC-Target-URI"] == [f"urn:corpuskit:capture:{feed.source.sha256}"]
    assert recs[2][0]["WARC-Target-URI"] == [f"urn:corpuskit:article:{feed.id}:html"]
    assert recs[4][0]["WARC-Target-URI"] == [f"urn:corpuskit:article:{feed.id}:html"]

    # An article read from a JSONL record file keeps its original `source`; the raw bytes are
    # then the record file, which is labelled as what it is, at its own hash.
    jsonl = (inputs[0][0].to_json() + "\n" + inputs[2][0].to_json() + "\n").encode("utf-8")
    (tmp_path / "records.jsonl").write_bytes(jsonl)
    from_records = list(corpuskit.iter_articles([tmp_path / "records.jsonl"]))
    assert len(from_records) == 2
    data, _, _ = build([(a, jsonl) for a in from_records])
    recs = records(data)
    sha = hashlib.sha256(jsonl).hexdigest()
    for raw_rec in (recs[1], recs[5]):
        assert raw_rec[0]["Content-Type"] == ["application/json"]
        assert raw_rec[0]["WARC-Target-URI"] == [f"urn:corpuskit:capture:{sha}"]
        assert raw_rec[2] == jsonl
    assert recs[1][0]["WARC-Record-ID"] != recs[5][0]["WARC-Record-ID"]
    assert check_warc_bytes(data, tmp_path) == []


def test_same_article_twice_is_refused(inputs):
    writer = WarcWriter(io.BytesIO(), NAME, release=RELEASE, software="t", warc_date=RELEASE_DATE)
    writer.write_article(*inputs[0])
    with pytest.raises(ValueError, match="already"):
        writer.write_article(*inputs[0])


def test_close_flushes_but_leaves_the_stream_open(inputs):
    out = io.BytesIO()
    with WarcWriter(out, NAME, release=RELEASE, software="t", warc_date=RELEASE_DATE) as writer:
        writer.write_article(*inputs[0])
    assert not out.closed
    assert writer.bytes_written == len(out.getvalue())
    with pytest.raises(ValueError):
        writer.write_article(*inputs[1])


# --- determinism -------------------------------------------------------------------------------


def test_same_inputs_give_identical_bytes(inputs, monkeypatch):
    first, _, _ = build(inputs)

    # never the clock or a random ID: warcio's own sources of both are made to fail
    def boom(*args, **kwargs):
        raise AssertionError("clock or random ID used")

    monkeypatch.setattr(RecordBuilder, "_make_warc_id", classmethod(boom))
    monkeypatch.setattr(RecordBuilder, "_make_warc_date", classmethod(boom))
    again, _, _ = build(seed_inputs())
    assert again == first
    # another release gets other record IDs (IDs stay unique across releases)
    other, _, _ = build(inputs, release="corpuskit-seeds-2024.06.01")
    ids = {h["WARC-Record-ID"][0] for h, _, _ in records(first)}
    assert ids.isdisjoint(h["WARC-Record-ID"][0] for h, _, _ in records(other))


@pytest.mark.slow
def test_another_process_writes_the_same_bytes(shard):
    """No dependence on hash seeds, process state or the clock: a fresh interpreter agrees."""
    script = (
        "import hashlib, io, sys; sys.path.insert(0, sys.argv[1]); import test_warc as t; "
        "print(hashlib.sha256(t.build(t.seed_inputs())[0]).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)],
                          capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == hashlib.sha256(shard[0].read_bytes()).hexdigest()


def test_gzip_members_carry_no_time_name_or_os(shard):
    for _, member, _ in members(shard[0].read_bytes()):
        assert member[:4] == b"\x1f\x8b\x08\x00"  # deflate, no FNAME/FCOMMENT/FEXTRA flags
        assert member[4:8] == b"\x00\x00\x00\x00"  # mtime 0
        assert member[9] == 255  # OS unknown


DEFLATERS = {"isal": isal_zlib.compress, "zlib-ng": zlib_ng.compress}


@pytest.mark.parametrize(("library", "level"), [
    ("isal", 0), ("isal", 2), ("isal", 3), ("zlib-ng", 0), ("zlib-ng", 1), ("zlib-ng", 6),
    ("zlib-ng", 9)])
def test_members_are_the_chosen_librarys_deflate_at_its_level(inputs, library, level):
    """The deflate is the chosen library's at the given level (not the system zlib's), and any
    inflater (here the stdlib's) reads it back."""
    out = io.BytesIO()
    writer = WarcWriter(out, NAME, release=RELEASE, software="corpuskit/test",
                        warc_date=RELEASE_DATE, deflate=Deflate(library, level))
    for article, raw in inputs[:3]:
        writer.write_article(article, raw)
    for _, member, content in members(out.getvalue()):
        xfl = 0 if library == "isal" else 2 if level == 9 else 4 if level == 1 else 0
        assert member[8] == xfl
        assert member[10:-8] == DEFLATERS[library](content, level, -15)
        assert member[-8:] == (zlib.crc32(content).to_bytes(4, "little")
                               + len(content).to_bytes(4, "little"))


def test_default_deflate_is_isal_level_2(inputs):
    """ISA-L's level 2 by default (docs/performance.md: a third of zlib-ng 6's CPU)."""
    default, chosen = io.BytesIO(), io.BytesIO()
    for out, deflate in ((default, None), (chosen, Deflate("isal", 2))):
        writer = WarcWriter(out, NAME, release=RELEASE, software="corpuskit/test",
                            warc_date=RELEASE_DATE, deflate=deflate)
        for article, raw in inputs[:3]:
            writer.write_article(article, raw)
    assert default.getvalue() == chosen.getvalue()
    assert Deflate() == Deflate("isal", 2) and Deflate("zlib-ng").level == 6


@pytest.mark.parametrize(("library", "level"), [
    ("isal", -1), ("isal", 4), ("zlib-ng", 10), ("zlib-ng", "6"), ("zlib", 6), ("", None)])
def test_deflate_out_of_range_is_refused(library, level):
    with pytest.raises(ValueError, match=r"(level|library) must be"):
        Deflate(library, level)


def outcome(fn, *args) -> str:
    """What fn returns, or the type and message of what it raises."""
    try:
        return fn(*args)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


@given(st.one_of(
    st.datetimes().map(lambda d: warc_date(d.isoformat() + "Z")),
    st.datetimes().map(lambda d: warc_date(d.isoformat(timespec="microseconds") + "1Z")),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{0,3})?Z?",
                  fullmatch=True),
    st.sampled_from(["0999-12-31T23:59:59Z", "1000-01-01T00:00:00Z", "2024-02-29T00:00:00Z",
                     "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z",
                     "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-01-01T00:00:00.Z",
                     "\u0662024-01-01T00:00:00Z", "2024-01-01T00:00:00+01:00"])))
def test_timestamps_are_warcios(date):
    assert outcome(_timestamp, date) == outcome(iso_date_to_timestamp, date)


# --- record IDs and index keys -----------------------------------------------------------------


@given(st.lists(st.text(), min_size=1, max_size=6))
def test_record_ids_are_uuid5_names_in_the_namespace(parts):
    expected = uuid.uuid5(RECORD_ID_NAMESPACE, "\n".join(parts))
    assert _record_id(*parts) == f"<urn:uuid:{expected}>"


URNS = [
    "urn:corpuskit:capture:" + "0123456789abcdef" * 4,
    "urn:corpuskit:article:0123456789abcdef",
    "urn:corpuskit:article:0123456789abcdef:html",
    "urn:corpuskit:article:", "urn:corpuskit:", "urn:corpuskit:article::html:",
    # not our shapes: surt changes these, so they must not take the shortcut
    "urn:corpuskit:article:0123456789ABCDEF", "urn:corpuskit:article:a%41b",
    "urn:corpuskit:article:a%2", "urn:corpuskit:article:a b", "urn:corpuskit:article:a\tb",
    "urn:corpuskit:article:a#b", "urn:corpuskit:article:é", "urn:corpuskit:article:a?b",
    "urn:corpuskit:article:a/../b", "URN:corpuskit:x", "urn:CorpusKit:x", "urn:other:x",
    "urn:corpuskit:article:a.b", "urn:corpuskit:article:a;b=c", "urn:corpuskit:article:\ud800",
]


@pytest.mark.parametrize("urn", URNS)
def test_urn_keys_are_what_surt_makes(urn):
    try:
        expected = surt.surt(urn)
    except Exception:
        expected = urn
    assert _urlkey(urn) == expected


@given(st.sampled_from(["capture:", "article:", ""]),
       st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz:", max_size=80))
def test_corpuskit_urns_are_their_own_surt_keys(kind, rest):
    """The shortcut: surt leaves urn:corpuskit:[0-9a-z:]* as it is."""
    urn = f"urn:corpuskit:{kind}{rest}"
    assert surt.surt(urn) == urn == _urlkey(urn)


def surt_or_url(url: str) -> str:
    """The key cdxj-indexer makes: surt's, the URL itself when surt fails."""
    try:
        return surt.surt(url)
    except Exception:
        return url


def numeric_resolver(host: str | bytes) -> tuple:
    """gethostbyname_ex as glibc answers a name of digits and dots: no network, inet_aton's
    reading of it, or not found."""
    if isinstance(host, bytes):  # as surt passes it
        host = host.decode("ascii")
    try:
        return host, [], [socket.inet_ntoa(socket.inet_aton(host))]
    except OSError:
        raise socket.gaierror(f"{host}: not found") from None


def no_resolver(host: str) -> tuple:
    raise AssertionError(f"the resolver was asked for {host!r}")


def urlkey_offline(url: str) -> tuple[str, str]:
    """_urlkey(url) with the resolver forbidden, and surt's key (cdxj-indexer's) with a resolver
    that answers numeric names as glibc does."""
    with mock.patch("socket.gethostbyname_ex", no_resolver):
        ours = _urlkey(url)
    with mock.patch("socket.gethostbyname_ex", numeric_resolver):
        return ours, surt_or_url(url)


# Plain URLs (_plain_surt keys them) and, beside each condition of that shape, URLs just
# outside it, which go through surt.
PLAIN_URLS = [
    "https://www.voachinese.com/a/COVID-us-military-20201008/5614779-s5278.html",
    "https://www.dw.com/zh/%E5%AE%B6%E5%B1%9E:%20%E5%8D%B0/a-54062598",
    "http://WWW2.Example.COM", "http://www.com/", "https://a_b.x-y.org/dir/?", "http://ww.a.b/x/",
    "https://cn.ft.com/story/001088593?full=y", "http://a.b/?b=2&a=1&a&a=&=", "http://x.y/??&",
    "http://a.b/x?q=%e4%b8%ad%20%0a%7F&p", "http://a.b/p;x=1/[a]{b}|c^d`e\\f\"g<h>i~!$*+,@:",
    "http://1a.2/x", "http://a.b/x/.y./z.", "http://a.b/..x/...", "http://a.b/x?sessionid=1",
]
NOT_PLAIN_URLS = [
    "HTTP://a.b/", "ftp://a.b/", "dns:a.b", "a.b/c", "http:/a.b/c", "http:///a.b", "//a.b/c",
    "http://user@a.b/", "http://a.b:80/", "http://a.b:8080/x", "http://a.b:/", "http://a.b:x/",
    "http://1.2.3.4/", "http://017.0.0.1/", "http://12345/", "http://1.2/", "http://a..b/",
    "http://.a.b/", "http://a.b./", "http://[::1]/", "http://a%2Eb/", "http://\u4e2d.cn/",
    "http://a.b/x#frag", "http://a.b/#", "http://a.b//x", "http://a.b/x//", "http://a.b/./x",
    "http://a.b/x/../y", "http://a.b/x/.", "http://a.b/x/..", "http://a.b/%2E%2E/x",
    "http://a.b/%41", "http://a.b/%2F", "http://a.b/%25", "http://a.b/%2541", "http://a.b/%",
    "http://a.b/%g0", "http://a.b/x%2", "http://a.b/a b", "http://a.b/\u4e2d", "http://a.b/\tx",
    "http://a.b/(s(abcdefghijklmnopqrstuvwx))/x.aspx",
    "http://a.b/(abcdefghijklmnopqrstuvwx)/x.aspx",
    "http://a.b/?jsessionid=0123456789abcdef0123456789abcdef",
    "http://a.b/?PHPSESSID=0123456789abcdef0123456789abcdef&x=1",
    "http://a.b/?sid=0123456789abcdef0123456789abcdef",
    "http://a.b/?ASPSESSIONIDABCDEFGH=abcdefghijklmnopqrstuvwx", "http://a.b/?cfid=1&cftoken=2",
    "http://a.b/?q=%3D", "http://a.b/?%26", "http://a.b/?q= x", " http://a.b/", "http://a.b/\n",
    "http://http://a.b/", "https://https//a.b/", "http://a.b/\ud800", "", "filedesc://x",
]


@pytest.mark.parametrize("url, key", [
    ("http://1.2.3.4:8080/p?b=1&a=2", "4,3,2,1:8080)/p?a=2&b=1"),
    ("http://017.0.0.1/x", "1,0,0,15)/x"),  # octal, read as inet_aton reads it
    ("http://1.2/", "2,0,0,1)/"),  # a short form: 1.0.0.2
    ("http://12345/", "57,48,0,0)/"),  # one number: its four bytes
    ("http://300.1.1.1/a", "1,1,1,300)/a"),  # no address: the host as it is, not a DNS query
])
def test_ip_hosts_are_keyed_without_the_resolver(url, key):
    resolve = surt.GoogleURLCanonicalizer.attemptIPFormats
    with mock.patch("socket.gethostbyname_ex", no_resolver):
        assert _urlkey(url) == key
    assert surt.GoogleURLCanonicalizer.attemptIPFormats is resolve  # surt put back as it was


@pytest.mark.parametrize("url", PLAIN_URLS + NOT_PLAIN_URLS)
def test_url_keys_are_what_surt_makes(url):
    ours, theirs = urlkey_offline(url)
    assert ours == theirs
    assert (_plain_surt(url) is not None) == (url in PLAIN_URLS)  # each is the case it names


def test_seed_urls_take_the_shortcut_and_key_as_surt_does(inputs):
    urls = [u for a, _ in inputs for u in (a.source_url, a.source.mirror_url) if u]
    assert urls
    for url in urls:
        assert _plain_surt(url) == surt.surt(url)


_PRINTABLE = "".join(map(chr, range(0x21, 0x7F)))
# %XX of bytes surt escapes again (controls, space, "#", DEL, non-ASCII), mostly; of any byte
_REESCAPED = [*range(0x21), 0x23, *range(0x7F, 0x100)]
_HEX = st.one_of(*[st.sampled_from(_REESCAPED)] * 3, st.integers(0, 255)).flatmap(
    lambda b: st.sampled_from([f"%{b:02X}", f"%{b:02x}"]))
_PATH_SEGMENT = st.lists(st.one_of(
    st.text(_PRINTABLE.translate(str.maketrans("", "", "#%?/")), min_size=1, max_size=4), _HEX),
    max_size=3).map("".join)
_QUERY_PART = st.lists(st.one_of(
    st.text(_PRINTABLE.translate(str.maketrans("", "", "#%&=")), max_size=4), _HEX),
    max_size=2).map("".join)
_SESSION_IDS = ["jsessionid=" + "0f" * 16, "PHPSESSID=" + "0f" * 16, "sid=" + "aZ" * 16,
                "ASPSESSIONIDABCDEFGH=" + "ab" * 12, "cfid=1&cftoken=2"]
# near misses, put anywhere in a plain URL
_ODD = ["%", "%2", "%g0", "%25", "%2541", "%41", "%2F", "%2e", "%3D", "#", "#x", " ", "\t",
        "\n", "\x00", "é", "中", "\ud800", "/", "//", "/./", "/../", "/.", "/..", ".", "..", "(",
        "/(abcdefghijklmnopqrstuvwx)/x.aspx", "/(S(abcdefghijklmnopqrstuvwx))/x.aspx",
        ":", ":80", ":443", ":8080", "@", "u:p@", "[::1]", "?", "&", "=", "HTTP", "s", "http://",
        "1.2.3.4", "0x7f", *_SESSION_IDS]


@st.composite
def urls(draw: st.DrawFn) -> str:
    """Plain http(s) URLs (the shape _plain_surt keys) with none, one or more near misses
    (`_ODD`) put in anywhere."""
    scheme = draw(st.sampled_from(["http://", "https://"]))
    www = draw(st.sampled_from(["", "", "www.", "WWW2.", "www02.", "ww.", "wwwx."]))
    labels = draw(st.lists(st.text("abxyzXZ0189-_", min_size=1, max_size=5),
                           min_size=1, max_size=3))
    path = "".join("/" + s for s in draw(st.lists(_PATH_SEGMENT, max_size=4)))
    path += draw(st.sampled_from(["", "", "/"]))
    args = draw(st.none() | st.lists(st.one_of(
        _QUERY_PART, st.tuples(_QUERY_PART, _QUERY_PART).map("=".join),
        st.sampled_from(_SESSION_IDS)), max_size=4))
    parts = [scheme + www + ".".join(labels), path, "" if args is None else "?" + "&".join(args)]
    for _ in range(draw(st.sampled_from([0, 1, 1, 2]))):
        i = draw(st.sampled_from([0, 1, 1, 2]))  # mostly in the path, where most conditions are
        # at the end or anywhere (integers() alone favours the start)
        anywhere = draw(st.integers(0, 9999)) % (len(parts[i]) + 1)
        at = draw(st.sampled_from([len(parts[i]), anywhere]))
        parts[i] = parts[i][:at] + draw(st.sampled_from(_ODD)) + parts[i][at:]
    return "".join(parts)


@given(st.one_of(urls(), st.text(max_size=40)))
@settings(max_examples=3000)
def test_url_keys_are_what_surt_makes_property(url):
    """Hosts of digits and dots are IP addresses to surt, which asks the resolver about them;
    _urlkey never does, and keys them as surt does with glibc's resolver."""
    ours, theirs = urlkey_offline(url)
    assert ours == theirs


# --- digests and checkers ----------------------------------------------------------------------


def test_warcio_verifies_every_sha256_digest(shard):
    with shard[0].open("rb") as fh:
        it = ArchiveIterator(fh, check_digests=True)
        outcomes = []
        for rec in it:
            rec.content_stream().read()
            outcomes.append(rec.digest_checker.passed)
    assert outcomes == [True] * 21


def test_warcio_check_cli_passes(shard):
    path, _ = shard
    done = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("digest pass") == 21
    assert "fail" not in done.stdout


def check_warc_bytes(data: bytes, where: Path, name: str = NAME) -> list[str]:
    path = where / name
    path.write_bytes(data)
    return check_warc(path)


def test_check_warc_finds_nothing_in_a_sound_shard(shard):
    assert check_warc(shard[0]) == []


def test_check_warc_finds_a_flipped_payload_byte(shard, tmp_path):
    data = shard[0].read_bytes()
    offset, member, content = members(data)[5]  # the second article's raw capture
    i = content.index(b"\r\n\r\n") + 100
    bad = content[:i] + bytes([content[i] ^ 0x01]) + content[i + 1:]
    tampered = data[:offset] + Deflate().gzip_member(bad) + data[offset + len(member):]
    problems = check_warc_bytes(tampered, tmp_path, "tampered.warc.gz")
    assert len(problems) == 2  # block and payload digest
    assert all(p.startswith(f"{tmp_path / 'tampered.warc.gz'}: offset {offset}: record <urn:uuid:")
               for p in problems)
    assert "WARC-Block-Digest mismatch" in problems[0]
    assert "WARC-Payload-Digest mismatch" in problems[1]


def test_check_warc_finds_broken_gzip_and_resumes(shard, tmp_path):
    data = shard[0].read_bytes()
    offset = members(data)[3][0]
    broken = data[:offset + 20] + b"\x00" * 40 + data[offset + 60:]
    problems = check_warc_bytes(broken, tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / NAME}: offset {offset}: ")
    assert "gzip" in problems[0]
    truncated = check_warc_bytes(data[:-10], tmp_path)
    assert len(truncated) == 1 and "truncated gzip member" in truncated[0]


def test_check_warc_finds_missing_warcinfo(shard, tmp_path):
    data = shard[0].read_bytes()
    first_article = members(data)[1][0]
    problems = check_warc_bytes(data[first_article:], tmp_path)
    assert "first record is resource, not warcinfo" in problems[0]
    assert problems[0].startswith(f"{tmp_path / NAME}: offset 0: record <urn:uuid:")


def test_check_warc_finds_records_without_warcinfo_id(shard, tmp_path):
    data = shard[0].read_bytes()
    offset, member, content = members(data)[1]
    head_end = content.index(b"\r\n\r\n")
    head = b"\r\n".join(line for line in content[:head_end].split(b"\r\n")
                        if not line.startswith(b"WARC-Warcinfo-ID"))
    rewritten = Deflate().gzip_member(head + content[head_end:])
    problems = check_warc_bytes(data[:offset] + rewritten + data[offset + len(member):], tmp_path)
    assert len(problems) == 1 and problems[0].endswith("no WARC-Warcinfo-ID")


@pytest.mark.skipif(shutil.which("gzip") is None, reason="no gzip command")
def test_gzip_command_accepts_the_shard(shard):
    assert subprocess.run(["gzip", "-t", str(shard[0])], check=False).returncode == 0
