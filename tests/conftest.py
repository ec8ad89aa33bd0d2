from __future__ import annotations

from pathlib import Path

import pytest

import corpuskit

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPORA = ROOT.parent / "shared" / "corpora"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seed_articles() -> dict[str, corpuskit.Article]:
    return {p.name[:3]: corpuskit.extract(p) for p in sorted(SEEDS.glob("*.txt"))}
