"""Pack throughput, memory and size for synthetic corpora of 10,000 and 100,000 captures.

    python benchmarks/run.py [--sizes 10000,100000] [--workers 1,2] [--quick]
                             [--corpora /tmp/corpuskit-bench] [--results benchmarks/results]

For every size N (the corpus made by ``benchmarks/make_corpus.py N``, cached under
``--corpora``) and every worker count W:

- **floor**: read every file, decode it as UTF-8 and parse it with lxml's HTML parser, in W
  processes: what any extractor pays, measured in the same run so ``pack / floor`` is visible;
- **pack**: ``corpuskit pack CORPUS -o OUT --workers W`` in a child process: wall time,
  captures/s, MB/s of input, the peak memory of the whole process tree (sum of RSS and sum of
  PSS over the pack process and its pool workers, sampled every 0.1 s; PSS counts pages shared
  by forked workers once) and the largest single process (``RUSAGE_CHILDREN``), the release's
  size, and the pack's own step timings;

then, once per N: **verify** of the release (seconds) and ``corpuskit validate`` on a JSON
Lines file of the packed records (records/s). Writes everything, with the machine's load, to
``--results/<UTC time>.json`` and prints a Markdown table. ``--quick`` is ``--sizes 10000``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
import timeit
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402

# --- memory of a process tree ----------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    """The process and its descendants (Linux: /proc/PID/task/TID/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.scandir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task.name}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return out


