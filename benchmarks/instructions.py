"""Instructions per capture, counted by Valgrind: a cost that does not move with the machine.

    python benchmarks/instructions.py CORPUS [--limit N] [--stage extract|pack] [--json F]

This machine's speed moves by up to 2x within a day (docs/performance.md), so a change worth a
few per cent cannot be told from a slow spell by timing it. Valgrind's cachegrind, with its
cache simulation off, counts the instructions a program runs instead: the same count from run
to run whatever the host is doing, so two revisions can be compared at any time of day.

Two runs are counted in child processes, each under ``valgrind --tool=cachegrind
--cache-sim=no`` with ``PYTHONHASHSEED=0`` and one BLAS thread: one over every other capture
of 2 × ``--limit`` spread over the corpus (its folders are its outlets), one over all of them.
The difference, divided by ``--limit``, is what one more capture costs: the start-up, the
imports and what is loaded on first use (the language model, the Public Suffix List) are paid
by both runs and cancel out. Stages:

- ``extract``: `pipeline.extract_capture` (detect the layout, extract, validate), which is what
  a pack's workers do for each capture before spilling it;
- ``pack``: `corpuskit.pack` with one worker, end to end (extraction, spill, fold, Parquet,
  WARC, CDXJ, manifest, card, checksums), its processes' counts summed. From 256 files on, a
  one-worker pack runs its tasks in a forked worker, as large packs do (below that, in its own
  process); a forked child's count includes what its parent ran before the fork, which cancels
  out like the start-up.

Compare counts over the same captures only (the same corpus and ``--limit``): how many
instructions a capture takes depends on the capture far more than how long it takes, since a
large page's extra work is mostly in C loops that run many instructions a cycle. The default,
1,000 captures (2,000 spread), matches the 10,000-capture corpus in size and in time per
capture; 100 captures picked smaller pages (5.3 against 8.4 KB on average) and counted 4.9
million instructions a capture where 300 counted 8.0 million, for 5% more time. A pack also
folds its articles in 64 groups, each written as its own segment: with a few hundred captures
some groups are empty in the smaller run and not in the larger, and the cost of writing a
segment leaks into the difference.

An instruction count is not a time: it does not see cache misses or a busy host's memory
traffic, which slow a pack more than a pure loop. The targets are judged by the wall-clock
figures of ``run.py``; this script is for telling whether a change to the code made the work
smaller. Valgrind runs the program ~50x slower: with the default ``extract`` takes about
1.5 minutes and ``pack`` about 3.5. Two runs of the same code agree within 0.1%.

``--by-library`` counts under callgrind instead and also prints where a capture's
instructions run: in which shared library, and inside CPython's in which part (the
interpreter loop, the regular-expression engine, str, memory and the collector, the rest).
This tells whether a cost is Python code (the interpreter loop and what it calls per
operation) or the C libraries the code drives, which compiling the Python would not change.
Callgrind runs ~2x slower than cachegrind.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from run import git_rev, spread  # benchmarks/ is the script's directory, first on sys.path

_IREFS = re.compile(r"^==\d+== I\s+refs:\s+([\d,]+)", re.M)
# One function's line in ``callgrind_annotate``: count, share, file:function, [object]. The
# object is left out for code inlined from a header, whose file then says whose it is.
_ANNOTATED = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+(.*?):(\S+)(?: \[(.+)\])?\s*$")
# CPython's own source folders, for inlined lines without an object.
_CPYTHON_DIRS = ("/Python/", "/Objects/", "/Modules/", "/Include/", "/Parser/")


def child(stage: str, list_file: Path) -> None:
    """What one counted run does: the stage over the files named in ``list_file``."""
    root, *names = list_file.read_text(encoding="utf-8").splitlines()
    files = [Path(name) for name in names]
    if stage == "extract":
        from corpuskit.pipeline import extract_capture, warm_up
        from corpuskit.sources import read_capture

        warm_up()
        for f in files:
            extract_capture(read_capture(f, Path(root)))  # paths as a pack stores them
    else:
        from corpuskit import pack

        with tempfile.TemporaryDirectory() as tmp:
            pack(files, Path(tmp) / "release", workers=1)


def library_of(source: str, obj: str | None) -> str:
    """The library a function's instructions are charged to; CPython's split by part."""
    if obj is None:
        obj = "libpython" if any(d in source for d in _CPYTHON_DIRS) else "other"
    name = obj.rsplit("/", 1)[-1]
    if not name.startswith("libpython"):
        if name.startswith("etree."):
            return "lxml (libxml2 linked in)"
        return name.split(".cpython-")[0].split(".so")[0]
    if "/_sre/" in source:
        return "CPython: regular expressions"
    if source.endswith(("/ceval.c", "/frame.c", "/pycore_frame.h", "/ceval_macros.h")):
        return "CPython: interpreter loop"
    if "/stringlib/" in source or "unicode" in source.rsplit("/", 1)[-1]:
        return "CPython: str"
    if source.endswith(("/obmalloc.c", "/gcmodule.c", "/object.c", "/object.h",
                        "/pycore_object.h", "/pycore_gc.h")):
        return "CPython: memory, reference counts, collector"
    return "CPython: other built-ins (dict, list, int, calls, …)"


def by_library(out_files: list[Path]) -> dict[str, int]:
    """Self instructions per library (`library_of`), summed over callgrind output files."""
    totals: dict[str, int] = {}
    for out in out_files:
        text = subprocess.run(["callgrind_annotate", "--threshold=100", str(out)],
                              capture_output=True, text=True, errors="replace").stdout
        for line in text.splitlines():
            m = _ANNOTATED.match(line)
            if m:
                lib = library_of(m.group(2), m.group(4))
                totals[lib] = totals.get(lib, 0) + int(m.group(1).replace(",", ""))
    return totals


def count(stage: str, root: Path, files: list[Path],
          libraries: bool = False) -> tuple[int, dict[str, int]]:
    """Instructions of one child run over ``files`` under ``root`` (summed over any processes
    it forks), and with ``libraries`` (a run under callgrind) its instructions per library
    (`by_library`; empty without)."""
    with tempfile.TemporaryDirectory() as tmp:
        list_file = Path(tmp) / "files.txt"
        list_file.write_text("".join(f"{f}\n" for f in [root, *files]), encoding="utf-8")
        if libraries:
            tool = ["--tool=callgrind", f"--callgrind-out-file={tmp}/callgrind.%p"]
        else:
            tool = ["--tool=cachegrind", "--cache-sim=no",
                    f"--cachegrind-out-file={tmp}/cachegrind.%p"]
        cmd = ["valgrind", *tool, "--trace-children=yes", sys.executable, __file__,
               "--child", stage, str(list_file)]
        # numpy's OpenBLAS starts a thread pool whose threads spin while idle: under valgrind
        # (which runs one thread at a time) their spinning made the count vary by ~1.5%
        # between identical runs; with one thread it repeats to within ~10,000 in 6.5 billion
        env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        per_library = (by_library(sorted(Path(tmp).glob("callgrind.*")))
                       if libraries and done.returncode == 0 else {})
    if done.returncode != 0:
        sys.exit(f"valgrind run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    found = _IREFS.findall(done.stderr)
    if not found:
        sys.exit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return sum(int(n.replace(",", "")) for n in found), per_library


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, nargs="?")
    ap.add_argument("--limit", type=int, default=1000,
                    help="captures counted (default 1000)")
    ap.add_argument("--stage", choices=("extract", "pack"), default="extract")
    ap.add_argument("--json", type=Path, help="also write the result here")
    ap.add_argument("--by-library", action="store_true",
                    help="count under callgrind and print the instructions per library")
    ap.add_argument("--child", nargs=2, metavar=("STAGE", "LIST"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    if args.corpus is None:
        ap.error("the corpus folder is required")
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    files = spread(args.corpus, 2 * args.limit)
    half = files[::2]
    if len(files) - len(half) < 1:
        sys.exit(f"{args.corpus}: too few captures to count")
    started = time.monotonic()
    base, libs_base = count(args.stage, args.corpus, half, args.by_library)
    full, libs_full = count(args.stage, args.corpus, files, args.by_library)
    extra = len(files) - len(half)
    result = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git": git_rev(), "python": platform.python_version(), "machine": platform.machine(),
        "corpus": str(args.corpus), "stage": args.stage, "captures": extra,
        "instructions_base": base, "instructions_full": full,
        "instructions_per_capture": round((full - base) / extra),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(f"{args.stage}: {result['instructions_per_capture']:,} instructions per capture "
          f"({extra} captures; {result['seconds']} s under valgrind)")
    if args.by_library:
        per_capture = {lib: round((libs_full.get(lib, 0) - libs_base.get(lib, 0)) / extra)
                       for lib in libs_full.keys() | libs_base.keys()}
        per_capture = dict(sorted(per_capture.items(), key=lambda kv: (-kv[1], kv[0])))
        result["instructions_per_capture_by_library"] = per_capture
        print_libraries(per_capture)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def print_libraries(per_capture: dict[str, int]) -> None:
    """The per-library table in the order given; libraries under 0.5% of the total as one row."""
    total = sum(per_capture.values())
    small = 0
    for lib, n in per_capture.items():
        if abs(n) < total * 0.005:
            small += n
        else:
            print(f"{n:>12,} {100 * n / total:5.1f}%  {lib}")
    print(f"{small:>12,} {100 * small / total:5.1f}%  (the others, each under 0.5%)")


if __name__ == "__main__":
    main()
