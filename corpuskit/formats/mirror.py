"""Mirror pages: Markdown wrappers around an article's HTML, as mirrored to GitHub.

    ### title
    ---                                   (or a 24-dash underline)
    #### [首页](…) | [评论](…) …           (navigation, at the top or the end)
    <div><img …/><div class="caption">…</div></div><hr/><div class="post_content">…</div>
    <img src='http://mirror/…/n1.md' width='0px' height='0px'/>   (names the mirror page)
    ---
    原文链接（需翻墙）：https://www.epochtimes.com/gb/23/7/26/n14042248.htm
"""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.etree
import lxml.html

from ..assemble import Draft, ExtractionError, assemble
from ..blocks import Block, html_to_blocks, parse_fragment
from ..data import Article
from ..sources import Capture
from ..text import rewrite_lines

NAME = "mirror"

_TITLE_RE = re.compile(r"^\s*#{1,3}[ \t]+(?P<title>[^\n]+?)[ \t]*#*[ \t]*$", re.M)
_ORIGINAL_RE = re.compile(
    r"(?:原文链接|原文地址|原文網址|原文連結)(?:[（(][^）)\n]{0,20}[）)])?\s*[：:]\s*"
    r"(?P<url>https?://[^\s<>\"']+)"
)
_PIXEL_RE = re.compile(
    # [^<>], not [^>]: an <img never closed would make every later src a new start (cubic)
    r"""<img[^<>]*?src=['"](?P<src>[^'"]+)['"][^<>]*?width=['"]?0(?:px)?['"]?[^<>]*>""", re.I
)
_SHARE_MARK = "手机上长按并复制下列链接或二维码分享本文章"
_SHARE_RE = re.compile(
    rf"^.*{_SHARE_MARK}.*$(?P<lines>(?:\n.*(?:https?://|<br).*){{0,4}})", re.M)
# Markdown lines that are mirror furniture, never article content, each with the text every
# such line holds: a pattern is applied only to the lines holding its text (rewrite_lines).
_FURNITURE = (
    (re.compile(r"^[^\S\n]*#{1,6}[^\S\n]*\[.*$"), ("#",)),  # navigation: #### [首页](…) | …
    # rules and title underlines: a line of "-" and "=" holding three of one in a row, as
    # the mirrors write them. A line that mixes them without such a run ("-=-=-") is not
    # furniture seen in them, and looking for it would take two more passes over every page
    # (~16 µs); the lookahead says so, so that the pattern is what the needles find.
    (re.compile(r"^[^\S\n]*(?=[-=]*(?:---|===))[-=]{3,}[^\S\n]*$"), ("---", "===")),
)


def _share_blocks(text: str) -> list[re.Match[str]]:
    """What ``_SHARE_RE.finditer(text)`` finds, tried only at the start of each line holding
    the share mark: the regex's ``^.*`` is otherwise tried at every character (its search and
    substitution took ~480 µs on a 31 KB page holding the mark; ~30 µs this way). A line
    holding the mark always matches."""
    found: list[re.Match[str]] = []
    pos = 0
    while (i := text.find(_SHARE_MARK, pos)) >= 0:
        m = _SHARE_RE.match(text, text.rfind("\n", 0, i) + 1)
        assert m is not None  # ^.*MARK.*$ at the start of a line holding MARK
        found.append(m)
        pos = m.end()
    return found


def _without(text: str, matches: list[re.Match[str]]) -> str:
    """``text`` with the (ordered, non-overlapping) ``matches`` cut out, as ``sub("")``."""
    parts, pos = [], 0
    for m in matches:
        parts.append(text[pos:m.start()])
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts)


def _drop_lines(text: str, pattern: re.Pattern[str], needle: str) -> str:
    """``pattern`` removed from the lines that hold ``needle``: the same as a MULTILINE
    ``pattern.sub("", text)``, which tries the pattern at every character (120 µs a page)."""
    return rewrite_lines(text, lambda t, pos: t.find(needle, pos),
                         lambda line: pattern.sub("", line))


# Body containers seen in mirrors, most specific first: the text its attribute value holds,
# the attribute, and the test of the value. In XPath: //*[@id='artbody'], a class token
# post_content (contains(concat(' ', normalize-space(@class), ' '), ' post_content ')), a class
# containing ar_articleContent or StandardArticleBody_body, a class token wsw, and
# //*[@itemprop='articleBody']; tests/test_adapters.py checks the tests against those XPaths.
_XML_SPACE = re.compile("[ \t\r\n]+")  # what normalize-space() collapses
BODY_CONTAINERS: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    ("artbody", "id", lambda v: v == "artbody"),
    ("post_content", "class", lambda v: "post_content" in _XML_SPACE.split(v)),
    ("ar_articleContent", "class", lambda v: "ar_articleContent" in v),
    ("StandardArticleBody_body", "class", lambda v: "StandardArticleBody_body" in v),
    ("wsw", "class", lambda v: "wsw" in _XML_SPACE.split(v)),
    ("articleBody", "itemprop", lambda v: v == "articleBody"),
)


