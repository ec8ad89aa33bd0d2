"""``pack``: captures → a release folder (Parquet + WARC + CDXJ + manifest + card + sums).

The steps, each streaming:

1. **scan** every input file (sorted by stored path) and hash it; byte-identical files are read
   once and the later copies accounted as duplicates of the first;
2. **extract** each distinct file with `extract_file`, a pure function of one file (a process
   pool or Dask can run it later: nothing after it depends on which file finished first), and
   spill the articles to disk in 256 buckets by id;
3. **fold** each bucket: sort by id, keep one article per id (latest ``captured_at``, then the
   longer text, then the smaller source SHA-256 / path / record), write the kept ones to one
   id-ordered run and decide the shard boundaries by size;
4. **write** shard i of n as Parquet and WARC side by side, so both hold the same articles, then
   the CDXJ index (shards' sorted indexes merged), schema copy, quarantine, manifest and card,
   and SHA256SUMS last.

Everything is built in ``OUT.tmp-<random>`` beside OUT and renamed into place at the end, so an
interrupted pack leaves no OUT and no folder that ``verify`` accepts. The only date a release
carries that does not come from its data is ``SOURCE_DATE_EPOCH``; without it the release date
is the latest publication or capture time among the packed articles.

Stored input paths: relative to the input root (as ``Capture.path``); when several inputs are
given, a folder's files are prefixed with the folder's name (``seeds/000_….txt``) so paths from
different inputs stay distinct, and a file given by itself is stored under its own name.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import secrets
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__, formats
from ..pipeline import extract_capture
from ..schema import schema_id, schema_path, schema_version
from ..sources import Capture, iter_paths
from ..writers import card, manifest
from ..writers.bagit import make_bag
from ..writers.cdxj import sort_cdxj, write_cdxj
from ..writers.croissant import write_croissant
from ..writers.parquet import ShardWriter, parse_time, to_row, unrepresentable_times
from ..writers.wacz import write_wacz
from ..writers.warc import WarcWriter
from . import layout
from .config import ReleaseMeta, resolve_meta
from .spill import Spill

UTC = timezone.utc
DEFAULT_SHARD_SIZE = 256 * 1024 * 1024
SOFTWARE = f"corpuskit/{__version__}"
# progress(event, info): "scanned" {files}; "input" {path, file, packed, quarantined: [reason],
# duplicates} once per input file; "bucket" {duplicates} once per folded bucket; "shard"
# {shard, shards} once per shard written. Must be cheap: it runs on the hot path.
Progress = Callable[[str, dict[str, Any]], None]


class ReleaseError(Exception):
    """A pack that cannot start (bad target, missing input): a message for a person."""


@dataclass(frozen=True)
class InputFile:
    path: str  # stored path: relative, forward slashes (goes into the release)
    file: str  # path on disk (messages only; never written into the release)
    bytes: int
    sha256: str


@dataclass
class Item:
    """One record read from an input file: an article's JSON, or why there is none."""

    item: int  # 1-based position among the file's records (the accounting key)
    record: int | None  # line / index in a multi-record file, as reported; None for a capture
    article: dict[str, Any] | None = None
    reason: str | None = None
    message: str | None = None
    issues: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Extracted:
    """What `extract_file` made of one file."""

    sha256: str
    format: str | None  # the adapter that claimed the file, None when none did
    raw: bytes
    items: list[Item]


@dataclass
class PackResult:
    out: Path
    inputs: int
    packed: int
    duplicates: int
    quarantined: int
    files: int
    shards: int
    bytes: int
    release_date: str
    quarantine_reasons: dict[str, int]
    warnings: list[str] = field(default_factory=list)


# --- 1. scan -------------------------------------------------------------------------------

