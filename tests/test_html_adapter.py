"""The generic HTML adapter (corpuskit/formats/html.py): sniffing, golden records from real
nei.st captures (front matter + saved WordPress page), a hand-made saved page, and the date,
empty-page and no-network guarantees."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

import corpuskit
from corpuskit import formats
from corpuskit.cli import main
from corpuskit.formats import html
from corpuskit.sources import Capture
from corpuskit.text import split_paragraphs

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Sidebar, promo, ad and paywall text around the nei.st articles; never article text.
NEIST_JUNK = (
    "No More.", "All the News That's Fit to Print", "Published since September 1843",
    "The New York Times", "The Economist", "MORE", "View", "code-block", "Related",
    "You’ve hit the wall", "端傳媒 Initium Media", "Oct 6th 2019",
)


def _capture(text: str, path: str = "page.html") -> Capture:
    return Capture(path=path, raw=text.encode("utf-8"), file=path)


def _extract(text: str, path: str = "page.html") -> corpuskit.Article:
    return corpuskit.extract(text.encode("utf-8"), path=path)


def _page(body: str, head: str = "<title>A test page</title>", pre: str = "") -> str:
    return f"<!DOCTYPE html>{pre}\n<html><head>{head}</head><body>{body}</body></html>\n"


PROSE = (
    "<article><p>The council approved the new budget on Monday after a long debate about "
    "road repairs, school buildings and the cost of running the city's bus network.</p>"
    "<p>Members said the plan would be reviewed again in the autumn, once the tax receipts for "
    "the first half of the year are known and the repair bills have come in.</p></article>"
)


# -- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "<!DOCTYPE html><html><body><p>x</p></body></html>",
    "<!doctype HTML>\n<html>",
    "  \n<html lang='zh'>",
    "<head><title>t</title></head>",
    "<article class='post'>",
    "<body>",
    "<div id='content'>",
    "<section>",
    "<main>",
    "<p>text</p>",
    "\ufeff<?xml version='1.0' encoding='utf-8'?>\n<!-- saved from url=(0042)https://a.b/ -->\n"
    "<!DOCTYPE html><html>",
    "---\ntitle: t\ndate: 2020-01-01\n---\n\n<article id='post-1'>",
])
def test_sniff_accepts_saved_pages(text: str) -> None:
    assert html.sniff(text)


@pytest.mark.parametrize("text", [
    "",
    "Just some plain text, not a page.",
    "# A Markdown heading\n\n<p>and some html</p>",
    "### Mirror title\n---\n<div class='post_content'><p>x</p></div>",
    "---\ntitle: t\n---\n<!--1697721422000-->\n[Feed title](https://a.b/c)\n------\n<p>x</p>",
    '{"title": "a record"}',
    "<pre>preformatted</pre>",
    "<paragraph>not html</paragraph>",
])
def test_sniff_rejects_other_layouts(text: str) -> None:
    assert not html.sniff(text)


def test_html_is_the_last_adapter_and_never_takes_other_layouts() -> None:
    assert formats.ADAPTERS[-1] is html
    for seed in sorted(SEEDS.glob("*.txt")):
        capture = Capture(path=seed.name, raw=seed.read_bytes())
        assert formats.detect(capture) is not html, seed.name
    for fixture in sorted(FIXTURES.iterdir()):
        capture = Capture(path=fixture.name, raw=fixture.read_bytes())
        assert formats.detect(capture) is html, fixture.name


# -- golden records from nei.st (front matter + saved WordPress article) -------------------

# Values read by hand from the fixture files.
NEIST = {
    "neist_libra.md": {
        "title": "细解 Libra",
        "source_url": "https://nei.st/medium/caixin/cw861b",
        "first": "新一代数字货币带来了哪些超越和不确定性",
        "second": "近期，各方极为关注 Facebook 的加密货币 Libra。与支付宝、传统金融基础设施",
        "last": "这样一个众所瞩目的阵地，我们不应视而不见，轻言放弃。",
        "headings": ["Libra 与支付宝的区别：加密货币的创新价值", "结语与启示"],
        "paragraphs": (34, 42),  # 32 <p> + 6 <h2> in the body
        "published": ("2019-07-29T00:25:18Z", "second", "feed", "2019-07-29T01:25:18+01:00"),
        "images": [],
    },
    "neist_catl.md": {
        "title": "宁德时代如何崛起为电动汽车电池行业主导者？",
        "source_url": "https://nei.st/medium/wsj/the-key-to-electric-cars-is-batteries-one-"
                      "chinese-firm-dominates-the-industry",
        "first": "中国打造了全球最大的电动汽车市场，并且施压外国汽车制造商使用中国产电池。"
                 "名不见经传的宁德时代由此成为全球最大的电动汽车电池生产商",
        "second": "一家不知名的中国企业成为了全球最大的电动汽车电池生产商。",
        "last": "他表示，若是没有这些限制，他认为宁德时代不会成功。",
        "headings": [],
        "paragraphs": (42, 50),
        "published": ("2019-11-04T17:26:00Z", "second", "feed", "2019-11-04T17:26:00Z"),
        "images": [
            ("e52bf525ly1g8m0ru99zij21jj0siao1.jpg",
             "柳州的一个包括通用汽车在内的合资企业生产的宝骏电动车。",
             "Photograph by Aly Song/Reuters"),
            ("B3-FG231_CBATTE_4U_20191018164327.jpg",
             "Power Up\nChina is set to dominate the EV battery sector",
             "Source: Benchmark Minerals Intelligence"),
            ("e52bf525ly1g8m16ut4d5j21jj0si7jp.jpg",
             "宁德时代位于宁德的总部大楼和综合工业园。照片摄于 2018 年。",
             "Photograph by Qilai Shen/Bloomberg News"),
            ("e52bf525ly1g8m183jw0tj21jk0siae1.jpg", "宁德时代首席执行长曾毓群。照片摄于 2018 年。",
             "Photograph by Hannibal Hanschke/Reuters"),
            ("e52bf525ly1g8m1ag0666j21jk0siwon.jpg", "去年，宁德时代总部的雇员们。",
             "Photograph by Qilai Shen/Bloomberg News"),
            ("e52bf525ly1g8m1cgrinpj20zk0npq72.jpg",
             "2019 年 4 月的上海车展上，梅赛德斯奔驰展示了其首款纯电动的车型 EQC 400 SUV。",
             "Photograph by Ng Han Guan/Associated Press"),
        ],
    },
    "neist_joker.md": {
        "title": "《小丑》的提问与考验：这部电影将会激发社会暴力吗？",
        "source_url": "https://nei.st/medium/initium/joker-movie-review",
        "first": "蝙蝠侠先生，你的题目来了",
        "second": "「你会不会担心《小丑》(Joker)这部电影将可能激发社会中那些同性质的人",
        "last": "等我尸体僵硬了，你才能从我手上夺走我的枪。",
        "headings": ["小丑的捣蛋鬼传统", "戏院枪手：我就是小丑", "关于暴力的错误提问",
                     "摩西手上的来福枪"],
        "paragraphs": (31, 39),
        # the original's <time>Oct 6th 2019</time> (htmldate), not the repost's front matter
        "published": ("2019-10-06", "day", "meta", "2019-10-06"),
        "images": [("e52bf525ly1g7ollvpkwqj20yi0y87a2.jpg", "《小丑》剧照", None)],
    },
}


@pytest.fixture(scope="module")
def neist() -> dict[str, corpuskit.Article]:
    return {name: corpuskit.extract(FIXTURES / name) for name in NEIST}


@pytest.mark.parametrize("name", list(NEIST))
def test_neist_golden(neist: dict[str, corpuskit.Article], name: str) -> None:
    want, art = NEIST[name], neist[name]
    assert art.source.format == "html"
    assert art.title == want["title"]
    assert art.source_url == want["source_url"]
    assert art.outlet.id == "nei.st" and art.outlet.name == "Nei.st"
    assert art.captured_at is None  # no epoch stamp: the front matter date is a post date
    assert art.language == "zh-Hans"
    assert (art.published_at, art.published_precision, art.published_source,
            art.published_local) == want["published"]
    paras = split_paragraphs(art.text)
    low, high = want["paragraphs"]
    assert low <= len(paras) <= high
    assert paras[0] == want["first"]
    assert paras[1].startswith(want["second"])
    assert paras[-1].endswith(want["last"])
    for heading in want["headings"]:
        assert heading in paras  # headings are paragraphs of their own
    assert paras.count(want["title"]) == 0  # the page's <h1> repeats the title
    got = [(i.url.rsplit("/", 1)[-1], i.caption, i.credit) for i in art.images]
    assert len(got) == len(want["images"])
    for (g_name, g_caption, g_credit), (w_name, w_caption, w_credit) in zip(
        got, want["images"], strict=True
    ):
        assert g_name == w_name
        assert g_caption is not None and g_caption.startswith(w_caption)
        assert g_credit == w_credit
    assert art.tags == []  # front matter tags are the archive's own ([Nei.st])
    assert corpuskit.validate(art) == []


@pytest.mark.parametrize("name", list(NEIST))
def test_neist_has_no_junk(neist: dict[str, corpuskit.Article], name: str) -> None:
    art = neist[name]
    for junk in NEIST_JUNK:
        assert junk not in art.text, junk
    # sidebar logos and the outlet badges (declared 80-310 px, linked to other sections)
    assert not any("/img/1/1_" in i.url or "/img/1/0_" in i.url for i in art.images)


def test_neist_captions_leave_the_text(neist: dict[str, corpuskit.Article]) -> None:
    text = neist["neist_catl.md"].text
    assert "Photograph by" not in text
    # the caption of a picture the archive did not save is not article text either
    assert "9 月，宁德时代的工人在检查产品。" not in text
    # ai2html chart labels are not one-word paragraphs
    assert "pre-ban phones" not in text and "HiSilicon" not in text
    assert "\n\nCATL\n\n" not in text


def test_cjk_space_after_full_stop_is_removed(neist: dict[str, corpuskit.Article]) -> None:
    # trafilatura writes "Libra。 与支付宝" where an inline <span> began
    assert "Libra。与支付宝" in neist["neist_libra.md"].text
    assert "。 " not in neist["neist_libra.md"].text


# -- a hand-made saved page ---------------------------------------------------------------


@pytest.fixture(scope="module")
def saved() -> corpuskit.Article:
    return corpuskit.extract(FIXTURES / "saved_page.html")


def test_saved_page_metadata(saved: corpuskit.Article) -> None:
    assert saved.source.format == "html"
    assert saved.title == "Harbour reopens after typhoon"
    # the canonical link, not og:url with its tracking parameter
    assert saved.source_url == "https://news.example.com/world/harbour-reopens"
    assert saved.published_at == "2021-06-30T06:05:09Z"
    assert saved.published_precision == "second"
    assert saved.published_source == "meta"
    assert saved.published_local == "2021-06-30T14:05:09+08:00"
    assert saved.captured_at is None
    assert saved.language == "en"
    assert saved.authors == ["Mei Lin"]
    assert saved.tags == ["Typhoons"]
    assert corpuskit.validate(saved) == []


def test_saved_page_body(saved: corpuskit.Article) -> None:
    paras = split_paragraphs(saved.text)
    assert paras[0].startswith("The city's main harbour reopened on Wednesday morning")
    assert "Damage was light" in paras
    assert paras[-1].endswith("resumed their normal timetable.")
    assert "Harbour reopens after typhoon" not in paras  # the <h1>
    for junk in ("World news menu", "Subscribe", "Most read", "Sidebar story", "Copyright",
                 "Footer text", "About us", "Privacy policy", "dataLayer"):
        assert junk not in saved.text, junk


def test_saved_page_figure_caption_and_credit(saved: corpuskit.Article) -> None:
    assert len(saved.images) == 1  # the 120x40 logo is no article picture
    img = saved.images[0]
    assert img.url == "https://img.example.com/2021/06/harbour.jpg"
    assert img.caption == "Container ships wait outside the harbour on Tuesday."
    assert img.credit == "Reuters"
    assert img.alt == "Ships in the harbour"
    assert "Container ships wait" not in saved.text


# -- dates ------------------------------------------------------------------------------------


def test_future_date_is_not_taken() -> None:
    # the epoch stamp after the doctype (at the very top it would be a feed capture)
    text = _page(PROSE, head="<title>Budget approved</title><meta property="
                 "'article:published_time' content='2031-05-01T10:00:00+00:00'>",
                 pre="<!--1625117643000-->")
    art = _extract(text)
    assert art.captured_at == "2021-07-01T05:34:03Z"
    assert art.published_at is None
    assert "published_after_capture:2031-05-01T10:00:00Z" in art.warnings


def test_front_matter_date_with_epoch_stamp_is_capture_time() -> None:
    text = ("---\ntitle: Budget approved\ndate: 2021-07-01T05:34:03+00:00\n---\n"
            + _page(PROSE, pre="<!--1625117643000-->"))
    art = _extract(text, "page.md")
    assert art.captured_at == "2021-07-01T05:34:03Z"
    assert art.published_at is None  # the stamp's date is no publication date


def test_front_matter_date_is_the_fallback_publication_date() -> None:
    text = ("---\ntitle: Budget approved\ndate: 2020-03-02T08:00:00+08:00\n---\n"
            "<article><time datetime='2031-01-01'>later</time>" + PROSE + "</article>")
    art = _extract(text, "page.md")
    assert art.captured_at is None
    assert (art.published_at, art.published_source) == ("2020-03-02T00:00:00Z", "feed")
    assert any(w.startswith("published_after_capture:2031-01-01") for w in art.warnings)


def test_json_ld_date_published() -> None:
    ld = json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage"},
        {"@type": "NewsArticle", "datePublished": "2020-05-04T09:30:00-04:00"},
    ]})
    text = _page(PROSE, head=f"<title>Budget approved</title>"
                 f"<script type='application/ld+json'>{ld}</script>")
    art = _extract(text)
    assert art.published_at == "2020-05-04T13:30:00Z"
    assert art.published_local == "2020-05-04T09:30:00-04:00"


def test_htmldate_is_bounded_by_the_capture_not_today(monkeypatch) -> None:
    seen: list[dict] = []
    real = html.trafilatura.extract

    def spy(*args, **kwargs):
        seen.append(kwargs["date_extraction_params"])
        return real(*args, **kwargs)

    monkeypatch.setattr(html.trafilatura, "extract", spy)
    _extract(_page(PROSE, pre="<!--1625117643000-->"))
    _extract(_page(PROSE))
    assert seen[0] == {"extensive_search": False, "original_date": True,
                       "max_date": "2021-07-02"}
    assert seen[1]["max_date"] == "2100-12-31"  # no capture date: a fixed bound, never today


# -- failures and guarantees ------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "",
    "<script>var a = 1;</script><img src='https://a.example/x.jpg'>",
    "<article>   </article>",
])
def test_page_without_text_is_quarantined(body: str) -> None:
    with pytest.raises(corpuskit.ExtractionError) as exc:
        _extract(_page(body, head="<title>Nothing here</title>"))
    assert exc.value.code == "no_text"


def test_page_without_title_is_quarantined() -> None:
    with pytest.raises(corpuskit.ExtractionError) as exc:
        _extract("<!DOCTYPE html><html><head></head><body>" + PROSE + "</body></html>")
    assert exc.value.code == "no_title"


def test_relative_image_resolved_against_the_page_url() -> None:
    text = _page(
        "<article><p>" + "Long enough paragraph about the harbour and its ships. " * 5
        + "</p><figure><img src='/media/ship.jpg'><figcaption>A ship (AFP)</figcaption>"
        "</figure><p>" + "Another paragraph about the cranes and the port authority. " * 5
        + "</p></article>",
        head="<title>Ships</title><link rel='canonical' href='https://port.example.org/a/1'>",
    )
    art = _extract(text)
    assert [(i.url, i.caption, i.credit) for i in art.images] == [
        ("https://port.example.org/media/ship.jpg", "A ship", "AFP")]


def test_no_network_at_run_time(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("corpuskit tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    art = corpuskit.extract(FIXTURES / "saved_page.html")
    assert art.published_at == "2021-06-30T06:05:09Z"


def test_cli_extract_fixture_folder() -> None:
    result = CliRunner().invoke(main, ["extract", str(FIXTURES)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["source"]["path"] for r in records) == sorted(
        p.name for p in FIXTURES.iterdir())
    assert {r["source"]["format"] for r in records} == {"html"}
    assert CliRunner().invoke(main, ["validate", str(FIXTURES)]).exit_code == 0
