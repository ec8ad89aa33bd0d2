"""JSON and JSON Lines files of records already in the schema: validated, passed through.

A ``.json`` file holds one record or an array of them; JSON Lines hold one record per line.
Each record is checked on its own, so one bad line quarantines that line, not the file.
"""

from __future__ import annotations

import json

from ..assemble import ExtractionError
from ..data import Article
from ..schema import validate
from ..sources import Capture

NAME = "record"

# A record that has none of these is no attempt at an article at all.
_ARTICLE_KEYS = frozenset({"title", "text", "source_url"})


def sniff(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")


def read(capture: Capture) -> list[Article | ExtractionError]:
    text = capture.text.lstrip("\ufeff")
    try:
        doc = json.loads(text)
        items = doc if isinstance(doc, list) else [doc]
        numbered = list(enumerate(items, start=1))
    except json.JSONDecodeError:
        numbered = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                numbered.append((lineno, json.loads(line)))
            except json.JSONDecodeError as exc:
                numbered.append((lineno, ExtractionError(
                    "invalid_json", f"line {lineno}: {exc.msg} (column {exc.colno})",
                    record=lineno)))
    if not numbered:
        raise ExtractionError("empty", "no records in the file")
    objects = [item for _, item in numbered if isinstance(item, dict)]
    if objects and not any(_ARTICLE_KEYS & item.keys() for item in objects):
        # JSON data of some other kind (a file list, a config): one reason for the whole file
        keys = ", ".join(sorted(objects[0])[:6])
        raise ExtractionError(
            "not_article_records",
            f"JSON without article records ({len(numbered)} items; keys: {keys})")
    single = len(numbered) == 1
    out: list[Article | ExtractionError] = []
    for n, item in numbered:
        if isinstance(item, ExtractionError):
            out.append(item)
            continue
        if not isinstance(item, dict):
            out.append(ExtractionError("not_a_record", f"record {n} is not a JSON object",
                                       record=None if single else n))
            continue
        issues = validate(item)
        if issues:
            out.append(ExtractionError(
                "schema_invalid", "; ".join(str(i) for i in issues[:5]), errors=issues,
                record=None if single else n))
            continue
        out.append(Article.from_dict(item))
    return out
