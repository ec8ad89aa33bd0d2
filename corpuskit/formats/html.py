"""Saved web pages in layouts no other adapter knows: the fallback, tried last.

    ---                                   (optional YAML front matter: title, date, author, from)
    ---
    <!DOCTYPE html> / <html> / <article> / <div> / <p> …   a saved page or a page fragment

trafilatura finds the main content (and htmldate, through it, a day-precision date); the page's
own markup gives what trafilatura drops or blurs: the canonical URL, the publication time with
its offset, image captions and credits, ``rel=tag`` links. The result is a ``Draft`` like any
other layout's, so ``assemble()`` applies the same outlet, byline, caption and language rules.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import trafilatura

from ..assemble import Draft, ExtractionError, assemble
from ..blocks import Block, Link
from ..data import Article
from ..dates import MAX_YEAR, Published, epoch_ms_to_utc, parse_iso, parse_page_date, parse_utc
from ..limits import check_parser
from ..outlets import rule_for_name, rule_for_url
from ..sources import Capture
from ..text import clean_chars, normalize_inline
from ..urls import is_http_url
from .frontmatter import split_front_matter, strip_front_matter

NAME = "html"

# What a saved page or page fragment starts with, once front matter, an XML declaration and
# comments are skipped. Markdown, feed and mirror headers never start like this.
_START_RE = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|main|section|div|p)(?=[\s>/])", re.I
)
_PREAMBLE_RE = re.compile(r"\A(?:\s+|\ufeff|<\?xml[^>]*\?>|<!--.*?-->)*", re.S)
# The feed generator's capture stamp, <!--1625117643000-->, near the top of the page.
_EPOCH_RE = re.compile(r"<!--\s*(?P<ms>\d{13})\s*-->")
_EPOCH_WINDOW = 4000

_CAPTION_CLASS_RE = re.compile(r"(?:^|[-_])(?:caption|caption-text|figcaption)$", re.I)
_CREDIT_CLASS_RE = re.compile(
    r"(?:^|[-_])(?:cred|credit|credits|copyright|photographer|source)(?:$|[-_])", re.I
)
# Images declared smaller than this (width or height attribute, in px) are icons, logos,
# avatars and tracking pixels, never article pictures.
_MIN_IMAGE_PX = 100
_MAX_WRAPPER = 1500  # characters of text a picture's wrapper may hold (its caption's)
_STOP_CLIMB = frozenset({"article", "main", "body", "html", "section"})
_TEXT_KINDS = ("p", "li")
_CAPTION_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol"})

_parser = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, huge_tree=False, recover=True
)


def sniff(text: str) -> bool:
    body = strip_front_matter(text)
    head = body[:8000]
    start = _PREAMBLE_RE.match(head)
    return bool(_START_RE.match(head, start.end() if start else 0))


@dataclass
class _Caption:
    """What the page's markup says about one picture (trafilatura keeps only src/alt/title)."""

    caption: str | None = None
    credit: str | None = None
    fragments: set[str] = field(default_factory=set)  # texts trafilatura may emit as <p>s
    width: str | None = None
    height: str | None = None


@dataclass
class _PageMeta:
    canonical: str | None = None
    og_url: str | None = None
    base: str | None = None
    title: str | None = None
    published: list[str] = field(default_factory=list)  # raw values, best first
    tags: list[str] = field(default_factory=list)


