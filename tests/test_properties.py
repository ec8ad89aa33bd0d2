"""Properties searched by hypothesis: the date parsers, decoding, paths, and the adapters fed
random mutations of real captures.

Bounded and deterministic by default (the "ci" profile in conftest.py); explore with
``HYPOTHESIS_PROFILE=explore CORPUSKIT_FUZZ_SCALE=50 pytest tests/test_properties.py``.
"""

from __future__ import annotations

import codecs
import random
from datetime import date, datetime, timezone

from fuzz.harness import INSERTIONS, check, examples, mutate, seed_inputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpuskit import dates
from corpuskit.sources import decode, printable_path

# -- dates ---------------------------------------------------------------------------------

CN_NUM = "〇零一二三四五六七八九十百"
DATE_ALPHABET = st.one_of(st.sampled_from(list(CN_NUM + "0123456789年月日讯时分:：【】[]-/ T.Z+")),
                          st.characters())
DATE_TEXT = st.text(alphabet=DATE_ALPHABET, max_size=50)
DATELINE = st.builds(
    lambda label, y, m, d, rest: f"【{label}{y}年{m}月{d}日{rest}】",
    st.sampled_from(["大纪元", "明慧网", "", "新唐人"]),
    st.one_of(st.integers(0, 9999).map(str), st.text(alphabet=CN_NUM, min_size=1, max_size=4),
              st.just("")),
    st.one_of(st.integers(0, 99).map(str), st.text(alphabet=CN_NUM, min_size=1, max_size=3)),
    st.one_of(st.integers(0, 99).map(str), st.text(alphabet=CN_NUM, min_size=1, max_size=3)),
    st.sampled_from(["讯", "", " 12:30", "电"]),
)
ISO_LIKE = st.from_regex(r"\A\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
                         r"(?:Z|[+-]\d{2}:?\d{2})?)?\Z")
RFC822_LIKE = st.from_regex(r"\A(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}"
                            r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s+(?:GMT|[+-]\d{4,12}))?\Z")
URL_LIKE = st.builds(
    lambda host, path: f"https://{host}/{path}",
    st.sampled_from(["www.epochtimes.com/gb", "www.rfa.org/mandarin/a", "www.dw.com", "x.org"]),
    st.from_regex(r"\A(?:\d{1,4}[/-]){1,3}\d{0,14}(?:/n\d+\.htm|-\d{14}\.html|/)?\Z"),
)
ZONES = st.sampled_from([None, "UTC", "Asia/Shanghai", "America/New_York", "Europe/Paris"])


def _plausible(p: dates.Published | None) -> bool:
    return p is None or dates.MIN_YEAR <= p.day().year <= dates.MAX_YEAR


@settings(max_examples=examples(300))
@given(st.one_of(DATELINE, DATE_TEXT), st.one_of(st.none(), st.dates()),
       st.one_of(st.none(), st.datetimes(timezones=st.just(timezone.utc))))
def test_datelines_never_raise_and_resolve_to_plausible_days(text, url_day, captured):
    dl = dates.find_dateline(text)
    if dl is None:
        return
    assert 1 <= dl.month <= 12 and 1 <= dl.day <= 31
    published, warnings = dates.resolve_dateline(dl, url_day, captured)
    assert _plausible(published)
    assert all(isinstance(w, str) and w for w in warnings)


@settings(max_examples=examples(300))
@given(st.one_of(ISO_LIKE, RFC822_LIKE, DATE_TEXT), ZONES)
def test_page_dates_never_raise_and_are_plausible(text, tz):
    published = dates.parse_page_date(text, tz)
    assert _plausible(published)
    if published is not None:
        assert published.at and published.local


@settings(max_examples=examples(200))
@given(st.one_of(URL_LIKE, DATE_TEXT, st.none()), ZONES)
def test_url_dates_never_raise_and_are_plausible(url, tz):
    assert _plausible(dates.date_from_url(url, tz))


