"""Capture layouts: one module per layout, chosen by looking at the content, never the name.

Each adapter module exposes ``NAME``, ``sniff(text) -> bool`` and
``read(capture) -> list[Article]`` (a JSON Lines file holds many records; a page holds one).
To add a layout, write a module like ``feed.py`` and list it in ``ADAPTERS``; order matters
only where two layouts could both claim a capture (the most specific comes first); ``html``
is last: the fallback for any saved page the others reject.
"""

from __future__ import annotations

from types import ModuleType

from ..assemble import ExtractionError
from ..sources import Capture
from . import feed, html, mirror, records

ADAPTERS: tuple[ModuleType, ...] = (records, feed, mirror, html)


def detect(capture: Capture) -> ModuleType:
    """The adapter for a capture, or ExtractionError(unknown_layout / empty / binary)."""
    raw = capture.raw
    if not raw.strip():
        raise ExtractionError("empty", "the file is empty")
    if capture.binary:  # a stray NUL in a text capture is cleaned, not a reason to reject
        raise ExtractionError("binary", "the file is binary, not a text capture")
    head = capture.text[:65536]
    for adapter in ADAPTERS:
        if adapter.sniff(head):
            return adapter
    raise ExtractionError(
        "unknown_layout",
        "not a capture layout corpuskit knows (mirror page, feed capture, saved HTML page, "
        "JSON/JSONL records)",
    )


def adapter_names() -> list[str]:
    return [a.NAME for a in ADAPTERS]
