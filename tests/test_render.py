"""The rendered article page: faithful to the record, and inert whatever the record holds."""

from __future__ import annotations

import dataclasses
import html

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.data import Article, Embed, Image, Outlet, Source
from corpuskit.text import split_paragraphs
from corpuskit.writers.render import render_html

HOSTILE = '<script>alert(1)</script>" onerror="x'


def parse(page: bytes) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def assert_inert(doc: lxml.html.HtmlElement) -> None:
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in ("script", "iframe", "object", "embed", "frame", "base", "form",
                              "link", "svg", "math"), el.tag
        if el.tag == "meta":
            assert el.get("http-equiv") is None
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name in ("href", "src", "srcset", "action", "formaction", "poster"):
                assert value.strip().lower().startswith(("http://", "https://")), value


def hostile_article() -> Article:
    return Article(
        id="0123456789abcdef",
        source_url="javascript:alert(1)",
        title=HOSTILE,
        outlet=Outlet(id="evil", name=HOSTILE, domain="evil.example"),
        source=Source(format="html", path="x.html", sha256="0" * 64, bytes=1),
        published_at="2024-01-02",
        published_precision="day",
        language='en"><script>alert(1)</script>',
        authors=[HOSTILE],
        editors=["</p><iframe src=javascript:alert(1)>"],
        text=f"{HOSTILE}\n\n<img src=x onerror=alert(1)>\n\nok &amp; fine",
        images=[
            Image(url="javascript:alert(1)", caption=HOSTILE, role="lead"),
            Image(url="data:text/html,<script>alert(1)</script>", caption="data", role="inline"),
            Image(url=" JaVaScRiPt:alert(1)", role="inline"),
            Image(url='https://img.example/a.jpg" onerror="alert(1)', role="inline"),
            Image(url="https://img.example/ok.jpg", caption=HOSTILE, credit=HOSTILE,
                  alt=HOSTILE, title=HOSTILE, role="gallery"),
        ],
        tags=[HOSTILE],
        embeds=[Embed(type="iframe", url="javascript:alert(1)", text=HOSTILE),
                Embed(type="video", url="data:text/html,x", text=None),
                Embed(type="tweet", url="https://twitter.com/x/status/1", text=HOSTILE)],
        rights=HOSTILE,
    )


def test_hostile_values_render_inert():
    article = hostile_article()
    page = render_html(article)
    assert b"<script" not in page and b"<iframe" not in page and b"<img src=x" not in page
    doc = parse(page)
    assert_inert(doc)
    assert doc.get("lang") == "und"  # not a language tag: not copied into the attribute
    # the hostile strings are shown as text, unchanged
    assert doc.findtext(".//h1") == HOSTILE
    assert doc.findtext(".//title") == HOSTILE
    assert HOSTILE in doc.text_content()
    assert "<img src=x onerror=alert(1)>" in doc.text_content()
    # only the one http(s) image survives, with its caption and credit as text
    assert [img.get("src") for img in doc.iter("img")] == ["https://img.example/ok.jpg"]
    assert [a.get("href") for a in doc.iter("a")] == ["https://twitter.com/x/status/1"]


def test_javascript_text_in_a_paragraph_is_harmless():
    # "javascript:" may appear as text: it is never a URL in an attribute
    article = dataclasses.replace(hostile_article(), text="javascript:alert(1)")
    doc = parse(render_html(article))
    assert_inert(doc)
    assert "javascript:alert(1)" in doc.text_content()


@pytest.fixture(scope="module")
def pages(seed_articles) -> dict[str, tuple[Article, lxml.html.HtmlElement, bytes]]:
    return {k: (a, parse(render_html(a)), render_html(a)) for k, a in seed_articles.items()}


