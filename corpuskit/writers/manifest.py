"""manifest.json and SHA256SUMS of a release.

The manifest accounts for every input (``inputs = packed + duplicates + quarantined``) and
describes every data file; its bytes depend on the data only: keys in a fixed order (counts
sorted by key), ``indent=2``, non-ASCII kept, a final newline, and no absolute path, host name
or clock time anywhere.
"""

from __future__ import annotations

import json
import os
import platform
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..sources import file_sha256

if TYPE_CHECKING:
    from ..release.config import ReleaseMeta

MANIFEST_VERSION = 1


def dumps(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_remembered: dict[tuple[str, int, int], str] | None = None


@contextmanager
def remembered_hashes() -> Iterator[None]:
    """Within the block, `sha256_file` hashes a file once (a file is known by its path, size
    and modification time): ``pack`` hashes each data file for the manifest and again for
    SHA256SUMS, and a 100,000-article release has gigabytes of them. `remember` adds digests
    computed elsewhere (the pack's tasks hash the shards they write). ``verify`` never uses it.
    """
    global _remembered
    outer, _remembered = _remembered, {}
    try:
        yield
    finally:
        _remembered = outer


def _identity(path: Path) -> tuple[str, int, int]:
    st = os.stat(path)
    return os.fspath(path), st.st_size, st.st_mtime_ns


def remember(path: Path, digest: str) -> None:
    """Note a file's SHA-256 (inside `remembered_hashes`; elsewhere nothing happens)."""
    if _remembered is not None:
        _remembered[_identity(path)] = digest


def sha256_file(path: Path) -> str:
    key = _identity(path) if _remembered is not None else None
    if key is not None and key in _remembered:  # type: ignore[operator]
        return _remembered[key]  # type: ignore[index]
    digest = file_sha256(path)[1]
    if key is not None:
        _remembered[key] = digest  # type: ignore[index]
    return digest


def describe(root: Path, rel: str) -> dict[str, Any]:
    """path, bytes and sha256 of one file of the release."""
    p = root / rel
    return {"path": rel, "bytes": p.stat().st_size, "sha256": sha256_file(p)}


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def _sorted_counts(counts: Mapping[str, int]) -> dict[str, int]:
    return {k: counts[k] for k in sorted(counts)}


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
        return None


def build(root: Path, *, meta: ReleaseMeta, date: str, corpuskit_version: str,
          schema: dict[str, str], counts: dict[str, int], by_outlet: Mapping[str, int],
          by_language: Mapping[str, int], by_year: Mapping[str, int],
          dates: dict[str, Any], quarantine_reasons: Mapping[str, int],
          options: dict[str, Any],
          shards: list[dict[str, Any]], index: str, quarantine: str,
          inputs: Sequence[dict[str, Any]], duplicates: list[dict[str, Any]]
          ) -> dict[str, Any]:
    """The manifest document (hashes the data files already written under ``root``)."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "release": {**meta.to_dict(), "date": date},
        # what made it: the same versions and inputs give the same bytes (isal or zlib-ng
        # deflates the WARC records, pyarrow writes the Parquet; the text's NFC and character
        # classes come from the Unicode database of the Python that ran, Unicode 13.0 in 3.10,
        # 14.0 in 3.11, 15.0 in 3.12, 15.1 in 3.13); and on what kind of processor, which the
        # deflate libraries choose their code by (`warc.Deflate`)
        "software": {"corpuskit": corpuskit_version, "pyarrow": _version("pyarrow"),
                     "warcio": _version("warcio"), "isal": _version("isal"),
                     "zlib-ng": _version("zlib-ng"), "unicode": unicodedata.unidata_version,
                     "machine": platform.machine() or None},
        # and with what options: what the bytes (shard cut, gzip level) and the quarantine
        # (the per-input limits) depend on; not the number of workers, which changes nothing
        "options": options,
        "schema": {**schema, "sha256": sha256_file(root / schema["path"])},
        "counts": counts,
        "by_outlet": _sorted_counts(by_outlet),
        "by_language": _sorted_counts(by_language),
        "by_year": _sorted_counts(by_year),
        "dates": dates,
        "quarantine_reasons": _sorted_counts(quarantine_reasons),
        "shards": [{
            "rows": s["rows"], "first_id": s["first_id"], "last_id": s["last_id"],
            "parquet": describe(root, s["parquet"]),
            "warc": describe(root, s["warc"]),
        } for s in shards],
        "index": {**describe(root, index), "lines": _count_lines(root / index)},
        "quarantine": {**describe(root, quarantine), "lines": _count_lines(root / quarantine)},
        "inputs": inputs,
        "duplicates": duplicates,
    }


def write(path: Path, doc: Mapping[str, Any]) -> None:
    """`dumps` into a file, a piece at a time, with the same bytes.

    A large archive's manifest lists hundreds of thousands of inputs: its text is never held
    whole, and a top-level value may be any `Sequence`, whose items are then taken a thousand
    at a time (the pack's ``inputs`` are made as they are written). Written here rather than by
    ``json.dump``, which takes only lists and tuples for arrays; each value is encoded by
    ``json``, and indented by putting the indentation after its newlines (there is no newline
    inside a JSON string).
    """
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        if not doc:
            fh.write("{}\n")
            return
        for n, (key, value) in enumerate(doc.items()):
            fh.write(f"{',' if n else '{'}\n  {encoder.encode(key)}: ")
            if isinstance(value, Sequence) and not isinstance(value, str):
                if not value:
                    fh.write("[]")
                    continue
                # a batch of items at a time, encoded as a list and re-indented in one pass:
                # "[\n  a,\n  b\n]" less its brackets is "\n  a,\n  b" (an item at a time
                # cost ~4 µs more per input)
                for start in range(0, len(value), _BATCH):
                    batch = [value[i] for i in range(start, min(start + _BATCH, len(value)))]
                    fh.write("," if start else "[")
                    fh.write(encoder.encode(batch)[1:-2].replace("\n", "\n  "))
                fh.write("\n  ]")
            else:
                for chunk in encoder.iterencode(value):
                    fh.write(chunk.replace("\n", "\n  ") if "\n" in chunk else chunk)
        fh.write("\n}\n")


_BATCH = 1000  # items of a sequence encoded together by `write` (~0.6 MB of a manifest's inputs)


def write_sums(root: Path, name: str = "SHA256SUMS") -> None:
    """``name`` listing every file under ``root`` but itself, ``sha256sum -c`` compatible."""
    files = sorted((rel for rel in (p.relative_to(root).as_posix() for p in root.rglob("*")
                                    if p.is_file()) if rel != name),
                   key=lambda rel: rel.encode("utf-8"))
    lines = [f"{sha256_file(root / rel)}  {rel}\n" for rel in files]
    (root / name).write_text("".join(lines), encoding="utf-8", newline="\n")


_SUM_LINE = re.compile(r"([0-9a-f]{64}) [ *](.+)")


def read_sums(text: str) -> tuple[dict[str, str], list[str]]:
    """{path: sha256} from a SHA256SUMS text, and the lines that are not ``hash  path``."""
    sums: dict[str, str] = {}
    bad: list[str] = []
    for n, line in enumerate(text.splitlines(), start=1):
        m = _SUM_LINE.fullmatch(line)
        if m is None:
            bad.append(f"line {n}: not 'sha256  path': {line[:80]!r}")
        else:
            sums[m.group(2)] = m.group(1)
    return sums, bad
