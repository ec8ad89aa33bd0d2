"""pack in parallel: the same bytes for any number of workers and any grain of the work."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEEDS, seed, start_pack

import corpuskit
from corpuskit.release import build, spill
from corpuskit.release.spill import IO_BUFFER, BlobReader, SpillWriter, blob_path

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_corpus

SHARD = 300_000  # several shards, most of them spanning several fold groups


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def captures(tmp_path_factory) -> Path:
    """The seeds, a few hundred synthetic captures made from the real fixtures, and every kind
    of trouble the accounting knows: a byte-identical copy, a later capture of the same
    article, an empty file, a binary file and a JSON Lines file of records."""
    root = tmp_path_factory.mktemp("captures")
    shutil.copytree(SEEDS, root / "seeds")
    make_corpus.make(300, root / "synthetic", seed=7, source=FIXTURES / "corpora")
    original = seed("001")
    shutil.copy(original, root / "seeds" / "zz_copy.txt")
    raw = original.read_bytes()
    (root / "seeds" / "001_recaptured.txt").write_bytes(
        raw.replace(b"<!--1697721422000-->", b"<!--1697807822000-->", 1))
    (root / "empty.txt").write_bytes(b"")
    (root / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(256))
    (root / "records.jsonl").write_text(
        "".join(a.to_json() + "\n" for a in corpuskit.iter_articles([SEEDS])),
        encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def one_worker(captures, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("w1") / "release"
    result = corpuskit.pack([captures], out, shard_size=SHARD, workers=1)
    assert result.workers == 1 and result.shards > 3
    assert result.duplicates >= 2 and result.quarantined >= 2
    assert corpuskit.verify(out) == []
    return out


def test_two_workers_write_the_same_bytes_as_one(captures, one_worker, tmp_path):
    out = tmp_path / "release"
    result = corpuskit.pack([captures], out, shard_size=SHARD, workers=2)
    assert result.workers == 2
    one, two = tree(one_worker), tree(out)
    assert list(two) == list(one)
    for name in one:
        assert two[name] == one[name], name


def test_the_grain_of_the_work_does_not_change_the_bytes(captures, one_worker, tmp_path,
                                                         monkeypatch):
    """Fewer fold groups (so other segments), tiny extract chunks and hash chunks: the plan of
    the work changes, the release does not."""
    monkeypatch.setattr(build, "FOLD_GROUPS", 4)
    monkeypatch.setattr(build, "EXTRACT_CHUNK", (3, 3))
    monkeypatch.setattr(build, "HASH_CHUNK", 50)
    out = tmp_path / "release"
    corpuskit.pack([captures], out, shard_size=SHARD, workers=1)
    assert tree(out) == tree(one_worker)


def test_shards_are_cut_as_one_reader_in_id_order_would(one_worker):
    """A shard closes before the article that would take it past --shard-size; ids ascend
    across shards, and every shard but an article-sized one holds several articles."""
    m = corpuskit.open_release(one_worker).manifest
    last = ""
    for shard in m["shards"]:
        assert shard["first_id"] > last
        assert shard["rows"] > 0
        last = shard["last_id"]
    assert sum(s["rows"] for s in m["shards"]) == m["counts"]["packed"]


def test_progress_events(captures, tmp_path):
    events: list[tuple[str, dict]] = []
    result = corpuskit.pack([captures], tmp_path / "r", shard_size=SHARD, workers=2,
                            progress=lambda event, info: events.append((event, info)))
    kinds = [e for e, _ in events]
    assert kinds[0] == "scanned" and events[0][1]["files"] == result.files
    assert kinds.count("input") == result.files
    assert kinds.count("bucket") == 256
    assert kinds.count("shard") == result.shards
    segments = [i for e, i in events if e == "segment"]
    assert segments and [i["segment"] for i in segments] == list(range(1, len(segments) + 1))
    assert {i["segments"] for i in segments} == {len(segments)} and len(segments) >= result.shards
    inputs = [i for e, i in events if e == "input"]
    assert sum(i["packed"] for i in inputs) == result.packed + sum(
        1 for d in corpuskit.open_release(tmp_path / "r").manifest["duplicates"]
        if d["reason"] == "same_id")
    assert sum(len(i["quarantined"]) for i in inputs) == result.quarantined
    # in the driver, in the order the stages run
    assert kinds.index("shard") > max(i for i, k in enumerate(kinds) if k == "bucket")


def test_workers_must_be_positive(tmp_path):
    with pytest.raises(corpuskit.release.ReleaseError, match="workers"):
        corpuskit.pack([SEEDS], tmp_path / "r", workers=0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.slow
def test_killed_pack_leaves_no_worker_behind(captures, tmp_path):
    out = tmp_path / "release"
    proc = start_pack(tmp_path, str(captures), "-o", str(out), "--workers", "2", "-q")
    # wait for the pool to start (a fixed sleep failed on a loaded machine), not for the pack to end
    deadline = time.monotonic() + 20
    while not (workers := _descendants(proc.pid)) and proc.poll() is None:
        assert time.monotonic() < deadline, "no pool workers"
        time.sleep(0.05)
    assert workers, "the pack ended before its pool workers were seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers):
        assert time.monotonic() < deadline, "pool workers outlived the killed pack"
        time.sleep(0.1)


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        children = _children(todo.pop())
        out += children
        todo += children
    return out


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_bytes()
            except OSError:
                continue
            if int(stat[stat.rindex(b")") + 2:].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return state[state.rindex(b")") + 2:state.rindex(b")") + 3] != b"Z"


@pytest.mark.parametrize("head", [
    b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 3\r\n\r\n",
    b"WARC/1.1\r\nWARC-Type:resource  \r\nX: a: b\r\nContent-Length: 3\r\n\r\n",
    b"WARC/1.1\r\nWARC-Type: resource\r\n continued\r\nContent-Length: 3\r\n\r\n",
    b"warc/1.1\r\nWARC-Type: resource\r\n\r\n",
    b"WARC/1.0\r\nWARC-Type: resource\r\n\r\n",
    b"WARC/1.1\r\nWARC-Target-URI: http://x/\xe4\xb8\xad\r\n\r\n",
    b"WARC/1.1\r\nWARC-Target-URI: http://x/\xff\r\n\r\n",
    b"WARC/1.1\r\nA: 1\nB: 2\r\n\r\n",
    b"WARC/1.1\r\nno colon here\r\nA: 1\r\n\r\n",
    "WARC/1.1\r\nA: 1\u3000\r\nB:\u3000\r\n\r\n".encode(),
])
def test_the_fast_header_parser_reads_what_warcio_reads(head):
    """verify reads every WARC record's headers; its fast parser must agree with warcio's
    whenever it answers (it leaves anything unusual to warcio)."""
    import io

    from warcio.statusandheaders import StatusAndHeadersParser

    from corpuskit.writers.warc import _parse_headers

    data = head + b"abc\r\n\r\n"
    fast = _parse_headers(data)
    if fast is None:
        return
    stream = io.BytesIO(data)
    slow = StatusAndHeadersParser(["WARC/1.1"], verify=True).parse(stream)
    headers, start = fast
    assert (headers.protocol, headers.statusline, headers.headers) == (
        slow.protocol, slow.statusline, slow.headers)
    assert start == stream.tell()
    for name, _ in slow.headers:
        assert headers.get_header(name.upper()) == slow.get_header(name.upper())


def _worker_state() -> tuple[int, int, str]:
    """In a worker: objects frozen out of the collector, warm-ups done, Arrow's allocator."""
    import gc

    import pyarrow as pa

    from corpuskit.pipeline import warm_up
    allocator = pa.default_memory_pool().backend_name
    return gc.get_freeze_count(), warm_up.cache_info().currsize, allocator


