"""Hostile and broken inputs: every one ends as exactly one kind of outcome per record, an
article or a failure with a specific reason code; nothing raises, hangs or prints a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, seed
from fuzz.harness import CRASHERS, check

import corpuskit
from corpuskit import blocks, formats
from corpuskit.cli import main
from corpuskit.formats import html as html_adapter
from corpuskit.limits import LimitExceeded, Limits, TimeLimitExceeded, time_limit
from corpuskit.pipeline import Outcome, extract_capture, iter_outcomes
from corpuskit.sources import Capture, iter_files, iter_paths, printable_path
from corpuskit.text import WORD, clean_chars

FEED_HEAD = "<!--1693878424000-->\n[金正恩将赴俄会普京](https://www.dw.com/zh/a-66721802)\n------\n\n"
BODY = "<p>（德国之声中文网）美国官员周一表示，金正恩可能会罕见出访外国，乘坐列车前往俄罗斯。</p>"
MIRROR_HEAD = "### 朝鲜邀中俄高官高调访问\n------------------------\n\n"
MIRROR_TAIL = "\n原文链接：https://www.epochtimes.com/gb/23/7/26/n14042248.htm\n"
HTML_HEAD = ("<html><head><title>金正恩将赴俄会普京</title></head><body><article>"
             "<h1>金正恩将赴俄会普京</h1>")


@pytest.fixture(autouse=True, scope="module")
def _warm() -> None:
    """Load the lazily built tables first, so timings below measure the inputs (and the
    runaway adapter patched in below is never what the warm-up runs)."""
    corpuskit.pipeline.warm_up()


def _one(raw: bytes | str, limits: Limits | None = None, path: str = "hostile.md") -> Outcome:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    outcomes = extract_capture(Capture(path=path, raw=data, file=path), limits)
    assert len(outcomes) == 1
    return outcomes[0]


def _assert_well_formed(outcome: Outcome) -> None:
    """Exactly one kind: an article that validates, or a reason code with a message."""
    if outcome.article is not None:
        assert outcome.reason is None and outcome.message is None
        assert corpuskit.validate(outcome.article) == []
    else:
        assert outcome.reason and outcome.reason != "extractor_error", outcome.message
        assert outcome.message and "\n" not in outcome.message


# -- inputs rejected on their bytes --------------------------------------------------------


@pytest.mark.parametrize("raw,reason", [
    (b"", "empty"),
    (b"  \n\t\r\n ", "empty"),
    (b"\xef\xbb\xbf\n\n", "empty"),
    ("\u200b\ufeff\u3000\n".encode(), "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n", "binary"),
    (bytes((i * 37 + 11) % 256 for i in range(5000)), "binary"),
    (b"PK\x03\x04" + b"\x00" * 100, "binary"),
])
def test_empty_and_binary_files_have_their_own_reason(raw, reason):
    outcome = _one(raw)
    assert outcome.reason == reason
    _assert_well_formed(outcome)


def test_a_word_character_always_survives_the_clean_up():
    """A capture with a word character in its first 4,096 characters is never "empty": the
    shortcut that decides so holds because clean_chars removes no word character."""
    lost = [f"U+{c:04X}" for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
            and WORD.match(chr(c)) and not clean_chars(chr(c)).strip()]
    assert lost == []
    # text only after the first 4,096 characters is found by the full clean-up
    late = ("\u200b" * 5000 + "正文").encode()
    assert _one(late).reason != "empty"
    assert _one(("\u200b" * 5000).encode()).reason == "empty"


def test_a_stray_nul_is_cleaned_not_binary():
    text = seed("000").read_text(encoding="utf-8")
    outcome = _one(text.replace("朝鲜", "朝\x00鲜", 1))
    assert outcome.article is not None
    assert "\x00" not in outcome.article.title + outcome.article.text


def test_too_large_is_decided_before_reading(tmp_path):
    big = tmp_path / "big.md"
    with open(big, "wb") as fh:  # 50 MB, sparse: cheap to make, slow to read
        fh.truncate(50 * 1024 * 1024)
    started = time.monotonic()
    outcomes = list(iter_outcomes([tmp_path]))
    assert time.monotonic() - started < 1.0
    assert [(o.reason, o.capture.path) for o in outcomes] == [("too_large", "big.md")]
    assert "52428800 bytes" in outcomes[0].message
    _assert_well_formed(outcomes[0])


def test_files_are_read_whole_whatever_their_size(tmp_path):
    """Captures and record files are read from a descriptor in pieces of 1 MiB after the
    first: every byte comes back, in order, to the hash and to the extraction alike."""
    import hashlib

    from corpuskit.release.tasks import sha256_file
    from corpuskit.sources import read_limited

    data = os.urandom(2 * 1024 * 1024 + 12345)
    for name, raw in (("empty.md", b""), ("small.md", data[:7000]), ("large.jsonl", data)):
        f = tmp_path / name
        f.write_bytes(raw)
        assert read_limited(f) == raw
        assert read_limited(f, len(raw) or None) == raw
        assert sha256_file(str(f)) == (len(raw), hashlib.sha256(raw).hexdigest())
    with pytest.raises(LimitExceeded):
        read_limited(tmp_path / "large.jsonl", len(data) - 1)


def test_limits_are_configurable(tmp_path):
    raw = seed("000").read_bytes()
    (tmp_path / "a.md").write_bytes(raw)
    assert next(iter_outcomes([tmp_path], Limits(max_bytes=len(raw) - 1))).reason == "too_large"
    assert next(iter_outcomes([tmp_path], Limits(max_bytes=len(raw)))).article is not None
    assert next(iter_outcomes([tmp_path], Limits(max_bytes=None))).article is not None
    assert _one(raw, Limits(max_bytes=100)).reason == "too_large"
    with pytest.raises(corpuskit.ExtractionError) as err:
        corpuskit.pipeline.extract(raw, limits=Limits(max_bytes=100))
    assert err.value.code == "too_large"


def test_extraction_leaves_no_reference_cycles():
    """Every seed and fixture extracted, and nothing left for the cyclic garbage collector:
    each capture's tree is freed as soon as its article is made, not at the next collection
    (a nested function calling itself, a cycle holding its tree, once kept ~17 pages' trees
    alive at a time and made the collector 15 µs a capture)."""
    import gc

    from conftest import SEEDS

    files = [f for root in (SEEDS, FIXTURES) for f, _ in iter_paths([root])]
    assert len(files) > 40
    corpuskit.pipeline.warm_up()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        outcomes = [o for f in files for o in iter_outcomes([f])]
        gc.collect()
        cyclic = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert sum(o.article is not None for o in outcomes) > 30
    assert cyclic == []


# -- time limit ----------------------------------------------------------------------------


class _Slow:
    """An adapter that never finishes (a pathological regex or parser, simulated)."""

    NAME = "slow"

    @staticmethod
    def read(capture):
        while True:
            with contextlib.suppress(Exception):  # a broad except must not swallow the limit
                time.sleep(0.01)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM timer here")
def test_timeout_stops_a_runaway_adapter(monkeypatch):
    monkeypatch.setattr(formats, "detect", lambda capture: _Slow)
    started = time.monotonic()
    outcome = _one(seed("000").read_bytes(), Limits(timeout_seconds=0.2))
    assert time.monotonic() - started < 2
    assert outcome.reason == "timeout"
    assert "0.2 s" in outcome.message
    _assert_well_formed(outcome)
    # the next input runs normally: no alarm left behind
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    monkeypatch.undo()
    assert _one(seed("000").read_bytes()).article is not None


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM timer here")
def test_time_limit_restores_an_enclosing_timer():
    fired = []

    def enclosing(*a):
        fired.append(True)

    previous = signal.signal(signal.SIGALRM, enclosing)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        with time_limit(5):
            assert signal.getsignal(signal.SIGALRM) is not enclosing
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < left <= 30
        assert signal.getsignal(signal.SIGALRM) is enclosing
        with pytest.raises(TimeLimitExceeded), time_limit(0.05):
            time.sleep(1)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert fired == []


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM timer here")
def test_time_limit_restores_the_default_handler():
    previous = signal.signal(signal.SIGALRM, signal.SIG_DFL)
    try:
        with time_limit(5):
            pass
        assert signal.getsignal(signal.SIGALRM) is signal.Handlers.SIG_DFL
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_lazy_loading_happens_outside_the_time_limit():
    """The first input of a process loads the suffix list, script tables, language model and
    URI grammar (seconds); that happens once, before any timer, so a tight limit does not stop
    every input."""
    assert corpuskit.pipeline.warm_up.cache_info().currsize == 1
    assert _one(seed("000").read_bytes(), Limits(timeout_seconds=0.5)).article is not None


def test_warm_up_loads_the_suffix_list_that_trafilatura_uses_and_not_the_stop_list():
    """trafilatura (through courlan) keeps its own Public Suffix List, built at the first page
    with a URL: warm_up builds it, so that a pack's forked workers share it rather than each
    building one inside the first page's time limit."""
    code = ("import corpuskit.pipeline as p, tld.utils as u, trafilatura.external as t\n"
            "assert not u.tld_names and t.JT_STOPLIST is None\np.warm_up()\n"
            "print(bool(u.tld_names), t.JT_STOPLIST is None)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    # and not jusText's stop list of every language (27 MB), which trafilatura builds when it
    # finds too little text on a page: most packs never need it (docs/performance.md)
    assert run.stdout.split() == ["True", "True"]


def test_time_limit_is_a_no_op_outside_the_main_thread():
    result = []

    def work():
        with time_limit(0.01):
            time.sleep(0.05)
        result.append("finished")

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert result == ["finished"]


# -- markup --------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["feed", "mirror", "html"])
def test_100000_nested_tags_finish_fast_as_too_deep(layout):
    deep = "<div>" * 100_000 + BODY + "</div>" * 100_000
    raw = {"feed": FEED_HEAD + deep, "mirror": MIRROR_HEAD + deep + MIRROR_TAIL,
           "html": HTML_HEAD + deep + "</article></body></html>"}[layout]
    started = time.monotonic()
    outcome = _one(raw)
    assert time.monotonic() - started < 5
    assert outcome.reason == "too_deep", outcome.message
    _assert_well_formed(outcome)


def test_nesting_within_the_parser_limit_is_an_article():
    outcome = _one(FEED_HEAD + "<div>" * 200 + BODY + "</div>" * 200)
    assert outcome.article is not None and "金正恩" in outcome.article.text


def test_deeply_nested_json_is_too_deep():
    outcome = _one(b"[" * 100_000 + b"]" * 100_000, path="records.json")
    assert outcome.reason == "too_deep"


def test_truncated_html_keeps_what_is_there():
    text = seed("001").read_text(encoding="utf-8")
    cut = text[: text.index("</p>", len(text) // 2)]  # mid-body, inside an open <p>
    whole = _one(text).article
    part = _one(cut[:-7]).article
    assert part is not None and whole is not None
    assert part.title == whole.title and part.source_url == whole.source_url
    paragraphs = part.text.split("\n\n")
    assert len(paragraphs) >= 2 and whole.text.startswith("\n\n".join(paragraphs[:-1]))


ENTITY_BOMB = ('<!DOCTYPE html [<!ENTITY a "AAAAAAAAAA">'  # a → b = 10 a → … → f = 10^5 a
               + "".join(f'<!ENTITY {b} "{f"&{a};" * 10}">'
                         for a, b in zip("abcde", "bcdef", strict=True))
               + '<!ENTITY ext SYSTEM "file:///etc/passwd">]>')


@pytest.mark.parametrize("layout", ["feed", "mirror", "html"])
def test_entity_bombs_are_not_expanded(layout):
    body = ENTITY_BOMB + "<p>金正恩可能会罕见出访外国 &f;&f;&f; &ext;</p>" + BODY
    raw = {"feed": FEED_HEAD + body,
           "mirror": MIRROR_HEAD + "<div>" + body + "</div>" + MIRROR_TAIL,
           "html": ENTITY_BOMB + HTML_HEAD + body + "</article></body></html>"}[layout]
    started = time.monotonic()
    outcome = _one(raw)
    assert time.monotonic() - started < 5
    _assert_well_formed(outcome)
    assert outcome.article is not None
    assert "AAAAAAAAAA" not in outcome.article.text
    assert "root:" not in outcome.article.text
    assert len(outcome.article.to_json()) < 20_000


def test_html_parsers_never_fetch_or_grow_huge_trees():
    """lxml's HTML parser has no entity expansion to switch off (``resolve_entities`` is an
    XMLParser option); what matters is no network and libxml2's default size limits."""
    for parser in (blocks._parser, html_adapter._parser):
        assert isinstance(parser, blocks.lxml.etree.HTMLParser)  # lxml.html's is one too
        root = blocks.lxml.etree.fromstring(
            '<!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]><p>&e;</p>', parser=parser)
        assert "127.0.0.1" not in blocks.lxml.html.tostring(root, encoding="unicode")


# -- dates and URLs ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    FEED_HEAD + "<p>【大纪元0000年07月26日讯】金正恩可能会罕见出访外国。</p>",
    FEED_HEAD + "<p>【大纪元9999年12月31日讯】金正恩可能会罕见出访外国。</p>",
    FEED_HEAD.replace("1693878424000", "9999999999999") + BODY,
    FEED_HEAD.replace("1693878424000", "0000000000000") + BODY,
    FEED_HEAD.replace("https://www.dw.com/zh/a-66721802", "https://www.rfa.org/a/x-13329999000000.html")
    + BODY,
    FEED_HEAD + "<div><i><br>0000-00-00T00:00:00.000Z</i></div>" + BODY,
    FEED_HEAD + "<div><i><br>9999-12-31T23:59:59.999Z</i></div>" + BODY,
    FEED_HEAD + "<div>Mon, 20 Jul 0000 15:39:02 GMT</div>" + BODY,
    "---\ntitle: 金正恩将赴俄会普京\ndate: 0000-01-01 00:00:00 +0000\nfrom: https://x.org/9999/12/31/a\n"
    "---\n" + FEED_HEAD + BODY,
    "---\ntitle: 金正恩将赴俄会普京\ndate: 9999-12-31T23:59:59Z\n---\n"
    + HTML_HEAD + BODY + "<time datetime='0000-01-01'>x</time></article></body></html>",
    MIRROR_HEAD.replace("------------------------", "---") + "<div>" + BODY + "</div>"
    + "\n原文链接：https://www.epochtimes.com/gb/99/13/45/n1.htm\n",
])
def test_absurd_dates_give_no_date(raw):
    outcome = _one(raw)
    _assert_well_formed(outcome)
    a = outcome.article
    assert a is not None
    for value in (a.published_at, a.published_local, a.captured_at):
        assert value is None or 1990 <= int(value[:4]) <= 2100


def test_relative_and_javascript_urls_never_reach_a_record():
    raw = (FEED_HEAD.replace("https://www.dw.com/zh/a-66721802", "javascript:alert(1)") + BODY
           + '<img src="javascript:alert(1)"><img src="/relative/a.jpg">'
           + '<img src="data:image/png;,x">'
           + '<iframe src="javascript:alert(2)"></iframe><iframe src="../embed"></iframe>'
           + '<video src="/v.mp4"></video><a href="javascript:void(0)">链接</a>')
    outcome = _one(raw)
    assert outcome.article is not None
    record = outcome.article.to_json()
    for bad in ("javascript:", "/relative", "data:", "../embed", '"/v.mp4"'):
        assert bad not in record
    assert "source_url_unusable" in outcome.article.warnings
    mirror = (MIRROR_HEAD + '<div class="post_content"><img src="/assets/a.jpg"/>' + BODY
              + "</div>\n原文链接：javascript:alert(1)\n")
    article = _one(mirror).article
    assert article is not None and article.source_url is None
    assert "javascript:" not in article.to_json() and "/assets/a.jpg" not in article.to_json()


def test_lone_surrogates_in_records_are_quarantined_not_printed():
    record = corpuskit.extract(seed("000")).to_dict()
    record["title"] = "朝鲜\ud800"
    outcome = _one(json.dumps(record).encode(), path="records.json")
    assert outcome.reason == "schema_invalid"
    assert [i.pointer for i in outcome.issues] == ["/title"]


# -- files and folders ---------------------------------------------------------------------


def _write(root: Path, name: bytes, data: bytes) -> None:
    with open(os.path.join(os.fsencode(root), name), "wb") as fh:
        fh.write(data)


def test_unprintable_file_names(tmp_path):
    raw = seed("000").read_bytes()
    _write(tmp_path, b"bad\xff\xfename.md", raw)
    _write(tmp_path, b"two\nlines\r.md", raw)
    _write(tmp_path, "正常.md".encode(), raw)
    outcomes = list(iter_outcomes([tmp_path]))
    paths = sorted(o.article.source.path for o in outcomes)
    assert paths == ["bad%FF%FEname.md", "two%0Alines%0D.md", "正常.md"]
    for o in outcomes:
        line = o.article.to_json()
        assert json.loads(line)["source"]["path"] == o.article.source.path
        line.encode("utf-8")
        assert "\n" not in o.where


def test_printable_path():
    assert printable_path("a/b c/正常.md") == "a/b c/正常.md"
    assert printable_path("x\udcff\n\t%41.md") == "x%FF%0A%09%41.md"
    assert printable_path("\x85\u2028") == "%C2%85\u2028"


def test_links_leaving_the_root_are_not_followed_unless_asked(tmp_path):
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    (outside / "dir").mkdir(parents=True)
    root.mkdir()
    raw = seed("000").read_bytes()
    (outside / "secret.md").write_bytes(raw)
    (outside / "dir" / "deep.md").write_bytes(raw)
    (root / "inside.md").write_bytes(raw)
    (root / "to_file.md").symlink_to(outside / "secret.md")
    (root / "to_dir").symlink_to(outside / "dir")
    (root / "to_inside.md").symlink_to(root / "inside.md")
    (root / "loop").symlink_to(root)
    names = [f.relative_to(r).as_posix() for f, r in iter_paths([root])]
    assert names == ["inside.md", "to_inside.md"]
    followed = [f.relative_to(r).as_posix() for f, r in iter_paths([root], follow_links=True)]
    assert followed == ["inside.md", "to_dir/deep.md", "to_file.md", "to_inside.md"]
    outcomes = list(iter_outcomes([root], follow_links=True))
    assert all(o.article is not None for o in outcomes) and len(outcomes) == 4


def test_dangling_links_fifos_and_directories_are_unreadable_not_hangs(tmp_path):
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing.md")
    (tmp_path / "self.md").symlink_to(tmp_path / "self.md")  # a link loop
    os.mkfifo(tmp_path / "pipe.md")
    started = time.monotonic()
    outcomes = {o.capture.path: o for o in iter_outcomes([tmp_path])}
    assert time.monotonic() - started < 2
    assert outcomes["pipe.md"].reason == "unreadable"
    assert "FIFO" in outcomes["pipe.md"].message
    assert outcomes["dangling.md"].reason == "unreadable"
    assert outcomes["self.md"].reason == "unreadable"
    for o in outcomes.values():
        _assert_well_formed(o)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_an_unlistable_directory_is_reported(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.md").write_bytes(seed("000").read_bytes())
    locked.chmod(0)
    try:
        outcomes = list(iter_outcomes([tmp_path]))
    finally:
        locked.chmod(0o755)
    assert [(o.capture.path, o.reason) for o in outcomes] == [("locked", "unreadable")]


def _tree(root: Path, names: list[bytes]) -> None:
    for name in names:
        path = os.path.join(os.fsencode(root), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(b"x")


def _relative(root: Path, follow_links: bool = False) -> list[bytes]:
    return [os.fsencode(f.relative_to(r)) for f, r in iter_paths([root], follow_links)]


# names whose bytes sort on either side of the "/" after a directory's name (0x2F: "-" and
# "." below it, "0" above), non-UTF-8 and non-ASCII names, and names the walk ignores
_TRICKY = [b"a", b"a-b/y.md", b"a.md", b"a0.md", b"b/a/z.md", b"b/a.md", b"b/a-/q.md",
           b"b/\xff.md", "b/正文.md".encode(), b"b/\xe6\xad.md", b"c/.git/HEAD", b"c/ok.md",
           b"c/.DS_Store", b"d/e/f/g.md", b"d/e.md", b"d/e-f/h.md", b"d/ef.md"]


def test_the_walk_is_in_the_order_of_the_relative_paths_bytes(tmp_path):
    _tree(tmp_path, _TRICKY)
    kept = [n for n in _TRICKY if b".git/" not in n and not n.endswith(b".DS_Store")]
    assert _relative(tmp_path) == sorted(kept)
    assert _relative(tmp_path, follow_links=True) == sorted(kept)


def test_an_unlistable_directory_comes_where_its_own_path_sorts(tmp_path, monkeypatch):
    """Where os.walk's error put it: at "locked", before "locked-1.md" (the bytes of whose
    name sort below "locked/"), not among its files' places."""
    _tree(tmp_path, [b"locked/a.md", b"locked-1.md", b"locked.md", b"m.md"])
    assert _relative(tmp_path) == [b"locked-1.md", b"locked.md", b"locked/a.md", b"m.md"]
    scandir = os.scandir

    def refusing(path):
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    assert _relative(tmp_path) == [b"locked", b"locked-1.md", b"locked.md", b"m.md"]
    outcomes = list(iter_outcomes([tmp_path]))
    assert outcomes[0].capture.path == "locked" and outcomes[0].reason == "unreadable"


def test_the_walk_lists_a_directory_only_when_it_gets_there(tmp_path, monkeypatch):
    """A walk that listed everything first held every path of a large archive at once."""
    _tree(tmp_path, [b"a/1.md", b"b/2.md", b"c/3.md"])
    listed: list[str] = []
    scandir = os.scandir

    def counting(path):
        listed.append(os.path.basename(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counting)
    walk = iter_paths([tmp_path])
    assert next(walk)[0] == tmp_path / "a" / "1.md"
    assert listed == [tmp_path.name, "a"]
    assert [f.name for f, _ in walk] == ["2.md", "3.md"]
    assert listed == [tmp_path.name, "a", "b", "c"]


def test_walked_paths_are_spelled_as_path_spells_them(tmp_path, monkeypatch):
    _tree(tmp_path, [b"x/y.md"])
    monkeypatch.chdir(tmp_path)
    for given, expected in ((".", "x/y.md"), ("./x/", "x/y.md"), (str(tmp_path), None)):
        (file, root), = iter_files([given])
        assert file == str(Path(given) / "x" / "y.md" if expected is None else expected)
        assert root == Path(given)


# -- the CLI never prints a traceback ------------------------------------------------------


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    _write(tmp_path, b"binary\xff.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    _write(tmp_path, b"empty.md", b"")
    _write(tmp_path, b"deep\nname.md", (FEED_HEAD + "<div>" * 100_000).encode())
    _write(tmp_path, b"good.md", seed("000").read_bytes())
    _write(tmp_path, b"bomb.md", (FEED_HEAD + ENTITY_BOMB + BODY).encode())
    _write(tmp_path, b"junk.txt", "既不是镜像也不是订阅".encode("gb18030"))
    record = corpuskit.extract(seed("000")).to_dict()
    record["title"] = "\ud83d"
    _write(tmp_path, b"records.jsonl",
           (json.dumps(record) + "\n{not json\n[1]\n").encode())
    os.mkfifo(tmp_path / "pipe.md")
    for crasher in sorted(CRASHERS.iterdir()):
        _write(tmp_path, b"crasher-" + crasher.name.encode(), crasher.read_bytes())
    return tmp_path


@pytest.mark.parametrize("command", [["extract"], ["validate"], ["validate", "--format", "json"]])
def test_cli_reports_bad_input_without_tracebacks(hostile_dir, command):
    result = CliRunner().invoke(main, [*command, str(hostile_dir)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    output.encode("utf-8")
    if command == ["extract"]:
        lines = result.stderr.splitlines()
        for name, reason in [("binary%FF.png", "binary"), ("empty.md", "empty"),
                             ("deep%0Aname.md", "too_deep"), ("pipe.md", "unreadable"),
                             ("junk.txt", "unknown_layout"), ("records.jsonl:1", "schema_invalid"),
                             ("records.jsonl:2", "invalid_json")]:
            assert any(line.startswith(f"{hostile_dir}/{name}: {reason}: ") for line in lines), (
                name, lines)
        good = [json.loads(line) for line in result.stdout.splitlines()]
        assert "good.md" in {r["source"]["path"] for r in good}


# -- crashers found by fuzzing, replayed -----------------------------------------------------

# What each crasher must become now (beyond the harness's invariants: no exception, no
# extractor_error, valid articles, http(s) URLs only, fast).
CRASHER_EXPECTED = {
    "yaml_alias_bomb.md": "article",
    "front_matter_year0.md": "article",
    "embed_relative_and_javascript_urls.md": "article",
    "url_unclosed_ipv6_bracket.md": "article",
    "html_attribute_named_quote.html": "article",
    "html_attribute_named_brace.html": "article",
    "html_image_src_unsplittable.html": "article",
    "mirror_unclosed_img_tags.md": "article",
    "dateline_chinese_numeral_keyerror.md": "article",
    "meta_charset_base64.html": "article",
    "url_port_not_a_number.md": "article",
}


def test_every_crasher_is_listed():
    assert sorted(p.name for p in CRASHERS.iterdir()) == sorted(CRASHER_EXPECTED)


@pytest.mark.parametrize("name", sorted(CRASHER_EXPECTED))
def test_crasher_replays(name):
    outcomes = check((CRASHERS / name).read_bytes(), name)
    kinds = ["article" if o.article is not None else o.reason for o in outcomes]
    assert kinds == [CRASHER_EXPECTED[name]]


def test_fixture_captures_satisfy_the_fuzz_invariants():
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file():
            check(path.read_bytes(), path.name)
