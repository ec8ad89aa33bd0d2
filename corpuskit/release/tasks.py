"""The tasks of a pack: plain functions of plain arguments, run by an executor in any order.

Each reads its inputs and writes its outputs as files under the pack's work folder (or the
release folder), and returns a small picklable summary for the driver
(`corpuskit.release.build`). Phases, each a barrier:

1. `hash_files`: size and SHA-256 of a chunk of input files (byte-identical files are then
   extracted once);
2. `extract_files`: a chunk of distinct files → articles spilled by bucket (`spill`), raw bytes
   stored once, and per-file summaries (records, quarantine entries) for the manifest;
3. `fold_buckets`: a group of consecutive buckets from every extract task's spill: sorted by id,
   one article kept per id, the kept ones written in id order to the group's run file;
4. `write_segment`: the part of shard i that lies in one fold group → its WARC records (gzip
   members) and Parquet rows (Arrow IPC), with offsets counted from the segment's start;
5. `finish_shard`: shard i's warcinfo record and its segments' bytes in order → the WARC;
   the segments' rows, their offsets moved by where each segment landed → the Parquet file;
   the shard's CDXJ lines, sorted.

What a task writes depends only on its arguments and the files it reads, never on which other
tasks ran first, so a release has the same bytes for any number of workers.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import shutil
from array import array
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .. import formats
from ..data import Article
from ..formats import records
from ..limits import LimitExceeded, Limits
from ..pipeline import DEFAULT_LIMITS, extract_capture, warm_up
from ..sources import Capture, file_sha256, read_limited
from ..writers.cdxj import sort_cdxj, write_cdxj
from ..writers.parquet import (
    ROW_GROUP_ROWS,
    ShardWriter,
    arrow_schema,
    parse_time,
    rows_to_batch,
    to_row,
    unrepresentable_times,
)
from ..writers.warc import Deflate, WarcWriter, cdxj_line
from .spill import (
    IO_BUFFER,
    BlobReader,
    Key,
    SpillReader,
    SpillWriter,
    parse_line,
    preference,
    read_bucket,
)

FOLD_DIR = "fold"
SEGMENT_DIR = "segments"
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def preload() -> None:
    """What every worker of a pack loads, loaded in the driver before they are forked, so
    that they share the pages (`ProcessExecutor.start`): the extraction's models, and what
    Arrow's first conversion from Python objects imports (pandas, ~50 MB, when installed)."""
    warm_up()
    pa.array([0])


def worker_setup() -> None:
    """In a pack's pool worker: Arrow allocates with the C library's malloc rather than its
    bundled jemalloc, which keeps freed memory for reuse. A worker writing a shard peaks
    ~50 MB lower, for ~5 µs a row more (benchmarks/stages.py). Not done in the caller's own
    process (an inline pack): the allocator is a process-wide setting."""
    pa.set_memory_pool(pa.system_memory_pool())


# --- extraction of one file ----------------------------------------------------------------

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


def extract_file(file: str, path: str, limits: Limits | None = None) -> Extracted:
    """All records of one input file. Pure (depends only on the file's bytes and ``limits``)
    and never raises. A file over ``limits.max_bytes`` is quarantined without being read."""
    limits = limits or DEFAULT_LIMITS
    try:
        raw = read_limited(file, limits.max_bytes)
    except LimitExceeded as exc:
        return Extracted("", None, b"", [Item(1, None, reason=exc.code, message=exc.message)])
    except OSError as exc:
        return Extracted("", None, b"", [Item(1, None, reason="unreadable",
                                              message=exc.strerror or str(exc))])
    capture = Capture(path=path, raw=raw, file=file)
    outcomes = extract_capture(capture, limits)
    fmt = _format(capture, outcomes)
    many = len(outcomes) > 1
    items = []
    for n, o in enumerate(outcomes, start=1):
        record = o.record if o.record is not None else (n if many else None)
        if o.article is None:
            items.append(Item(n, record, reason=o.reason, message=o.message,
                              issues=[{"pointer": i.pointer, "message": i.message}
                                      for i in o.issues]))
            continue
        d = o.data
        bad = unrepresentable_times(d)
        if bad:
            items.append(Item(n, record, reason="unrepresentable_time",
                              message=f"{', '.join(bad)}: not a form a Parquet timestamp can "
                                      "give back exactly (see published_precision)"))
        else:
            items.append(Item(n, record, article=d))
    return Extracted(capture.sha256, fmt, raw, items)


def _format(capture: Capture, outcomes: list[Any]) -> str | None:
    """The adapter that claimed the capture (None when none did), for the manifest.

    Read off an article when there is one, rather than by running `formats.detect` again (it
    parses a feed's YAML front matter, a third of a feed capture's extraction): the
    capture adapters put their NAME in ``source.format``; a record read from a JSON/JSONL
    file keeps its original ``source``, whose SHA-256 is then not the file's.
    """
    for o in outcomes:
        if o.article is not None:
            source = o.article.source
            return source.format if source.sha256 == capture.sha256 else records.NAME
    try:
        return formats.detect(capture).NAME
    except Exception:  # the failure itself is in the outcomes
        return None


