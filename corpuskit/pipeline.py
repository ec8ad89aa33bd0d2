"""Captures → adapters → validated articles, one ``Outcome`` per article or failure.

Nothing is dropped and nothing raises: every input yields at least one outcome, either an
article that passed the schema or a failure with a reason code (the quarantine reason in a
release), a message and, for schema failures, the validation issues. Reason codes:

- ``empty`` — no content; ``binary`` — not a text file; ``unreadable`` — the file system
  refused it (or it is a FIFO, device or socket);
- ``too_large`` — over ``Limits.max_bytes`` (checked before reading); ``timeout`` — over
  ``Limits.timeout_seconds``; ``too_deep`` — markup nested deeper than the parser goes;
- ``unknown_layout`` and the adapters' own codes (``no_title``, ``no_text``, ``invalid_json``,
  ``not_a_record``, ``schema_invalid``, ...);
- ``extractor_error`` — a bug: an exception nobody expected (the message names it).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import formats
from .assemble import ExtractionError
from .data import Article
from .language import unload_model
from .limits import LimitExceeded, Limits, TimeLimitExceeded, time_limit
from .schema import ValidationIssue, validate
from .sources import (
    Capture,
    iter_paths,
    printable_path,
    read_capture,
    relative_path,
)
from .text import WORD, clean_chars

DEFAULT_LIMITS = Limits()
_unprintable_re = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+")


@dataclass
class Outcome:
    """What became of one input (or of one record in a multi-record input)."""

    capture: Capture
    article: Article | None = None
    reason: str | None = None  # quarantine reason code when article is None
    message: str | None = None
    issues: list[ValidationIssue] = field(default_factory=list)
    record: int | None = None  # line/index inside a JSON/JSONL file
    # the article's to_dict(), as validated: made once, so that a pack spills what was checked
    # without building it again (~4 µs a capture); made here when the caller did not pass it
    data: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.article is not None and self.data is None:
            self.data = self.article.to_dict()
        if self.message:  # one printable line: reports are "path: reason: message" lines
            self.message = _unprintable_re.sub(" ", self.message).strip() or self.reason

    @property
    def ok(self) -> bool:
        return self.article is not None

    @property
    def where(self) -> str:
        """The input path (and record number), as a person would look it up (one line)."""
        where = printable_path(self.capture.file or self.capture.path)
        return f"{where}:{self.record}" if self.record is not None else where


def extract_capture(capture: Capture, limits: Limits | None = None) -> list[Outcome]:
    """All outcomes of one capture (at least one). Never raises for any input.

    ``limits`` bound the bytes accepted and the time spent detecting, extracting and
    validating (default ``Limits()``: 20 MiB, 10 s; see ``limits.time_limit`` for where the
    time limit cannot apply).
    """
    limits = limits or DEFAULT_LIMITS
    capture.path = printable_path(capture.path)  # the record's source.path must be valid text
    rejected = _precheck(capture, limits)
    if rejected is not None:
        return [rejected]
    if limits.timeout_seconds:
        warm_up()
    try:
        with time_limit(limits.timeout_seconds):
            return _extract(capture)
    except TimeLimitExceeded as exc:
        return [Outcome(capture, reason="timeout", message=str(exc))]
    except ExtractionError as exc:
        return [_failed(capture, exc)]
    except LimitExceeded as exc:
        return [Outcome(capture, reason=exc.code, message=exc.message)]
    except RecursionError:
        return [Outcome(capture, reason="too_deep", message="markup nested too deeply to parse")]
    except MemoryError:
        return [Outcome(capture, reason="too_large", message="ran out of memory extracting it")]
    except Exception as exc:  # a bad input must never stop a run
        return [Outcome(capture, reason="extractor_error",
                        message=f"{type(exc).__name__}: {exc}"[:500])]


_WARM_UP = (
    "<!--1693878424000-->\n[金正恩将赴俄会普京](https://www.dw.com/zh/a-66721802)\n------\n\n"
    "<p>（德国之声中文网）美国官员周一表示，金正恩可能会罕见出访外国。</p>",
    # a page with a URL: trafilatura then loads its own copy of the Public Suffix List (tld's,
    # 30 ms and 1.8 MB), which a pack's workers would otherwise each build on their first page;
    # and with more text than trafilatura's min_extracted_size (250 characters), so that it
    # does not fall back to jusText, whose stop list of every language (27 MB) most packs
    # never need (docs/performance.md)
    '<html><head><link rel="canonical" href="https://www.dw.com/zh/a-66721802"></head><body>'
    "<article><h1>金正恩将赴俄会普京</h1>"
    "<p>美国官员周一表示，朝鲜领导人金正恩可能会在本月罕见出访外国，乘坐装甲列车从平壤前往"
    "俄罗斯远东地区，与俄罗斯总统普京举行会晤，讨论向莫斯科提供武器以支持其在乌克兰的战争。</p>"
    "<p>白宫国家安全委员会发言人表示，美国掌握的信息显示，两国领导人之间的武器谈判正在积极"
    "推进，美方敦促朝鲜停止与俄罗斯的武器谈判，并遵守其不向俄罗斯提供或出售任何武器的公开"
    "承诺。</p><p>分析人士指出，如果会晤成行，这将是金正恩自二零一九年以来首次访问俄罗斯，"
    "也是他在新冠疫情暴发后的首次出访。俄罗斯方面没有证实这一消息，克里姆林宫发言人拒绝置评，"
    "只说目前没有什么可以宣布的。朝鲜官方媒体也没有对此作出任何报道。</p>"
    "</article></body></html>",
    # English text loads the language-identification model
    "<!--1602186635000-->\n[Photo: Shanghai from Pudong](https://chinadigitaltimes.net/a/)\n"
    "------\n\n<p>The skyline of Shanghai seen across the river at night.</p>",
)


@cache
def warm_up() -> None:
    """Build what extraction loads lazily (the Public Suffix List trie, script tables, the
    language-identification model; seconds) once per process, outside any time limit: a
    shorter limit would otherwise stop every input half-way through. Every run needs these
    anyway. Not warmed: the reference validator's URI grammar (lark, about 1.5 s), built at
    the first invalid record only, inside its limit; limits of a few seconds allow for it.

    A pack runs it in the driver before forking its workers (`ProcessExecutor.start`), so
    the ~110 MB of models are pages the workers share instead of each loading its own."""
    for text in _WARM_UP:
        with contextlib.suppress(Exception):  # a broken adapter shows on the real inputs
            _extract(Capture(path="warm-up", raw=text.encode("utf-8")))


def unload() -> None:
    """Let go of the largest thing `warm_up` built, the language-identification model
    (~75 MB; built again when next needed). A pack's driver loads it only for its workers to
    share, and lets it go when they are done extracting: the writing workers are forked
    without it."""
    unload_model()
    warm_up.cache_clear()


def _precheck(capture: Capture, limits: Limits) -> Outcome | None:
    """Inputs rejected on their bytes alone, before any adapter sees them."""
    raw = capture.raw
    if limits.max_bytes and len(raw) > limits.max_bytes:
        return Outcome(capture, reason="too_large",
                       message=f"{len(raw)} bytes, over the limit of {limits.max_bytes}")
    if not raw.strip():
        return Outcome(capture, reason="empty", message="the file is empty")
    if capture.binary:
        return Outcome(capture, reason="binary", message="the file is binary, not a text capture")
    return None


def _extract(capture: Capture) -> list[Outcome]:
    # a word character survives the clean-up (text.WORD), and one comes within the first
    # characters of nearly every capture: a search for it spares cleaning the text to see
    # whether anything is left (~14 µs a capture)
    if not WORD.search(capture.text, 0, 4096) and not clean_chars(capture.text).strip():
        raise ExtractionError("empty", "the file holds only whitespace and invisible characters")
    adapter = formats.detect(capture)
    outcomes = []
    items = adapter.read(capture)
    # A record can hold a lone surrogate only if the file spells one as a JSON escape (the
    # decoded text never holds one): one scan of the file spares the walk over every record.
    maybe_surrogates = adapter.NAME == "record" and bool(
        _surrogate_escape_re.search(capture.text))
    for n, item in enumerate(items, start=1):
        if isinstance(item, ExtractionError):
            outcomes.append(_failed(capture, item))
            continue
        data = item.to_dict()
        issues = validate(data)
        if not issues and maybe_surrogates:
            # JSON escapes can spell lone surrogates ("\ud800"), which no UTF-8 output holds
            issues = _lone_surrogates(data)
        if issues:
            outcomes.append(Outcome(capture, reason="schema_invalid",
                                    message="; ".join(str(i) for i in issues[:5]),
                                    issues=issues, record=n if len(items) > 1 else None))
        else:
            outcomes.append(Outcome(capture, article=item, data=data))
    if not outcomes:
        raise ExtractionError("empty", "no records in the file")
    return outcomes


_surrogate_re = re.compile("[\ud800-\udfff]")
_surrogate_escape_re = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogates(value: Any, pointer: str = "") -> list[ValidationIssue]:
    if isinstance(value, str):
        return ([ValidationIssue(pointer, "holds a lone surrogate, which is not text")]
                if _surrogate_re.search(value) else [])
    if isinstance(value, dict):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [issue for key, v in items
            for issue in _lone_surrogates(v, f"{pointer}/{_escape_pointer(str(key))}")]


def _escape_pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _failed(capture: Capture, exc: ExtractionError) -> Outcome:
    return Outcome(capture, reason=exc.code, message=exc.message, issues=list(exc.errors),
                   record=exc.record)


def iter_outcomes(paths: Iterable[str | os.PathLike[str]], limits: Limits | None = None,
                  follow_links: bool = False) -> Iterator[Outcome]:
    """Outcomes for every file under ``paths``, in sorted path order.

    Files over ``limits.max_bytes`` are reported ``too_large`` without being read.
    """
    limits = limits or DEFAULT_LIMITS
    for file, root in iter_paths(paths, follow_links=follow_links):
        try:
            capture = read_capture(file, root, limits.max_bytes)
        except (LimitExceeded, OSError) as exc:
            capture = Capture(path=relative_path(file, root), raw=b"",
                              file=printable_path(str(file)))
            if isinstance(exc, LimitExceeded):
                yield Outcome(capture, reason=exc.code, message=exc.message)
            else:
                yield Outcome(capture, reason="unreadable", message=exc.strerror or str(exc))
            continue
        yield from extract_capture(capture, limits)


def iter_articles(paths: Iterable[str | os.PathLike[str]],
                  limits: Limits | None = None) -> Iterator[Article]:
    """The valid articles under ``paths`` (failures are skipped: use iter_outcomes to see them)."""
    for outcome in iter_outcomes(paths, limits):
        if outcome.article is not None:
            yield outcome.article


def extract(source: str | os.PathLike[str] | bytes, path: str = "capture",
            limits: Limits | None = None) -> Article:
    """One article from a capture file or its bytes.

    Raises ExtractionError (with ``code`` and ``errors``) when the capture cannot become a
    valid article, and when it holds more than one record (use ``iter_articles``).
    """
    if isinstance(source, bytes):
        capture = Capture(path=path, raw=source, file=path)
    else:
        p = Path(source)
        capture = Capture(path=p.name, raw=p.read_bytes(), file=str(p))
    outcomes = extract_capture(capture, limits)
    if len(outcomes) != 1:
        raise ExtractionError("many_records",
                              f"{capture.file}: holds {len(outcomes)} records; use iter_articles")
    outcome = outcomes[0]
    if outcome.article is None:
        raise ExtractionError(outcome.reason or "error", outcome.message or "", outcome.issues)
    return outcome.article