@settings(max_examples=examples(200))
@given(st.one_of(st.integers(), st.integers(-(10**15), 10**15)))
def test_epoch_ms_never_raises_and_is_plausible(ms):
    at = dates.epoch_ms_to_utc(ms)
    if at is not None:
        year = int(at[:4])
        assert dates.MIN_YEAR <= year <= dates.MAX_YEAR
        assert datetime.fromisoformat(at.replace("Z", "+00:00")).tzinfo is not None


def test_absurd_years_are_no_dates():
    for text in ("【大纪元0000年07月26日讯】", "【大纪元9999年12月31日讯】",
                 "【明慧网〇〇〇〇年一月一日】"):
        dl = dates.find_dateline(text)
        assert dl is None or dates.resolve_dateline(dl, None, None)[0] is None
    assert dates.parse_page_date("0000-01-01T00:00:00Z", None) is None
    assert dates.parse_page_date("9999-12-31", None) is None
    assert dates.date_from_url("https://x.org/9999/12/31/a.html") is None
    assert dates.date_from_url("https://x.org/0000/01/01/a.html") is None
    assert dates.epoch_ms_to_utc(0) is None and dates.epoch_ms_to_utc(10**20) is None
    assert dates.resolve_dateline(dates.Dateline(None, 2, 29, 0, ""), date(9999, 3, 1),
                                  None)[0] is None


# -- decoding and paths --------------------------------------------------------------------


@settings(max_examples=examples(400), suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300),
                 st.lists(st.sampled_from((*INSERTIONS, "中文".encode("gbk"), "中文".encode(),
                                           "臺灣".encode("big5"))),
                          max_size=12).map(b"".join)))
def test_decode_never_raises_and_gives_clean_text(raw):
    d = decode(raw)
    codecs.lookup(d.encoding)
    d.text.encode("utf-8")  # no lone surrogates
    # no control character but tab, line feed and carriage return is left
    assert not [ch for ch in d.text if (ch < " " and ch not in "\t\n\r") or ch == "\x7f"]
    assert all(isinstance(w, str) and w for w in d.warnings)


@settings(max_examples=examples(300))
@given(st.text(max_size=200), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_unicode_text_round_trips(text, codec):
    text = "".join(ch for ch in text if (ch >= " " and ch != "\x7f") or ch in "\t\n\r")
    if codec == "utf-8":
        text = text.lstrip("\ufeff")  # its bytes are a BOM
    decoded = decode(text.encode(codec))
    # "Â\x80" is also the mojibake of "€": ftfy's reading wins, and says so
    assert decoded.text == text or "encoding_repaired:mojibake" in decoded.warnings


@settings(max_examples=examples(300))
@given(st.text(alphabet=st.characters(codec=None), max_size=40))
def test_printable_path_is_one_line_of_valid_text(name):
    out = printable_path(name)
    out.encode("utf-8")
    assert "\n" not in out and "\r" not in out
    assert printable_path(out) == out
    if name.isprintable():
        assert out == name


# -- adapters: mutated real captures -------------------------------------------------------

SEEDS = seed_inputs()


@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SEEDS) - 1), st.integers(0, 2**32), st.integers(1, 5))
def test_mutated_real_captures_never_crash(index, seed, rounds):
    name, data = SEEDS[index]
    check(mutate(data, random.Random(seed), rounds), name)


@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SEEDS) - 1), st.floats(0, 1))
def test_truncated_real_captures_keep_what_is_there(index, where):
    name, data = SEEDS[index]
    check(data[: int(len(data) * where)], name)


@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(INSERTIONS), st.binary(max_size=20),
                          st.sampled_from(["### 标题\n", "---\ntitle: t\n---\n",
                                           "<!--1693878424000-->\n[t](https://a.org/x)\n------\n",
                                           "<html><body><article><p>", "原文链接：https://b.org/1",
                                           "<p>正文内容正文内容</p>"]).map(str.encode)),
                max_size=15).map(b"".join))
def test_random_markup_never_crashes(data):
    check(data)