# --- 1. hash -------------------------------------------------------------------------------

def sha256_file(path: str) -> tuple[int, str]:
    """(size, SHA-256) of a file; (-1, "") when it cannot be read (extraction reports why)."""
    try:
        return file_sha256(path)
    except OSError:
        return -1, ""


def hash_files(files: list[str]) -> list[tuple[int, str]]:
    return [sha256_file(f) for f in files]


# --- 2. extract ----------------------------------------------------------------------------

@dataclass
class FileSummary:
    """What the driver keeps of one extracted file: manifest entry, accounting, progress."""

    format: str | None
    items: list[tuple[int, int | None, str | None]]  # (item, record, id or None)
    packed: int
    quarantined: list[str]  # reasons


@dataclass
class ExtractResult:
    task: int
    offsets: list[int]  # where each bucket starts in the task's spill file (257)
    files: list[FileSummary]
    quarantine: list[tuple[tuple[str, int], dict[str, Any]]]
    articles: int


def extract_files(work: str, task: int, files: list[tuple[str, str, str]],
                  limits: Limits | None = None) -> ExtractResult:
    """Extract a chunk of distinct files, given as (file on disk, stored path, SHA-256)."""
    spill = SpillWriter(Path(work), task)
    summaries: list[FileSummary] = []
    quarantine: list[tuple[tuple[str, int], dict[str, Any]]] = []
    try:
        for file, path, sha in files:
            ex = extract_file(file, path, limits)
            if sha and ex.sha256 and ex.sha256 != sha:
                ex = Extracted(sha, None, b"", [Item(
                    1, None, reason="changed", message="the file changed while being packed")])
            blob: tuple[int, int, int] | None = None
            for it in ex.items:
                if it.article is None:
                    quarantine.append(((path, it.item), {
                        "path": path, "record": it.record, "sha256": sha or None,
                        "reason": it.reason, "message": it.message, "issues": it.issues,
                    }))
                    continue
                if blob is None:
                    blob = spill.add_blob(ex.raw)
                a = it.article
                article_json = _dumps(a).encode("utf-8")  # once: its size, then the spill
                captured = parse_time(a["captured_at"])
                spill.add(Key(
                    a["id"], captured.timestamp() if captured else None, len(a["text"]),
                    ex.sha256, path, it.item, it.record, *blob,
                    # what the shard cut counts: the article's JSON with its raw bytes' hash
                    # ({"blob":"<sha256>","article":…}, 86 bytes more), plus the raw bytes
                    86 + len(article_json) + len(ex.raw),
                    a["outlet"]["id"], a["language"], a["published_at"], a["captured_at"],
                ), article_json)
            summaries.append(FileSummary(
                ex.format,
                [(i.item, i.record, i.article["id"] if i.article else None) for i in ex.items],
                sum(i.article is not None for i in ex.items),
                [i.reason or "" for i in ex.items if i.article is None]))
    finally:
        offsets = spill.close()
    return ExtractResult(task, offsets, summaries, quarantine, spill.articles)


# --- 3. fold -------------------------------------------------------------------------------

@dataclass
class Stats:
    """Counts and date ranges of the packed articles (partial per fold group, then merged)."""

    outlets: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    published: list[tuple[datetime, str]] = field(default_factory=list)  # [first, last]
    captured: list[tuple[datetime, str]] = field(default_factory=list)

    def add(self, key: Key) -> None:
        self.outlets[key.outlet] += 1
        self.languages[key.language] += 1
        self.years[key.published_at[:4] if key.published_at else "unknown"] += 1
        for value, span in ((key.published_at, self.published),
                            (key.captured_at, self.captured)):
            if value is None:
                continue
            t = (parse_time(value), value)
            if not span:
                span.extend([t, t])
            else:
                span[0], span[1] = min(span[0], t), max(span[1], t)

    def merge(self, other: Stats) -> None:
        self.outlets.update(other.outlets)
        self.languages.update(other.languages)
        self.years.update(other.years)
        for mine, theirs in ((self.published, other.published),
                             (self.captured, other.captured)):
            if theirs and not mine:
                mine.extend(theirs)
            elif theirs:
                mine[0], mine[1] = min(mine[0], theirs[0]), max(mine[1], theirs[1])

    def latest(self) -> datetime | None:
        times = [span[1][0] for span in (self.published, self.captured) if span]
        return max(times) if times else None

    def date_range(self) -> dict[str, Any]:
        def rng(span: list) -> dict[str, str | None]:
            return {"first": span[0][1], "last": span[1][1]} if span else \
                {"first": None, "last": None}
        return {"published_at": rng(self.published), "captured_at": rng(self.captured)}


