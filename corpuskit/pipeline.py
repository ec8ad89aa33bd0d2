"""Captures → adapters → validated articles, one ``Outcome`` per article or failure.

Nothing is dropped: every input yields at least one outcome, either an article that passed the
schema or an error with a reason code (the quarantine reason in a release).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import formats
from .assemble import ExtractionError
from .data import Article
from .schema import ValidationIssue, validate
from .sources import Capture, iter_paths, read_capture


@dataclass
class Outcome:
    """What became of one input (or of one record in a multi-record input)."""

    capture: Capture
    article: Article | None = None
    reason: str | None = None  # quarantine reason code when article is None
    message: str | None = None
    issues: list[ValidationIssue] = field(default_factory=list)
    record: int | None = None  # line/index inside a JSON/JSONL file

    @property
    def ok(self) -> bool:
        return self.article is not None

    @property
    def where(self) -> str:
        """The input path (and record number), as a person would look it up."""
        where = self.capture.file or self.capture.path
        return f"{where}:{self.record}" if self.record is not None else where


def extract_capture(capture: Capture) -> list[Outcome]:
    """All outcomes of one capture. Never raises: unexpected failures become outcomes."""
    try:
        adapter = formats.detect(capture)
        results = adapter.read(capture)
    except ExtractionError as exc:
        return [_failed(capture, exc)]
    except RecursionError:
        return [Outcome(capture, reason="too_deep", message="markup nested too deeply to parse")]
    except Exception as exc:  # a bad input must never stop a run
        return [Outcome(capture, reason="extractor_error",
                        message=f"{type(exc).__name__}: {exc}"[:500])]
    outcomes = []
    for item in results:
        if isinstance(item, ExtractionError):
            outcomes.append(_failed(capture, item))
            continue
        issues = validate(item)
        if issues:
            outcomes.append(Outcome(capture, reason="schema_invalid",
                                    message="; ".join(str(i) for i in issues[:5]),
                                    issues=issues))
        else:
            outcomes.append(Outcome(capture, article=item))
    return outcomes


def _failed(capture: Capture, exc: ExtractionError) -> Outcome:
    return Outcome(capture, reason=exc.code, message=exc.message, issues=list(exc.errors),
                   record=exc.record)


def iter_outcomes(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Outcome]:
    """Outcomes for every file under ``paths``, in sorted path order."""
    for file, root in iter_paths(paths):
        try:
            capture = read_capture(file, root)
        except OSError as exc:
            capture = Capture(path=file.name, raw=b"", file=str(file))
            yield Outcome(capture, reason="unreadable", message=exc.strerror or str(exc))
            continue
        yield from extract_capture(capture)


def iter_articles(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Article]:
    """The valid articles under ``paths`` (failures are skipped: use iter_outcomes to see them)."""
    for outcome in iter_outcomes(paths):
        if outcome.article is not None:
            yield outcome.article


def extract(source: str | os.PathLike[str] | bytes, path: str = "capture") -> Article:
    """One article from a capture file or its bytes.

    Raises ExtractionError (with ``code`` and ``errors``) when the capture cannot become a
    valid article, and when it holds more than one record (use ``iter_articles``).
    """
    if isinstance(source, bytes):
        capture = Capture(path=path, raw=source, file=path)
    else:
        p = Path(source)
        capture = Capture(path=p.name, raw=p.read_bytes(), file=str(p))
    outcomes = extract_capture(capture)
    if len(outcomes) != 1:
        raise ExtractionError("many_records",
                              f"{capture.file}: holds {len(outcomes)} records; use iter_articles")
    outcome = outcomes[0]
    if outcome.article is None:
        raise ExtractionError(outcome.reason or "error", outcome.message or "", outcome.issues)
    return outcome.article