def test_seed_pages_hold_the_record(pages):
    for article, doc, page in pages.values():
        assert_inert(doc)
        assert page.startswith(b"<!DOCTYPE html>\n")
        assert doc.get("lang") == article.language
        assert doc.find(".//meta[@charset]").get("charset") == "utf-8"
        assert doc.findtext(".//title") == article.title
        assert doc.findtext(".//h1") == article.title
        assert doc.find_class("outlet")[0].text_content() == article.outlet.name
        body = [p.text_content() for p in doc.iter("p") if not p.get("class")]
        assert body == split_paragraphs(article.text)
        loadable = [i for i in article.images if i.url.startswith(("http://", "https://"))]
        srcs = [img.get("src") for img in doc.iter("img")]
        assert sorted(srcs) == sorted(i.url for i in loadable)
        assert [el.tag for el in doc.iter("script", "iframe", "link")] == []


def test_images_lead_first_gallery_after_the_body(pages):
    article, doc, _ = pages["000"]
    first = next(doc.iter("figure", "p"))
    assert first.tag == "p" and first.get("class") == "outlet"
    figures = list(doc.iter("figure"))
    assert figures[0].getprevious().tag == "header"  # the lead picture opens the article
    caption = figures[0].findtext("figcaption")
    assert caption == f"{article.images[0].caption} — {article.images[0].credit}"
    article, doc, _ = pages["001"]
    gallery = doc.find_class("gallery")[0]
    last_p = [p for p in doc.iter("p") if not p.get("class")][-1]
    assert last_p.getparent().index(last_p) < last_p.getparent().index(gallery)
    assert len(gallery.findall("figure")) == sum(i.role == "gallery" for i in article.images)


def test_date_shown_at_its_precision(pages):
    assert pages["000"][1].findtext(".//time") == "2023-07-26"
    assert pages["000"][1].find(".//time").get("datetime") == "2023-07-26"
    assert pages["001"][1].findtext(".//time") == "2023-10-19 13:08:46 UTC"
    assert pages["004"][1].findtext(".//time") == "2023-09-14 10:23:55 UTC-04:00"
    minute = dataclasses.replace(pages["004"][0], published_precision="minute")
    assert parse(render_html(minute)).findtext(".//time") == "2023-09-14 10:23 UTC-04:00"


def test_byline_embeds_and_rights(pages):
    article, doc, _ = pages["004"]
    byline = doc.find_class("byline")[0].text_content()
    assert "夏小华" in byline and all(e in byline for e in article.editors)
    links = {a.get("href") for a in doc.find_class("embeds")[0].iter("a")}
    assert links == {e.url for e in article.embeds}
    article, doc, _ = pages["001"]
    footer = doc.find(".//footer")
    assert footer.find_class("rights")[0].text_content() == article.rights
    assert footer.find(".//a").get("href") == article.source_url


def test_rendering_is_deterministic(seed_articles):
    for article in seed_articles.values():
        assert render_html(article) == render_html(dataclasses.replace(article))


def test_controls_and_lone_surrogates_do_not_break_the_page():
    article = dataclasses.replace(hostile_article(), title="a\x00b\x1bc\ud800d")
    page = render_html(article)
    page.decode("utf-8")  # valid UTF-8
    assert parse(page).findtext(".//h1") == "abc?d"


@settings(max_examples=300)
@given(st.text(alphabet="\n \t\r\x00\x01\x0b\x0c\x1c\x7f&<>\"'a中\u3000\x85\u2028", max_size=60))
def test_body_paragraphs_are_the_lines_escaped_one_by_one(text):
    """The body is each paragraph's lines, controls dropped and HTML-escaped, joined by <br>
    (the render escapes the whole text at once when it has no controls: the same page)."""
    article = dataclasses.replace(hostile_article(), text=text, images=[], embeds=[],
                                  tags=[], rights=None)

    def esc(line: str) -> str:
        return html.escape("".join(c for c in line if c in "\t\n\r" or not (
            c < "\x20" or c == "\x7f")), quote=True)

    body = "".join("<p>" + "<br>".join(esc(line) for line in p.strip("\n").split("\n"))
                   + "</p>\n" for p in split_paragraphs(text))
    page = render_html(article).decode("utf-8")
    start = page.index("</header>\n") + len("</header>\n")
    assert page[start:page.index("</article>", start)] == body