@dataclass
class FoldResult:
    group: int
    kept: list[int]  # articles kept per bucket of the group
    sizes: array  # per kept article, in id order: bytes toward --shard-size
    ends: array  # per kept article: where its line ends in the group's run file
    duplicates: list[tuple[tuple[str, int], dict[str, Any]]]
    stats: Stats


def run_path(work: Path, group: int) -> Path:
    return work / FOLD_DIR / f"{group:05d}.run"


def _ref(key: Key) -> dict[str, Any]:
    return {"path": key.path, "record": key.record, "sha256": key.blob}


def fold_buckets(work: str, group: int, buckets: tuple[int, int],
                 sources: list[tuple[int, list[int]]]) -> FoldResult:
    """Fold buckets [first, last) of every extract task's spill into the group's run file.

    One bucket at a time is held in memory (~1/256 of the articles); ``sources`` lists
    (extract task, its bucket offsets) for the tasks that spilled anything.
    """
    w = Path(work)
    (w / FOLD_DIR).mkdir(parents=True, exist_ok=True)
    kept_per_bucket: list[int] = []
    sizes, ends = array("q"), array("q")
    duplicates: list[tuple[tuple[str, int], dict[str, Any]]] = []
    stats = Stats()
    pos = 0
    with SpillReader(w) as spills, open(run_path(w, group), "wb") as run:
        for bucket in range(*buckets):
            entries = []
            for line in read_bucket(spills, bucket, sources):
                key = Key(*json.loads(line[:line.index(b"\t")]))
                entries.append((key.id, preference(key), key, line))
            entries.sort(key=lambda e: (e[0], e[1]))
            kept: Key | None = None
            out: list[bytes] = []
            for _id, _pref, key, line in entries:
                if kept is not None and key.id == kept.id:
                    duplicates.append(((key.path, key.item), {
                        **_ref(key), "id": key.id, "reason": "same_id",
                        "folded_into": _ref(kept),
                    }))
                    continue
                kept = key
                out.append(line)
                stats.add(key)
                sizes.append(key.size)
                pos += len(line) + 1
                ends.append(pos)
            kept_per_bucket.append(len(out))
            if out:
                run.write(b"\n".join(out) + b"\n")
    return FoldResult(group, kept_per_bucket, sizes, ends, duplicates, stats)


# --- 4. write segments ---------------------------------------------------------------------

@dataclass(frozen=True)
class ShardSpec:
    """Everything a shard's bytes depend on besides its articles."""

    index: int
    count: int
    warc_name: str
    warc_path: str  # relative to the release
    parquet_path: str
    release: str  # "name version", the WARC's isPartOf
    software: str
    date: str  # release date: the warcinfo's and fallback WARC-Date
    deflate: Deflate  # how the WARC's gzip members are deflated
    parquet_meta: tuple[tuple[str, str], ...]


@dataclass
class SegmentResult:
    segment: int
    rows: int
    first_id: str | None
    last_id: str | None
    warc_bytes: int


def segment_path(work: Path, segment: int, suffix: str) -> Path:
    return work / SEGMENT_DIR / f"{segment:05d}{suffix}"


def write_segment(work: str, segment: int, group: int, start: int, count: int,
                  shard: ShardSpec) -> SegmentResult:
    """Articles [start byte, count lines) of a fold group's run, as part of shard ``shard``."""
    w = Path(work)
    (w / SEGMENT_DIR).mkdir(parents=True, exist_ok=True)
    schema = arrow_schema(dict(shard.parquet_meta))
    sizes: list[int] = []
    rows: list[dict[str, Any]] = []
    first = last = None
    with ExitStack() as stack:
        blobs = stack.enter_context(BlobReader(w))
        # large buffers: a segment's reads and writes go to the kernel ~1 MiB at a time, not a
        # system call or two for every line, record and Arrow buffer (~10 a capture)
        run = stack.enter_context(open(run_path(w, group), "rb", buffering=IO_BUFFER))
        run.seek(start)
        warc_fh = stack.enter_context(
            open(segment_path(w, segment, ".warc"), "wb", buffering=IO_BUFFER))
        warc = WarcWriter(warc_fh, shard.warc_name, release=shard.release,
                          software=shard.software, warc_date=shard.date,
                          deflate=shard.deflate, warcinfo=False)
        sink = stack.enter_context(pa.BufferedOutputStream(
            pa.OSFile(str(segment_path(w, segment, ".arrow")), "wb"), IO_BUFFER))
        ipc = stack.enter_context(pa.ipc.new_stream(sink, schema))
        for _ in range(count):
            key, article_json = parse_line(run.readline().rstrip(b"\n"))
            record = json.loads(article_json)
            raw = blobs.read(key.blob_task, key.blob_offset, key.blob_length)
            loc = warc.write_article(Article.from_dict(record), raw, record_json=article_json,
                                     raw_sha256=key.blob)
            rows.append(to_row(record, (loc.filename, loc.offset, loc.length)))
            sizes.append(len(raw) + len(record["text"]))
            if len(rows) >= ROW_GROUP_ROWS:
                ipc.write_batch(rows_to_batch(rows, schema))
                rows = []
            first = first or key.id
            last = key.id
        if rows:
            ipc.write_batch(rows_to_batch(rows, schema))
        warc.close()
    with open(segment_path(w, segment, ".json"), "w", encoding="utf-8") as fh:
        # json.dumps, not json.dump: dump streams through the pure-Python encoder (5x slower)
        fh.write(json.dumps({"sizes": sizes, "cdxj": warc.cdxj_entries()}, ensure_ascii=False))
    return SegmentResult(segment, count, first, last, warc.bytes_written)


