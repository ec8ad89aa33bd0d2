"""Layout detection and the JSON records adapter, on real and small hand-made inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import seed
from fuzz.harness import examples
from hypothesis import example, given, settings
from hypothesis import strategies as st

import corpuskit
from corpuskit.blocks import parse_fragment
from corpuskit.formats import mirror
from corpuskit.pipeline import extract_capture
from corpuskit.sources import Capture


def _outcomes(name: str, data: bytes):
    return extract_capture(Capture(name, data, name))


def test_markdown_notes_are_not_mirror_pages():
    notes = "# Notes\n\n### A heading\n\nSome text with 原文链接：https://example.com/x\n".encode()
    [outcome] = _outcomes("notes.md", notes)
    assert outcome.reason == "unknown_layout"


@pytest.mark.parametrize("pixel,mirror_url", [
    ("<img src='http://mirror.example/pages/n1.md' width='0px' height='0px'/>",
     "http://mirror.example/pages/n1.md"),
    ("", "https://mirror.example/share/9.md"),  # no pixel: the share block names the page
])
def test_mirror_page_links_are_read_and_cut_from_the_text(pixel, mirror_url):
    """The last original link is the source URL, the tracking pixel's src (or else the share
    block's page) the mirror URL; none of them is left in the article's text."""
    page = "\n".join([
        "### 标题一则", "------------------------",
        "<div class=\"post_content\"><p>正文第一段。</p>",
        "<p>原文链接：https://old.example.com/a.htm</p>",
        f"<p>{mirror._SHARE_MARK}</p>", "<br>https://mirror.example/share/9.md",
        "<p>正文第二段。</p></div>", pixel,
        "---", "原文链接（需翻墙）：https://www.example.com/gb/23/7/26/n1.htm。",
    ]).encode()
    [outcome] = _outcomes("n1.md", page)
    a = outcome.article
    assert a.source_url == "https://www.example.com/gb/23/7/26/n1.htm"
    assert a.source.mirror_url == mirror_url
    assert a.text == "正文第一段。\n\n正文第二段。"


# What each body container of the mirror adapter is, as the XPaths it replaced.
BODY_XPATHS = [
    "//*[@id='artbody']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' post_content ')]",
    "//*[contains(@class, 'ar_articleContent')]",
    "//*[contains(@class, 'StandardArticleBody_body')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' wsw ')]",
    "//*[@itemprop='articleBody']",
]


def _body_by_xpath(root):
    for xpath in BODY_XPATHS:
        found = root.xpath(xpath)
        if found:
            return found[0]
    return None


ATTRIBUTES = st.sampled_from([
    'id="artbody"', 'id="artbody2"', 'id=" artbody"', 'class="post_content"',
    'class="a\tpost_content\nb"', 'class="post_contentx"', 'class="a\xa0post_content"',
    'class=" wsw "', 'class="wswx"', 'class="x ar_articleContentBody"', 'class="Ar_articleContent"',
    'class="StandardArticleBody_body_1"', 'itemprop="articleBody"', 'itemprop="articlebody"',
    'id="&#97;rtbody"', "",
])


@settings(max_examples=examples(300))
@given(st.lists(st.tuples(st.sampled_from(["div", "p", "section"]), ATTRIBUTES,
                          st.integers(0, 2)), max_size=8))
def test_mirror_body_is_the_container_its_xpaths_find_first(elements):
    """Each element (tag, attribute, how many of the elements after it it holds) nests as
    drawn; the body is the first element, in document order, of the first container XPath
    that finds any."""
    html, closing = "", []
    for tag, attribute, holds in elements:
        html += f"<{tag} {attribute}>x"
        closing.append((tag, holds))
        while closing and closing[-1][1] == 0:
            html += f"</{closing.pop()[0]}>"
        if closing:
            closing[-1] = (closing[-1][0], closing[-1][1] - 1)
    html += "".join(f"</{tag}>" for tag, _ in reversed(closing))
    root = parse_fragment(html)
    assert mirror._find_body(root, html) is _body_by_xpath(root)


def test_mirror_body_of_every_mirror_capture_is_what_the_xpaths_find():
    pages = [seed(p).read_text(encoding="utf-8") for p in ("000", "001", "002", "003", "004")]
    pages += [p.read_text(encoding="utf-8")
              for p in (Path(__file__).parent / "fixtures" / "corpora").rglob("*.md")]
    checked = 0
    for text in pages:
        if not mirror.sniff(text):
            continue
        html = text[mirror._TITLE_RE.search(text).end():]
        root = parse_fragment(html)
        assert mirror._find_body(root, html) is _body_by_xpath(root)
        checked += 1
    assert checked >= 15


def test_json_that_holds_no_articles_is_one_quarantined_file():
    lines = "\n".join(json.dumps({"corpus": "x", "path": f"p{i}", "size": i}) for i in range(50))
    [outcome] = _outcomes("manifest.jsonl", lines.encode())
    assert outcome.reason == "not_article_records"
    assert "50 items" in outcome.message


def test_jsonl_records_pass_through_and_bad_lines_are_reported_alone(seed_articles):
    good = [a.to_json() for a in seed_articles.values()]
    broken = json.loads(good[0])
    del broken["title"]
    lines = [good[0], "{not json", json.dumps(broken, ensure_ascii=False), good[1]]
    outcomes = _outcomes("records.jsonl", "\n".join(lines).encode())
    assert [o.ok for o in outcomes] == [True, False, False, True]
    assert outcomes[1].reason == "invalid_json" and outcomes[1].record == 2
    assert outcomes[2].reason == "schema_invalid" and outcomes[2].record == 3
    assert "/title" in [i.pointer for i in outcomes[2].issues]
    assert outcomes[0].article == seed_articles["000"]


def test_extract_refuses_a_file_with_many_records(tmp_path, seed_articles):
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(a.to_json() for a in list(seed_articles.values())[:2]))
    with pytest.raises(corpuskit.ExtractionError) as err:
        corpuskit.extract(path)
    assert err.value.code == "many_records"


def test_detection_is_by_content_not_name(tmp_path):
    renamed = tmp_path / "article.json"
    renamed.write_bytes(seed("000").read_bytes())
    assert corpuskit.extract(renamed).source.format == "mirror"


@pytest.mark.parametrize(("url", "outlet_id"), [
    ("https://ex%41mple.com/a/1.html", "unknown"),
    ("https://例子.中国/a/1.html", "xn--fsqu00a.xn--fiqs8s"),
    ("https://chinadigitaltimes.net/chinese/1.html", "chinadigitaltimes.net"),
])
def test_outlets_without_rules_get_a_valid_slug(url, outlet_id):
    capture = f"<!--1600000000000-->\n[标题]({url})\n------\n\n<p>正文第一段。</p>\n".encode()
    [outcome] = _outcomes("feed.md", capture)
    assert outcome.ok, outcome.message
    assert outcome.article.outlet.id == outlet_id


@settings(max_examples=examples(300))
@given(st.lists(st.text(alphabet=st.sampled_from(" \t#[]-=ab中\u3000"), max_size=12),
                max_size=8))
@example(["==-", "-=-=-", "---=", " === ", "a---"])  # hypothesis found "==-" (a mixed rule)
def test_mirror_furniture_lines_go_as_a_multiline_regex_would_take_them(lines):
    """The furniture patterns are applied only to the lines holding their text: the same as
    the MULTILINE substitution they replace."""
    text = "\n".join(lines)
    expected = text
    got = text
    for pattern, needles in mirror._FURNITURE:
        expected = re.compile(pattern.pattern, re.M).sub("", expected)
        for needle in needles:
            got = mirror._drop_lines(got, pattern, needle)
    assert got == expected


@settings(max_examples=examples(300))
@given(st.lists(st.sampled_from([
    mirror._SHARE_MARK, f"<p>{mirror._SHARE_MARK}</p>", "https://a.example/p/1.md", "<br/>",
    "<br>https://b.example/x", f"<br>{mirror._SHARE_MARK}", "正文", "", " ", "<div>",
    "http://c.example/2.md 分享",
]), max_size=12))
def test_mirror_share_blocks_are_what_the_multiline_regex_finds(lines):
    """The share blocks are looked for only at the lines holding the share mark: the same
    matches as ``_SHARE_RE.finditer``, and the same text once they are cut out."""
    text = "\n".join(lines)
    found = mirror._share_blocks(text)
    expected = list(mirror._SHARE_RE.finditer(text))
    assert [(m.span(), m.group("lines")) for m in found] == [
        (m.span(), m.group("lines")) for m in expected]
    assert mirror._without(text, found) == mirror._SHARE_RE.sub("", text)


def test_mirror_body_found_when_its_attribute_is_spelled_with_character_references():
    """The body lookup tries only the XPaths whose attribute value the page holds as text; a
    page that spells it with references (``id="&#97;rtbody"``) still has its body found."""
    page = seed("000").read_text(encoding="utf-8")
    attrs = 'class="post_content" id="artbody" itemprop="articleBody"'
    assert page.count(attrs) == 1
    spelled = page.replace(attrs, 'id="&#97;rtbody"')
    root = mirror.parse_fragment(spelled)
    body = mirror._find_body(root, spelled)
    assert body is not None and body.get("id") == "artbody"
    [plain] = _outcomes("plain.md", page.encode())
    [other] = _outcomes("spelled.md", spelled.encode())
    assert other.article.text == plain.article.text
    assert [i.caption for i in other.article.images] == [i.caption for i in plain.article.images]
