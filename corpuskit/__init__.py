"""corpuskit: archived news captures → validated, reproducible dataset releases."""

from __future__ import annotations

__version__ = "0.1.0"

from .assemble import ExtractionError
from .data import Article, Embed, Image, Outlet, Source
from .pipeline import Outcome, extract, iter_articles, iter_outcomes
from .release import open_release, pack, verify
from .schema import ValidationIssue, load_schema, validate

__all__ = [
    "Article",
    "Embed",
    "ExtractionError",
    "Image",
    "Outcome",
    "Outlet",
    "Source",
    "ValidationIssue",
    "__version__",
    "extract",
    "iter_articles",
    "iter_outcomes",
    "load_schema",
    "open_release",
    "pack",
    "validate",
    "verify",
]
