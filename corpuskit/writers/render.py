"""A clean, self-contained HTML page for an article (the WARC's replayable copy at its URL).

The page is built from the record alone, so it shows exactly what the dataset holds. It is safe
to open from a hostile capture: every text value is escaped, nothing executable is emitted (no
script, iframe, event attribute, ``javascript:`` or ``data:`` URL) and the only resources a
browser fetches are the article's own http(s) image URLs; the style sheet is inline.

Layout: outlet, headline, date, byline; the lead image(s); the body paragraphs; then the inline
images (the record keeps no position for them inside the text), the gallery, embeds as links,
tags, and the rights statement with a link to the original article.
"""

from __future__ import annotations

import re
from html import escape

from ..data import Article, Image
from ..text import split_paragraphs

# http(s) only, and nothing a browser would strip or reinterpret (whitespace, controls, quotes,
# angle brackets): such a URL is dropped rather than repaired.
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f\"'<>`\\]+", re.IGNORECASE)
# C0 controls but tab and newline, and DEL: not allowed in HTML text, dropped
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})")

# Labels in the page's language (Chinese script variants; English for everything else).
_LABELS = {
    "en": {"authors": "By {}", "editors": "Editors: {}", "translators": "Translated by {}",
           "tags": "Tags: {}",
           "source": "Original article: ", "embeds": "Embedded", "gallery": "Gallery",
           "sep": ", "},
    "zh-Hans": {"authors": "作者：{}", "editors": "编辑：{}", "translators": "译者：{}",
                "tags": "标签：{}",
                "source": "原文：", "embeds": "嵌入内容", "gallery": "图集", "sep": "、"},
    "zh-Hant": {"authors": "作者：{}", "editors": "編輯：{}", "translators": "譯者：{}",
                "tags": "標籤：{}",
                "source": "原文：", "embeds": "嵌入內容", "gallery": "圖集", "sep": "、"},
}

_STYLE = (
    "body{margin:0 auto;max-width:42rem;padding:1rem;font:1.05rem/1.7 system-ui,sans-serif;"
    "color:#222;background:#fff}"
    "h1{font-size:1.6rem;line-height:1.3;margin:.3rem 0}"
    ".outlet,.dateline,.byline,.tags,footer{color:#555;font-size:.9rem}"
    "figure{margin:1.2rem 0}img{max-width:100%;height:auto}"
    "figcaption{color:#555;font-size:.85rem}"
    "footer{border-top:1px solid #ddd;margin-top:2rem;padding-top:.5rem}"
)
_HEAD = "<!DOCTYPE html>\n"
_META = ('<meta name="viewport" content="width=device-width, initial-scale=1">\n'
         '<meta name="referrer" content="no-referrer">\n')


def safe_url(url: str | None) -> str | None:
    """The URL if a page may link to or load it (absolute http/https), else None."""
    if url and _SAFE_URL.fullmatch(url):
        return url
    return None


