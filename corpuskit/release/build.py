"""``pack``: captures → a release folder (Parquet + WARC + CDXJ + manifest + card + sums).

The driver (this module) plans; tasks (`corpuskit.release.tasks`) do the work, in this process,
a local process pool or on a Dask cluster (`corpuskit.release.executors`). The steps:

1. **scan**: walk the inputs (sorted by stored path) and hash every file (tasks); byte-identical
   files are extracted once and the later copies accounted as duplicates of the first;
2. **extract** chunks of distinct files (tasks): each file with `extract_file`, a pure function
   of its bytes; articles are spilled by id into 256 buckets (`spill`), raw bytes stored once;
3. **fold** groups of consecutive buckets (tasks): sort by id, keep one article per id (latest
   ``captured_at``, then the longer text, then the smaller raw SHA-256 / path / record), write
   the kept ones in id order;
4. **plan** (driver): cut the id-ordered articles into shards by size, exactly as one process
   reading them in order would: a new shard starts when the next article would take the shard
   past ``shard_size`` (article JSON + raw bytes). A shard is then a list of *segments*, its
   parts in each fold group; the plan depends on the data alone, never on the workers;
5. **write** every segment (tasks): WARC records and Parquet rows, offsets relative to the
   segment; then **finish** every shard (tasks): its warcinfo record and segments' bytes
   concatenated, the rows' offsets moved to where their segment landed, its CDXJ lines sorted.
   gzip runs in the segment tasks, so it runs in parallel even for a one-shard release;
6. the driver merges the shards' sorted indexes, writes the schema copy, quarantine,
   manifest, card and SHA256SUMS last.

The same inputs give the same bytes for any number of workers, any executor and any input
order: every task's output is a function of its arguments and the files it reads, results are
filed by task index, and every order is a sort on the data (docs/scaling.md).

Everything is built in ``OUT.tmp-<random>`` beside OUT and renamed into place at the end, so an
interrupted pack leaves no OUT and no folder that ``verify`` accepts. The only date a release
carries that does not come from its data is ``SOURCE_DATE_EPOCH``; without it the release date
is the latest publication or capture time among the packed articles.

Stored input paths: relative to the input root (as ``Capture.path``); when several inputs are
given, a folder's files are prefixed with the folder's name (``seeds/000_….txt``) so paths from
different inputs stay distinct, and a file given by itself is stored under its own name.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar, overload

from .. import __version__
from ..limits import Limits
from ..pipeline import DEFAULT_LIMITS, unload
from ..schema import schema_id, schema_path, schema_version
from ..sources import iter_files, path_prefix
from ..writers import card, manifest
from ..writers.bagit import make_bag
from ..writers.croissant import write_croissant
from ..writers.wacz import write_wacz
from ..writers.warc import Deflate
from . import layout
from .config import ReleaseMeta, resolve_meta
from .executors import Executor, InlineExecutor, ProcessExecutor, make_executor
from .spill import BUCKETS
from .tasks import (
    Extracted,
    ExtractResult,
    FoldResult,
    Item,
    SegmentResult,
    ShardResult,
    ShardSpec,
    Stats,
    extract_file,
    extract_files,
    finish_shard,
    fold_buckets,
    hash_files,
    merge_sorted,
    preload,
    worker_setup,
    write_segment,
)

__all__ = ["DEFAULT_SHARD_SIZE", "Extracted", "InputFile", "Item",
           "PackResult", "Progress", "ReleaseError", "extract_file", "pack", "release_date",
           "scan_inputs"]

UTC = timezone.utc
DEFAULT_SHARD_SIZE = 256 * 1024 * 1024
SOFTWARE = f"corpuskit/{__version__}"
# Fold groups: consecutive buckets folded by one task (one bucket in memory at a time). Only
# the grain of the work: the release's bytes do not depend on it (tests/test_parallel.py).
FOLD_GROUPS = 64
# Files per extract task: small enough to balance the workers and report progress often,
# large enough that a task's two spill files are few; at most MAX_EXTRACT_TASKS tasks (a fold
# task opens every one of them).
EXTRACT_CHUNK = (16, 256)
MAX_EXTRACT_TASKS = 512
HASH_CHUNK = 1024
# With one worker, packs of more files than this run their tasks in a worker process; smaller
# ones in the calling process (no process to start).
INLINE_FILES = 256

# progress(event, info), called in the driver (never in a worker), cheap for the caller:
#   "scanned" {files}: once, when the inputs are listed and hashed;
#   "input" {path, file, packed, quarantined: [reason], duplicates}: once per input file, in
#       bursts as each extract task (up to 256 files) finishes;
#   "bucket" {duplicates}: once per bucket folded (256 in all), duplicates so far;
#   "segment" {segment, segments}: once per segment written (a shard's part in one fold
#       group: WARC records and Parquet rows; most of the writing time is here);
#   "shard" {shard, shards}: once per shard finished (after all its segments are written).
Progress = Callable[[str, dict[str, Any]], None]
T = TypeVar("T")


class ReleaseError(Exception):
    """A pack that cannot start (bad target, missing input): a message for a person."""


class InputFile:
    """One input file: its stored path (relative, forward slashes: it goes into the release),
    size, SHA-256, and ``file``, its path on disk (for reading and messages, never written
    into the release). Made on access from `InputFiles`."""

    __slots__ = ("bytes", "file", "path", "sha256")

    def __init__(self, path: str, file: str, bytes: int, sha256: str) -> None:
        self.path, self.file, self.bytes, self.sha256 = path, file, bytes, sha256

    def __repr__(self) -> str:
        return f"InputFile({self.path!r}, {self.file!r}, {self.bytes}, {self.sha256!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InputFile) and (self.path, self.file, self.bytes, self.sha256) \
            == (other.path, other.file, other.bytes, other.sha256)

    __hash__ = None  # type: ignore[assignment]


class _ItemsByIndex(Sequence[T]):
    """A sequence whose items are made on access by ``_item(i)`` (0 <= i < len): indexing,
    negative indexes, slices and IndexError as a list has them."""

    def _item(self, i: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._item(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._item(i)


class InputFiles(_ItemsByIndex[InputFile]):
    """The input files of a pack, sorted by stored path, kept as columns rather than objects:
    an archive has hundreds of thousands of inputs, and the driver holds the list from the
    scan to the manifest. As Python objects (strings, an object per file) they took ~0.7 KB
    a file (70 MB at 100,000); here ~0.15 KB: the stored paths as UTF-8 in one buffer, the
    SHA-256s as 32 bytes each, sizes and cuts as machine integers.

    The path on disk is not kept when it is an input folder's path followed by the stored
    path less the folder-name prefix of a pack of several inputs (``cut``, its length): the
    folder is kept once, as a base. Otherwise (a file given by name, a name that is not
    UTF-8) the whole path is a base of its own and ``cut`` is -1.
    """

    def __init__(self) -> None:
        self._paths = bytearray()
        self._ends = array("q")
        self._sha = bytearray()  # 32 bytes a file; all zero for a file that could not be read
        self._sizes = array("q")
        self._cuts = array("i")
        self._base_of = array("i")
        self._bases: list[str] = []
        self._base_index: dict[str, int] = {}

    def append(self, path: str, base: str, cut: int, size: int = -1, sha256: str = "") -> None:
        self._paths += path.encode("utf-8")
        self._ends.append(len(self._paths))
        self._sha += bytes.fromhex(sha256) if sha256 else bytes(32)
        self._sizes.append(size)
        self._cuts.append(cut)
        index = self._base_index.setdefault(base, len(self._bases))
        if index == len(self._bases):
            self._bases.append(base)
        self._base_of.append(index)

    def set_hash(self, i: int, size: int, sha256: str) -> None:
        self._sizes[i] = size
        self._sha[32 * i:32 * i + 32] = bytes.fromhex(sha256) if sha256 else bytes(32)

    def _path_bytes(self, i: int) -> bytes:
        return bytes(self._paths[self._ends[i - 1] if i else 0:self._ends[i]])

    def path(self, i: int) -> str:
        return self._path_bytes(i).decode("utf-8")

    def file(self, i: int) -> str:
        base, cut = self._bases[self._base_of[i]], self._cuts[i]
        return base if cut < 0 else base + self.path(i)[cut:]

    def size(self, i: int) -> int:
        """The file's size in bytes; -1 for a file that could not be read."""
        return self._sizes[i]

    def readable(self, i: int) -> bool:
        """Whether the scan could read the file (it has a size and a hash)."""
        return self._sizes[i] >= 0

    def digest(self, i: int) -> bytes:
        return bytes(self._sha[32 * i:32 * i + 32])

    def sha256(self, i: int) -> str:
        return self.digest(i).hex() if self.readable(i) else ""

    def twins(self) -> dict[int, int]:
        """{a file's index: the index of the first file with the same bytes} for each readable
        file that is a byte-identical copy of an earlier one. Found by sorting the digests
        (numpy, ~50 bytes a file while it runs) rather than by a dict of them, which took
        ~150 bytes a file for the whole extraction."""
        import numpy as np

        readable = np.flatnonzero(np.frombuffer(self._sizes, dtype=np.int64) >= 0)
        # fixed-width bytes: equal only when all 32 bytes are (numpy's padding NULs aside,
        # which two 32-byte values cannot differ by alone)
        digests = np.frombuffer(self._sha, dtype="S32")[readable]
        order = np.argsort(digests, kind="stable")  # stable: a run of copies by index
        ranked = digests[order]
        repeats = np.flatnonzero(ranked[1:] == ranked[:-1]) + 1
        if not len(repeats):
            return {}
        starts = np.arange(len(ranked))
        starts[repeats] = 0
        run_start = np.maximum.accumulate(starts)  # each position's first of its run
        copies, firsts = readable[order[repeats]], readable[order[run_start[repeats]]]
        return dict(zip(copies.tolist(), firsts.tolist(), strict=True))

    def sorted(self) -> InputFiles:
        """The same files ordered by stored path (its UTF-8 bytes), then SHA-256: ``self``
        when they are in that order already, as the files of one input folder are (`iter_paths`
        walks in this order), since a sort's keys would take ~0.2 KB a file."""
        previous = None
        for i in range(len(self)):
            path = self._path_bytes(i)
            if previous is not None and path <= previous:
                break
            previous = path
        else:
            return self
        order = sorted(range(len(self)), key=lambda i: (self._path_bytes(i), self.sha256(i)))
        out = InputFiles()
        out._bases, out._base_index = self._bases, self._base_index
        for i in order:
            out._paths += self._path_bytes(i)
            out._ends.append(len(out._paths))
            out._sha += self.digest(i)
        out._sizes = array("q", (self._sizes[i] for i in order))
        out._cuts = array("i", (self._cuts[i] for i in order))
        out._base_of = array("i", (self._base_of[i] for i in order))
        return out

    def __len__(self) -> int:
        return len(self._ends)

    def _item(self, i: int) -> InputFile:
        return InputFile(self.path(i), self.file(i), self._sizes[i], self.sha256(i))


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
    workers: int = 1
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step


