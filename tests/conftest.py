from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

import corpuskit

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPORA = ROOT.parent / "shared" / "corpora"

# Hypothesis: "ci" (the default) draws the same examples on every run, so the suite is
# reproducible and its time bounded; HYPOTHESIS_PROFILE=explore draws fresh ones (with
# CORPUSKIT_FUZZ_SCALE=50 for fifty times as many; see tests/fuzz/harness.py).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seed_articles() -> dict[str, corpuskit.Article]:
    return {p.name[:3]: corpuskit.extract(p) for p in sorted(SEEDS.glob("*.txt"))}