def _high_water(pid: int) -> int:
    """A process's peak RSS so far (VmHWM), in bytes; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; (0, 0) when it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Peak sum of RSS and of PSS over a process and its descendants, and the peak RSS of the
    process itself (the driver) and of any one descendant (a worker): ``RUSAGE_CHILDREN``'s
    ru_maxrss would give the largest process of any pack this script ran, not of this one."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = self.peak_driver = self.peak_worker = 0
        self.peak_processes = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            mem = {p: _memory(p) for p in _tree(self.pid)}
            self.peak_rss = max(self.peak_rss, sum(m[0] for m in mem.values()))
            self.peak_pss = max(self.peak_pss, sum(m[1] for m in mem.values()))
            # VmHWM: each process's own peak, even one between two samples
            self.peak_driver = max(self.peak_driver, _high_water(self.pid))
            self.peak_worker = max([self.peak_worker] + [_high_water(p) for p in mem
                                                         if p != self.pid])
            self.peak_processes = max(self.peak_processes, sum(1 for m in mem.values() if m[0]))
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


# --- floor ----------------------------------------------------------------------------------

def _floor_chunk(files: list[str]) -> int:
    import lxml.html

    parser = lxml.html.HTMLParser(no_network=True, huge_tree=True)
    total = 0
    for f in files:
        raw = Path(f).read_bytes()
        total += len(raw)
        text = raw.decode("utf-8", "replace")
        if text.strip():
            lxml.html.document_fromstring(text, parser=parser)
    return total


def floor(files: list[str], workers: int) -> dict:
    t = time.perf_counter()
    if workers == 1:
        _floor_chunk(files)
    else:
        size = max(1, len(files) // (workers * 16))
        chunks = [files[i:i + size] for i in range(0, len(files), size)]
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_floor_chunk, chunks))
    seconds = time.perf_counter() - t
    return {"seconds": round(seconds, 2), "captures_per_s": round(len(files) / seconds)}


def spread(corpus: Path, count: int | None) -> list[Path]:
    """``count`` capture files spread evenly over the corpus, in path order (its folders are
    its outlets, so the first ``count`` would be a few outlets only); all of them when
    ``count`` is None or not smaller. Used by stages.py and instructions.py alike."""
    from corpuskit.sources import iter_paths  # the pack itself runs in a child process

    files = [f for f, _ in iter_paths([corpus])]
    if count and count < len(files):
        files = [files[i * len(files) // count] for i in range(count)]
    return files


def reference_ms() -> float:
    """This machine's speed now: the best of five runs of a fixed pure-Python loop, in ms.

    The machine is shared, and its speed has been seen to change by 2× within a day with the
    load average near zero (a virtual machine's host is busy elsewhere). The loop flags such a
    spell without measuring it (a pack slows more than the loop): compare runs only when their
    references agree within a few per cent."""
    return round(min(timeit.repeat("sum(range(1_000_000))", number=1, repeat=5)) * 1e3, 1)


# --- pack, verify, validate ------------------------------------------------------------------

def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "corpuskit.cli", *args]


def pack(corpus: Path, out: Path, workers: int, captures: int, input_bytes: int,
         extra: list[str]) -> dict:
    cmd = _cli("pack", str(corpus), "-o", str(out), "--force", "--workers", str(workers),
               "--format", "json", "-q", *extra)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"pack failed ({proc.returncode}): {stderr[-2000:]}")
    result = json.loads(stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "seconds": round(seconds, 2),
        "captures_per_s": round(captures / seconds),
        "mb_per_s": round(input_bytes / 1e6 / seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "cpu_us_per_capture": round(cpu / captures * 1e6),
        "peak_rss_tree_mb": round(sampler.peak_rss / 2**20),
        "peak_pss_tree_mb": round(sampler.peak_pss / 2**20),
        "peak_rss_driver_mb": round(sampler.peak_driver / 2**20),
        "peak_rss_worker_mb": round(sampler.peak_worker / 2**20),
        "processes": sampler.peak_processes,
        "release_mb": round(result["bytes"] / 1e6, 1),
        "packed": result["packed"], "duplicates": result["duplicates"],
        "quarantined": result["quarantined"], "shards": result["shards"],
        "steps": result.get("timings", {}),
    }


def verify(out: Path) -> dict:
    t = time.perf_counter()
    proc = subprocess.run(_cli("verify", str(out)), capture_output=True, text=True)
    return {"seconds": round(time.perf_counter() - t, 2), "ok": proc.returncode == 0,
            "stderr": proc.stderr[-500:] if proc.returncode else ""}


def validate(out: Path, work: Path, limit: int = 20_000, per_file: int = 1000) -> dict:
    """corpuskit validate over JSON Lines files of the packed records (up to ``limit``, at
    most ``per_file`` a file: a file over 20 MiB would be refused as too_large).

    Run over half of the files and over all of them: the difference is the cost of the
    records alone, without the process's start-up and warm-up (imports, the language model:
    ~1.5 s, paid once), so ``records_per_s`` is the per-core rate on a large input.
    """
    import pyarrow.parquet as pq

    from corpuskit.writers.parquet import from_row

    folder = work / "records"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "all").mkdir(parents=True)
    (folder / "half").mkdir()
    lines: list[str] = []
    n = 0
    written: list[tuple[Path, int]] = []

    def flush() -> None:
        path = folder / "all" / f"{n:07d}.jsonl"
        path.write_text("".join(lines), encoding="utf-8")
        written.append((path, len(lines)))

    for path in sorted((out / "data").glob("*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1000):
            for row in batch.to_pylist()[:limit - n]:
                lines.append(json.dumps(from_row(row), ensure_ascii=False) + "\n")
                n += 1
                if len(lines) == per_file:
                    flush()
                    lines = []
    if lines:
        flush()
    half = 0
    for path, count in written[:len(written) // 2]:
        os.link(path, folder / "half" / path.name)
        half += count

    def run(sub: str) -> tuple[float, subprocess.CompletedProcess]:
        t = time.perf_counter()
        proc = subprocess.run(_cli("validate", str(folder / sub)), capture_output=True,
                              text=True)
        return time.perf_counter() - t, proc

    # each timed three times, alternately, and the fastest kept: on a machine whose speed moves
    # a single pair's difference (about a second) was once 0.01 s, a rate of 380,000/s
    t_half = seconds = float("inf")
    for _ in range(3):
        t_half = min(t_half, run("half")[0])
        took, proc = run("all")
        seconds = min(seconds, took)
    shutil.rmtree(folder)
    return {"records": n, "seconds": round(seconds, 2), "half_records": half,
            "half_seconds": round(t_half, 2),
            "records_per_s": round((n - half) / max(seconds - t_half, 1e-9)),
            "records_per_s_with_startup": round(n / seconds),
            "ok": proc.returncode == 0, "summary": proc.stderr.strip().splitlines()[-1:]}


def corpus(n: int, root: Path, seed: int = 0) -> Path:
    path = root / f"corpus-{n}-seed{seed}"
    done = root / f"corpus-{n}-seed{seed}.complete"  # beside it: pack would read it
    if not done.exists():
        shutil.rmtree(path, ignore_errors=True)
        print(f"making {path} …", file=sys.stderr, flush=True)
        make_corpus.make(n, path, seed)
        done.write_text("ok\n")
    return path


def _warm(files: list[str]) -> None:
    for f in files:
        with open(f, "rb") as fh:
            fh.read()


def _files(path: Path) -> list[str]:
    return sorted(str(p) for p in path.rglob("*") if p.is_file())


def git_rev() -> str | None:
    """The git revision of the corpuskit being measured (the one this Python imports, which
    may be another checkout's, through PYTHONPATH), with ``+dirty`` when its code differs from
    that commit; None outside a git checkout."""
    spec = importlib.util.find_spec("corpuskit")
    package = Path(spec.origin).parent if spec and spec.origin else HERE
    try:
        def git(*args: str) -> str:
            return subprocess.run(["git", "-C", str(package), *args], capture_output=True,
                                  text=True, check=True).stdout.strip()
        rev = git("rev-parse", "--short", "HEAD")
        return rev + ("+dirty" if git("status", "--porcelain", "--", ".") else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def table(runs: list[dict]) -> str:
    head = ("| captures | workers | captures/s | MB/s | CPU µs/capture | peak RSS one process "
            "| peak RSS tree | peak PSS tree | release | floor captures/s | pack/floor |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    rows = []
    for r in runs:
        p, f = r["pack"], r["floor"]
        rows.append(f"| {r['captures']:,} | {r['workers']} | {p['captures_per_s']:,} | "
                    f"{p['mb_per_s']} | {p['cpu_us_per_capture']:,} | "
                    f"{max(p['peak_rss_driver_mb'], p['peak_rss_worker_mb'])} MB | "
                    f"{p['peak_rss_tree_mb']} MB | {p['peak_pss_tree_mb']} MB | "
                    f"{p['release_mb']} MB | {f['captures_per_s']:,} | "
                    f"{p['seconds'] / f['seconds']:.1f}× |")
    return head + "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--quick", action="store_true", help="only 10,000 captures")
    ap.add_argument("--corpora", type=Path, default=Path("/tmp/corpuskit-bench"))
    ap.add_argument("--results", type=Path, default=HERE / "results")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="keep the releases")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("pack_args", nargs="*", help="more pack options, after --")
    args = ap.parse_args()
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    workers = [int(w) for w in args.workers.split(",")]
    args.corpora.mkdir(parents=True, exist_ok=True)
    doc = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git": git_rev(), "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)),
                    "platform": platform.platform()},
        "load_before": os.getloadavg(), "reference_ms_before": reference_ms(),
        "pack_args": args.pack_args, "runs": [], "checks": [],
    }
    for n in sizes:
        path = corpus(n, args.corpora, args.seed)
        files = _files(path)
        input_bytes = sum(os.path.getsize(f) for f in files)
        _warm(files)  # every run then reads from the page cache, the first as the others
        out = args.corpora / f"release-{n}"
        for w in workers:
            print(f"{n} captures, {w} worker(s) …", file=sys.stderr, flush=True)
            run = {"captures": len(files), "input_mb": round(input_bytes / 1e6, 1),
                   "workers": w, "load": os.getloadavg()[0]}
            run["floor"] = floor(files, w)
            run["pack"] = pack(path, out, w, len(files), input_bytes, args.pack_args)
            doc["runs"].append(run)
            print(json.dumps(run), file=sys.stderr, flush=True)
        check = {"captures": len(files)}
        if not args.no_verify:
            check["verify"] = verify(out)
        check["validate"] = validate(out, args.corpora)
        doc["checks"].append(check)
        print(json.dumps(check), file=sys.stderr, flush=True)
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    doc["load_after"] = os.getloadavg()
    doc["reference_ms_after"] = reference_ms()
    args.results.mkdir(parents=True, exist_ok=True)
    name = args.results / f"{doc['date'].replace(':', '')}.json"
    name.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(doc["runs"]))
    print(f"\nwritten to {name}")


if __name__ == "__main__":
    main()