# --- 1. scan -------------------------------------------------------------------------------

def _walk(inputs: Sequence[str | os.PathLike[str]]) -> InputFiles:
    """Every input file, its stored path and where it is on disk (size and hash not yet)."""
    several = len(inputs) > 1
    found = InputFiles()
    for given in inputs:
        given_path = Path(given)
        prefix = f"{given_path.resolve().name}/" if several and given_path.is_dir() else ""
        base: str | None = None
        for name, root in iter_files([given_path]):
            if base is None:  # iter_files names every file of an input under path_prefix(root)
                base = path_prefix(os.fspath(root))
            on_disk = name[len(base):]  # a string cut, not Path.relative_to: every input file
            rel = on_disk.replace(os.sep, "/") if os.sep != "/" else on_disk
            # A name that is not UTF-8 (surrogate-escaped by Python) cannot go into JSON or
            # Parquet as is: its undecodable bytes become U+FFFD in the stored path.
            if not rel.isascii():
                rel = os.fsencode(rel).decode("utf-8", "replace")
            if rel == on_disk:
                found.append(prefix + rel, base, len(prefix))
            else:
                found.append(prefix + rel, name, -1)
    return found


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def scan_inputs(inputs: Sequence[str | os.PathLike[str]],
                executor: Executor | None = None) -> InputFiles:
    """Every input file with its stored path, size and SHA-256, sorted by stored path."""
    found = _walk(inputs)
    tasks = LazyItems(math.ceil(len(found) / HASH_CHUNK), lambda c: ([
        found.file(i) for i in range(c * HASH_CHUNK, min(len(found), (c + 1) * HASH_CHUNK))],))
    results = executor.run(hash_files, tasks) if executor is not None and len(tasks) > 1 \
        else ((c, hash_files(*tasks[c])) for c in range(len(tasks)))
    for c, sums in results:
        for i, (size, digest) in enumerate(sums, c * HASH_CHUNK):
            found.set_hash(i, size, digest)
    return found.sorted()


