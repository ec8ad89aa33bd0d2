"""pack: reproducible bytes, accounting of bad and repeated inputs, atomic output."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS, seed, start_pack
from hypothesis import given
from hypothesis import strategies as st

import corpuskit
from corpuskit.cli import main
from corpuskit.release import ReleaseError, ReleaseMeta

SHARD = 20_000


def tree(root: Path) -> dict[str, bytes]:
    """Every file of a folder, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def pack(inputs, out: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["pack", *map(str, inputs), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_two_packs_are_byte_identical(tmp_path):
    a, b = tmp_path / "a" / "release", tmp_path / "b" / "release"
    pack([SEEDS], a, "--shard-size", str(SHARD))
    pack([SEEDS], b, "--shard-size", str(SHARD))
    ta, tb = tree(a), tree(b)
    assert list(ta) == list(tb) and len(ta) > 10
    for name in ta:
        assert ta[name] == tb[name], name


def test_input_order_does_not_matter(tmp_path):
    """The seeds given one by one in reverse, or copied in another order, give the same bytes."""
    files = sorted(SEEDS.glob("*.txt"))
    shuffled = tmp_path / "copied"
    shuffled.mkdir()
    for f in reversed(files):  # creation order (what the folder lists first) differs
        shutil.copy(f, shuffled / f.name)
    ref, rev, copy = (tmp_path / d / "release" for d in ("ref", "rev", "copy"))
    pack([SEEDS], ref, "--shard-size", str(SHARD))
    pack(reversed(files), rev, "--shard-size", str(SHARD))
    pack([shuffled], copy, "--shard-size", str(SHARD))
    assert tree(rev) == tree(ref)
    assert tree(copy) == tree(ref)


def test_the_clock_does_not_matter(tmp_path, monkeypatch):
    """Packing "in 2100" (time.time patched: gzip, uuid1 and friends read it) changes nothing."""
    now = tmp_path / "now" / "release"
    pack([SEEDS], now)
    monkeypatch.setattr(time, "time", lambda: 4_102_444_800.0)
    monkeypatch.setattr(time, "time_ns", lambda: 4_102_444_800 * 10**9)
    later = tmp_path / "later" / "release"
    pack([SEEDS], later)
    assert tree(later) == tree(now)


def test_source_date_epoch_is_the_only_outside_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "release"
    pack([SEEDS], out)
    assert manifest(out)["release"]["date"] == "2023-11-14T22:13:20Z"
    assert "dated 2023-11-14T22:13:20Z" in (out / "README.md").read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = CliRunner().invoke(main, ["pack", str(SEEDS), "-o", str(tmp_path / "r2")])
    assert result.exit_code == 1 and "SOURCE_DATE_EPOCH" in result.output
    assert "Traceback" not in result.output


def test_broken_captures_are_quarantined(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    (src / "empty.txt").write_bytes(b"")
    (src / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out = tmp_path / "release"
    result = CliRunner().invoke(main, ["pack", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 articles" in result.output and "2 inputs quarantined" in result.output
    lines = [json.loads(x) for x in (out / "quarantine.jsonl").read_text().splitlines()]
    assert [(q["path"], q["reason"]) for q in lines] == [("empty.txt", "empty"),
                                                         ("image.bin", "binary")]
    assert all(q["message"] for q in lines)
    m = manifest(out)
    c = m["counts"]
    assert c == {"inputs": 7, "packed": 5, "duplicates": 0, "quarantined": 2, "files": 7,
                 "shards": 1}
    assert c["inputs"] == c["packed"] + c["duplicates"] + c["quarantined"]
    assert m["quarantine_reasons"] == {"binary": 1, "empty": 1}
    assert corpuskit.verify(out) == []
    # --strict: same release, exit 1
    strict = CliRunner().invoke(main, ["pack", str(src), "-o", str(tmp_path / "s"), "--strict"])
    assert strict.exit_code == 1
    assert tree(tmp_path / "s")["quarantine.jsonl"] == tree(out)["quarantine.jsonl"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_pack_takes_the_size_limit(tmp_path, workers):
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    biggest = max(src.iterdir(), key=lambda p: p.stat().st_size)
    limit = biggest.stat().st_size - 1
    out = tmp_path / "release"
    result = CliRunner().invoke(main, ["pack", str(src), "-o", str(out), "-j", workers,
                                       "--max-bytes", str(limit)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in (out / "quarantine.jsonl").read_text().splitlines()]
    assert [(q["path"], q["reason"]) for q in lines] == [(biggest.name, "too_large")]
    assert f"over the limit of {limit}" in lines[0]["message"]
    assert manifest(out)["counts"]["packed"] == 4
    assert corpuskit.verify(out) == []
    # 0 switches the limit off
    again = CliRunner().invoke(main, ["pack", str(src), "-o", str(tmp_path / "all"),
                                      "--max-bytes", "0", "-j", workers])
    assert again.exit_code == 0 and manifest(tmp_path / "all")["counts"]["packed"] == 5


def test_duplicates_are_folded_and_listed(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    original = seed("001")
    shutil.copy(original, src / "zz_copy.txt")  # byte-identical
    raw = original.read_bytes()
    assert raw.startswith(b"<!--1697721422000-->")
    later = raw.replace(b"<!--1697721422000-->", b"<!--1697807822000-->", 1)  # a day later
    (src / "001_recaptured.txt").write_bytes(later)
    out = tmp_path / "release"
    pack([src], out)
    m = manifest(out)
    assert m["counts"] == {"inputs": 7, "packed": 5, "duplicates": 2, "quarantined": 0,
                           "files": 7, "shards": 1}
    dup_id = corpuskit.extract(original).id
    by_reason = {d["reason"]: d for d in m["duplicates"]}
    assert by_reason["identical_bytes"]["path"] == "zz_copy.txt"
    assert by_reason["identical_bytes"]["folded_into"]["path"] == original.name
    assert by_reason["identical_bytes"]["id"] == dup_id
    # the later capture of the same article is the one packed; the earlier one folded into it
    same = by_reason["same_id"]
    assert (same["path"], same["id"]) == (original.name, dup_id)
    assert same["folded_into"]["path"] == "001_recaptured.txt"
    kept = corpuskit.open_release(out).get(dup_id)
    assert kept.captured_at == "2023-10-20T13:17:02Z"
    assert kept.source.path == "001_recaptured.txt"
    assert next(i for i in m["inputs"] if i["path"] == "zz_copy.txt")["identical_to"] == \
        original.name
    assert corpuskit.verify(out) == []


@pytest.mark.parametrize("given", [".", "./", "in", "in/"])
def test_an_input_folder_is_kept_once_however_it_is_spelled(tmp_path, monkeypatch, given):
    """The driver keeps a folder's path once and each file's stored path (InputFiles); a pack
    of "." kept every file's whole path as a folder of its own (~0.2 KB a file more)."""
    from corpuskit.release.build import _walk

    folder = tmp_path / "in"
    for name in ("b/2.md", "a.md", "b/c/3.md"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x")
    monkeypatch.chdir(folder if given.startswith(".") else tmp_path)
    found = _walk([given])
    assert [found.path(i) for i in range(len(found))] == ["a.md", "b/2.md", "b/c/3.md"]
    assert all(Path(found.file(i)).resolve() == folder / found.path(i) for i in range(3))
    assert len(found._bases) == 1


# digests that differ only by NUL bytes at their end (numpy's fixed-width bytes pad with NULs)
_DIGESTS = [bytes(32), bytes(31) + b"\x01", b"\x01" + bytes(31), b"\x01" + bytes(30) + b"\x02",
            bytes(range(32)), bytes(range(31)) + b"\x00"]


@given(st.lists(st.one_of(st.none(), st.sampled_from(_DIGESTS)), max_size=40))
def test_twins_are_the_copies_of_an_earlier_readable_file(files):
    """Each readable file (None: one that could not be read) whose digest an earlier readable
    file has maps to the first such file; nothing else is a twin."""
    from corpuskit.release.build import InputFiles

    inputs = InputFiles()
    for i, digest in enumerate(files):
        inputs.append(f"{i:03d}.md", "/in/", 0, *((len(digest), digest.hex()) if digest else ()))
    first: dict[bytes, int] = {}
    expected = {}
    for i, digest in enumerate(files):
        if digest is not None and first.setdefault(digest, i) != i:
            expected[i] = first[digest]
    assert inputs.twins() == expected


def test_several_inputs_are_prefixed_with_their_folder_name(tmp_path):
    other = tmp_path / "more"
    other.mkdir()
    (other / "note.txt").write_text("not a capture\n")
    out = tmp_path / "release"
    pack([SEEDS, other], out)
    paths = [i["path"] for i in manifest(out)["inputs"]]
    assert paths == ["more/note.txt", *sorted(f"seeds/{p.name}" for p in SEEDS.iterdir())]
    assert all(a.source.path.startswith("seeds/") for a in corpuskit.open_release(out))


def test_non_empty_output_is_refused_without_force(tmp_path):
    out = tmp_path / "release"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["pack", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 1
    assert "not empty" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert (out / "keep.txt").read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["release"]  # no temporary folder left
    pack([SEEDS], out, "--force")
    assert not (out / "keep.txt").exists()
    assert corpuskit.verify(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_empty_output_folder_is_used(tmp_path):
    out = tmp_path / "release"
    out.mkdir()
    pack([SEEDS], out)
    assert corpuskit.verify(out) == []


def test_output_inside_an_input_is_refused(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    with pytest.raises(ReleaseError, match="inside the input"):
        corpuskit.pack([src], src / "release")


def test_missing_input_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["pack", str(tmp_path / "nope"), "-o",
                                       str(tmp_path / "r")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_release_metadata_from_config_and_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("corpuskit.toml").write_text(
        '[release]\nname = "north-korea-2023"\nversion = "2.1.0"\nlicense = "cc-by-4.0"\n'
        'description = "Articles about North Korea."\ncreators = ["A. Archivist"]\n'
        'citation = "Archivist (2024). North Korea 2023."\n', encoding="utf-8")
    pack([SEEDS], tmp_path / "out", "--release-version", "2.2.0")
    m = manifest(tmp_path / "out")
    assert m["release"] | {"date": None} == {
        "name": "north-korea-2023", "version": "2.2.0", "license": "cc-by-4.0",
        "description": "Articles about North Korea.", "creators": ["A. Archivist"],
        "citation": "Archivist (2024). North Korea 2023.", "date": None}
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert 'license: "cc-by-4.0"' in card and "Articles about North Korea." in card
    assert "Archivist (2024). North Korea 2023." in card and "A. Archivist" in card
    Path("bad.toml").write_text('[release]\ncolour = "blue"\n')
    result = CliRunner().invoke(main, ["pack", str(SEEDS), "-o", "x", "--config", "bad.toml"])
    assert result.exit_code == 1 and "colour" in result.output
    assert "Traceback" not in result.output


def test_pack_api_returns_the_accounting(tmp_path):
    result = corpuskit.pack([SEEDS], tmp_path / "r", meta=ReleaseMeta(name="x"))
    assert (result.inputs, result.packed, result.duplicates, result.quarantined) == (5, 5, 0, 0)
    assert manifest(tmp_path / "r")["release"]["name"] == "x"


def _many_captures(root: Path, copies: int) -> None:
    """The feed seeds copied under other names with distinct article URLs (distinct ids)."""
    root.mkdir()
    for name in ("001", "003", "004"):
        raw = seed(name).read_bytes()
        head, rest = raw.split(b")\n", 1)
        for i in range(copies):
            (root / f"{name}_{i:04d}.txt").write_bytes(head + f"-{i}".encode() + b")\n" + rest)


@pytest.mark.slow
def test_interrupted_pack_leaves_nothing_verify_accepts(tmp_path):
    src = tmp_path / "many"
    _many_captures(src, 300)
    out = tmp_path / "release"
    proc = start_pack(tmp_path, str(src), "-o", str(out), "--shard-size", "200k")
    time.sleep(0.5)
    assert proc.poll() is None, "pack ended before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    left = list(tmp_path.glob("release*"))
    assert left and all(p.name.startswith("release.tmp-") for p in left)
    for p in left:
        assert corpuskit.verify(p) != []
    # the next pack says what was left behind and writes a sound release
    result = CliRunner().invoke(main, ["pack", str(src), "-o", str(out), "--shard-size", "200k"])
    assert result.exit_code == 0, result.output
    assert "interrupted pack" in result.output
    assert manifest(out)["counts"]["packed"] == 900
    assert corpuskit.verify(out) == []


def _own_process_group() -> None:
    """In the child: a process group of its own (the pack's workers join it), and SIGINT
    handled as Python does by default even where the test runner's shell ignores it."""
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_pack_stopped_by_a_signal_removes_its_folder(tmp_path, signum):
    # Ctrl-C, or a service manager stopping the job, signals the driver and its workers
    # while extract tasks are running: the pack must stop and remove OUT.tmp-*, workers
    # included (they were writing into it after it was removed)
    src = tmp_path / "many"
    _many_captures(src, 300)
    proc = start_pack(tmp_path, str(src), "-o", str(tmp_path / "release"), "--workers", "2",
                      preexec_fn=_own_process_group)
    assert proc.poll() is None, "pack ended before it could be interrupted"
    os.killpg(proc.pid, signum)
    assert proc.wait(timeout=120) == 128 + signum  # as a shell reports it: 130 and 143
    assert list(tmp_path.glob("release*")) == []


def test_nothing_packable_still_makes_a_sound_release(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    out = tmp_path / "release"
    result = CliRunner().invoke(main, ["pack", str(src), "-o", str(out), "--strict"])
    assert result.exit_code == 1 and "Packed 0 articles" in result.output
    m = manifest(out)
    assert m["counts"]["packed"] == 0 and m["counts"]["quarantined"] == 1
    assert m["release"]["date"] == "1970-01-01T00:00:00Z"  # no date in the data
    assert len(corpuskit.open_release(out)) == 0 and list(corpuskit.open_release(out)) == []
    assert corpuskit.verify(out) == []


def test_a_file_name_that_is_not_utf8_is_stored_readably(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(seed("001"), os.fsdecode(bytes(src) + b"/caf\xe9.txt"))
    out = tmp_path / "release"
    pack([src], out)
    assert [i["path"] for i in manifest(out)["inputs"]] == ["caf\ufffd.txt"]
    assert next(iter(corpuskit.open_release(out))).source.path == "caf\ufffd.txt"
    assert corpuskit.verify(out) == []


def test_extracted_records_pack_to_the_same_articles(tmp_path):
    """A JSON Lines file of records passes through: same rows, raw bytes = the record file."""
    records = tmp_path / "in" / "seeds.jsonl"
    records.parent.mkdir()
    records.write_text("".join(a.to_json() + "\n" for a in corpuskit.iter_articles([SEEDS])),
                       encoding="utf-8")
    pack([SEEDS], tmp_path / "a")
    pack([records.parent], tmp_path / "b")
    a, b = corpuskit.open_release(tmp_path / "a"), corpuskit.open_release(tmp_path / "b")
    assert [x.to_dict() for x in b] == [x.to_dict() for x in a]
    assert manifest(tmp_path / "b")["inputs"][0] | {"sha256": None} == {
        "path": "seeds.jsonl", "bytes": records.stat().st_size, "sha256": None,
        "format": "record", "records": 5, "identical_to": None}
    assert b.raw(next(iter(b)).id) == records.read_bytes()
    assert corpuskit.verify(tmp_path / "b") == []


def test_the_manifest_records_the_options_the_bytes_depend_on(tmp_path):
    default, chosen = tmp_path / "default", tmp_path / "chosen"
    pack([SEEDS], default)
    pack([SEEDS], chosen, "--warc-deflate", "zlib-ng", "--warc-level", "9", "--shard-size",
         str(SHARD), "--max-bytes", "900000", "--timeout", "0", "--workers", "2")
    assert manifest(default)["options"] == {
        "shard_size": 256 * 1024 * 1024, "warc_deflate": "isal", "warc_level": 2,
        "max_bytes": 20 * 1024 * 1024, "timeout_seconds": 10.0, "wacz": False, "bagit": False}
    # the number of workers is not an option of the release: it changes none of its bytes
    assert manifest(chosen)["options"] == {
        "shard_size": SHARD, "warc_deflate": "zlib-ng", "warc_level": 9, "max_bytes": 900000,
        "timeout_seconds": None, "wacz": False, "bagit": False}
    software = manifest(default)["software"]
    assert {"isal", "zlib-ng", "pyarrow", "machine"} <= set(software) and software["machine"]
    # the text's NFC and character classes come from the running Python's Unicode database
    assert software["unicode"] == unicodedata.unidata_version
    # another deflate gives other WARC bytes, the same records
    assert corpuskit.verify(chosen) == []
    a, b = corpuskit.open_release(default), corpuskit.open_release(chosen)
    assert [x.to_dict() for x in a] == [x.to_dict() for x in b]
    assert (default / "SHA256SUMS").read_bytes() != (chosen / "SHA256SUMS").read_bytes()
    assert list(manifest(chosen)).index("options") == list(manifest(chosen)).index("software") + 1


@pytest.mark.parametrize(("args", "message"), [
    (["--warc-level", "5"], "the isal level must be 0 to 3: 5"),
    (["--warc-deflate", "zlib-ng", "--warc-level", "10"], "--warc-level"),
    (["--warc-deflate", "gzip"], "--warc-deflate")])
def test_a_deflate_level_the_library_lacks_is_a_clear_error(tmp_path, args, message):
    result = CliRunner().invoke(main, ["pack", str(SEEDS), "-o", str(tmp_path / "r"), *args])
    assert result.exit_code != 0 and message in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "r").exists()
