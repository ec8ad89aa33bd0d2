"""Coverage-guided fuzzing of ``extract_capture`` with atheris (libFuzzer for Python).

    pip install atheris            # or: pip install -e '.[fuzz]'
    python tests/fuzz/fuzz_extract.py -max_total_time=600 -max_len=65536 /tmp/fuzz-corpus

The corpus directory is seeded with the real captures of tests/fuzz/harness.py on first
use. A failing input is written by libFuzzer as ``crash-<sha1>``: give it a name saying what it
is, move it to tests/fuzz/crashers/, fix the bug, and tests/test_robustness.py replays it.
Half of the inputs are taken as they are; the other half pick a real capture and apply the
structured mutations of ``harness.mutate`` (libFuzzer's byte mutations rarely make valid
markup on their own).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for `fuzz.harness`

with atheris.instrument_imports(include=["corpuskit"]):
    import corpuskit.pipeline  # noqa: F401  (instrumented before the harness imports it)

from fuzz.harness import check, mutate, seed_inputs

SEEDS = [data for _, data in seed_inputs(max_bytes=1 << 20)]


def test_one_input(data: bytes) -> None:
    if data[:1] == b"\x01" and len(data) >= 9:  # structured: mutate a real capture
        rng = random.Random(data[1:9])
        check(mutate(SEEDS[data[1] % len(SEEDS)], rng, rounds=1 + data[2] % 4))
    else:
        check(data)


def main() -> None:
    args = sys.argv
    corpus = next((a for a in args[1:] if not a.startswith("-")), None)
    if corpus:
        out = Path(corpus)
        out.mkdir(parents=True, exist_ok=True)
        if not any(out.iterdir()):
            for name, data in seed_inputs(max_bytes=1 << 20):
                (out / name).write_bytes(data)
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
