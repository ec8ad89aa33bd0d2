"""`pack --bagit`: OUT is a BagIt 1.0 bag, the release unchanged in OUT/data, that bagit.py
validates, that is byte-reproducible and that corpuskit still verifies and opens."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS

import corpuskit
from corpuskit.cli import main
from corpuskit.writers.bagit import check_bag, decode_path, encode_path

SHARD = 20_000


def pack(out: Path, *args: str) -> Path:
    result = CliRunner().invoke(main, ["pack", str(SEEDS), "-o", str(out), "--bagit",
                                       "--name", "seeds", "--shard-size", str(SHARD), *args])
    assert result.exit_code == 0, result.output
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def bag(tmp_path_factory) -> Path:
    return pack(tmp_path_factory.mktemp("bagit") / "bag", "--wacz")


def bagit_validate(path: Path) -> subprocess.CompletedProcess:
    """`bagit.py --validate PATH` (the bagit package's command line)."""
    pytest.importorskip("bagit", reason="bagit (test extra) is not installed")
    return subprocess.run([sys.executable, "-m", "bagit", "--validate", str(path)],
                          capture_output=True, text=True, timeout=300)


def test_layout(bag):
    top = sorted(p.name for p in bag.iterdir())
    assert top == ["bag-info.txt", "bagit.txt", "data", "manifest-sha512.txt",
                   "tagmanifest-sha512.txt"]
    payload = sorted(p.name for p in (bag / "data").iterdir())
    assert payload == ["README.md", "SHA256SUMS", "croissant.json", "data", "indexes",
                       "manifest.json", "quarantine.jsonl", "schema", "seeds.wacz", "warc"]
    assert list((bag / "data/data").glob("train-*.parquet"))
    assert (bag / "bagit.txt").read_bytes() == (
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    info = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split(":")[0] for line in info] == [
        "Bag-Software-Agent", "Bagging-Date", "External-Description", "External-Identifier",
        "Payload-Oxum"]
    assert "Bagging-Date: 2023-10-19" in info  # the data's latest date, not today
    files = [p for p in (bag / "data").rglob("*") if p.is_file()]
    assert f"Payload-Oxum: {sum(p.stat().st_size for p in files)}.{len(files)}" in info
    manifest = (bag / "manifest-sha512.txt").read_text().splitlines()
    assert [line.split("  ", 1)[1] for line in manifest] == sorted(
        p.relative_to(bag).as_posix() for p in files)


def test_bagit_py_validates_it(bag):
    run = bagit_validate(bag)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "is valid" in run.stderr
    bagit = pytest.importorskip("bagit")
    assert bagit.Bag(str(bag)).is_valid()


def test_corpuskit_verifies_and_opens_it(bag):
    assert corpuskit.verify(bag) == []
    result = CliRunner().invoke(main, ["verify", str(bag)])
    assert result.exit_code == 0, result.output
    release = corpuskit.open_release(bag)
    assert len(release) == 5 and release.path == bag / "data"
    assert [a.id for a in release.from_warc()] == [a.id for a in release]


def test_the_payload_is_a_plain_release(bag, tmp_path):
    """Copied out of the bag, data/ is a release that verifies on its own."""
    out = tmp_path / "release"
    shutil.copytree(bag / "data", out)
    assert corpuskit.verify(out) == []
    assert "bagit.py --validate .." in (out / "README.md").read_text(encoding="utf-8")


def test_two_packs_give_the_same_bag(bag, tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(time, "time", lambda: 4_102_444_800.0)
    again = pack(tmp_path / "x" / "bag", "--wacz")
    assert tree(again) == tree(bag)


def test_bagging_date_follows_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = pack(tmp_path / "bag")
    assert "Bagging-Date: 2023-11-14\n" in (out / "bag-info.txt").read_text()
    assert bagit_validate(out).returncode == 0


def test_damage_is_reported_by_bag_and_release_checks(bag, tmp_path):
    copy = tmp_path / "bag"
    shutil.copytree(bag, copy)
    (copy / "data/quarantine.jsonl").write_text("{}\n")
    (copy / "data/stray.txt").write_text("not packed\n")
    problems = {str(p) for p in corpuskit.verify(copy)}
    assert "data/quarantine.jsonl: sha512 does not match manifest-sha512.txt" in problems
    assert "data/stray.txt: not listed in manifest-sha512.txt" in problems
    assert any(p.startswith("data/quarantine.jsonl: SHA-256 does not match SHA256SUMS")
               for p in problems), problems
    assert "bag-info.txt: Payload-Oxum" in " ".join(problems)
    assert bagit_validate(copy).returncode != 0


def test_check_bag_reads_tag_manifest(bag, tmp_path):
    copy = tmp_path / "bag"
    shutil.copytree(bag, copy)
    with open(copy / "bag-info.txt", "a", encoding="utf-8") as fh:
        fh.write("Contact-Name: someone\n")
    assert check_bag(copy) == [("bag-info.txt", "sha512 does not match tagmanifest-sha512.txt")]


def test_paths_are_encoded_as_rfc_8493_says():
    name = "data/100%\r\nsure.txt"
    assert encode_path(name) == "data/100%25%0D%0Asure.txt"
    assert decode_path(encode_path(name)) == name


def test_without_the_flag_there_is_no_bag(tmp_path):
    out = tmp_path / "release"
    result = CliRunner().invoke(main, ["pack", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "bagit.txt").exists() and (out / "manifest.json").is_file()