# --- 5. finish shards ----------------------------------------------------------------------

@dataclass
class ShardResult:
    index: int
    rows: int
    index_part: str  # the shard's sorted CDXJ lines (a file under the work folder)
    warc_sha256: str
    parquet_sha256: str


def merge_sorted(parts: list[Path], out: Path) -> None:
    """Files of sorted CDXJ lines → one sorted file (a k-way merge, not a re-sort).

    Python orders str by code point, which for UTF-8 text is the byte order that `sort_cdxj`
    (``LC_ALL=C sort``) uses; line ends are left out of the comparison as sort leaves them out.
    """
    with ExitStack() as stack, open(out, "w", encoding="utf-8", newline="\n") as sink:
        handles = [stack.enter_context(open(p, encoding="utf-8", newline="\n")) for p in parts]
        if len(handles) == 1:
            shutil.copyfileobj(handles[0], sink, 1 << 20)
            return
        for line in heapq.merge(*handles, key=lambda line: line.rstrip("\n")):
            sink.write(line)


def index_part_path(work: Path, shard: int) -> Path:
    return work / f"index-{shard:05d}.cdxj"


def finish_shard(work: str, root: str, shard: ShardSpec, segments: list[int]) -> ShardResult:
    """Assemble shard ``shard`` from its segments (in order): WARC, Parquet, sorted CDXJ."""
    w, r = Path(work), Path(root)
    bases: list[int] = []
    warc_sha = hashlib.sha256()
    with open(r / shard.warc_path, "wb") as fh:
        head = io.BytesIO()
        warc = WarcWriter(head, shard.warc_name, release=shard.release,
                          software=shard.software, warc_date=shard.date,
                          deflate=shard.deflate)
        warc.close()
        fh.write(head.getvalue())
        warc_sha.update(head.getvalue())
        base = warc.bytes_written
        for seg in segments:
            bases.append(base)
            with open(segment_path(w, seg, ".warc"), "rb") as part:
                while chunk := part.read(1 << 20):
                    fh.write(chunk)
                    warc_sha.update(chunk)
            base = fh.tell()
    table = ShardWriter(r / shard.parquet_path, dict(shard.parquet_meta))
    offset_column = table.schema.get_field_index("warc_record_offset")
    rows = 0
    for seg, base in zip(segments, bases, strict=True):
        with open(segment_path(w, seg, ".json"), encoding="utf-8") as fh:
            side = json.load(fh)
        # this segment's index lines at their place in the shard, sorted, to be merged below:
        # one segment's lines in memory at a time, not the shard's
        with open(segment_path(w, seg, ".cdxj"), "w", encoding="utf-8", newline="\n") as out:
            write_cdxj(sort_cdxj(cdxj_line(shard.warc_name, entry, base)
                                 for entry in side.pop("cdxj")), out)
        sizes = side["sizes"]
        done = 0
        with pa.OSFile(str(segment_path(w, seg, ".arrow")), "rb") as source:
            for batch in pa.ipc.open_stream(source):
                columns = list(batch.columns)
                columns[offset_column] = pc.add(columns[offset_column], pa.scalar(base, pa.int64()))
                batch = pa.RecordBatch.from_arrays(columns, schema=table.schema)
                table.write_batch(batch, sizes[done:done + batch.num_rows])
                done += batch.num_rows
        rows += done
        for suffix in (".warc", ".arrow", ".json"):
            segment_path(w, seg, suffix).unlink()
    table.close()
    part = index_part_path(w, shard.index)
    runs = [segment_path(w, seg, ".cdxj") for seg in segments]
    merge_sorted(runs, part)
    for run in runs:
        run.unlink()
    _, parquet_sha = sha256_file(str(r / shard.parquet_path))  # here, not in the driver
    return ShardResult(shard.index, rows, str(part), warc_sha.hexdigest(), parquet_sha)
