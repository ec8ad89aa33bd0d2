"""HTML → a flat list of blocks (paragraphs, headings, images with captions, embeds, links).

Every capture layout ends in an HTML body; this module is the one place that walks it. The
walker is layout-neutral: adapters and outlet rules decide afterwards which blocks are body,
byline, copyright or boilerplate. lxml does the parsing (no network, no entity expansion).
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.etree
import lxml.html

from .limits import check_parser
from .text import normalize_inline

BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "figure", "figcaption", "section", "article", "header", "footer", "aside",
    "nav", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "hr", "pre", "center", "main",
    "address", "details", "summary", "form", "fieldset",
})
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "button",
    "select", "option", "textarea", "input", "svg", "math", "object", "embed", "map", "canvas",
})
CAPTION_CLASSES = (
    "caption", "image-caption", "img-caption", "wp-caption-text", "photo-caption", "picinfo",
    "pic-caption", "imgCaption", "figcaption",
)

_NUMERIC_REF = re.compile(r"&#(?:\d{2,7}|[xX][0-9a-fA-F]{2,6});?")
# A line break inside a paragraph; normalize_inline() would take "\n" for pretty-printing.
_BR = "\x1e"


@dataclass(slots=True)
class Link:
    url: str
    text: str


@dataclass(slots=True)  # tens per capture: slots make them cheaper to build
class Block:
    """One unit of the body in document order.

    kind: ``p`` (prose), ``heading``, ``li`` (list item), ``image``, ``embed``, ``time``
    (a ``<time datetime>`` value), ``rule`` (``<hr>``).
    """

    kind: str
    text: str = ""
    link_chars: int = 0  # how much of the text is inside links
    # images
    src: str | None = None
    alt: str | None = None
    caption: str | None = None
    caption_title: str | None = None
    credit: str | None = None
    width: str | None = None
    height: str | None = None
    # embeds
    embed_type: str | None = None
    embed_url: str | None = None
    # the heading text in force when this block was met ("相关图集：…" marks a gallery)
    section: str | None = None

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


# lxml.etree's HTML parser, not lxml.html's: lxml.html's gives every element a class of its
# own (HtmlElement) by calling back into Python each time an element is first touched, ~70
# times a capture, and the walk uses none of what those classes add.
_parser = lxml.etree.HTMLParser(
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    huge_tree=False,
    recover=True,
    default_doctype=False,
)
# What lxml.html.fragments_fromstring takes for a whole document (it then adds no wrapper).
_FULL_DOCUMENT = re.compile(r"\s*<(?:html|!doctype)", re.I)


# Markup escaped as text by a broken mirror (&lt;p&gt;&lt;center&gt;褒奖…): tags, not prose.
_ESCAPED_TAG = re.compile(
    r"&lt;(/?(?:p|div|center|br|a|span|img|font|strong|b|i|em|table|tbody|tr|td|ul|ol|li|h[1-6]"
    r"|input|blockquote|figure|figcaption|small)\b(?:[^&<>]|&(?!lt;|gt;))*?)/?&gt;",
    re.I,
)


def unescape_markup(html: str) -> str:
    """Turn escaped tags back into tags (html.unescape only on the tag itself)."""
    if "&lt;" not in html:
        return html
    return _ESCAPED_TAG.sub(lambda m: "<" + htmllib.unescape(m.group(1)) + ">", html)


def parse_fragment(html: str) -> lxml.etree._Element:
    """Parse an HTML fragment into a <div> root (empty input gives an empty root): what
    ``lxml.html.fragment_fromstring(html, create_parent="div")`` makes, as plain elements."""
    html = unescape_markup(html.strip())
    root = lxml.etree.Element("div")
    if not html:
        return root
    if not _FULL_DOCUMENT.match(html):
        html = f"<html><body>{html}</body></html>"
    doc = lxml.etree.fromstring(html, _parser)
    check_parser(_parser)  # libxml2 stopped at its depth limit and dropped the rest
    if doc is None:
        raise lxml.etree.ParserError("Document is empty")
    body = doc.find("body")
    if body is None:  # a whole document of <head> alone
        return root
    if body.text and body.text.strip():
        root.text = body.text
    root.extend(body)
    return root


def _classes(el: lxml.etree._Element) -> str:
    return (el.get("class") or "").strip()


def _has_class(el: lxml.etree._Element, names: tuple[str, ...]) -> bool:
    cls = _classes(el).split()
    return any(n in cls for n in names)


_HIDDEN_CLASS = re.compile(r"visually-?hidden|sr-only|screen-reader|offscreen", re.I)
_CREDIT_CLASS = re.compile(r"copyright|credit|byline-image|photo-source", re.I)


def is_hidden(el: lxml.etree._Element) -> bool:
    """Screen-reader-only text (BBC's "图像加注文字，"): not part of what the page shows."""
    cls = el.get("class")
    return bool(cls and _HIDDEN_CLASS.search(cls))


def element_text(el: lxml.etree._Element, skip: lxml.etree._Element | None = None) -> str:
    """Normalised visible text of an element (<br> as a line break, hidden text left out).

    ``skip`` names a descendant whose text is not wanted (a credit inside a caption).
    """
    parts: list[str] = []
    _visible_text(el, el, skip, parts)
    return normalize_inline("".join(parts))


def _visible_text(node: lxml.etree._Element, el: lxml.etree._Element,
                  skip: lxml.etree._Element | None, parts: list[str]) -> None:
    """`element_text`'s walk, appending to ``parts``: a function of its own, since a nested
    function that calls itself is a reference cycle (function, cell), which kept the page's
    whole tree alive until the next garbage collection."""
    tag = node.tag  # lxml makes a new str at each .tag: read it once
    if tag == "br":
        parts.append("\n")
    elif (
        isinstance(tag, str) and tag not in SKIP_TAGS and node is not skip
        and not is_hidden(node)
    ):
        if node.text:
            parts.append(node.text)
        for child in node:
            _visible_text(child, el, skip, parts)
    if node is not el and node.tail:
        parts.append(node.tail)


class _Walker:
    def __init__(self, media: bool) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.link_chars = 0  # of the links whose text is in ``buf``
        self.block_stack: list[str] = []  # the open block elements' tags
        self.section: str | None = None
        self.all_links: list[Link] = []
        # whether the fragment holds any image or player at all: without one, no element can
        # be a captioned image or embed, and the caption test of each element's next sibling
        # (~20 a capture, more than half in fragments without media) and the image-and-caption
        # test of each <div> are skipped
        self.media = media

    # -- paragraph buffer ------------------------------------------------------------
    def flush(self) -> None:
        # the links' characters belong to the text buffered with them, block or not
        link_chars, self.link_chars = self.link_chars, 0
        if not self.buf:
            return  # two flushes in five: a block opens or closes right after another
        raw = "".join(self.buf)
        self.buf = []
        if raw.isspace():
            return  # most block boundaries close nothing but pretty-printer indentation
        tag = self.block_stack[-1] if self.block_stack else "div"
        if "&#" in raw:  # double-escaped numeric references (O&amp;#039Fallon)
            raw = _NUMERIC_REF.sub(lambda m: htmllib.unescape(m.group().rstrip(";") + ";"), raw)
        lines = ([normalize_inline(line) for line in raw.split(_BR)] if _BR in raw
                 else [normalize_inline(raw)])
        # An empty line (<br><br>) splits paragraphs; single <br> stays a line break.
        paragraphs: list[list[str]] = [[]]
        for line in lines:
            if line:
                paragraphs[-1].append(line)
            elif paragraphs[-1]:
                paragraphs.append([])
        kind = "heading" if tag in HEADING_TAGS else ("li" if tag == "li" else "p")
        for para in paragraphs:
            if not para:
                continue
            text = "\n".join(para)
            block = Block(
                kind=kind,
                text=text,
                link_chars=min(link_chars, len(text)),
                section=self.section,
            )
            if kind == "heading":
                self.section = text
            self.blocks.append(block)
            link_chars = 0

    # -- walking -----------------------------------------------------------------------
    def walk(self, el: lxml.etree._Element, tag: object = None) -> None:
        """Blocks of ``el``'s subtree (``tag``: ``el.tag`` when the caller has read it)."""
        if tag is None:
            tag = el.tag
        if not isinstance(tag, str) or not tag or tag in SKIP_TAGS:
            return  # comments and processing instructions have a function as their tag
        cls = el.get("class") or ""
        if cls and _HIDDEN_CLASS.search(cls):  # is_hidden(el)
            return
        if tag in _SPECIAL_TAGS:  # one set lookup for the rest (<p>, half the elements)
            if tag == "img":
                self.flush()
                self.image(el, caption=None)
                return
            if tag == "br":
                self.buf.append(_BR)
                return
            if tag in ("iframe", "video", "audio"):
                self.flush()
                self.embed(el)
                return
            if tag == "time" and el.get("datetime"):
                # a machine-readable date shown with the article (VOA, BBC): a date, not prose
                self.flush()
                self.blocks.append(Block(kind="time", text=el.get("datetime", "").strip(),
                                         section=self.section))
                return
            if tag == "blockquote" and "twitter" in cls:  # twitter-tweet too
                self.flush()
                self.tweet(el)
                return
            if tag == "div" and "social-embed" in cls and self._social_embed(el):
                return
            if tag == "figure" or (tag == "div" and self.media
                                   and self._is_captioned_image_div(el)):
                self.flush()
                self.figure(el)
                return
            if tag == "a" or tag == "ok":
                href = (el.get("href") or "").strip()
                text = element_text(el)
                if href:
                    self.all_links.append(Link(href, text))
                    self.link_chars += len(text)
        is_block = tag in BLOCK_TAGS
        if is_block:
            self.flush()
            self.block_stack.append(tag)
        text = el.text
        if text:
            self.buf.append(text)
        children = list(el)
        if children:  # most elements (three in four) are leaves
            count = len(children)
            tags = [c.tag for c in children]  # lxml makes a new str at each .tag: read them once
            media = self.media
            i = 0
            while i < count:
                child = children[i]
                child_tag = tags[i]
                if (media and i + 1 < count and child_tag in _CAPTIONABLE
                        and _is_caption(children[i + 1], tags[i + 1])
                        and self._captioned(child, child_tag, children[i + 1])):
                    i += 2
                    continue
                self.walk(child, child_tag)
                tail = child.tail
                if tail:
                    self.buf.append(tail)
                i += 1
        if is_block:
            self.flush()
            self.block_stack.pop()
            if tag == "hr":
                self.blocks.append(Block(kind="rule", section=self.section))

    def _captioned(self, el: lxml.etree._Element, tag: object,
                   caption: lxml.etree._Element) -> bool:
        """``el`` (whose tag is ``tag``) as a player or an image captioned by its next sibling
        ``caption``; False, and nothing done, when ``el`` is neither."""
        if tag in ("video", "iframe", "audio"):
            # VOA: <video …></video><div><small>caption</small></div>
            self.flush()
            self.embed(el, caption=element_text(caption))
        else:
            img = _single_image(el, tag)
            if img is None:
                return False
            self.flush()
            self.image(img, caption=element_text(caption))
        if caption.tail:
            self.buf.append(caption.tail)
        return True

    def _is_captioned_image_div(self, el: lxml.etree._Element) -> bool:
        """<div><img/>caption text</div> or <div><img/><b>title</b>：caption</div> (galleries)."""
        if el.find("img") is None:  # cheap test first: most divs hold no image at all
            return False
        children = [c for c in el if isinstance(c.tag, str)]
        if not children or children[0].tag != "img" or (el.text or "").strip():
            return False
        rest = children[1:]
        if any(c.tag in BLOCK_TAGS and not _is_caption(c) for c in rest):
            return False
        return not any(c.tag == "img" for c in rest)

    def figure(self, el: lxml.etree._Element) -> None:
        imgs = list(el.iter("img"))
        if not imgs:
            return
        credit_el = next((c for c in el.iter() if c is not el and isinstance(c.tag, str)
                          and _CREDIT_CLASS.search(c.get("class") or "")), None)
        credit = element_text(credit_el) if credit_el is not None else None
        title = None
        if el.tag == "figure":
            caption_el = next((c for c in el.iter() if c.tag == "figcaption" or _is_caption(c)),
                              None)
            caption = element_text(caption_el, skip=credit_el) if caption_el is not None else None
        else:
            # gallery slide: <b>title</b>：caption, or plain caption text after the image
            first = el[0]
            after = [c for c in el if c is not first]
            bold = next((c for c in after if c.tag in ("b", "strong")), None)
            parts = [first.tail or ""]
            for c in after:
                parts.append(lxml.html.tostring(c, method="text", encoding="unicode"))
            caption = normalize_inline("".join(parts))
            if bold is not None:
                title = element_text(bold)
                if title and caption.startswith(title):
                    caption = caption[len(title):].lstrip(" ：:")
        self.image(imgs[0], caption=caption or None, caption_title=title or None, credit=credit)

    def image(self, el: lxml.etree._Element, caption: str | None,
              caption_title: str | None = None, credit: str | None = None) -> None:
        src = (el.get("src") or el.get("data-src") or el.get("data-original") or "").strip()
        if not src:
            return
        self.blocks.append(
            Block(
                kind="image",
                src=src,
                alt=(el.get("alt") or "").strip() or None,
                caption=caption or None,
                caption_title=caption_title,
                credit=credit or None,
                width=el.get("width"),
                height=el.get("height"),
                section=self.section,
            )
        )

    def embed(self, el: lxml.etree._Element, caption: str | None = None) -> None:
        src = el.get("src") or ""
        if not src:
            source = next(iter(el.iter("source")), None)
            src = source.get("src") if source is not None else ""
        tag = el.tag
        kind = tag if tag in ("video", "audio") else "iframe"
        if tag == "iframe" and re.search(r"youtube|youtu\.be|vimeo|dailymotion|bilibili", src):
            kind = "video"
        self.blocks.append(
            Block(kind="embed", embed_type=kind, embed_url=src.strip() or None,
                  text=caption or "", section=self.section)
        )

    def _social_embed(self, el: lxml.etree._Element) -> bool:
        """BBC's social-embed blocks: the post is a link (the iframe markup is often broken)."""
        hrefs = [a.get("href") or a.get("src") or "" for a in el.iter("a", "iframe")]
        raw = lxml.html.tostring(el, encoding="unicode")
        hrefs += re.findall(r"https?://(?:www\.)?(?:youtube\.com|youtu\.be)/[^\s\"'<>~]+", raw)
        for href in hrefs:
            if re.search(r"twitter\.com/[^/]+/status/\d+", href):
                self.flush()
                self.blocks.append(Block(kind="embed", embed_type="tweet",
                                         embed_url=href.split("?")[0], section=self.section))
                return True
            m = re.search(r"(?:youtube\.com/(?:embed/|watch\?v=)|youtu\.be/)([\w-]{6,})", href)
            if m:
                self.flush()
                self.blocks.append(Block(kind="embed", embed_type="video",
                                         embed_url=f"https://www.youtube.com/watch?v={m.group(1)}",
                                         section=self.section))
                return True
        return False

    def tweet(self, el: lxml.etree._Element) -> None:
        url = None
        for a in el.iter("a"):
            href = a.get("href") or ""
            if re.search(r"twitter\.com/[^/]+/status/\d+|x\.com/[^/]+/status/\d+", href):
                url = href.split("?")[0]
        ps = [element_text(p) for p in el.iter("p")]
        text = " ".join(p for p in ps if p) or None
        for a in el.iter("a"):
            self.all_links.append(Link(a.get("href") or "", element_text(a)))
        self.blocks.append(
            Block(kind="embed", embed_type="tweet", embed_url=url, text=text or "",
                  section=self.section)
        )


# A fragment without any of these holds no captioned image or player (see _Walker.media).
_MEDIA_TAGS = ("img", "video", "iframe", "audio")
# The tags _Walker.walk treats otherwise than by their being a block or inline element.
_SPECIAL_TAGS = frozenset({*_MEDIA_TAGS, "br", "time", "blockquote", "div", "figure", "a", "ok"})
# Tags an element must have for a following caption to be its own (see _Walker.walk).
_CAPTIONABLE = frozenset({"video", "iframe", "audio", "img", "div", "picture", "span", "a", "p"})


def _single_image(el: lxml.etree._Element, tag: object) -> lxml.etree._Element | None:
    """``el`` (whose tag is ``tag``) if it is an <img>, or the one <img> of a text-less wrapper
    (<div><picture><img>)."""
    if tag == "img":
        return el
    if not isinstance(tag, str) or tag not in ("div", "picture", "span", "a", "p"):
        return None
    imgs = list(el.iter("img"))
    if len(imgs) != 1 or element_text(el):
        return None
    return imgs[0]


def _is_caption(el: lxml.etree._Element, tag: object = None) -> bool:
    """A caption of the element before it (``tag``: ``el.tag`` when the caller has read it)."""
    if tag is None:
        tag = el.tag
    if not isinstance(tag, str):
        return False
    if tag in ("figcaption", "small"):
        return True
    if el.get("class") and _has_class(el, CAPTION_CLASSES):
        return True
    if tag not in ("div", "p", "span"):
        return False
    # <div><small>caption</small></div>: a wrapper whose only content is a <small>. The text
    # and find() tests first: most paragraphs have text, and listing the children is dearer.
    if (el.text or "").strip() or el.find("small") is None:
        return False
    kids = [c for c in el if isinstance(c.tag, str)]
    return (
        len(kids) == 1
        and kids[0].tag == "small"
        and not (el.text or "").strip()
        and not (kids[0].tail or "").strip()
    )


def html_to_blocks(html: str | lxml.etree._Element) -> tuple[list[Block], list[Link]]:
    """Blocks of an HTML fragment, and every link met (for tags and related-link detection)."""
    root = parse_fragment(html) if isinstance(html, str) else html
    walker = _Walker(media=next(root.iter(*_MEDIA_TAGS), None) is not None)
    walker.walk(root)
    walker.flush()
    return walker.blocks, walker.all_links


def iter_text_blocks(blocks: list[Block]) -> Iterator[Block]:
    return (b for b in blocks if b.kind in ("p", "heading", "li"))
