"""From what an adapter found (a ``Draft``) to a clean ``Article``.

Adapters know a layout: where the title, URL, capture time and body are. Everything after
that is shared and lives here: outlet lookup, boilerplate, bylines, copyright, images and their
captions and credits, embeds, tags, dates and language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .blocks import Block, Link
from .data import Article, Embed, Image, Outlet, Source
from .dates import (
    Published,
    date_from_url,
    find_dateline,
    parse_page_date,
    parse_utc,
    resolve_dateline,
)
from .language import detect_language
from .outlets import (
    AGENCY_BYLINE,
    BYLINE_LABELS,
    PLACES,
    Compiled,
    OutletRule,
    compiled,
    rule_for_name,
    rule_for_url,
)
from .sources import Capture
from .text import WORD, clean_chars, join_paragraphs, normalize_inline
from .urls import article_id, clean_url, registered_domain, safe_uri, unwrap_image_proxy


class ExtractionError(ValueError):
    """A capture (or one record of a JSONL file) that cannot become an article.

    ``code`` is the quarantine reason; ``errors`` the schema violations, if that is why;
    ``record`` the record's position in a multi-record file (1-based line or array index).
    """

    def __init__(self, code: str, message: str, errors: list | None = None,
                 record: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors or []
        self.record = record


@dataclass
class Draft:
    """What a layout adapter found in a capture, before the shared clean-up."""

    format: str
    title: str
    source_url: str | None = None
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    lead_images: list[Block] = field(default_factory=list)
    captured_at: str | None = None
    mirror_url: str | None = None
    outlet_name: str | None = None  # a name the capture gives (feed author: 法广)
    published: list[Published] = field(default_factory=list)  # candidates, best first
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


GALLERY_HEADING = re.compile(r"图集|圖集|组图|組圖|相册|相冊|gallery|幻灯|slideshow", re.I)
# Headings of related-article link lists; the link-dense paragraphs after them go too.
_RELATED_WORDS = ("延伸閱讀", "延伸阅读", "相关新闻", "相關新聞", "相关阅读", "相關閱讀",
                  "相关文章", "相關文章", "推荐阅读", "推薦閱讀", "更多新闻", "更多新聞",
                  "相关报道", "相關報導")
_RELATED_PREFIX_WORDS = ("相关报道", "相關報導", "相关阅读", "相關閱讀", "延伸阅读", "延伸閱讀",
                         "相关新闻", "相關新聞")
RELATED_HEADING = re.compile(
    rf"\s*[【\[]?(?:{'|'.join(_RELATED_WORDS)}|Related(?: (?:stories|articles|coverage))?)"
    r"[】\]]?\s*[：:]?\s*", re.I)
RELATED_PREFIX = re.compile(rf"(?:{'|'.join(_RELATED_PREFIX_WORDS)})\s*[：:]?\s*\S")
# What a match of either can start with, whitespace aside: one set lookup spares the two
# regex calls (~0.4 µs each, ~19 paragraphs a capture) for the paragraphs starting otherwise
_RELATED_LEADS = frozenset("【[Rr" + "".join(w[0] for w in _RELATED_WORDS + _RELATED_PREFIX_WORDS))
CAPTION_PARAGRAPH = re.compile(r"^(?:图|圖|上图|下图|上圖|下圖|图片|圖片|照片)\s*\d*\s*[：:]\s*")
_PLACE_DASH = re.compile(r"[^\s。！？]{1,12}\s*[—–-]{1,2}")
_DASHES = ("—", "–", "-")  # how every full match of _PLACE_DASH ends
_TAG_URL = re.compile(r"/(?:tag|tags|topic|keyword)s?/|[?&](?:tag|keyword)=", re.I)
_CREDIT_WORDS = re.compile(
    r"[A-Za-z]{2}|摄影|摄|攝|图片|圖片|图源|圖源|供图|供圖|提供|截图|截圖|资料|資料|合成|"
    r"视频|視頻|网络|網絡|社|网|網|报|報|台"
)
_TRAILING_PAREN = re.compile(r"\s*[（(]([^（）()]{1,80})[）)]\s*$")
_TRAILING_COPYRIGHT = re.compile(r"\s*[©Ⓒ]\s*([^©]{2,60})$")
# inside a trailing parenthesis: positions, dates and explanations, not a source
_NOT_CREDIT = re.compile(
    r"[：:]|左|右|中间|前排|后排|後排|上图|下图|^\d|年|月|日|摄于|攝於|^图|^圖")
_NAME_SPLIT = re.compile(r"\s*[、，,;；/／]\s*|\s+(?:和|与|與|and)\s+")


_OUTLET_SLUG = re.compile(r"[a-z0-9][a-z0-9.-]*")


def pick_outlet(draft: Draft, url: str | None) -> tuple[Outlet, Compiled]:
    rule: OutletRule | None = rule_for_url(url) or rule_for_name(draft.outlet_name)
    domain = registered_domain(url) if url else None
    if rule is not None:
        return Outlet(rule.id, rule.name, domain), compiled(rule.id)
    slug = domain.lower() if domain else ""
    if not _OUTLET_SLUG.fullmatch(slug):
        # a percent-encoded or IDN host is no slug; its punycode form is
        try:
            slug = slug.encode("idna").decode("ascii") if slug else ""
        except UnicodeError:
            slug = ""
    if _OUTLET_SLUG.fullmatch(slug):
        return Outlet(slug, draft.outlet_name or None, domain), compiled(None)
    return Outlet("unknown", draft.outlet_name or None, domain), compiled(None)


def clean_title(title: str, rules: Compiled) -> str:
    title = normalize_inline(title)
    title = re.sub(r"^\[(?:[A-Za-z][\w &-]{0,30})\]\s*", "", title)  # feed section: [World]
    for pattern in rules.title_noise:
        title = pattern.sub("", title)
    return title.strip()


def split_names(text: str) -> list[str]:
    text = normalize_inline(text).strip(" #：:。.")
    if not text:
        return []
    parts = _NAME_SPLIT.split(text)
    names: list[str] = []
    for part in parts:
        tokens = part.split()
        # 许书婷 何平: space-separated Chinese names; "John Smith" stays one name
        if len(tokens) > 1 and all(re.fullmatch(r"[\u3400-\u9fff·‧]{2,5}", t) for t in tokens):
            names.extend(tokens)
        elif part.strip():
            names.append(part.strip())
    return [n for n in names if 0 < len(n) <= 40]


_LABELS = "|".join(sorted(map(re.escape, BYLINE_LABELS), key=len, reverse=True))
# "记者：夏小华 责编：许书婷" and Reuters' "记者 梁慧仪; 审校 杨淑祯": a label, then a colon or
# a space, at the start or after a separator.
_LABELLED = re.compile(rf"(?:^|[\s；;，,、|｜/]+)({_LABELS})(?:\s*[：:/／]\s*|\s+)")
# "…。（編輯：張淑伶）1100701": an editor credit closing a paragraph (CNA adds a ROC date code)
_TRAILING_EDITOR = re.compile(
    rf"[（(]\s*(?P<inner>(?:{_LABELS})\s*[：:][^（）()]{{1,60}})[）)]\s*\d{{0,8}}\s*$"
)
# "…。责任编辑：李同德": a byline glued to the end of a paragraph
_GLUED_BYLINE = re.compile(rf"(?:^|(?<=[。！？”」\s]))((?:{_LABELS})\s*[：:].{{1,60}})$")
_PLACE_ANYWHERE = re.compile("|".join(sorted(PLACES, key=len, reverse=True)))
_PLACES_RE = re.compile("(?:" + "|".join(sorted(PLACES, key=len, reverse=True)) + r")+\d*日?$")


# A match of _LABELLED at the start of a text begins with a label (after ``^``) or with a
# separator that is not whitespace (parse_byline strips that first): the first characters a
# byline can have. Most paragraphs are told apart by their first character this way, instead of
# by four strips and the regex trying each of the 40 labels (tests/test_rules.py).
_BYLINE_FIRST = frozenset([label[0] for label in BYLINE_LABELS] + list("；;，,、|｜/"))
_BYLINE_STRIPPED = "（()）"  # what parse_byline strips from the start, besides whitespace


def parse_byline(text: str) -> dict[str, list[str]] | None:
    """``记者：夏小华 责编：许书婷 何平 网编：瑞哲`` → authors/editors; None if not a byline.

    The paragraph must start with a label and consist only of ``label：names`` segments.
    """
    first = text[:1]
    if first and not (first in _BYLINE_FIRST or first in _BYLINE_STRIPPED or first.isspace()):
        return None  # the stripped text starts with it (or is empty): no label there
    text = text.strip().strip(_BYLINE_STRIPPED).rstrip("#").strip()
    if len(text) > 120 or not _LABELLED.match(text):
        return None
    pieces = _LABELLED.split(text)
    if pieces[0].strip():
        return None
    found: dict[str, list[str]] = {"authors": [], "editors": [], "translators": []}
    for label, names in zip(pieces[1::2], pieces[2::2], strict=False):
        got = split_names(re.sub(r"\s*\S+@\S+$", "", names))  # "闫曼 man.yan@ftchinese.com"
        if not got or any(len(n) > 20 or re.search(r"[。！？，,]", n) for n in got):
            return None
        found[BYLINE_LABELS[label]].extend(got)
    return found


def agency_authors(text: str) -> list[str]:
    """Reporters named in a wire byline such as （大纪元记者李辰台湾台北报导）."""
    m = AGENCY_BYLINE.search(text[:200])
    if not m:
        return []
    names = []
    for name in split_names(m.group("authors")):
        stripped = _PLACES_RE.sub("", name)
        name = stripped if len(stripped) >= 2 else name
        if len(name) > 4:  # 李辰美国康州斯坦福: cut at the first place name after the name
            cut = _PLACE_ANYWHERE.search(name, 2)
            if cut:
                name = name[: cut.start()]
        if 2 <= len(name) <= 12:
            names.append(name)
    return names


def split_credit(caption: str | None) -> tuple[str | None, str | None]:
    """The credit at the end of a caption, and the caption without it.

    ``…受到欢迎。(KCNA VIA KNS/AFP)`` → credit ``KCNA VIA KNS/AFP``; ``…地方。©Getty Images`` →
    ``Getty Images``; ``（中国中部战区官博）`` → that source. A trailing parenthesis that
    describes the picture (``（左一：…）``, ``（右）``, a date) is not a credit.
    """
    if not caption:
        return None, None
    m = _TRAILING_COPYRIGHT.search(caption)
    if m:
        return caption[: m.start()].strip() or None, m.group(1).strip()
    m = _TRAILING_PAREN.search(caption)
    if m and m.start() > 0:
        inner = m.group(1).strip()
        looks_like_credit = _CREDIT_WORDS.search(inner) or (
            len(inner) <= 16 and not _NOT_CREDIT.search(inner))
        if looks_like_credit and not _NOT_CREDIT.search(inner):
            return caption[: m.start()].strip() or None, inner
    return caption, None


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]


def make_image(block: Block, role: str, rules: Compiled, base_url: str | None) -> Image | None:
    raw_src = (block.src or "").strip()
    if base_url and raw_src.startswith("/") and not raw_src.startswith("/++"):
        raw_src = urljoin(base_url, raw_src)  # /mh/article_images/… on the article's own site
    src = safe_uri(raw_src)
    if src is None:
        return None  # relative (/++plone++/icon.png), data: and javascript: URLs are no picture
    if rules.is_junk_image(src):
        return None
    if block.width in ("0", "0px", "1", "1px") or block.height in ("0", "0px", "1", "1px"):
        return None  # tracking pixel
    caption, credit = split_credit(clean_chars(block.caption) if block.caption else None)
    if block.credit:  # a credit element of its own (BBC's copyright line) beats parentheses
        caption, credit = (block.caption or None), block.credit
    unwrapped = unwrap_image_proxy(src)
    original = safe_uri(unwrapped) if unwrapped else None
    return Image(
        url=src,
        original_url=original if original and original != src else None,
        caption=caption,
        credit=credit,
        alt=block.alt,
        title=block.caption_title or None,
        role=role,
    )


def assemble(draft: Draft, capture: Capture) -> Article:
    """Apply the shared and per-outlet rules to a draft and build the article."""
    warnings = list(capture.decoded.warnings) + list(draft.warnings)
    url = clean_url(draft.source_url) if draft.source_url else None
    if draft.source_url and not url:
        warnings.append("source_url_unusable")
    outlet, rules = pick_outlet(draft, url)
    title = clean_title(draft.title, rules)
    if not title:
        raise ExtractionError("no_title", "the capture has no title")

    authors = list(draft.authors)
    editors: list[str] = []
    translators: list[str] = []
    rights: str | None = None
    paragraphs: list[str] = []
    images: list[Image] = []
    embeds: list[Embed] = []
    published: list[Published] = list(draft.published)
    url_date = date_from_url(url, rules.rule.tz if rules.rule else None)
    captured = parse_utc(draft.captured_at)
    dateline_seen = False
    page_date_seen = False
    in_related = False  # inside a "延伸閱讀" block of links
    uncaptioned: list[Image] = []  # images waiting for a "图：…" paragraph

    for block in draft.lead_images:
        img = make_image(block, "lead", rules, url)
        if img:
            images.append(img)

    for block in draft.blocks:
        if block.kind == "image":
            # a slide with a bold title (DW) or anything under a 相关图集 heading
            in_gallery = block.section and GALLERY_HEADING.search(block.section)
            role = "gallery" if in_gallery or block.caption_title else "inline"
            img = make_image(block, role, rules, url)
            if img:
                images.append(img)
                if img.caption is None:
                    uncaptioned.append(img)
            continue
        if block.kind == "embed":
            if block.embed_url or block.text:
                # only absolute http(s) URLs reach a record (//host/… is https)
                src = (block.embed_url or "").strip()
                embed_url = safe_uri("https:" + src if src.startswith("//") else src)
                embeds.append(Embed(block.embed_type or "iframe", embed_url, block.text or None))
            continue
        if block.kind == "time":
            if not page_date_seen:
                found = parse_page_date(block.text, rules.rule.tz if rules.rule else None)
                if found is not None:
                    page_date_seen = True
                    published.insert(len(draft.published), found)
            continue
        if block.kind == "rule":
            continue
        text = block.text
        if "\n" in text:
            # <br>-separated lines: boilerplate and bylines go line by line
            kept = []
            for line in text.split("\n"):
                if rules.is_boilerplate(line):
                    continue
                line_byline = _match_byline(line, rules)
                if line_byline is not None and not line_byline.get("rest"):
                    authors += line_byline["authors"]
                    editors += line_byline["editors"]
                    translators += line_byline.get("translators", [])
                    continue
                kept.append(line)
            text = "\n".join(kept)
        # an alphanumeric first character is a word character, and answers most paragraphs
        if not text or not (text[0].isalnum() or WORD.search(text)):
            continue  # empty, or only punctuation left over from broken markup (">)
        if not paragraphs and normalize_inline(text) == title:
            continue  # the headline repeated at the top of the body
        if block.kind == "heading" and GALLERY_HEADING.search(text):
            continue
        if block.kind == "li" and block.link_density > 0.8:
            continue  # related-link list
        lead = text[0]
        if lead in _RELATED_LEADS or lead.isspace():
            if RELATED_HEADING.fullmatch(text):
                in_related = True
                continue
            if RELATED_PREFIX.match(text) and (len(text) < 80 or block.link_density > 0.5):
                continue  # "相关报道 纳达尔赢得…", "相关阅读：…｜…"
        if uncaptioned and CAPTION_PARAGRAPH.match(text):
            # Minghui and others put the caption in the next paragraph: "图：…" / "图1：…"
            for img in uncaptioned:
                img.caption, img.credit = split_credit(CAPTION_PARAGRAPH.sub("", text, 1))
            uncaptioned = []
            continue
        uncaptioned = []
        if in_related and block.link_density > 0.5:
            continue
        in_related = False
        if rules.is_boilerplate(text):
            continue
        if rules.is_rights(text):
            rights = rights or text
            continue
        byline = _match_byline(text, rules)
        if byline is not None:
            authors += byline["authors"]
            editors += byline["editors"]
            translators += byline.get("translators", [])
            # "…正文。责任编辑：李同德" keeps its prose; a bare byline paragraph goes
            text = byline.get("rest", [""])[0] if byline.get("rest") else ""
            if not text:
                continue
        if not dateline_seen and not paragraphs:
            dl = find_dateline(text)
            if dl is not None:
                dateline_seen = True
                day = url_date.day() if url_date else None
                pub, dl_warnings = resolve_dateline(dl, day, captured)
                warnings += dl_warnings
                if pub is not None:
                    published.insert(0, pub)
        if len(paragraphs) < 3:
            authors += agency_authors(text)
        if (paragraphs and paragraphs[-1].endswith(_DASHES)
                and _PLACE_DASH.fullmatch(paragraphs[-1])):
            text = paragraphs.pop() + " " + text  # VOA's <span class="dateline">华盛顿 —</span>
        paragraphs.append(text)

    if url_date is not None:
        published.append(url_date)
    if rules.rule is not None and rules.rule.page_date_is_day:
        published = [p.as_day() if p.source == "page" and p.whole_hour() else p
                     for p in published]
    if captured is not None:
        # a date after the capture is an issue date or a typo, not when it was published
        late = [p for p in published if p.after(captured)]
        if late:
            warnings.append("published_after_capture:" + late[0].at)
            published = [p for p in published if not p.after(captured)]
    pub = _best_published(published)

    aliases = {outlet.name, *(rules.rule.aliases if rules.rule else ())}
    tags = [t for t in draft.tags if t not in aliases]  # feeds tag items with the outlet
    for link in draft.links:
        if _TAG_URL.search(link.url) and link.text and len(link.text) <= 30:
            tags.append(normalize_inline(link.text))
    tags = [t for t in _unique(tags) if t]

    text = join_paragraphs(paragraphs)
    if "\ufffd" in text or "\ufffd" in title:
        warnings.append("replacement_characters_in_source")

    return Article(
        id=article_id(url, capture.raw),
        source_url=url,
        title=title,
        outlet=outlet,
        published_at=pub.at if pub else None,
        published_precision=pub.precision if pub else None,
        published_source=pub.source if pub else None,
        published_local=pub.local if pub else None,
        captured_at=draft.captured_at,
        language=detect_language(text or title),
        authors=_unique(authors),
        editors=_unique(editors),
        translators=_unique(translators),
        text=text,
        images=images,
        tags=tags,
        embeds=embeds,
        rights=rights,
        source=Source(
            format=draft.format,
            path=capture.path,
            sha256=capture.sha256,
            bytes=len(capture.raw),
            mirror_url=safe_uri(draft.mirror_url) if draft.mirror_url else None,
            encoding=capture.decoded.encoding,
        ),
        warnings=_unique(warnings),
    )


def _match_byline(text: str, rules: Compiled) -> dict[str, list[str]] | None:
    found = parse_byline(text)
    if found is not None:
        return found
    for pattern in rules.bylines:
        om = pattern.fullmatch(text)
        if om:
            groups = om.groupdict()
            return {key: split_names(groups[key]) if groups.get(key) else []
                    for key in ("authors", "editors", "translators")}
    # _TRAILING_EDITOR ends in "[）)]\s*\d{0,8}\s*$": the last character of its match that is
    # not whitespace is a closing parenthesis or a digit, and so is the text's
    tail = text.rstrip()
    last = tail[-1] if tail else ""
    m = _TRAILING_EDITOR.search(text) if last and (last in "）)" or last.isdecimal()) else None
    if m and (found := parse_byline(m.group("inner"))) is not None:
        found["rest"] = [text[: m.start()].rstrip()]
        return found
    # a byline glued to the end of the last paragraph: "…。责任编辑：李同德"
    end = text[-62:]  # the pattern ends in "[：:].{1,60}$": its colon is in the last 62
    m = _GLUED_BYLINE.search(text) if "：" in end or ":" in end else None
    if m and m.start() > 0:
        tail = parse_byline(m.group(1))
        if tail is not None:
            tail["rest"] = [text[: m.start()].rstrip()]
            return tail
    return None


_PRECISION_RANK = {"day": 0, "minute": 1, "second": 2, "millisecond": 3}


def _best_published(candidates: list[Published]) -> Published | None:
    """The first candidate, or a more precise one that agrees with it on the day (±1)."""
    if not candidates:
        return None
    first = candidates[0]
    agreeing = [c for c in candidates if abs((c.day() - first.day()).days) <= 1]
    return max(agreeing, key=lambda c: _PRECISION_RANK[c.precision])