def read(capture: Capture) -> list[Article]:
    text = capture.text.replace("\r\n", "\n").replace("\r", "\n")
    front, body = split_front_matter(text)
    warnings: list[str] = []

    captured_at = _capture_time(front, body, warnings)
    fm_date = _front_date(front)
    root = _parse(body)
    if root is None:
        raise ExtractionError("no_text", "the page holds no markup to read")
    _flatten_ai2html(root)
    meta = _page_meta(root)

    outlet_name = str(front.get("author") or "").strip() or None
    url = _first_http(front.get("from"), meta.canonical, meta.og_url)
    rule = rule_for_url(url) or rule_for_name(outlet_name)
    tz = rule.tz if rule else None
    captions, orphan_captions = _caption_index(root, meta.base or url)

    # Nothing is published after it was captured (or posted to the archive); this bound is
    # also htmldate's max_date, so its answer never depends on the day corpuskit runs.
    captured = parse_utc(captured_at)
    bound = Published(captured, "second", "capture") if captured else fm_date
    max_day = bound.day() + timedelta(days=1) if bound else date(MAX_YEAR, 12, 31)

    _drop_unnameable_attributes(root)
    xml = _trafilatura_xml(
        root,
        url=url,
        output_format="xml",
        include_images=True,
        include_tables=True,
        include_links=True,
        include_comments=False,
        with_metadata=True,
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "max_date": max_day.isoformat(),
        },
    )
    doc = _parse_xml(xml)
    traf = dict(doc.attrib) if doc is not None else {}
    url = url or _first_http(traf.get("url"))
    base = meta.base or url

    title = str(front.get("title") or "").strip() or traf.get("title") or meta.title or ""
    main = doc.find("main") if doc is not None else None
    walker = _Walker(captions, orphan_captions, base)
    if main is not None:
        walker.walk_main(main)
    blocks, links = walker.blocks, walker.links
    blocks = _drop_furniture(blocks, title)
    if not any(b.kind in ("p", "heading", "li") and b.text for b in blocks):
        raise ExtractionError("no_text", "no article text found in the page")

    # with an epoch stamp the front matter date is the capture time, else the post date
    post_date = None if captured_at else fm_date
    published = _published(meta, traf.get("date"), post_date, tz, bound, warnings)
    authors = [a.strip() for a in (traf.get("author") or "").split(";") if a.strip()]

    draft = Draft(
        format=NAME,
        title=title,
        source_url=url,
        blocks=blocks,
        links=links,
        captured_at=captured_at,
        outlet_name=outlet_name,
        published=published,
        authors=authors,
        tags=meta.tags,
        warnings=warnings,
    )
    return [assemble(draft, capture)]


# -- capture-level metadata -----------------------------------------------------------------


def _capture_time(front: dict, body: str, warnings: list[str]) -> str | None:
    """The epoch stamp's time; the front matter date counts as capture time only beside one
    (without the stamp, these archives' front matter date is the post date, not a capture)."""
    m = _EPOCH_RE.search(body[:_EPOCH_WINDOW])
    if not m:
        return None
    at = epoch_ms_to_utc(int(m.group("ms")))
    if at is not None:
        return at
    warnings.append("capture_time_implausible")
    fm = _front_date(front)
    return fm.at if fm is not None and fm.precision != "day" else None


def _front_date(front: dict) -> Published | None:
    value = front.get("date")
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.isoformat()
    return parse_iso(str(value), "feed", "UTC")


def _first_http(*candidates: object) -> str | None:
    for c in candidates:
        if isinstance(c, str) and is_http_url(c.strip()):
            return c.strip()
    return None


def _parse(body: str) -> lxml.html.HtmlElement | None:
    # lxml refuses str input that carries an encoding declaration; the text is decoded already
    body = re.sub(r"\A\s*<\?xml[^>]*\?>", "", body)
    if not body.strip():
        return None
    try:
        root = lxml.html.document_fromstring(body, parser=_parser)
    except (lxml.etree.ParserError, ValueError):
        return None
    check_parser(_parser)  # libxml2 stopped at its depth limit and dropped the rest
    return root


_XML_NAME_RE = re.compile(r"[A-Za-z_:][-A-Za-z0-9._:]*")


def _drop_unnameable_attributes(root: lxml.html.HtmlElement) -> None:
    """Attributes XML cannot name (``<img ">``, a tag cut inside a quoted value), which make
    trafilatura's re-parse of its own XML output fail."""
    for el in root.iter(lxml.etree.Element):
        bad = [n for n in el.attrib if not _XML_NAME_RE.fullmatch(n)]
        if bad:  # "{rc" cannot even be deleted by name (lxml reads "{" as a namespace)
            keep = {n: v for n, v in el.attrib.items() if n not in bad}
            el.attrib.clear()
            el.attrib.update(keep)


def _urljoin(base: str, src: str) -> str:
    """``urljoin``, or ``src`` unchanged when it cannot be split (``s://[]``, a netloc that NFKC
    turns into delimiters); safe_uri() refuses it later."""
    try:
        return urljoin(base, src)
    except ValueError:
        return src


def _trafilatura_xml(root: lxml.html.HtmlElement, **options: object) -> str | None:
    try:
        return trafilatura.extract(root, **options)
    except lxml.etree.LxmlError:  # its own output failed to re-parse: no main content found
        return None


def _parse_xml(xml: str | None) -> lxml.etree._Element | None:
    if not xml:
        return None
    try:
        return lxml.etree.fromstring(xml.encode("utf-8"))
    except lxml.etree.XMLSyntaxError:
        return None


def _text(el: lxml.etree._Element) -> str:
    return normalize_inline(" ".join(el.itertext()))


def _key(text: str) -> str:
    """Texts compared across trafilatura's output and the page, whitespace aside."""
    return re.sub(r"\s+", "", text)


