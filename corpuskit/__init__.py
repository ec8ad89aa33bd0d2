"""corpuskit: archived news captures → validated, reproducible dataset releases."""

from __future__ import annotations

__version__ = "0.1.0"

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assemble import ExtractionError
    from .data import Article, Embed, Image, Outlet, Source
    from .pipeline import Outcome, extract, iter_articles, iter_outcomes
    from .release import open_release, pack, verify
    from .schema import ValidationIssue, load_schema, validate

# The public names, imported on first use (PEP 562): the extraction's libraries take most of a
# second to import, which `corpuskit --help`, shell completion and `import corpuskit.data`
# need not pay.
_LAZY = {
    "ExtractionError": "assemble",
    **dict.fromkeys(("Article", "Embed", "Image", "Outlet", "Source"), "data"),
    **dict.fromkeys(("Outcome", "extract", "iter_articles", "iter_outcomes"), "pipeline"),
    **dict.fromkeys(("open_release", "pack", "verify"), "release"),
    **dict.fromkeys(("ValidationIssue", "load_schema", "validate"), "schema"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'corpuskit' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # once found, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


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
