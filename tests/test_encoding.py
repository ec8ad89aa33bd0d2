"""Encodings: BOM, declared charset, detection, repair, on real Chinese text from the seeds.

A capture's bytes decode to exactly the text they encode (no mojibake), the codec used is
recorded as ``source.encoding``, and anything repaired or guessed shows in ``warnings``.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import random

import pytest
from conftest import CORPORA, SEEDS, seed

import corpuskit
from corpuskit.pipeline import extract_capture
from corpuskit.sources import Capture, Decoded, decode

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _seed_text(prefix: str) -> str:
    return seed(prefix).read_text(encoding="utf-8")


def _article(raw: bytes, path: str = "capture.md") -> corpuskit.Article:
    outcomes = extract_capture(Capture(path=path, raw=raw, file=path))
    assert len(outcomes) == 1 and outcomes[0].article is not None, outcomes[0].message
    return outcomes[0].article


def _same_content(a: corpuskit.Article, b: corpuskit.Article) -> None:
    """Everything a reader sees is identical; only provenance of the bytes differs."""
    da, db = a.to_dict(), b.to_dict()
    for d in (da, db):
        d.pop("source")
        d["warnings"] = [w for w in d["warnings"] if not w.startswith("encoding_")]
    assert da == db


def _paragraphs(prefix: str) -> list[str]:
    """Prose paragraphs of a seed capture (the text between tags, whitespace collapsed)."""
    article = corpuskit.extract(seed(prefix))
    return [p for p in article.text.split("\n\n") if len(p) >= 20]


# -- whole real captures round-trip exactly ------------------------------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("codec,expected", [
    ("gb18030", "gb18030"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8"),
    ("utf-32", "utf-32"), ("utf-16-be", None),
])
def test_whole_capture_round_trips(path, codec, expected):
    text = path.read_text(encoding="utf-8")
    raw = text.encode(codec)
    if codec == "utf-16-be":  # with an explicit BOM, big-endian
        raw = codecs.BOM_UTF16_BE + raw
        expected = "utf-16"
    decoded = decode(raw)
    assert decoded.text == text
    assert decoded.encoding == expected
    assert not [w for w in decoded.warnings if w.startswith("encoding_repaired")]


@pytest.mark.parametrize("prefix", ["000"])  # the others hold ©, ‧ (not in GBK)
def test_gbk_capture_round_trips_and_extracts_the_same_article(prefix):
    text = _seed_text(prefix)
    utf8 = _article(text.encode("utf-8"))
    gbk = _article(text.encode("gbk"))
    assert gbk.source.encoding == "gb18030"
    assert "encoding_detected:gb18030" in gbk.warnings
    _same_content(utf8, gbk)


@pytest.mark.parametrize("codec", ["gb18030", "utf-16", "utf-8-sig"])
def test_every_seed_extracts_the_same_article_in_other_encodings(codec):
    for path in SEED_FILES:
        text = path.read_text(encoding="utf-8")
        a, b = _article(text.encode("utf-8")), _article(text.encode(codec))
        _same_content(a, b)
        assert b.source.encoding == {"utf-8-sig": "utf-8"}.get(codec, codec)
        assert b.source.sha256 == hashlib.sha256(text.encode(codec)).hexdigest()


def test_big5_traditional_capture_round_trips():
    # seed 003 is traditional Chinese (DW); the few characters Big5 lacks (©, simplified
    # ones in links) are written as numeric references, as a Big5 page would have them
    text = _seed_text("003")
    raw = text.encode("big5", "xmlcharrefreplace")
    decoded = decode(raw)
    assert decoded.encoding == "big5hkscs"
    assert decoded.text == raw.decode("big5")
    article = _article(raw)
    assert article.source.encoding == "big5hkscs"
    assert article.language == "zh-Hant"
    reference = _article(text.encode("utf-8"))
    assert article.title == reference.title
    assert article.text == reference.text


def test_gb2312_label_with_gbk_only_characters():
    # 朱镕基's 镕, 喆 and 堃 are not in GB2312; pages labelled gb2312 use them all the time
    body = "<p>前总理朱镕基与陶喆、王堃出席。</p>"
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"</head><body>{body}</body></html>")
    with pytest.raises(UnicodeDecodeError):
        page.encode("gbk").decode("gb2312")
    decoded = decode(page.encode("gbk"))
    assert decoded.text == page
    assert decoded.encoding == "gb18030"
    assert decoded.warnings == []


def test_declared_charset_is_used():
    page = '<meta charset="big5"><p>德國之聲中文網報導</p>'
    decoded = decode(page.encode("big5"))
    assert (decoded.text, decoded.encoding, decoded.warnings) == (page, "big5hkscs", [])
    xml = '<?xml version="1.0" encoding="GBK"?><p>中文报道</p>'
    assert decode(xml.encode("gbk")).encoding == "gb18030"


def test_valid_utf8_wins_over_a_wrong_declaration():
    page = '<meta charset="gb2312"><p>朝鲜邀中俄高官高调访问</p>'
    decoded = decode(page.encode("utf-8"))
    assert decoded.text == page
    assert decoded.encoding == "utf-8"
    assert decoded.warnings == ["encoding_declared_mismatch:gb18030"]


def test_wrong_utf8_declaration_falls_back_to_detection():
    page = '<meta charset="utf-8"><p>' + _paragraphs("000")[1] + "</p>"
    decoded = decode(page.encode("gb18030"))
    assert decoded.text == page
    assert decoded.encoding == "gb18030"
    assert "encoding_declared_mismatch:utf-8" in decoded.warnings


SNIPPET_CASES = [("000", "gb18030"), ("001", "gbk"), ("002", "gb18030"), ("003", "big5")]


def _snippets(prefix: str, codec: str, length: int) -> list[tuple[str, bytes]]:
    rng = random.Random(f"{prefix}{codec}{length}")
    out = []
    for para in _paragraphs(prefix):
        for _ in range(3):
            start = rng.randrange(0, max(1, len(para) - length))
            snippet = para[start:start + length]
            try:
                raw = snippet.encode(codec)
            except UnicodeEncodeError:
                continue
            if not raw.isascii():
                out.append((snippet, raw))
    return out


@pytest.mark.parametrize("length", [6, 15, 40])
@pytest.mark.parametrize("prefix,codec", SNIPPET_CASES)
def test_short_real_snippets_decode_right(prefix, codec, length):
    """Short texts are where detectors fail; every slice of these paragraphs must decode."""
    snippets = _snippets(prefix, codec, length)
    assert len(snippets) >= 5
    for snippet, raw in snippets:
        assert decode(raw).text == snippet, (snippet, decode(raw).encoding)


@pytest.mark.parametrize("prefix,codec", SNIPPET_CASES)
def test_two_character_snippets_mostly_decode_right(prefix, codec):
    """Two characters are four bytes: some are valid UTF-8 (展示 is D5B9 CABE, also "չʾ") or
    valid in both Chinese codecs, and no reading can be sure; nearly all still come out right."""
    snippets = _snippets(prefix, codec, 2)
    right = sum(decode(raw).text == snippet for snippet, raw in snippets)
    assert right >= 0.85 * len(snippets)


def test_other_east_asian_encodings_are_not_taken_for_chinese():
    korean = "북한은 오늘 새벽 동해상으로 탄도미사일을 발사했다고 합동참모본부가 밝혔다."
    japanese = "日本政府は来年度の予算案を閣議決定しました。東京都は感染者が増加したと発表した。"
    assert decode(korean.encode("euc_kr")).text == korean
    assert decode(japanese.encode("shift_jis")).text == japanese


# -- repairs -------------------------------------------------------------------------------

CESU8_GRINNING = b"\xed\xa0\xbd\xed\xb8\x80"  # U+1F600 as two UTF-16 surrogates, each UTF-8


def test_cesu8_emoji_is_repaired_in_a_real_capture():
    text = _seed_text("001")
    assert "😀" not in text
    marker = "</p>"
    at = text.index(marker)
    raw = (text[:at] + "X" + text[at:]).encode("utf-8").replace(b"X", CESU8_GRINNING, 1)
    decoded = decode(raw)
    assert decoded.encoding == "utf-8"
    assert decoded.text == text[:at] + "😀" + text[at:]
    assert decoded.warnings == ["encoding_repaired:cesu8=1"]
    article = _article(raw)
    assert "😀" in article.text
    assert "encoding_repaired:cesu8=1" in article.warnings
    assert "replacement_characters_in_source" not in article.warnings


def test_lone_cesu8_half_and_invalid_bytes_are_replaced():
    text = _seed_text("000")
    at = text.index("率领的俄罗斯")
    raw = text[:at].encode() + b"\xed\xa0\xbd" + b"\xff" + text[at:].encode()
    decoded = decode(raw)
    assert decoded.encoding == "utf-8"
    # each byte of the unpaired surrogate is replaced (as WHATWG decoders do), then the FF
    assert decoded.text == text[:at] + "\ufffd" * 4 + text[at:]
    assert decoded.warnings == ["encoding_repaired:replaced=4"]
    article = _article(raw)
    assert "encoding_repaired:replaced=4" in article.warnings
    assert "replacement_characters_in_source" in article.warnings


def test_truncated_utf8_capture_keeps_utf8():
    raw = _seed_text("000").encode("utf-8")
    cut = raw[: len(raw) - 1]  # the file ends inside a character (or after the last byte)
    while cut[-1] & 0xC0 == 0x80 or cut[-1] < 0x80:
        cut = cut[:-1]
    decoded = decode(cut)
    assert decoded.encoding == "utf-8"
    assert decoded.text.endswith("\ufffd")
    assert decoded.warnings == ["encoding_repaired:replaced=1"]


def test_replacement_character_already_in_the_source_is_flagged():
    text = _seed_text("001").replace("美國", "美\ufffd", 1).replace("美国", "美\ufffd", 1)
    article = _article(text.encode("utf-8"))
    assert "\ufffd" in article.text
    assert "replacement_characters_in_source" in article.warnings
    assert not [w for w in article.warnings if w.startswith("encoding_")]


def test_controls_zero_width_and_line_endings_are_cleaned_but_raw_is_kept():
    text = _seed_text("000")
    at = text.index("率领的俄罗斯")
    dirty = (text[:at] + "率\x00领\u200b的\x07俄\ufeff\x1b" + text[at + 4:]).replace("\n", "\r\n")
    # mixed: every other line ending stays LF
    lines = dirty.split("\r\n")
    dirty = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines))
    raw = dirty.encode("utf-8")
    outcomes = extract_capture(Capture(path="dirty.md", raw=raw))
    article = outcomes[0].article
    assert article is not None
    assert outcomes[0].capture.raw == raw
    assert article.source.sha256 == hashlib.sha256(raw).hexdigest()
    assert article.source.bytes == len(raw)
    clean = _article(text.encode("utf-8"))
    assert article.text == clean.text
    assert article.title == clean.title
    assert "control_characters_removed:3" in article.warnings
    for field in (article.text, article.title, *article.authors, *article.tags):
        assert not any(ch in field for ch in "\x00\x07\x1b\r\u200b\ufeff")


# -- evidence for the hand-written Chinese detector (opt-in: pytest -m corpora) -------------


@pytest.mark.corpora
def test_chinese_guess_beats_charset_normalizer_on_short_real_text():
    """The measurement behind ``sources._guess_chinese``: on 6- and 15-character slices of real
    article text, the score decodes (almost) all right, charset-normalizer far fewer."""
    from charset_normalizer import from_bytes

    from corpuskit.sources import _guess_chinese

    if not CORPORA.is_dir():
        pytest.skip("no corpora")
    rng = random.Random(7)
    texts = []
    for path in sorted(CORPORA.glob("epic-marker+epoch-news/**/*.md"))[:200]:
        outcomes = extract_capture(Capture(path=path.name, raw=path.read_bytes()))
        texts += [o.article.text for o in outcomes if o.article and len(o.article.text) > 100]
    for length in (6, 15):
        ours = theirs = total = 0
        for text in texts:
            start = rng.randrange(0, len(text) - length)
            snippet = text[start:start + length]
            raw = snippet.encode("gb18030")
            if raw.isascii():
                continue
            total += 1
            ours += _guess_chinese(raw) is not None and raw.decode(_guess_chinese(raw)) == snippet
            best = from_bytes(raw).best()
            theirs += best is not None and str(best) == snippet
        print(json.dumps({"length": length, "ours": ours, "charset_normalizer": theirs,
                          "total": total}))
        assert ours >= 0.97 * total
        assert ours > theirs


def test_mojibake_is_repaired():
    """UTF-8 once read as Latin-1 and saved again (real VOA pages have whole bodies so)."""
    para = _paragraphs("000")[1]
    garbled = para.encode("utf-8").decode("latin-1")  # C1 controls throughout, as in the corpora
    decoded = decode(f"<p>{garbled}</p>".encode())
    assert decoded.text == f"<p>{para}</p>"
    assert decoded.warnings == ["encoding_repaired:mojibake"]


def test_mojibake_is_repaired_line_by_line_in_a_large_file():
    """Only the lines with a mojibake hint go through ftfy; the others stay as they are
    (a JSON Lines file of thousands of records with one garbled line)."""
    para = _paragraphs("000")[1]
    garbled = para.encode("utf-8").decode("latin-1")
    clean = [json.dumps({"n": i, "text": f"“Café” {para}"}, ensure_ascii=False)
             for i in range(2000)]
    lines = [*clean[:1000], json.dumps({"text": garbled}, ensure_ascii=False), *clean[1000:]]
    decoded = decode("\n".join(lines).encode())
    assert decoded.text.split("\n") == [*clean[:1000], json.dumps({"text": para},
                                                                   ensure_ascii=False),
                                        *clean[1000:]]
    assert decoded.warnings == ["encoding_repaired:mojibake"]


def test_text_that_only_looks_like_mojibake_is_kept():
    for text in ("以简体姓名“符××”登记", "Café crème — “Zoë” à l’école", "naïve façade ©2020"):
        assert decode(text.encode()) == Decoded(text, "utf-8", [])


@pytest.mark.parametrize("label", ["base64", "rot13", "unicode_escape", "punycode", "idna",
                                   "undefined", "zlib", "x-no-such-charset"])
def test_declared_labels_are_charsets_not_python_codecs(label):
    page = f'<meta charset="{label}"><p>{_paragraphs("000")[1]}</p>'
    decoded = decode(page.encode("gb18030"))
    assert decoded.text == page
    assert decoded.encoding == "gb18030"


def test_chinese_page_mislabelled_latin1_is_not_mojibake():
    page = ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
            f"<p>{_paragraphs('000')[1]}</p>")
    decoded = decode(page.encode("gbk"))
    assert decoded.text == page
    assert decoded.warnings == ["encoding_declared_mismatch:cp1252", "encoding_detected:gb18030"]
    latin = '<meta charset="iso-8859-1"><p>Café crème à l’école, naïve façade, Müller.</p>'
    assert decode(latin.encode("cp1252")) == Decoded(latin, "cp1252", [])