def _page_meta(root: lxml.html.HtmlElement) -> _PageMeta:
    """What the page's head and microdata say (trafilatura prefers og:url to the canonical link
    and reduces times to days, so these are read here)."""
    meta = _PageMeta()
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and link.get("href") and meta.canonical is None:
            meta.canonical = link.get("href")
    for base in root.iter("base"):
        if is_http_url(base.get("href") or ""):
            meta.base = base.get("href")
            break
    og_title = None
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        content = (m.get("content") or "").strip()
        if not content:
            continue
        if key == "og:url" and meta.og_url is None:
            meta.og_url = content
        elif key == "og:title" and og_title is None:
            og_title = content
        elif key in ("article:published_time", "datepublished"):
            meta.published.append(content)
        elif key == "article:tag":
            meta.tags.append(content)
    title_el = root.find(".//title")
    page_title = _text(title_el) if title_el is not None else ""
    meta.title = og_title or page_title or None

    # <time datetime> inside the article: an explicit datePublished first, then the first one
    times = root.xpath("//article//time[@datetime] | //main//time[@datetime]")
    marked = [t for t in times if (t.get("itemprop") or "").lower() == "datepublished"
              or t.get("pubdate") is not None]
    for t in marked + times:
        meta.published.append(t.get("datetime"))
        break
    meta.published += _json_ld_dates(root)
    for a in root.xpath("//a[@rel]"):
        rels = (a.get("rel") or "").lower().split()
        if "tag" in rels and "category" not in rels:  # WordPress: rel="category tag" = section
            name = _text(a)
            if name:
                meta.tags.append(name)
    return meta


def _json_ld_dates(root: lxml.html.HtmlElement) -> list[str]:
    found: list[str] = []
    for script in root.xpath("//script[@type]"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            _dates_published(json.loads(script.text or ""), found)
        except (ValueError, RecursionError):
            continue
    return found[:1]


def _dates_published(node: object, found: list[str]) -> None:
    """Every ``datePublished`` string in a JSON-LD value, in document order, into ``found``
    (a function of its own, as `_collect` is)."""
    if isinstance(node, dict):
        value = node.get("datePublished")
        if isinstance(value, str):
            found.append(value)
        for v in node.values():
            if isinstance(v, (dict, list)):
                _dates_published(v, found)
    elif isinstance(node, list):
        for v in node:
            _dates_published(v, found)


def _published(meta: _PageMeta, traf_date: str | None, fm_date: Published | None,
               tz: str | None, bound: Published | None, warnings: list[str]) -> list[Published]:
    """Candidates best first: the page's own time (with its offset), htmldate's day, and the
    front matter date only when the page has none. None later than ``bound`` (the capture)."""
    candidates: list[Published] = []
    for raw in meta.published:
        pub = parse_iso(raw, "meta", tz) or parse_page_date(raw, tz, "meta")
        if pub is not None:
            candidates.append(pub)
    if traf_date:
        pub = parse_iso(traf_date, "meta", tz)  # htmldate's YYYY-MM-DD: day precision
        if pub is not None:
            candidates.append(pub)
    kept = []
    for pub in candidates:
        if bound is not None and _later(pub, bound):
            warnings.append(f"published_after_capture:{pub.at}")
            continue
        kept.append(pub)
    if not kept and fm_date is not None and not (bound is not None and _later(fm_date, bound)):
        kept.append(fm_date)  # in these archives, the post date
    return kept


def _later(pub: Published, bound: Published) -> bool:
    if isinstance(pub.value, datetime) and isinstance(bound.value, datetime):
        return pub.value > bound.value
    # a date-only value is a local day, which may run one day ahead of a UTC capture
    return pub.day() > bound.day() + timedelta(days=1)


# -- pictures ---------------------------------------------------------------------------------


def _flatten_ai2html(root: lxml.html.HtmlElement) -> None:
    """ai2html charts (WSJ, NYT, Reuters graphics) print their labels as absolutely positioned
    text over one picture per screen size; keep one picture, with the headline and lead-in as
    its caption, instead of dozens of one-word paragraphs. No extractor knows this export."""
    for box in root.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), "
                          "' ai2html_export ')]"):
        img = next(box.iter("img"), None)
        if img is None or box.getparent() is None:
            continue
        headline = box.xpath(".//*[contains(@class, 'headline')]")
        leadin = box.xpath(".//*[contains(@class, 'leadin')]")
        note = box.xpath(".//*[contains(@class, 'note')]")
        source = box.xpath(".//*[contains(@class, 'source')]")
        figure = lxml.html.Element("figure")
        figure.append(copy.copy(img))
        figure[0].tail = None
        caption = lxml.html.Element("figcaption")
        for part in headline[:1] + leadin[:1] + note[:1]:
            p = lxml.html.Element("p")
            p.text = _text(part)
            caption.append(p)
        if source:
            s = lxml.html.Element("p", {"class": "credit"})
            s.text = _text(source[0])
            caption.append(s)
        figure.append(caption)
        figure.tail = box.tail
        box.getparent().replace(box, figure)


