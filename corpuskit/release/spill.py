"""On-disk spill of extracted articles, so a pack never holds all of them in memory.

The extract tasks (any number, in any order, on any machine that sees the work folder) each
write two files under ``.work/buckets/``:

- ``<task>.spill``: the task's articles, one line each, ``KEY<TAB>ARTICLE``, grouped by bucket
  (the first two hex digits of the id, 256 buckets) in bucket order. `SpillWriter.close` returns
  the 257 byte offsets where each bucket starts (and the end), so a fold task reads one bucket
  of every extract task's file without reading the rest;
- ``<task>.blob``: the raw bytes of the task's captures, back to back, once per file (a JSON
  Lines file of many records is stored once, not once per record).

``KEY`` is a short JSON array (`Key`): what the fold needs to order, deduplicate, count and cut
shards without parsing the article; ``ARTICLE`` is the article's JSON exactly as
``Article.to_json`` writes it, so the WARC's metadata record can use it byte for byte. JSON
escapes every tab, so the first tab of a line ends its key.

Nothing here depends on which task wrote what or in which order tasks ran: a fold sorts each
bucket by id and by the preference order (`preference`), which is total, so the kept articles,
their order and the shard cuts are a function of the inputs alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple

BUCKETS = 256
SPILL_DIR = "buckets"
# The buffer of the work files written or read piece by piece (blobs, runs, segments): with
# Python's default 8 KiB, most pieces (a capture is ~8 KB) went to the kernel one system call
# each. A task holds a few such buffers at a time.
IO_BUFFER = 1 << 20

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class Key(NamedTuple):
    """The fold's view of one spilled article (a JSON array on disk, in this order)."""

    id: str
    captured_ts: float | None  # captured_at as a Unix time; None when unknown
    text_len: int
    blob: str  # SHA-256 of the raw bytes (the file the article came from)
    path: str  # stored input path
    item: int  # 1-based position among the file's records
    record: int | None  # as reported in the manifest
    blob_task: int  # the extract task whose .blob file holds the raw bytes
    blob_offset: int
    blob_length: int
    size: int  # bytes counted toward --shard-size
    outlet: str
    language: str
    published_at: str | None
    captured_at: str | None


def preference(key: Sequence[Any]) -> tuple:
    """Sort key among records of one id: the first one is packed, the others folded into it.

    The latest capture, then the longer text, then the smaller raw SHA-256, path and record
    position: a total order, so the kept record never depends on arrival order.
    """
    ts = key[1]
    return (ts is None, -(ts if ts is not None else 0.0), -key[2], key[3], key[4].encode("utf-8"),
            key[5])


def parse_line(line: bytes) -> tuple[Key, bytes]:
    """A spill line (UTF-8, without its newline) → (key, the article's JSON as UTF-8)."""
    cut = line.index(b"\t")
    return Key(*json.loads(line[:cut])), line[cut + 1:]


def spill_path(work: Path, task: int) -> Path:
    return work / SPILL_DIR / f"{task:05d}.spill"


def blob_path(work: Path, task: int) -> Path:
    return work / SPILL_DIR / f"{task:05d}.blob"


class SpillWriter:
    """One extract task's spill: articles held per bucket until `close` writes them in order.

    A task covers a bounded chunk of inputs, so what it holds is bounded too; raw bytes go to
    the blob file at once.
    """

    def __init__(self, work: Path, task: int) -> None:
        self.work = work
        self.task = task
        (work / SPILL_DIR).mkdir(parents=True, exist_ok=True)
        self._buckets: list[list[bytes]] = [[] for _ in range(BUCKETS)]
        self._blob: IO[bytes] = open(  # noqa: SIM115 (closed in close)
            blob_path(work, task), "wb", buffering=IO_BUFFER)
        self._blob_offset = 0
        self.articles = 0

    def add_blob(self, raw: bytes) -> tuple[int, int, int]:
        """Store raw bytes; (task, offset, length) to find them again with `BlobReader`."""
        offset = self._blob_offset
        self._blob.write(raw)
        self._blob_offset += len(raw)
        return self.task, offset, len(raw)

    def add(self, key: Key, article_json: bytes) -> None:
        """Spill an article's key and its JSON (UTF-8, as the caller has encoded it already)."""
        self._buckets[int(key.id[:2], 16)].append(
            b"".join((_dumps(key).encode("utf-8"), b"\t", article_json, b"\n")))
        self.articles += 1

    def close(self) -> list[int]:
        """Write the spill file; the byte offset where each bucket starts, then the end."""
        self._blob.close()
        offsets = []
        pos = 0
        with open(spill_path(self.work, self.task), "wb", buffering=IO_BUFFER) as fh:
            for lines in self._buckets:
                offsets.append(pos)
                if lines:
                    data = b"".join(lines)
                    fh.write(data)
                    pos += len(data)
        offsets.append(pos)
        self._buckets = []
        return offsets


def read_bucket(spills: SpillReader, bucket: int,
                sources: Sequence[tuple[int, Sequence[int]]]) -> Iterator[bytes]:
    """Every spilled line (UTF-8, without its newline) of one bucket; ``sources`` lists
    (task, offsets) of the spill files. The lines stay bytes: the fold reads only their keys,
    and decoding the articles to write them again cost ~10 µs an article."""
    for task, offsets in sources:
        start, end = offsets[bucket], offsets[bucket + 1]
        if start != end:
            yield from spills.read(task, start, end - start)[:-1].split(b"\n")  # lines end in \n


def _seek_read(fd: int, length: int, offset: int) -> bytes:
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, length)


# os.pread: one system call where a file object's seek and read took two or three (Windows has
# no pread)
_pread = getattr(os, "pread", _seek_read)


class TaskFileReader:
    """Byte ranges of one kind of the extract tasks' work files, read by position (the files
    are kept open until `close`)."""

    def __init__(self, work: Path, path_of: Callable[[Path, int], Path]) -> None:
        self.work = work
        self._path_of = path_of
        self._fds: dict[int, int] = {}

    def read(self, task: int, offset: int, length: int) -> bytes:
        fd = self._fds.get(task)
        if fd is None:
            fd = self._fds[task] = os.open(self._path_of(self.work, task),
                                           os.O_RDONLY | getattr(os, "O_BINARY", 0))
        data = _pread(fd, length, offset)
        if len(data) != length:  # a regular file reads short only at its end
            raise OSError(f"{self._path_of(self.work, task)} ends before byte {offset + length}")
        return data

    def close(self) -> None:
        fds, self._fds = self._fds, {}
        for fd in fds.values():
            os.close(fd)

    def __enter__(self) -> TaskFileReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BlobReader(TaskFileReader):
    """Raw bytes back from the extract tasks' blob files."""

    def __init__(self, work: Path) -> None:
        super().__init__(work, blob_path)


class SpillReader(TaskFileReader):
    """Buckets back from the extract tasks' spill files (`read_bucket`)."""

    def __init__(self, work: Path) -> None:
        super().__init__(work, spill_path)