def _sha256_file(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def scan_inputs(inputs: Sequence[str | os.PathLike[str]]) -> list[InputFile]:
    """Every input file with its stored path, size and SHA-256, sorted by stored path."""
    several = len(inputs) > 1
    found: list[InputFile] = []
    for given in inputs:
        given_path = Path(given)
        prefix = f"{given_path.resolve().name}/" if several and given_path.is_dir() else ""
        for file, root in iter_paths([given_path]):
            # A name that is not UTF-8 (surrogate-escaped by Python) cannot go into JSON or
            # Parquet as is: its undecodable bytes become U+FFFD in the stored path.
            rel = os.fsencode(file.relative_to(root).as_posix()).decode("utf-8", "replace")
            try:
                size, digest = _sha256_file(file)
            except OSError:
                size, digest = -1, ""  # reported as unreadable by extract_file
            found.append(InputFile(prefix + rel, str(file), size, digest))
    found.sort(key=lambda f: (f.path.encode("utf-8"), f.sha256))
    return found


# --- 2. extract ----------------------------------------------------------------------------

def extract_file(file: str, path: str) -> Extracted:
    """All records of one input file. Pure (depends only on the file's bytes) and never raises."""
    try:
        raw = Path(file).read_bytes()
    except OSError as exc:
        return Extracted("", None, b"", [Item(1, None, reason="unreadable",
                                              message=exc.strerror or str(exc))])
    capture = Capture(path=path, raw=raw, file=file)
    try:
        fmt: str | None = formats.detect(capture).NAME
    except Exception:  # the failure itself is reported by extract_capture below
        fmt = None
    outcomes = extract_capture(capture)
    many = len(outcomes) > 1
    items = []
    for n, o in enumerate(outcomes, start=1):
        record = o.record if o.record is not None else (n if many else None)
        if o.article is None:
            items.append(Item(n, record, reason=o.reason, message=o.message,
                              issues=[{"pointer": i.pointer, "message": i.message}
                                      for i in o.issues]))
            continue
        d = o.article.to_dict()
        bad = unrepresentable_times(d)
        if bad:
            items.append(Item(n, record, reason="unrepresentable_time",
                              message=f"{', '.join(bad)}: not a form a Parquet timestamp can "
                                      "give back exactly (see published_precision)"))
        else:
            items.append(Item(n, record, article=d))
    return Extracted(capture.sha256, fmt, raw, items)


# --- 3. fold -------------------------------------------------------------------------------

def _preference(entry: dict[str, Any]) -> tuple:
    """Sort key among records of one id: the first one is packed, the others folded into it."""
    a = entry["article"]
    captured = parse_time(a["captured_at"])
    return (
        captured is None,
        -(captured.timestamp() if captured else 0.0),
        -len(a["text"]),
        entry["blob"],
        entry["path"].encode("utf-8"),
        entry["item"],
    )


def _ref(entry: dict[str, Any]) -> dict[str, Any]:
    return {"path": entry["path"], "record": entry["record"], "sha256": entry["blob"]}


@dataclass
class _Stats:
    outlets: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    published: list[tuple[datetime, str]] = field(default_factory=list)  # [first, last]
    captured: list[tuple[datetime, str]] = field(default_factory=list)

    def add(self, a: dict[str, Any]) -> None:
        self.outlets[a["outlet"]["id"]] += 1
        self.languages[a["language"]] += 1
        self.years[a["published_at"][:4] if a["published_at"] else "unknown"] += 1
        for key, span in (("published_at", self.published), ("captured_at", self.captured)):
            if a[key] is None:
                continue
            t = (parse_time(a[key]), a[key])
            if not span:
                span.extend([t, t])
            else:
                span[0], span[1] = min(span[0], t), max(span[1], t)

    def latest(self) -> datetime | None:
        times = [span[1][0] for span in (self.published, self.captured) if span]
        return max(times) if times else None

    def date_range(self) -> dict[str, Any]:
        def rng(span: list) -> dict[str, str | None]:
            return {"first": span[0][1], "last": span[1][1]} if span else \
                {"first": None, "last": None}
        return {"published_at": rng(self.published), "captured_at": rng(self.captured)}


def release_date(latest: datetime | None) -> str:
    """SOURCE_DATE_EPOCH if set, else the latest date in the data, else the Unix epoch."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip():
        try:
            when = datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise ReleaseError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time") from exc
    else:
        when = latest or datetime.fromtimestamp(0, tz=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the builder ---------------------------------------------------------------------------

class _Builder:
    def __init__(self, root: Path, meta: ReleaseMeta, shard_size: int,
                 progress: Progress | None = None) -> None:
        self.progress = progress or (lambda event, info: None)
        self.root = root
        self.meta = meta
        self.shard_size = shard_size
        self.work = root / ".work"
        self.spill = Spill(self.work)
        self.inputs: list[dict[str, Any]] = []
        self.quarantine: list[tuple[tuple, dict[str, Any]]] = []
        self.duplicates: list[tuple[tuple, dict[str, Any]]] = []
        self.stats = _Stats()
        self.blob_sizes: dict[str, int] = {}

    # 1 + 2: scan and extract
    def extract(self, files: list[InputFile]) -> None:
        first: dict[str, InputFile] = {}
        summary: dict[str, tuple[str | None, list[Item]]] = {}
        copies: list[tuple[InputFile, InputFile]] = []
        for f in files:
            if f.sha256 and f.sha256 in first:
                copies.append((f, first[f.sha256]))
                self.progress("input", {"path": f.path, "file": f.file, "packed": 0,
                                        "quarantined": [], "duplicates": len(
                                            summary[f.sha256][1])})
                continue
            ex = extract_file(f.file, f.path)
            if f.sha256 and ex.sha256 and ex.sha256 != f.sha256:
                ex = Extracted(f.sha256, None, b"", [Item(
                    1, None, reason="changed", message="the file changed while being packed")])
            if f.sha256:
                first[f.sha256] = f
            # keep only what accounting needs: ids, not articles
            summary[f.sha256 or f.path] = (ex.format, [
                Item(i.item, i.record, {"id": i.article["id"]} if i.article else None, i.reason)
                for i in ex.items])
            self._spill(f, ex)
            self.progress("input", {"path": f.path, "file": f.file,
                                    "packed": sum(i.article is not None for i in ex.items),
                                    "quarantined": [i.reason for i in ex.items
                                                    if i.article is None], "duplicates": 0})
        for copy, twin in copies:
            for it in summary[twin.sha256][1]:
                self.duplicates.append(((copy.path, it.item), {
                    "path": copy.path, "record": it.record, "sha256": copy.sha256,
                    "id": it.article["id"] if it.article else None,
                    "reason": "identical_bytes",
                    "folded_into": {"path": twin.path, "record": it.record,
                                    "sha256": twin.sha256},
                }))
        for f in files:
            fmt, items = summary[f.sha256 or f.path]
            twin = first.get(f.sha256)
            self.inputs.append({
                "path": f.path, "bytes": max(f.bytes, 0), "sha256": f.sha256 or None,
                "format": fmt, "records": len(items),
                "identical_to": twin.path if twin is not None and twin is not f else None,
            })

    def _spill(self, f: InputFile, ex: Extracted) -> None:
        for it in ex.items:
            if it.article is None:
                self.quarantine.append(((f.path, it.item), {
                    "path": f.path, "record": it.record, "sha256": f.sha256 or None,
                    "reason": it.reason, "message": it.message, "issues": it.issues,
                }))
                continue
            self.spill.add({"id": it.article["id"], "path": f.path, "item": it.item,
                            "record": it.record, "blob": ex.sha256, "article": it.article})
            if ex.sha256 not in self.blob_sizes:
                self.spill.add_blob(ex.sha256, ex.raw)
                self.blob_sizes[ex.sha256] = len(ex.raw)

    # 3: fold duplicates, order by id, cut shards
    def fold(self) -> list[int]:
        """Write the kept articles in id order to one run; return the rows of each shard."""
        shards: list[int] = []
        size = 0
        with open(self.work / "sorted.jsonl", "w", encoding="utf-8") as run:
            for bucket in self.spill.buckets():
                bucket.sort(key=lambda e: (e["id"], _preference(e)))
                kept: dict[str, Any] | None = None
                for entry in bucket:
                    if kept is not None and entry["id"] == kept["id"]:
                        self.duplicates.append(((entry["path"], entry["item"]), {
                            **_ref(entry), "id": entry["id"], "reason": "same_id",
                            "folded_into": _ref(kept),
                        }))
                        continue
                    kept = entry
                    line = json.dumps({"blob": entry["blob"], "article": entry["article"]},
                                      ensure_ascii=False, separators=(",", ":"))
                    run.write(line + "\n")
                    self.stats.add(entry["article"])
                    n = len(line.encode("utf-8")) + self.blob_sizes[entry["blob"]]
                    if not shards or (size + n > self.shard_size and shards[-1] > 0):
                        shards.append(0)
                        size = 0
                    shards[-1] += 1
                    size += n
                self.progress("bucket", {"duplicates": len(self.duplicates)})
        return shards or [0]

    def _kept(self) -> Iterator[dict[str, Any]]:
        with open(self.work / "sorted.jsonl", encoding="utf-8") as run:
            for line in run:
                yield json.loads(line)

    # 4: write
    def write(self, shards: list[int], date: str) -> list[dict[str, Any]]:
        n = len(shards)
        kept = self._kept()
        written = []
        pq_meta = {"corpuskit.version": __version__, "corpuskit.schema_id": schema_id(),
                   "corpuskit.release": f"{self.meta.name} {self.meta.version}"}
        (self.root / layout.DATA_DIR).mkdir()
        (self.root / layout.WARC_DIR).mkdir()
        cdxj_parts = []
        for i, rows in enumerate(shards):
            name = layout.warc_name(i, n)
            first = last = None
            with open(self.root / layout.warc_path(i, n), "wb") as fh:
                warc = WarcWriter(fh, name, release=f"{self.meta.name} {self.meta.version}",
                                  software=SOFTWARE, warc_date=date)
                table = ShardWriter(self.root / layout.parquet_path(i, n), pq_meta)
                for _ in range(rows):
                    entry = next(kept)
                    record = entry["article"]
                    raw = self.spill.blob(entry["blob"])
                    loc = warc.write_article(_article(record), raw)
                    table.write(to_row(record, (loc.filename, loc.offset, loc.length)),
                                len(raw) + len(record["text"]))
                    first = first or record["id"]
                    last = record["id"]
                warc.close()
                table.close()
                part = self.work / f"index-{i:05d}.cdxj"
                with open(part, "w", encoding="utf-8") as out:
                    write_cdxj(sort_cdxj(warc.cdxj_lines()), out)
                cdxj_parts.append(part)
            written.append({"rows": rows, "first_id": first, "last_id": last,
                            "parquet": layout.parquet_path(i, n),
                            "warc": layout.warc_path(i, n)})
            self.progress("shard", {"shard": i + 1, "shards": n})
        self._merge_cdxj(cdxj_parts)
        return written

    def _merge_cdxj(self, parts: list[Path]) -> None:
        """One sorted index from the shards' sorted indexes (a k-way merge, not a re-sort).

        Python orders str by code point, which for UTF-8 text is the byte order that
        `sort_cdxj` (``LC_ALL=C sort``) uses; line ends are left out of the comparison as sort
        leaves them out.
        """
        (self.root / "indexes").mkdir()
        with ExitStack() as stack:
            handles = [stack.enter_context(open(p, encoding="utf-8")) for p in parts]
            with open(self.root / layout.INDEX, "w", encoding="utf-8", newline="\n") as out:
                for line in heapq.merge(*handles, key=lambda line: line.rstrip("\n")):
                    out.write(line)


def _article(record: dict[str, Any]) -> Any:
    from ..data import Article

    return Article.from_dict(record)


def _sorted(entries: list[tuple[tuple, dict[str, Any]]]) -> list[dict[str, Any]]:
    entries.sort(key=lambda e: (e[0][0].encode("utf-8"), e[0][1]))
    return [e[1] for e in entries]


def _check_target(out: Path, inputs: Sequence[Path], force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise ReleaseError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ReleaseError(f"{out}: folder is not empty; use --force to replace it")
    real_out = out.resolve()
    for given in inputs:
        real_in = Path(given).resolve()
        if real_in == real_out or real_out in real_in.parents:
            raise ReleaseError(f"{given}: an input inside the output folder {out} "
                               "would be deleted by the pack")
        if real_in in real_out.parents:
            raise ReleaseError(f"{out}: the output folder is inside the input {given}; "
                               "the next pack would read the release as captures")


def _install(tmp: Path, out: Path) -> None:
    """Move the finished release into place; an existing OUT is swapped out, then removed."""
    if out.is_dir() and any(out.iterdir()):
        old = out.parent / f"{out.name}.old-{secrets.token_hex(6)}"
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old)
    else:
        os.replace(tmp, out)  # rename(2) replaces an empty folder


def pack(inputs: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
         meta: ReleaseMeta | None = None, config: str | os.PathLike[str] | None = None,
         shard_size: int = DEFAULT_SHARD_SIZE, force: bool = False,
         progress: Progress | None = None, wacz: bool = False, bagit: bool = False
         ) -> PackResult:
    """Pack captures (files or folders) into a release folder at ``out``.

    ``wacz`` adds ``OUT/<name>.wacz``; ``bagit`` makes OUT a BagIt bag with the release in
    ``OUT/data`` (docs/bagit.md). croissant.json is always written.

    ``progress(event, info)``, if given, is told how the pack goes (see `Progress`).

    Raises ReleaseError when it cannot start (non-empty ``out`` without ``force``, a missing
    input); inputs that cannot become articles are quarantined, never raised.
    """
    out = Path(out)
    given = [Path(p) for p in inputs]
    if not given:
        raise ReleaseError("no inputs given")
    if shard_size <= 0:
        raise ReleaseError("the shard size must be positive")
    _check_target(out, given, force)
    meta = meta or resolve_meta(out, config)
    try:
        files = scan_inputs(given)
    except FileNotFoundError as exc:
        raise ReleaseError(str(exc)) from exc
    if progress is not None:
        progress("scanned", {"files": len(files)})
    stale = f"{out.name}.tmp-"
    warnings = [f"{p}: left by an interrupted pack; remove it"
                for p in sorted(out.parent.iterdir() if out.parent.is_dir() else [])
                if p.name.startswith(stale)]
    tmp = out.parent / f"{out.name}.tmp-{secrets.token_hex(6)}"
    tmp.mkdir(parents=True)
    try:
        result = _build(tmp, out, meta, shard_size, files, progress, wacz=wacz, bagit=bagit)
        result.warnings = warnings
        _install(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def _build(root: Path, out: Path, meta: ReleaseMeta, shard_size: int,
           files: list[InputFile], progress: Progress | None = None, *,
           wacz: bool = False, bagit: bool = False) -> PackResult:
    b = _Builder(root, meta, shard_size, progress)
    b.extract(files)
    shards = b.fold()
    date = release_date(b.stats.latest())
    written = b.write(shards, date)
    shutil.rmtree(b.work)

    (root / "schema").mkdir()
    shutil.copyfile(schema_path(), root / layout.SCHEMA)
    quarantine = _sorted(b.quarantine)
    with open(root / layout.QUARANTINE, "w", encoding="utf-8", newline="\n") as fh:
        for q in quarantine:
            fh.write(json.dumps(q, ensure_ascii=False, separators=(",", ":")) + "\n")
    duplicates = _sorted(b.duplicates)
    packed = sum(shards)
    inputs = sum(f["records"] for f in b.inputs)
    if inputs != packed + len(duplicates) + len(quarantine):  # a bug, never an input's fault
        raise AssertionError(f"accounting: {inputs} inputs != {packed} packed + "
                             f"{len(duplicates)} duplicates + {len(quarantine)} quarantined")
    doc = manifest.build(
        root, meta=meta, date=date, corpuskit_version=__version__,
        schema={"id": schema_id(), "version": schema_version(), "path": layout.SCHEMA},
        counts={"inputs": inputs, "packed": packed, "duplicates": len(duplicates),
                "quarantined": len(quarantine), "files": len(b.inputs),
                "shards": len(shards)},
        by_outlet=b.stats.outlets, by_language=b.stats.languages, by_year=b.stats.years,
        dates=b.stats.date_range(),
        quarantine_reasons=Counter(q["reason"] for q in quarantine),
        shards=written, index=layout.INDEX, quarantine=layout.QUARANTINE,
        inputs=b.inputs, duplicates=duplicates,
    )
    manifest.write(root / layout.MANIFEST, doc)
    croissant_file = write_croissant(root, doc)
    wacz_file = write_wacz(root, doc) if wacz else None
    (root / layout.CARD).write_text(card.render(doc, wacz=wacz_file, croissant=croissant_file,
                                                bagit=bagit), encoding="utf-8", newline="\n")
    manifest.write_sums(root, layout.SUMS)  # last: a folder without it is not a finished release
    if bagit:
        make_bag(root, doc)  # the release, SHA256SUMS and all, becomes the bag's payload
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return PackResult(out=out, inputs=inputs, packed=packed, duplicates=len(duplicates),
                      quarantined=len(quarantine), files=len(b.inputs), shards=len(shards),
                      bytes=total, release_date=date,
                      quarantine_reasons=dict(doc["quarantine_reasons"]))