class LazyItems(_ItemsByIndex[T]):
    """``n`` items made by ``make(i)`` only when item i is taken: tasks whose arguments are
    made when each is sent (executors keep a few in flight), the manifest's entries as it is
    written. A list of every input's up front would be much of the driver's memory in a large
    pack."""

    def __init__(self, n: int, make: Callable[[int], T]) -> None:
        self._n, self._make = n, make

    def __len__(self) -> int:
        return self._n

    def _item(self, i: int) -> T:
        return self._make(i)


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


# --- the driver ----------------------------------------------------------------------------

@dataclass
class _Segment:
    group: int
    start_row: int  # position among the group's kept articles
    start_byte: int  # where that article's line starts in the group's run file
    rows: int


class _Driver:
    def __init__(self, root: Path, meta: ReleaseMeta, shard_size: int, executor: Executor,
                 progress: Progress | None, deflate: Deflate, limits: Limits | None) -> None:
        self.progress = progress or (lambda event, info: None)
        self.root = root
        self.meta = meta
        self.shard_size = shard_size
        self.executor = executor
        self.deflate = deflate
        self.limits = limits
        self.work = root / ".work"
        self.work.mkdir()
        self.quarantine: list[tuple[tuple, dict[str, Any]]] = []
        self.duplicates: list[tuple[tuple, dict[str, Any]]] = []
        self.stats = Stats()
        self.spilled: list[tuple[int, list[int]]] = []  # (extract task, bucket offsets)
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def _lap(self, step: str) -> None:
        now = time.perf_counter()
        self.timings[step] = round(now - self._clock, 3)
        self._clock = now

    # 2: extract
    def extract(self, files: InputFiles) -> None:
        """Extract the distinct files (a byte-identical copy is accounted as a duplicate of
        the first file with its bytes, by stored path); what the manifest needs of each input
        is kept as small as it can be (this runs for every input of a large archive)."""
        twin_of = files.twins()  # a copy's index → its twin's
        distinct = array("q", (i for i in range(len(files)) if i not in twin_of))
        copies_of: dict[int, list[int]] = {}
        for c, t in twin_of.items():
            copies_of.setdefault(t, []).append(c)
        n = len(distinct)
        size = min(max(math.ceil(n / (self.executor.workers * 8)), EXTRACT_CHUNK[0]),
                   EXTRACT_CHUNK[1])
        size = max(size, math.ceil(n / MAX_EXTRACT_TASKS))
        chunks = _chunks(distinct, size)
        work, limits = str(self.work), self.limits
        tasks = LazyItems(len(chunks), lambda t: (work, t, [
            (files.file(i), files.path(i), files.sha256(i)) for i in chunks[t]], limits))
        fmts: list[str | None] = [None] * len(files)
        records = array("q", bytes(8 * len(files)))
        items_of: dict[int, list[tuple[int, int | None, str | None]]] = {}
        for t, res in self.executor.run(extract_files, tasks):
            r: ExtractResult = res
            if r.articles:
                self.spilled.append((r.task, r.offsets))
            self.quarantine += r.quarantine
            for i, s in zip(chunks[t], r.files, strict=True):
                fmts[i], records[i] = s.format, len(s.items)
                self.progress("input", {"path": files.path(i), "file": files.file(i),
                                        "packed": s.packed, "quarantined": s.quarantined,
                                        "duplicates": 0})
                for c in copies_of.get(i, ()):
                    items_of[i] = s.items
                    fmts[c], records[c] = s.format, len(s.items)
                    self.progress("input", {"path": files.path(c), "file": files.file(c),
                                            "packed": 0, "quarantined": [],
                                            "duplicates": len(s.items)})
        self.spilled.sort()
        for c, t in sorted(twin_of.items()):
            copy, twin = files[c], files[t]
            for item, record, id_ in items_of[t]:
                self.duplicates.append(((copy.path, item), {
                    "path": copy.path, "record": record, "sha256": copy.sha256,
                    "id": id_, "reason": "identical_bytes",
                    "folded_into": {"path": twin.path, "record": record,
                                    "sha256": twin.sha256},
                }))
        self._files, self._fmts, self._records, self._twin_of = files, fmts, records, twin_of

    def input_entries(self) -> LazyItems[dict[str, Any]]:
        """The manifest's ``inputs``, each made as the manifest is written (as a list, a dict
        per input file took ~0.6 KB a file, 58 MB at 100,000, at the end of the pack)."""
        files, twin_of, fmts, records = self._files, self._twin_of, self._fmts, self._records

        def entry(i: int) -> dict[str, Any]:
            return {"path": files.path(i), "bytes": max(files.size(i), 0),
                    "sha256": files.sha256(i) or None, "format": fmts[i],
                    "records": records[i],
                    "identical_to": files.path(twin_of[i]) if i in twin_of else None}
        return LazyItems(len(files), entry)

    def input_records(self) -> int:
        """The records of all inputs (the sum of the entries' ``records``)."""
        return sum(self._records)

    # 3: fold
    def fold(self) -> list[FoldResult]:
        per = BUCKETS // FOLD_GROUPS
        tasks = [(str(self.work), g, (g * per, (g + 1) * per), self.spilled)
                 for g in range(FOLD_GROUPS)]
        folds: list[FoldResult | None] = [None] * FOLD_GROUPS
        for g, res in self.executor.run(fold_buckets, tasks):
            folds[g] = res
            self.duplicates += res.duplicates
            for _ in range(per):
                self.progress("bucket", {"duplicates": len(self.duplicates)})
        done = [f for f in folds if f is not None]
        for f in done:
            self.stats.merge(f.stats)
        return done

    # 4: plan
    def plan(self, folds: list[FoldResult]) -> list[list[_Segment]]:
        """Shards as lists of segments: a new shard when the next article would take the
        shard past shard_size (and the shard holds at least one), as one reader in id order
        would cut them."""
        shards: list[list[_Segment]] = []
        size = rows = 0
        for fold in folds:
            for j, n in enumerate(fold.sizes):
                if not shards or (size + n > self.shard_size and rows > 0):
                    shards.append([])
                    size = rows = 0
                segs = shards[-1]
                if not segs or segs[-1].group != fold.group:
                    start = fold.ends[j - 1] if j else 0
                    segs.append(_Segment(fold.group, j, start, 0))
                segs[-1].rows += 1
                size += n
                rows += 1
        return shards or [[]]

    # 5: write
    def write(self, plan: list[list[_Segment]], date: str) -> list[dict[str, Any]]:
        n = len(plan)
        release = f"{self.meta.name} {self.meta.version}"
        pq_meta = (("corpuskit.version", __version__), ("corpuskit.schema_id", schema_id()),
                   ("corpuskit.release", release))
        (self.root / layout.DATA_DIR).mkdir()
        (self.root / layout.WARC_DIR).mkdir()
        specs = [ShardSpec(i, n, layout.warc_name(i, n), layout.warc_path(i, n),
                           layout.parquet_path(i, n), release, SOFTWARE, date, self.deflate,
                           pq_meta) for i in range(n)]
        seg_tasks = []
        seg_ids: list[list[int]] = []
        for i, segs in enumerate(plan):
            ids = []
            for s in segs:
                ids.append(len(seg_tasks))
                seg_tasks.append((str(self.work), len(seg_tasks), s.group, s.start_byte,
                                  s.rows, specs[i]))
            seg_ids.append(ids)
        segments: list[SegmentResult | None] = [None] * len(seg_tasks)
        for done, (k, res) in enumerate(self.executor.run(write_segment, seg_tasks), start=1):
            segments[k] = res
            self.progress("segment", {"segment": done, "segments": len(seg_tasks)})
        self._lap("write")
        finished: list[ShardResult | None] = [None] * n
        shard_tasks = [(str(self.work), str(self.root), specs[i], seg_ids[i]) for i in range(n)]
        for done, (i, res) in enumerate(self.executor.run(finish_shard, shard_tasks), start=1):
            finished[i] = res
            manifest.remember(self.root / specs[i].warc_path, res.warc_sha256)
            manifest.remember(self.root / specs[i].parquet_path, res.parquet_sha256)
            self.progress("shard", {"shard": done, "shards": n})
        written = []
        for i in range(n):
            rows = [segments[k] for k in seg_ids[i]]
            written.append({"rows": sum(r.rows for r in rows if r),
                            "first_id": rows[0].first_id if rows and rows[0] else None,
                            "last_id": rows[-1].last_id if rows and rows[-1] else None,
                            "parquet": specs[i].parquet_path, "warc": specs[i].warc_path})
        self._lap("finish")
        self._merge_cdxj([Path(r.index_part) for r in finished if r is not None])
        return written

    def _merge_cdxj(self, parts: list[Path]) -> None:
        """One sorted index from the shards' sorted indexes (`merge_sorted`)."""
        (self.root / "indexes").mkdir()
        merge_sorted(parts, self.root / layout.INDEX)


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
         progress: Progress | None = None, wacz: bool = False, bagit: bool = False,
         workers: int | None = None, executor: str | Executor = "local",
         scheduler: Any = None, warc_deflate: str = "isal", warc_level: int | None = None,
         limits: Limits | None = None) -> PackResult:
    """Pack captures (files or folders) into a release folder at ``out``.

    ``wacz`` adds ``OUT/<name>.wacz``; ``bagit`` makes OUT a BagIt bag with the release in
    ``OUT/data`` (docs/bagit.md). croissant.json is always written.

    ``workers``: processes to run the tasks in (default: the cores this process may use; with
    1, a pack of up to 256 files runs in this process). ``executor="dask"`` runs them on the
    dask.distributed cluster at ``scheduler`` (an address such as ``tcp://host:8786``, or a
    ``Client``) instead; an `Executor` instance is used as it is. The release has the same
    bytes either way.
    ``warc_deflate``, ``warc_level``: the library that deflates the WARC records and its
    level (`Deflate`: ``isal`` 0-3, default 2; ``zlib-ng`` 0-9, default 6; the trade-off of
    size against time is in docs/performance.md).
    ``limits``: per-input size and time limits (default `Limits()`: 20 MiB, 10 s); an input
    over one is quarantined as ``too_large`` or ``timeout``.

    ``progress(event, info)``, if given, is told how the pack goes (see `Progress`).

    Raises ReleaseError when it cannot start (non-empty ``out`` without ``force``, a missing
    input, a Dask cluster that cannot be reached or runs other versions); inputs that cannot
    become articles are quarantined, never raised.
    """
    out = Path(out)
    given = [Path(p) for p in inputs]
    if not given:
        raise ReleaseError("no inputs given")
    if shard_size <= 0:
        raise ReleaseError("the shard size must be positive")
    if workers is not None and workers < 1:
        raise ReleaseError("workers must be at least 1")
    try:
        deflate = Deflate(warc_deflate, warc_level)
    except ValueError as exc:
        raise ReleaseError(f"WARC deflate: {exc}") from exc
    _check_target(out, given, force)
    meta = meta or resolve_meta(out, config)
    started = time.perf_counter()
    with ExitStack() as stack:
        solo = False
        if isinstance(executor, Executor):
            ex = executor
        else:
            try:
                ex = stack.enter_context(make_executor(executor, workers, scheduler))
            except (RuntimeError, ValueError, OSError) as exc:
                raise ReleaseError(str(exc)) from exc
            if isinstance(ex, InlineExecutor):
                # one worker process rather than this one (unless the pack is small): the
                # extraction's models and caches then go with it, and this process keeps
                # only the accounting
                ex = stack.enter_context(ProcessExecutor(1))
                solo = True
            if isinstance(ex, ProcessExecutor):
                # before the list of inputs exists: the workers do not carry it
                ex.start(preload=preload, setup=worker_setup)
        try:
            files = scan_inputs(given, ex)
        except FileNotFoundError as exc:
            raise ReleaseError(str(exc)) from exc
        if solo and len(files) <= INLINE_FILES:
            ex.close()
            ex = InlineExecutor()
        scanned = time.perf_counter() - started
        if progress is not None:
            progress("scanned", {"files": len(files)})
        stale = f"{out.name}.tmp-"
        warnings = [f"{p}: left by an interrupted pack; remove it"
                    for p in sorted(out.parent.iterdir() if out.parent.is_dir() else [])
                    if p.name.startswith(stale)]
        tmp = out.parent / f"{out.name}.tmp-{secrets.token_hex(6)}"
        tmp.mkdir(parents=True)
        try:
            result = _build(tmp, out, meta, shard_size, files, progress, wacz=wacz,
                            bagit=bagit, executor=ex, deflate=deflate, limits=limits)
            result.warnings = warnings
            result.timings = {"scan": round(scanned, 3), **result.timings}
            _install(tmp, out)
        except BaseException:
            # (an interrupt, a failed task) the workers go first: tasks still running would
            # go on writing into the folder as it is removed, and leave part of it behind
            try:
                stack.close()
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            raise
    result.timings["total"] = round(time.perf_counter() - started, 3)
    return result


