"""Extraction coverage per corpus folder: inputs, valid records, quarantine reasons, fill rates.

    python benchmarks/coverage.py [CORPORA_DIR] [--json out.json] [--markdown]

CORPORA_DIR defaults to ../shared/corpora (see its README). Each immediate sub-folder is one
corpus. Prints a table; --markdown prints the table as Markdown (docs/coverage.md keeps it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from corpuskit.pipeline import iter_outcomes

FILL_FIELDS = ("published_at", "captured_at", "authors", "images", "captions", "language", "tags")


def fills(article) -> dict[str, bool]:
    return {
        "published_at": article.published_at is not None,
        "captured_at": article.captured_at is not None,
        "authors": bool(article.authors),
        "images": bool(article.images),
        "captions": any(i.caption for i in article.images),
        "language": article.language != "und",
        "tags": bool(article.tags),
    }


def measure(folder: Path) -> dict:
    reasons: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    examples: dict[str, str] = {}
    inputs = valid = 0
    seen_files: set[str] = set()
    for outcome in iter_outcomes([folder]):
        if outcome.capture.file not in seen_files:
            seen_files.add(outcome.capture.file)
            inputs += 1
        if outcome.article is None:
            reasons[outcome.reason or "?"] += 1
            examples.setdefault(outcome.reason or "?", f"{outcome.where}: {outcome.message}")
            continue
        valid += 1
        for key, ok in fills(outcome.article).items():
            filled[key] += ok
        for w in outcome.article.warnings:
            warnings[w.split(":", 1)[0]] += 1
    return {
        "corpus": folder.name,
        "inputs": inputs,
        "valid": valid,
        "quarantined": dict(sorted(reasons.items())),
        "fill": {k: round(filled[k] / valid, 3) if valid else 0.0 for k in FILL_FIELDS},
        "warnings": dict(sorted(warnings.items())),
        "examples": examples,
    }


def markdown(rows: list[dict]) -> str:
    head = "| corpus | inputs | valid | quarantined | " + " | ".join(FILL_FIELDS) + " |"
    sep = "|" + "---|" * (4 + len(FILL_FIELDS))
    lines = [head, sep]
    for r in rows:
        q = ", ".join(f"{k} {v}" for k, v in r["quarantined"].items()) or "0"
        f = " | ".join(f"{r['fill'][k]:.0%}" for k in FILL_FIELDS)
        lines.append(f"| {r['corpus']} | {r['inputs']} | {r['valid']} | {q} | {f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    ap.add_argument("corpora", nargs="?", type=Path, default=default)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    folders = sorted(p for p in args.corpora.iterdir() if p.is_dir())
    if not folders:
        sys.exit(f"{args.corpora}: no corpus folders")
    rows = []
    started = time.perf_counter()
    for folder in folders:
        rows.append(measure(folder))
        r = rows[-1]
        print(f"{r['corpus']}: {r['valid']}/{r['inputs']} valid; quarantined {r['quarantined']}",
              file=sys.stderr)
        for reason, ex in r["examples"].items():
            print(f"    e.g. {reason}: {ex[:200]}", file=sys.stderr)
        print(f"    warnings {r['warnings']}", file=sys.stderr)
    print(markdown(rows))
    total_in = sum(r["inputs"] for r in rows)
    total_ok = sum(r["valid"] for r in rows)
    print(f"\ntotal: {total_ok}/{total_in} valid in {time.perf_counter() - started:.1f}s")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