def sniff(text: str) -> bool:
    """A ``### title`` first line and article HTML naming where it came from."""
    m = _TITLE_RE.search(text[:2000])
    if not m or text[: m.start()].strip() or not text.lstrip().startswith("###"):
        return False
    has_html = re.search(r"<(?:div|p|img)\b", text) is not None
    underlined = re.match(r"\s*\n\s*-{3,}\s*\n", text[m.end():]) is not None
    return has_html and bool(underlined or _ORIGINAL_RE.search(text) or _PIXEL_RE.search(text))


def read(capture: Capture) -> list[Article]:
    text = capture.text.replace("\r\n", "\n").replace("\r", "\n")
    m = _TITLE_RE.search(text)
    if not m:
        raise ExtractionError("no_title", "mirror page without a '### title' line")
    title = m.group("title")
    rest = text[m.end():]

    # each pattern's matches are found once, then cut out (a search and a sub scanned the
    # page twice: ~10 µs a page each)
    originals = list(_ORIGINAL_RE.finditer(rest))
    original = _trim_url(originals[-1].group("url")) if originals else None
    html = _without(rest, originals)
    pixels = list(_PIXEL_RE.finditer(html))
    html = _without(html, pixels)
    for pattern, needles in _FURNITURE:
        for needle in needles:
            html = _drop_lines(html, pattern, needle)
    html = _without(html, _share_blocks(html))
    if pixels:
        mirror_url = pixels[0].group("src")
    else:
        # the share block names the mirror page itself (…/blob/master/pages/87/400950.md);
        # looked for in the page as it was, whose link lines the cuts above can change
        share = _share_blocks(rest)
        um = re.search(r"https?://\S+?\.md\b", share[0].group("lines")) if share else None
        mirror_url = um.group() if um else None
    root = parse_fragment(html)
    body = _find_body(root, html)

    lead: list[Block] = []
    times: list[Block] = []
    if body is not None:
        # images before the body container (the featured picture with its caption) are leads
        before = _elements_before(root, body)
        for el in before:
            blocks, _ = html_to_blocks(el)
            lead += [b for b in blocks if b.kind == "image"]
            # a <time datetime> above the body (VOA's "published" line) still dates it
            times += [b for b in blocks if b.kind == "time"]
        blocks, links = html_to_blocks(body)
        blocks = times + blocks
    else:
        blocks, links = html_to_blocks(root)

    draft = Draft(
        format=NAME,
        title=title,
        source_url=original,
        blocks=blocks,
        links=links,
        lead_images=lead,
        mirror_url=mirror_url,
    )
    if original is None:
        draft.warnings.append("no_original_url")
    return [assemble(draft, capture)]


def _trim_url(url: str) -> str:
    """Drop punctuation glued after a URL; a closing bracket stays only when the URL opened it
    (Minghui paths hold full-width brackets: …/致信习近平（图）-337263.html)."""
    while url:
        last = url[-1]
        glued = last in ".,;:，。；：!！?？"
        unopened = last in ")）" and url.count("(" if last == ")" else "（") < url.count(last)
        if not (glued or unopened):
            break
        url = url[:-1]
    return url


def _find_body(root: lxml.etree._Element, html: str) -> lxml.etree._Element | None:
    """The first body container found, in document order, trying only the containers whose
    attribute value is in the page's ``html`` as text (a substring test, ~0.1 µs), or all of
    them when the page spells characters as references (``id="&#97;rtbody"``).

    The elements are visited in Python until the first match rather than by an XPath, which
    walks the whole tree and, for a class token, normalises every class attribute: the body
    comes early in a mirror page, 44 -> 19 µs a page."""
    spelled = "&#" in html
    for needle, attribute, test in BODY_CONTAINERS:
        if spelled or needle in html:
            for el in root.iter(lxml.etree.Element):
                value = el.get(attribute)
                if value is not None and test(value):
                    return el
    return None


def _elements_before(root: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> list:
    """Top-level elements of ``root`` that come before the one holding ``body``."""
    out = []
    for child in root:
        if child is body or body in child.iterdescendants():
            break
        out.append(child)
    return out
