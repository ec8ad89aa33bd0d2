"""Extraction's cost by the call depth it starts at: CPython 3.11 and 3.12's frame-stack thrash.

    python benchmarks/stack_depth.py CORPUS [--limit N] [--max-depth D] [--step S] [--json F]

CPython keeps Python frames in 16 KB chunks. Before the fix of gh-142183 (in 3.13 and 3.14
from March 2026; 3.11 and 3.12 take security fixes only), a chunk is unmapped as soon as the
first frame in it returns, and mapped again by the next call that needs it. Code whose calls
go to and fro across a chunk boundary then maps and unmaps 16 KB at every crossing. Where the
boundary falls depends on every frame below the caller, so a program that calls corpuskit
from some depth can find extraction up to twice as slow as from another.

This script extracts the same captures (``--limit``, spread over the corpus, default 400)
from increasing depths (a chain of small calls, ``--step`` more each time, up to
``--max-depth``) and prints the CPU µs per capture at each, the best of two runs. A depth much
slower than the rest is one where the hot path crosses a boundary. A pack's workers are not
affected (its extraction makes no such mappings: ``strace -f -e trace=mmap`` shows the 16 KB
ones in the driver, before the fork, only), but a caller that embeds corpuskit can be.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from run import git_rev, spread  # benchmarks/ is the script's directory, first on sys.path

from corpuskit import pipeline
from corpuskit.sources import read_capture


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--max-depth", type=int, default=140)
    ap.add_argument("--step", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    captures = [read_capture(f, args.corpus) for f in spread(args.corpus, args.limit)]
    pipeline.warm_up()

    def extract_all() -> float:
        started = time.process_time()
        for capture in captures:
            pipeline.extract_capture(capture)
        return (time.process_time() - started) / len(captures) * 1e6

    def at_depth(depth: int) -> float:
        return extract_all() if depth == 0 else at_depth(depth - 1)

    print(f"Python {sys.version.split()[0]}, {len(captures)} captures: CPU µs a capture "
          "by extra call depth")
    by_depth = {}
    for depth in range(0, args.max_depth + 1, args.step):
        by_depth[depth] = round(min(at_depth(depth) for _ in range(2)))
        print(f"{depth:4d} {by_depth[depth]:8d}", flush=True)
    if args.json:
        args.json.write_text(json.dumps({
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "git": git_rev(), "python": sys.version.split()[0], "corpus": str(args.corpus),
            "captures": len(captures), "us_per_capture_by_depth": by_depth}, indent=2) + "\n")


if __name__ == "__main__":
    main()