def _img_srcs(img: lxml.etree._Element) -> list[str]:
    return [v.strip() for k in ("src", "data-src", "data-original", "data-lazy-src")
            if (v := img.get(k)) and v.strip()]


def _is_caption_el(el: lxml.etree._Element) -> bool:
    if el.tag == "figcaption":
        return True
    return any(_CAPTION_CLASS_RE.search(c) for c in (el.get("class") or "").split())


def _caption_index(root: lxml.html.HtmlElement, base: str | None
                   ) -> tuple[dict[str, _Caption], set[str]]:
    """src → caption, credit and declared size, from the page's markup around each <img>.

    The caption is a <figcaption> (or ``*caption`` class) in the nearest wrapper that holds
    no other picture: ``<figure><img><figcaption>`` and also WordPress/Aesop layouts where the
    caption sits in a sibling block of the image's wrapper.

    Also returns the texts of captions that belong to no picture (the image was not saved):
    trafilatura gives them as paragraphs, but they are not article text."""
    index: dict[str, _Caption] = {}
    used: set[lxml.etree._Element] = set()
    for img in root.iter("img"):
        srcs = _img_srcs(img)
        if not srcs or srcs[0] in index:
            continue
        info = _Caption(width=img.get("width"), height=img.get("height"))
        cap_el = _find_caption(img)
        if cap_el is not None:
            used.add(cap_el)
            _read_caption(cap_el, info)
        for src in srcs:
            index.setdefault(src, info)
            if base and not is_http_url(src):  # trafilatura resolves relative srcs
                index.setdefault(_urljoin(base, src), info)
    orphans: set[str] = set()
    for cap_el in root.iter("figcaption"):
        if cap_el not in used:
            orphan = _Caption()
            _read_caption(cap_el, orphan)
            orphans |= orphan.fragments
    return index, orphans


def _find_caption(img: lxml.etree._Element) -> lxml.etree._Element | None:
    el = img
    for _ in range(5):
        parent = el.getparent()
        if parent is None or parent.tag in _STOP_CLIMB:
            return None
        if sum(1 for _ in parent.iter("img")) > 1 or len(parent.text_content()) > _MAX_WRAPPER:
            return None  # a wrapper of several pictures, or of the article text itself
        for cand in parent.iter():
            if cand is img or not isinstance(cand.tag, str) or img in cand.iterdescendants():
                continue
            if _is_caption_el(cand):
                return cand
        el = parent
    return None


def _read_caption(cap_el: lxml.etree._Element, info: _Caption) -> None:
    cap = copy.deepcopy(cap_el)
    cap.tail = None
    credits = []
    for el in list(cap.iter()):
        if el is cap or not isinstance(el.tag, str):
            continue
        if not any(_CREDIT_CLASS_RE.search(c) for c in (el.get("class") or "").split()):
            continue
        text = _text(el)
        if text:
            credits.append(text)
        if el.getparent() is not None:
            el.drop_tree()
    whole = _text(cap_el)
    info.fragments.add(_key(whole))
    for el in cap_el.iter():
        if isinstance(el.tag, str) and el is not cap_el:
            t = _text(el)
            if t:
                info.fragments.add(_key(t))
    # one line per block of the caption (a chart's headline, lead-in and note)
    kids = [el for el in cap if isinstance(el.tag, str)]
    loose = (cap.text or "").strip() or any((el.tail or "").strip() for el in kids)
    if kids and not loose and all(el.tag in _CAPTION_BLOCKS for el in kids):
        lines = [_text(el) for el in kids]
    else:
        lines = [_text(cap)]
    info.caption = "\n".join(line for line in lines if line) or None
    info.credit = " ".join(credits) or None
    info.fragments.discard("")


# -- trafilatura's XML → blocks ---------------------------------------------------------------


def _collect(node: lxml.etree._Element, top: bool, parts: list[str], links: list[Link]) -> None:
    """The text of a block of trafilatura's XML into ``parts``, its links into ``links``.

    A function of its own: a nested function that calls itself is a reference cycle, which
    kept the page's tree alive until the next garbage collection.
    """
    if node.tag == "graphic":
        return
    if node.tag == "lb":
        parts.append("\n")
    elif node.tag in ("list", "table") and not top:
        return  # a nested list is walked as its own items
    if node.tag == "ref":
        link = Link((node.get("target") or "").strip(), _text(node))
        if link.url:
            links.append(link)
    if node.text:
        parts.append(node.text)
    for child in node:
        _collect(child, False, parts, links)
        if child.tail:
            parts.append(child.tail)