@pytest.mark.skipif(sys.platform != "linux", reason="the preload is shared by forking")
def test_workers_are_forked_with_the_models_loaded_and_the_caller_left_as_it_was():
    import gc

    from corpuskit.pipeline import warm_up
    from corpuskit.release.executors import ProcessExecutor
    from corpuskit.release.tasks import preload, worker_setup

    warm_up.cache_clear()
    with ProcessExecutor(2) as ex:
        ex.start(preload=preload, setup=worker_setup)
        # while the workers live, the driver's own collections leave the shared pages alone
        assert gc.get_freeze_count() > 10_000
        states = dict(ex.run(_worker_state, [(), ()]))
        ex.recycle()  # fresh workers for the next phase: forked the same way, set up again
        states.update({i + 2: s for i, s in ex.run(_worker_state, [(), ()])})
    assert gc.get_freeze_count() == 0  # the caller's objects are collectable again
    for frozen, warmed, allocator in states.values():
        # the models came with the fork (built once, in the driver), frozen so that the
        # worker's collections leave their pages shared
        assert warmed == 1 and frozen > 10_000
        assert allocator == "system"


@pytest.mark.parametrize("pread", ["os.pread", "seek and read"])
def test_blobs_come_back_as_written_in_any_order(tmp_path, monkeypatch, pread):
    """The spill's raw bytes, written through its large buffer and read back one by one with
    positioned reads (or, where there is no os.pread, a seek and a read): pieces smaller than
    the buffer, larger than it, and empty ones."""
    if pread != "os.pread":
        monkeypatch.setattr(spill, "_pread", spill._seek_read)

    rng = random.Random(5)
    pieces = [rng.randbytes(n) for n in (0, 1, 8_000, IO_BUFFER - 3, IO_BUFFER + 17, 3, 0,
                                         2 * IO_BUFFER, 65_536)]
    writers = [SpillWriter(tmp_path, task) for task in (0, 1)]
    where = [writers[i % 2].add_blob(piece) for i, piece in enumerate(pieces)]
    for writer in writers:
        writer.close()
    order = list(range(len(pieces)))
    rng.shuffle(order)
    with BlobReader(tmp_path) as blobs:
        assert [blobs.read(*where[i]) for i in order] == [pieces[i] for i in order]
    path = blob_path(tmp_path, 1)
    os.truncate(path, path.stat().st_size - 1)
    with BlobReader(tmp_path) as blobs, pytest.raises(OSError, match="ends before byte"):
        blobs.read(*where[7])  # the last piece of task 1 (odd places), now one byte short
