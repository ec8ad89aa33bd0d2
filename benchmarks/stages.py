"""Cost per capture of each stage of a pack, in CPU µs, on one core (docs/performance.md).

    python benchmarks/stages.py CORPUS [--limit N] [--deflate isal] [--level 2] [--json OUT]
    python benchmarks/stages.py CORPUS --levels [--limit N]   # every WARC deflate and level
    python benchmarks/stages.py CORPUS --extract-parts [--limit N]   # inside extraction

Runs the stages one after another over the same captures in one process, each over all of
them before the next (so each is timed on its own, in processor time: a busy machine slows
them less than it slows the wall clock), and prints µs per capture. Each stage runs once on
the first capture before it is timed: the first calls load models and caches (the language
model, Arrow's conversion machinery), which a pack pays once per worker process, not per
capture. ``--limit N`` takes N captures spread evenly over the corpus (its folders are
outlets, whose captures cost differently).

- the floor: **read** (the file's bytes), **decode** (bytes → text, `corpuskit.sources.decode`),
  **parse** (lxml's HTML parser over the whole text): what any extractor pays;
- extraction, corpuskit's per-capture hot path: **extract** (detect the layout, run the
  adapter), **validate** (``to_dict`` and the jsonschema-rs check);
- what a pack adds: **hash** (SHA-256 of the file, for identical files), **spill** (the
  article to its spill line and back), **fold** (sort by id and preference), **parquet**
  (rows → Arrow → zstd Parquet), **warc** (render the page, four records, digests, gzip at
  ``--deflate`` ``--level``), **index** (CDXJ lines, sorted).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import lxml.html
from run import reference_ms, spread  # benchmarks/ is the script's directory, first on sys.path

from corpuskit import formats
from corpuskit.data import Article
from corpuskit.schema import is_valid
from corpuskit.sources import Capture, decode
from corpuskit.writers.cdxj import sort_cdxj
from corpuskit.writers.parquet import (
    ShardWriter,
    arrow_schema,
    parse_time,
    rows_to_batch,
    to_row,
)
from corpuskit.writers.warc import DEFLATE_LIBRARIES, Deflate, WarcWriter, cdxj_line

_parser = lxml.html.HTMLParser(no_network=True, huge_tree=True)
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _time(stages: dict[str, float], name: str, fn, items):
    if items:  # first calls load models and caches (language id, Arrow): a worker's start-up
        fn(items[0])
    t = time.process_time()
    out = [fn(x) for x in items]
    stages[name] = time.process_time() - t
    return out


def measure(corpus: Path, limit: int | None, deflate: Deflate) -> dict:
    files = spread(corpus, limit)
    n = len(files)
    st: dict[str, float] = {}

    raws = _time(st, "read", lambda f: f.read_bytes(), files)
    texts = _time(st, "decode", lambda r: decode(r).text, raws)
    _time(st, "parse", lambda t: lxml.html.document_fromstring(t, parser=_parser)
          if t.strip() else None, texts)

    def extract(item):
        f, raw = item
        capture = Capture(path=f.name, raw=raw, file=str(f))
        try:
            return [a for a in formats.detect(capture).read(capture) if isinstance(a, Article)]
        except Exception:
            return []
    found = _time(st, "extract", extract, list(zip(files, raws, strict=True)))
    pairs = [(a, raw) for group, raw in zip(found, raws, strict=True) for a in group]
    dicts = _time(st, "validate", lambda p: (p[0].to_dict(), is_valid(p[0].to_dict()))[0],
                  pairs)
    _time(st, "hash", lambda r: hashlib.sha256(r).hexdigest(), raws)

    def spill(d):  # the extract task's key and line, the fold's key parse, the writer's load
        article_json = _dumps(d)
        captured = parse_time(d["captured_at"])
        key = [d["id"], captured.timestamp() if captured else None, len(d["text"]), "0" * 64,
               d["source"]["path"], 1, None, 0, 0, 0, len(article_json), d["outlet"]["id"],
               d["language"], d["published_at"], d["captured_at"]]
        line = f"{_dumps(key)}\t{article_json}"
        cut = line.index("\t")
        return json.loads(line[:cut]), json.loads(line[cut + 1:]), line[cut + 1:]
    spilled = _time(st, "spill", spill, dicts)

    t = time.process_time()
    keys = sorted(((k[0], k[1] is None, -(k[1] or 0.0), -k[2], k[4]) for k, _, _ in spilled))
    st["fold"] = time.process_time() - t
    del keys

    with tempfile.TemporaryDirectory() as tmp:
        schema = arrow_schema({})
        rows_to_batch([to_row(spilled[0][1], ("x.warc.gz", 0, 0))], schema)  # start-up
        t = time.process_time()
        w = ShardWriter(Path(tmp) / "x.parquet", {})
        for i in range(0, len(spilled), 1000):
            part = spilled[i:i + 1000]
            batch = rows_to_batch([to_row(d, ("x.warc.gz", 0, 0)) for _, d, _ in part], schema)
            w.write_batch(batch, [len(d["text"]) for _, d, _ in part])
        w.close()
        st["parquet"] = time.process_time() - t
        pq_bytes = (Path(tmp) / "x.parquet").stat().st_size

    buf = io.BytesIO()
    t = time.process_time()
    warc = WarcWriter(buf, "x.warc.gz", release="bench", software="bench",
                      warc_date="2024-01-01T00:00:00Z", deflate=deflate)
    seen = set()
    for (_key, d, article_json), (_, raw) in zip(spilled, pairs, strict=True):
        if d["id"] not in seen:
            seen.add(d["id"])
            warc.write_article(Article.from_dict(d), raw, record_json=article_json)
    st["warc"] = time.process_time() - t
    t = time.process_time()
    lines = sort_cdxj(cdxj_line("x.warc.gz", e) for e in warc.cdxj_entries())
    st["index"] = time.process_time() - t
    del lines

    us = {k: round(v / n * 1e6, 1) for k, v in st.items()}
    floor = us["read"] + us["decode"] + us["parse"]
    ours = sum(us[k] for k in ("hash", "spill", "fold", "parquet", "warc", "index"))
    return {
        "corpus": str(corpus), "captures": n, "articles": len(pairs),
        "input_mb": round(sum(map(len, raws)) / 1e6, 2),
        "warc_deflate": deflate.library, "warc_level": deflate.level,
        "warc_mb": round(buf.tell() / 1e6, 2), "parquet_mb": round(pq_bytes / 1e6, 2),
        "us_per_capture": us, "floor_us": round(floor, 1),
        "extraction_us": round(us["extract"] + us["validate"], 1), "pack_us": round(ours, 1),
        "total_us": round(sum(us.values()), 1),
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "load": os.getloadavg()[0], "reference_ms": reference_ms(),
    }


def levels(corpus: Path, limit: int | None) -> dict:
    """CPU µs and bytes per article of the WARC records for every deflate library and level
    (best of 3), keyed ``library:level``."""
    files = spread(corpus, limit)
    pairs = []
    for f in files:
        raw = f.read_bytes()
        capture = Capture(path=f.name, raw=raw, file=str(f))
        try:
            pairs += [(a, raw, a.to_json()) for a in formats.detect(capture).read(capture)
                      if isinstance(a, Article)]
        except Exception:
            continue
    choices = [Deflate("isal", level) for level in range(4)] + [
        Deflate("zlib-ng", level) for level in range(10)]
    out: dict[str, dict[str, float]] = {}
    for _ in range(3):
        for deflate in choices:
            level = f"{deflate.library}:{deflate.level}"
            buf = io.BytesIO()
            w = WarcWriter(buf, "x.warc.gz", release="bench", software="bench",
                           warc_date="2024-01-01T00:00:00Z", deflate=deflate)
            seen = set()
            t = time.process_time()
            for a, raw, j in pairs:
                if a.id not in seen:
                    seen.add(a.id)
                    w.write_article(a, raw, record_json=j)
            us = (time.process_time() - t) / len(seen) * 1e6
            best = out.get(level, {}).get("us", float("inf"))
            out[level] = {"us": round(min(us, best)), "bytes": round(buf.tell() / len(seen))}
    return {"articles": len(pairs), "raw_bytes_per_article":
            round(sum(len(r) for _, r, _ in pairs) / len(pairs)), "levels": out,
            "load": os.getloadavg()[0], "reference_ms": reference_ms()}


def extract_parts(corpus: Path, limit: int | None) -> dict:
    """Where extraction's time goes: CPU µs per capture in decode, layout detection, HTML
    parsing, the block walk, the rules (assemble, of which language identification), the
    trafilatura fallback, and the adapters' own work around them (the rest).

    Measured by wrapping those functions with timers (nested ones are subtracted from their
    callers), over every capture, after one warm-up pass."""
    import collections

    from corpuskit import assemble as assemble_module
    from corpuskit import blocks, language
    from corpuskit.formats import feed, html, mirror

    files = spread(corpus, limit)
    raws = [(f, f.read_bytes()) for f in files]
    spent: collections.Counter[str] = collections.Counter()
    stack: list[float] = []  # time of nested timed calls, subtracted from their callers

    def timed(module, name: str, label: str, *users) -> None:
        fn = getattr(module, name)

        def wrapper(*a, **k):
            stack.append(0.0)
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                total = time.process_time() - t
                inner = stack.pop()
                spent[label] += total - inner
                if stack:
                    stack[-1] += total
        for m in (module, *users):
            setattr(m, name, wrapper)

    timed(blocks, "parse_fragment", "parse", mirror)
    timed(blocks, "html_to_blocks", "walk", mirror, feed)
    timed(assemble_module, "assemble", "assemble (rules)", mirror, feed, html)
    timed(language, "detect_language", "language", assemble_module)
    timed(html, "_trafilatura_xml", "trafilatura")

    def run() -> float:
        started = time.process_time()
        for f, raw in raws:
            capture = Capture(path=f.name, raw=raw, file=str(f))
            t = time.process_time()
            capture.text  # noqa: B018  (decodes)
            spent["decode"] += time.process_time() - t
            t = time.process_time()
            adapter = formats.detect(capture)
            spent["detect"] += time.process_time() - t
            with contextlib.suppress(Exception):  # a failing capture costs what it costs
                adapter.read(capture)
        return time.process_time() - started

    run()
    spent.clear()
    total = run()
    us = {k: round(v / len(raws) * 1e6, 1) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])}
    us["adapters' own"] = round(total / len(raws) * 1e6 - sum(us.values()), 1)
    return {"captures": len(raws), "us_per_capture": us,
            "total_us": round(total / len(raws) * 1e6, 1), "load": os.getloadavg()[0],
            "reference_ms": reference_ms()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--deflate", default="isal", choices=DEFLATE_LIBRARIES,
                    help="WARC deflate library")
    ap.add_argument("--level", type=int, help="its level (default: the library's default)")
    ap.add_argument("--json", type=Path, help="also write the result here")
    ap.add_argument("--levels", action="store_true", help="compare every WARC deflate and level")
    ap.add_argument("--extract-parts", action="store_true",
                    help="split extraction into decode, detect, parse, walk, rules …")
    args = ap.parse_args()
    if args.extract_parts:
        r = extract_parts(args.corpus, args.limit)
        for k, v in r["us_per_capture"].items():
            print(f"{k:>18} {v:8.1f} µs")
        print(f"extraction {r['total_us']:.0f} µs per capture ({r['captures']} captures, "
              f"load {r['load']:.1f}, reference {r['reference_ms']} ms)")
        if args.json:
            args.json.write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
        return
    if args.levels:
        r = levels(args.corpus, args.limit)
        base = r["levels"]["zlib-ng:6"]
        for level, v in r["levels"].items():
            print(f"{level:>10}: {v['us']:6} µs/article {v['bytes']:7} bytes/article  "
                  f"({v['us'] / base['us'] - 1:+.0%} time, {v['bytes'] / base['bytes'] - 1:+.1%}"
                  " size against zlib-ng:6)")
        if args.json:
            args.json.write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
        return
    r = measure(args.corpus, args.limit, Deflate(args.deflate, args.level))
    for k, v in r["us_per_capture"].items():
        print(f"{k:>10} {v:9.1f} µs")
    print(f"floor {r['floor_us']:.0f} µs, extraction {r['extraction_us']:.0f} µs, pack "
          f"{r['pack_us']:.0f} µs; total {r['total_us']:.0f} µs per capture "
          f"({r['captures']} captures, {r['articles']} articles, load {r['load']:.1f}, "
          f"reference {r['reference_ms']} ms)")
    if args.json:
        args.json.write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
