"""Full-text feed captures (an RSS-to-Markdown generator), optionally inside Jekyll front matter.

    ---                         (optional YAML front matter: title, date, author, tags, from)
    ---
    <!--1697721422000-->        capture time, epoch milliseconds
    [title](https://original/url)
    ------
    <div><i>author<br>2023-10-19T13:08:46.609Z</i></div><img …><div><small>caption</small></div><p>…
"""

from __future__ import annotations

import re

from ..assemble import Draft, ExtractionError, assemble
from ..blocks import Block, html_to_blocks
from ..data import Article
from ..dates import epoch_ms_to_utc, parse_iso, parse_page_date
from ..outlets import rule_for_name, rule_for_url
from ..sources import Capture
from .frontmatter import split_front_matter, strip_front_matter

NAME = "feed"

_EPOCH_RE = re.compile(r"^\s*<!--\s*(?P<ms>\d{10,13})\s*-->\s*$", re.M)
# [title](url): titles may hold brackets of their own ([[World] …](…)), so the URL is the
# last "](…)" on the line.
_TITLE_LINK_RE = re.compile(
    r"^\s*\[(?P<title>.*)\]\((?P<url>[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)\s*$", re.M
)
_UNDERLINE_RE = re.compile(r"^\s*-{3,}\s*$", re.M)


def sniff(text: str) -> bool:
    body = strip_front_matter(text)
    head = body.lstrip()[:4000]
    if head.startswith("<!--") and _EPOCH_RE.match(head):
        return True
    m = _TITLE_LINK_RE.match(head)
    return bool(m and _UNDERLINE_RE.search(head, m.end()))


def read(capture: Capture) -> list[Article]:
    text = capture.text.replace("\r\n", "\n").replace("\r", "\n")
    front, body = split_front_matter(text)
    warnings: list[str] = []

    captured_at = None
    em = _EPOCH_RE.search(body[:200])
    if em:
        captured_at = epoch_ms_to_utc(int(em.group("ms").ljust(13, "0")))
        if captured_at is None:
            warnings.append("capture_time_implausible")
        body = body[em.end():]
    if captured_at is None and front.get("date"):
        # the generator stamps the front matter with the capture time, not publication
        fm_date = parse_iso(str(front["date"]), "feed", "UTC")
        if fm_date is not None and fm_date.precision != "day":
            captured_at = fm_date.at

    tm = _TITLE_LINK_RE.search(body)
    title, url = "", None
    if tm and not body[: tm.start()].strip():
        title, url = tm.group("title"), tm.group("url") or None
        body = body[tm.end():]
        um = _UNDERLINE_RE.match(body.lstrip("\n"))
        if um:
            body = body.lstrip("\n")[um.end():]
    title = title or str(front.get("title") or "")
    url = url or (str(front["from"]) if front.get("from") else None)
    if not title.strip():
        raise ExtractionError("no_title", "feed capture without a title")

    outlet_name = str(front.get("author") or "") or None
    rule = rule_for_url(url) or rule_for_name(outlet_name)
    tz = rule.tz if rule else None

    blocks, links = html_to_blocks(body)
    published, authors, blocks = _page_date(blocks, tz)
    if not [b for b in blocks if b.kind in ("p", "heading", "li")]:
        warnings.append("empty_body")

    draft = Draft(
        format=NAME,
        title=title,
        source_url=url,
        blocks=blocks,
        links=links,
        captured_at=captured_at,
        outlet_name=outlet_name,
        published=[published] if published else [],
        authors=authors,
        warnings=warnings,
    )
    return [assemble(draft, capture)]


def _page_date(blocks: list[Block], tz: str | None):
    """The outlet's date line at the top of the body (DW: ``<i>author<br>date</i>``; RFI:
    ``<div>12/07/2021 - 12:02</div>``): its date, the names before it, the blocks without it."""
    for i, block in enumerate(blocks[:3]):
        if block.kind not in ("p", "heading"):
            continue
        lines = block.text.split("\n")
        pub = parse_page_date(lines[-1], tz)
        if pub is None:
            return None, [], blocks
        names = [ln.strip() for ln in lines[:-1] if ln.strip()]
        return pub, names, blocks[:i] + blocks[i + 1:]
    return None, [], blocks