def _build(root: Path, out: Path, meta: ReleaseMeta, shard_size: int,
           files: InputFiles, progress: Progress | None = None, *,
           wacz: bool = False, bagit: bool = False, executor: Executor | None = None,
           deflate: Deflate | None = None, limits: Limits | None = None) -> PackResult:
    # the shards' hashes come from the tasks that wrote them; every other file is hashed once
    # for the manifest and SHA256SUMS together
    with manifest.remembered_hashes():
        return _build_release(root, out, meta, shard_size, files, progress, wacz=wacz,
                              bagit=bagit, executor=executor, deflate=deflate or Deflate(),
                              limits=limits)


def _build_release(root: Path, out: Path, meta: ReleaseMeta, shard_size: int,
                   files: InputFiles, progress: Progress | None, *, wacz: bool,
                   bagit: bool, executor: Executor | None, deflate: Deflate,
                   limits: Limits | None = None) -> PackResult:
    with ExitStack() as stack:
        if executor is None:
            executor = stack.enter_context(make_executor("local", 1))
        d = _Driver(root, meta, shard_size, executor, progress, deflate, limits)
        d.extract(files)
        # the workers leave extraction holding its models and caches (~100 MB each): the
        # fold and write tasks start in fresh ones, forked without the model the driver
        # loaded for the extraction workers to share (`pack`)
        executor.recycle()
        if isinstance(executor, ProcessExecutor):
            unload()
        d._lap("extract")
        folds = d.fold()
        d._lap("fold")
        plan = d.plan(folds)
        date = release_date(d.stats.latest())
        written = d.write(plan, date)
        # the rest is the driver's: idle workers would hold their memory through it
        executor.recycle()
    shutil.rmtree(d.work)

    (root / "schema").mkdir()
    shutil.copyfile(schema_path(), root / layout.SCHEMA)
    quarantine = _sorted(d.quarantine)
    with open(root / layout.QUARANTINE, "w", encoding="utf-8", newline="\n") as fh:
        for q in quarantine:
            fh.write(json.dumps(q, ensure_ascii=False, separators=(",", ":")) + "\n")
    duplicates = _sorted(d.duplicates)
    packed = sum(s["rows"] for s in written)
    input_entries = d.input_entries()
    inputs = d.input_records()
    if inputs != packed + len(duplicates) + len(quarantine):  # a bug, never an input's fault
        raise AssertionError(f"accounting: {inputs} inputs != {packed} packed + "
                             f"{len(duplicates)} duplicates + {len(quarantine)} quarantined")
    applied = limits or DEFAULT_LIMITS  # what the extract tasks applied
    doc = manifest.build(
        root, meta=meta, date=date, corpuskit_version=__version__,
        schema={"id": schema_id(), "version": schema_version(), "path": layout.SCHEMA},
        counts={"inputs": inputs, "packed": packed, "duplicates": len(duplicates),
                "quarantined": len(quarantine), "files": len(input_entries),
                "shards": len(written)},
        by_outlet=d.stats.outlets, by_language=d.stats.languages, by_year=d.stats.years,
        dates=d.stats.date_range(),
        quarantine_reasons=Counter(q["reason"] for q in quarantine),
        options={"shard_size": shard_size, "warc_deflate": deflate.library,
                 "warc_level": deflate.level,
                 "max_bytes": applied.max_bytes or None,
                 "timeout_seconds": applied.timeout_seconds or None,
                 "wacz": wacz, "bagit": bagit},
        shards=written, index=layout.INDEX, quarantine=layout.QUARANTINE,
        inputs=input_entries, duplicates=duplicates,
    )
    manifest.write(root / layout.MANIFEST, doc)
    croissant_file = write_croissant(root, doc)
    wacz_file = write_wacz(root, doc) if wacz else None
    (root / layout.CARD).write_text(card.render(doc, wacz=wacz_file, croissant=croissant_file,
                                                bagit=bagit), encoding="utf-8", newline="\n")
    manifest.write_sums(root, layout.SUMS)  # last: a folder without it is not a finished release
    if bagit:
        make_bag(root, doc)  # the release, SHA256SUMS and all, becomes the bag's payload
    d._lap("manifest")
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return PackResult(out=out, inputs=inputs, packed=packed, duplicates=len(duplicates),
                      quarantined=len(quarantine), files=len(input_entries),
                      shards=len(written),
                      bytes=total, release_date=date,
                      quarantine_reasons=dict(doc["quarantine_reasons"]),
                      workers=executor.workers, timings=d.timings)