class _Walker:
    """trafilatura's XML (p, head, list/item, quote, table/row/cell, graphic, ref, lb, hi)
    as corpuskit blocks, with captions re-attached from the page's markup."""

    def __init__(self, captions: dict[str, _Caption], orphans: set[str],
                 base: str | None) -> None:
        self.captions = captions
        self.orphans = orphans
        self.base = base
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.section: str | None = None
        self.skip: set[str] = set()  # caption texts expected right after the last picture

    def text_block(self, kind: str, el: lxml.etree._Element) -> None:
        parts: list[str] = []
        links: list[Link] = []
        _collect(el, True, parts, links)
        link_chars = sum(len(link.text) for link in links)
        lines = [normalize_inline(line) for line in "".join(parts).split("\n")]
        text = "\n".join(line for line in lines if line)
        for graphic in el.iter("graphic"):
            self.image(graphic)
        if not text:
            return
        if kind == "p" and (_key(text) in self.skip or _key(text) in self.orphans):
            return  # the caption of the picture just before (now on the image) or of none
        self.skip = set()
        self.links += links
        block = Block(kind=kind, text=text, link_chars=min(link_chars, len(text)),
                      section=self.section)
        if kind == "heading":
            self.section = text
        self.blocks.append(block)

    def image(self, el: lxml.etree._Element) -> None:
        raw = (el.get("src") or "").strip()
        if not raw:
            return
        src = _urljoin(self.base, raw) if self.base and not is_http_url(raw) else raw
        info = self.captions.get(raw) or self.captions.get(src) or _Caption()
        if _too_small(info.width) or _too_small(info.height):
            return
        self.blocks.append(Block(
            kind="image",
            src=src,
            alt=(el.get("alt") or "").strip() or None,
            caption=info.caption,
            credit=clean_chars(info.credit) if info.credit else None,
            width=info.width,
            height=info.height,
            section=self.section,
        ))
        self.skip = set(info.fragments)

    def walk(self, el: lxml.etree._Element) -> None:
        tag = el.tag
        if tag == "graphic":
            self.image(el)
        elif tag == "head":
            self.text_block("heading", el)
        elif tag == "list":
            for item in el.iterchildren("item"):
                self.text_block("li", item)
                for sub in item.iterchildren("list"):
                    self.walk(sub)
        elif tag == "table":
            for row in el.iter("row"):
                self.text_block("p", row)
        elif tag == "quote":
            if any(c.tag in ("p", "head", "list", "quote", "table") for c in el):
                self.loose_text(el.text)
                for child in el:
                    self.walk(child)
                    self.loose_text(child.tail)
            else:
                self.text_block("p", el)
        else:
            self.text_block("p", el)

    def walk_main(self, main: lxml.etree._Element) -> None:
        self.loose_text(main.text)
        for child in main:
            self.walk(child)
            self.loose_text(child.tail)

    def loose_text(self, text: str | None) -> None:
        """Text directly inside <main> or <quote>: trafilatura's fallback for unstructured
        pages; one paragraph per line."""
        for line in (text or "").split("\n"):
            line = normalize_inline(line)
            if line:
                self.blocks.append(Block(kind="p", text=line, section=self.section))
                self.skip = set()


def _too_small(value: str | None) -> bool:
    m = re.fullmatch(r"\s*(\d+)\s*(?:px)?\s*", value or "")
    return bool(m) and int(m.group(1)) < _MIN_IMAGE_PX


def _drop_furniture(blocks: list[Block], title: str) -> list[Block]:
    """Drop the title repeated as a heading, and the run of headings, uncaptioned pictures and
    link-only paragraphs after the last paragraph: sidebars, promos and paywall art that
    trafilatura keeps at the end of the content ("No More.", outlet logos, "next issue")."""
    title_key = _key(normalize_inline(title))
    blocks = [b for b in blocks if not (b.kind == "heading" and _key(b.text) == title_key)]
    end = len(blocks)
    while end > 0:
        b = blocks[end - 1]
        furniture = (
            b.kind == "heading"
            or (b.kind == "image" and not b.caption)
            or (b.kind in _TEXT_KINDS and b.link_density > 0.8)
        )
        if not furniture:
            break
        end -= 1
    return blocks[:end]
