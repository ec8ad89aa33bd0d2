from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
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


# -- helpers shared by test modules ----------------------------------------------------------

def cli_pack(out: Path, *args: str, inputs=(SEEDS,)) -> Path:
    """``corpuskit pack INPUTS -o OUT ARGS`` through the CLI; OUT, once it succeeded."""
    from click.testing import CliRunner

    from corpuskit.cli import main

    result = CliRunner().invoke(main, ["pack", *map(str, inputs), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def seeds_and_an_empty_file(tmp_path_factory) -> Path:
    """A copy of the seeds plus one empty file (one quarantined input)."""
    src = tmp_path_factory.mktemp("in") / "captures"
    shutil.copytree(SEEDS, src)
    (src / "empty.txt").write_bytes(b"")
    return src


def run_python(code: str, *args: object, **options) -> subprocess.CompletedProcess:
    """``python -c CODE ARGS`` in a fresh interpreter, output captured as text."""
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, **{"timeout": 300, **options})


def start_pack(tmp_path: Path, *args: str, **options) -> subprocess.Popen:
    """``corpuskit pack ARGS`` (its output under ``tmp_path``) in a child process, returned
    once its extract tasks have spilled articles: a pack caught in the middle. ``options``
    go to `subprocess.Popen`."""
    proc = subprocess.Popen([sys.executable, "-m", "corpuskit.cli", "pack", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("release.tmp-*/.work/buckets/*")):
        assert proc.poll() is None, "pack ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return proc


def page_timestamps(release: Path) -> dict[str, str]:
    """URL → 14-digit timestamp of its rendered page, from the release's CDXJ index."""
    found = {}
    for line in (release / "indexes/index.cdxj").read_text(encoding="utf-8").splitlines():
        _key, ts, fields = line.split(" ", 2)
        f = json.loads(fields)
        if f["mime"] == "text/html":
            found[f["url"]] = ts
    return found


def rewrite_zip_member(src: Path, dst: Path, name: str, old: bytes, new: bytes) -> None:
    """A copy of the zip ``src`` at ``dst`` with ``old`` replaced by ``new`` in member ``name``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == name:
                data = data.replace(old, new)
            zout.writestr(info, data)
