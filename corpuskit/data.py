"""The article record: plain dataclasses whose ``to_dict()`` is exactly the schema's JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Outlet:
    id: str
    name: str | None = None
    domain: str | None = None


@dataclass
class Image:
    url: str
    original_url: str | None = None
    caption: str | None = None
    credit: str | None = None
    alt: str | None = None
    title: str | None = None
    role: str = "inline"


@dataclass
class Embed:
    type: str
    url: str | None = None
    text: str | None = None


@dataclass
class Source:
    format: str
    path: str
    sha256: str
    bytes: int
    mirror_url: str | None = None
    encoding: str = "utf-8"


@dataclass
class Article:
    """One article, as `schemas/article.schema.json` describes it (field for field)."""

    id: str
    source_url: str | None
    title: str
    outlet: Outlet
    source: Source
    published_at: str | None = None
    published_precision: str | None = None
    published_source: str | None = None
    published_local: str | None = None
    captured_at: str | None = None
    language: str = "und"
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    text: str = ""
    images: list[Image] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    embeds: list[Embed] = field(default_factory=list)
    rights: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON object the schema validates, keys in schema order.

        Written out instead of ``dataclasses.asdict``, which deep-copies every value and was
        a tenth of the extraction time.
        """
        d = {name: getattr(self, name) for name in FIELD_ORDER}
        d["outlet"] = self.outlet.__dict__.copy()
        d["source"] = self.source.__dict__.copy()
        d["images"] = [i.__dict__.copy() for i in self.images]
        d["embeds"] = [e.__dict__.copy() for e in self.embeds]
        for name in ("authors", "editors", "translators", "tags", "warnings"):
            d[name] = list(d[name])
        return d

    def to_json(self) -> str:
        """Compact, key-ordered JSON with non-ASCII kept (one line of a JSONL file)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        """Rebuild an Article from its JSON (no validation: call `corpuskit.validate` first)."""
        kw = dict(d)
        kw["outlet"] = Outlet(**d["outlet"])
        kw["source"] = Source(**d["source"])
        kw["images"] = [Image(**i) for i in d.get("images", [])]
        kw["embeds"] = [Embed(**e) for e in d.get("embeds", [])]
        return cls(**kw)


# Order of keys in the JSON: identity, what, who/when, content, provenance.
FIELD_ORDER = (
    "id", "source_url", "title", "outlet", "published_at", "published_precision",
    "published_source", "published_local", "captured_at", "language", "authors", "editors",
    "translators", "text", "images", "tags", "embeds", "rights", "source", "warnings",
)
assert set(FIELD_ORDER) == {f.name for f in fields(Article)}