def render_html(article: Article) -> bytes:
    """A clean, self-contained UTF-8 HTML page of the article."""
    labels = _labels(article.language)
    e = _esc
    lang = article.language if _LANGUAGE_TAG.fullmatch(article.language) else "und"
    title = e(article.title)
    out: list[str] = [
        f'{_HEAD}<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n{_META}'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        "<article>\n<header>\n",
    ]
    outlet = article.outlet.name or article.outlet.domain or article.outlet.id
    if outlet:
        out.append(f'<p class="outlet">{e(outlet)}</p>\n')
    out.append(f"<h1>{title}</h1>\n")
    if article.published_at:
        shown = _shown_date(article)
        out.append(f'<p class="dateline"><time datetime="{e(article.published_at)}">'
                   f"{e(shown)}</time></p>\n")
    byline = []
    if article.authors:
        byline.append(labels["authors"].format(labels["sep"].join(article.authors)))
    if article.editors:
        byline.append(labels["editors"].format(labels["sep"].join(article.editors)))
    if article.translators:
        byline.append(labels["translators"].format(labels["sep"].join(article.translators)))
    if byline:
        out.append(f'<p class="byline">{e(" · ".join(byline))}</p>\n')
    out.append("</header>\n")

    images = article.images
    out.extend(_figure(i) for i in images if i.role == "lead")
    # Each paragraph's lines escaped, joined by <br>. Escaping keeps every newline and
    # whitespace character, so without controls to drop (which could join or split lines and
    # paragraphs) the text is escaped whole, once, and split after.
    text = article.text
    if _CONTROLS.search(text):
        paragraphs = [e(p.strip("\n")) for p in split_paragraphs(text)]
    else:
        paragraphs = [p.strip("\n") for p in split_paragraphs(escape(text))]
    out.extend(f"<p>{p.replace(chr(10), '<br>')}</p>\n" for p in paragraphs)
    out.extend(_figure(i) for i in images if i.role == "inline")
    gallery_html = [_figure(i) for i in images if i.role == "gallery"]
    if any(gallery_html):
        out.append(f'<section class="gallery">\n<h2>{e(labels["gallery"])}</h2>\n')
        out.extend(gallery_html)
        out.append("</section>\n")

    if article.embeds:
        out.append(f'<section class="embeds">\n<h2>{e(labels["embeds"])}</h2>\n<ul>\n')
        for embed in article.embeds:
            text = embed.text or embed.url or embed.type
            url = safe_url(embed.url)
            item = f"{e(embed.type)}: " + (_link(url, text) if url else e(text))
            out.append(f"<li>{item}</li>\n")
        out.append("</ul>\n</section>\n")
    if article.tags:
        tags = labels["tags"].format(labels["sep"].join(article.tags))
        out.append(f'<p class="tags">{e(tags)}</p>\n')

    footer = []
    if article.rights:
        footer.append(f'<p class="rights">{e(article.rights)}</p>\n')
    source = safe_url(article.source_url)
    if source:
        footer.append(f'<p class="source">{e(labels["source"])}{_link(source, source)}</p>\n')
    if footer:
        out.extend(["<footer>\n", *footer, "</footer>\n"])
    out.append("</article>\n</body>\n</html>\n")
    # a lone surrogate (possible in JSON input) must not make the page invalid UTF-8
    return "".join(out).encode("utf-8", "replace")


def _labels(language: str) -> dict[str, str]:
    if language.startswith("zh"):
        return _LABELS["zh-Hant" if "Hant" in language else "zh-Hans"]
    return _LABELS["en"]


def _esc(value: str) -> str:
    # printable: no controls (the common case, told by a C loop cheaper than the regex search)
    if not value.isprintable() and _CONTROLS.search(value):
        value = _CONTROLS.sub("", value)
    return escape(value, quote=True)


def _link(url: str, text: str) -> str:
    return f'<a href="{_esc(url)}" rel="nofollow noopener noreferrer">{_esc(text)}</a>'


def _figure(image: Image) -> str:
    """A <figure> for an image with a loadable URL; "" when neither URL is http(s)."""
    url = safe_url(image.url) or safe_url(image.original_url)
    if url is None:
        return ""
    alt = image.alt or ""  # the caption is shown below; repeating it as alt adds nothing
    caption = " — ".join(_esc(p) for p in (image.caption, image.credit) if p)
    if image.title:
        caption = f"<strong>{_esc(image.title)}</strong> {caption}".rstrip()
    parts = [f'<figure>\n<img src="{_esc(url)}" alt="{_esc(alt)}" loading="lazy">\n']
    if caption:
        parts.append(f"<figcaption>{caption}</figcaption>\n")
    parts.append("</figure>\n")
    return "".join(parts)


def _shown_date(article: Article) -> str:
    """The publication time as precise as the record says, never more.

    Day precision shows the date alone. Otherwise the time is shown to the minute or second
    (milliseconds are not worth a reader's attention) in the outlet's own offset when the record
    has ``published_local``, else in UTC.
    """
    value = article.published_local or article.published_at or ""
    precision = article.published_precision
    m = _DATE_TIME.fullmatch(value)
    if m is None:
        return value  # a date alone (day precision) or a form we do not know: shown as is
    day, hh, mm, ss, zone = m.groups()
    if precision == "day":
        return day
    time = f"{hh}:{mm}" if precision == "minute" else f"{hh}:{mm}:{ss}"
    return f"{day} {time} {'UTC' if zone == 'Z' else 'UTC' + zone}"
