"""A deterministic synthetic corpus of N distinct captures, made from the real ones.

    python benchmarks/make_corpus.py N OUT [--seed S] [--source ../shared/corpora]

Capture k (0 ≤ k < N) is a function of (seed, k) and the source corpus alone, so the same
command always writes the same bytes, and the corpus of 10,000 is the first 10,000 files of the
corpus of 100,000. It is a real capture (the source files are taken in a seeded shuffle, so
every layout family appears in its real proportion at any N), changed so that it is a distinct
article with a distinct id:

- **the article URL** (the mirror page's original-URL line, the feed capture's
  ``[title](url)`` link and its front matter's ``from:``) gets ``-s<k>`` at the end of its last
  path segment (before an extension), everywhere it occurs in the file; ids are hashes of the
  canonical URL, so every capture gets its own id;
- **the text**: three common CJK characters are swapped for three others, everywhere in the
  file (title and body alike, so the front matter, the link and the heading still agree);
  UTF-8 CJK characters all take 3 bytes, so sizes are unchanged.

Files keep their folder (outlet and layout are read from content, but people read paths) and
are named ``<stem>.s<k><suffix>``. The source's README.md and manifest.jsonl are skipped.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "corpora"
SKIP = {"README.md", "manifest.jsonl"}

# Frequent characters of news Chinese (simplified and traditional): the ones swapped out, and
# the pool they are swapped for.
FREQUENT = "的是在不了有和人这中大为上个国以要时来们到地出就对成会可发年动同也能下过说"
POOL = ("一主产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
        "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样"
        "与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军"
        "很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资")

_URL = r"https?://[^\s<>\"')\]]+"
_ARTICLE_URLS = [
    re.compile(r"(?m)^from:\s*(" + _URL + r")"),  # front matter of feed captures
    re.compile(r"(?m)^\[[^\n]*\]\((" + _URL + r")\)\s*$"),  # the feed's [title](url) line
    re.compile(r"原文[^\n:：]{0,20}[:：]\s*(" + _URL + r")"),  # 原文链接（需翻墙）：url, …
]


def sources(root: Path) -> list[Path]:
    """Every capture under ``root``, in byte order of its relative path."""
    found = [p for p in root.rglob("*") if p.is_file() and p.name not in SKIP]
    return sorted(found, key=lambda p: os.fsencode(p.relative_to(root)))


def _vary_url(url: str, k: int) -> str:
    base, hash_, frag = url.partition("#")
    path, q, query = base.partition("?")
    slash = path.rfind("/")
    if slash < path.find("//") + 2:  # no path: a bare host
        path += "/"
        slash = len(path) - 1
    last = path[slash + 1:]
    stem, dot, ext = last.rpartition(".")
    if not dot or not stem or len(ext) > 5:
        stem, dot, ext = last, "", ""
    return path[:slash + 1] + f"{stem}-s{k}{dot}{ext}" + q + query + hash_ + frag


def vary(raw: bytes, k: int, rng: random.Random) -> bytes:
    """Capture ``k``: ``raw`` with its article URL(s) and three characters changed."""
    try:
        text, utf8 = raw.decode("utf-8"), True
    except UnicodeDecodeError:  # URLs are ASCII: Latin-1 keeps every other byte as it was
        text, utf8 = raw.decode("latin-1"), False
    urls: list[str] = []
    for pattern in _ARTICLE_URLS:
        for m in pattern.finditer(text):
            url = m.group(1).rstrip(".,;")
            if url not in urls:
                urls.append(url)
    if urls:
        # longest first, and never inside a longer URL: one pass with an alternation
        alt = "|".join(re.escape(u) for u in sorted(urls, key=len, reverse=True))
        text = re.sub(f"(?:{alt})(?![\\w%/-])", lambda m: _vary_url(m.group(), k), text)
    if utf8:
        pairs = zip(rng.sample(FREQUENT, 3), rng.sample(POOL, 3), strict=True)
        text = text.translate(str.maketrans(dict(pairs)))
    out = text.encode("utf-8" if utf8 else "latin-1")
    if out == raw:  # no URL, nothing Chinese: still a distinct file
        out += f"\n<!-- s{k} -->\n".encode()
    return out


def make(n: int, out: Path, seed: int = 0, source: Path = DEFAULT_SOURCE) -> int:
    """Write captures 0..n-1 under ``out``; the number of bytes written."""
    files = sources(source)
    if not files:
        raise SystemExit(f"{source}: no captures")
    order = list(files)
    random.Random(seed).shuffle(order)
    total = 0
    made_dirs: set[Path] = set()
    for k in range(n):
        src = order[k % len(order)]
        rel = src.relative_to(source)
        rng = random.Random(f"{seed}:{k}")
        data = vary(src.read_bytes(), k, rng)
        target = out / rel.parent / f"{rel.stem}.s{k:06d}{rel.suffix}"
        if target.parent not in made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(target.parent)
        target.write_bytes(data)
        total += len(data)
    return total


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of captures")
    ap.add_argument("out", type=Path, help="folder to write (created; must be empty or absent)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                    help=f"real captures to start from (default {DEFAULT_SOURCE})")
    args = ap.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        raise SystemExit(f"{args.out}: not empty")
    t = time.perf_counter()
    total = make(args.n, args.out, args.seed, args.source)
    print(f"{args.n} captures, {total / 1e6:.1f} MB in {args.out} "
          f"({time.perf_counter() - t:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
