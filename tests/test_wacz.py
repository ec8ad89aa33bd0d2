"""`pack --wacz`: OUT/<name>.wacz is a WACZ 1.1.1 that py-wacz accepts, byte-reproducible, with
the release's own WARCs and index and a page per article with a URL."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import SEEDS, cli_pack, page_timestamps, rewrite_zip_member, run_python

import corpuskit
from corpuskit.cli import main
from corpuskit.writers import wacz as wacz_writer

SHARD = 20_000  # bytes: the five seeds make several WARC shards


def pack(out: Path, *args: str, inputs=(SEEDS,)) -> Path:
    return cli_pack(out, "--wacz", "--name", "seeds", *args, inputs=inputs)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return pack(tmp_path_factory.mktemp("wacz") / "release", "--shard-size", str(SHARD))


def manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def rows(root: Path) -> list[dict]:
    return pq.read_table(root / "data", columns=["id", "source_url", "title"]).to_pylist()


def wacz_validate(path: Path) -> subprocess.CompletedProcess:
    """py-wacz's `wacz validate -f PATH` (its console script's entry point, exit code kept)."""
    pytest.importorskip("wacz.main", reason="the wacz package (test extra) is not installed")
    return run_python("import sys; from wacz.main import main; "
                      "sys.exit(main(['validate', '-f', sys.argv[1]]))", path)


def test_layout(release):
    assert (release / "seeds.wacz").is_file()
    with zipfile.ZipFile(release / "seeds.wacz") as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    n = manifest(release)["counts"]["shards"]
    assert n >= 3
    assert names == sorted(
        [f"archive/articles-{i:05d}-of-{n:05d}.warc.gz" for i in range(n)]
        + ["datapackage-digest.json", "datapackage.json", "indexes/index.cdx",
           "pages/pages.jsonl"])
    date = manifest(release)["release"]["date"]  # 2023-10-19T13:17:02Z
    for info in infos:
        stored = info.filename.startswith("archive/")
        assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        # ZIP keeps even seconds: 13:17:02 stays 13:17:02
        assert info.date_time == (int(date[:4]), int(date[5:7]), int(date[8:10]),
                                  int(date[11:13]), int(date[14:16]), int(date[17:19]))
        assert info.create_system == 3 and info.external_attr == 0o100644 << 16
        assert info.extra == b""


def test_wacz_validate_accepts_it(release):
    run = wacz_validate(release / "seeds.wacz")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Validation succeeded" in run.stdout


def test_wacz_validate_is_not_a_rubber_stamp(release, tmp_path):
    """py-wacz does catch a datapackage.json that no longer matches its digest."""
    bad = tmp_path / "bad.wacz"
    rewrite_zip_member(release / "seeds.wacz", bad, "datapackage.json", b'"title": "seeds"',
                       b'"title": "other"')
    run = wacz_validate(bad)
    assert run.returncode == 1 and "hash mismatch" in run.stdout


def test_datapackage(release):
    with zipfile.ZipFile(release / "seeds.wacz") as zf:
        raw = zf.read("datapackage.json")
        package = json.loads(raw)
        digest = json.loads(zf.read("datapackage-digest.json"))
        contents = {i.filename: zf.read(i) for i in zf.infolist()}
    m = manifest(release)
    assert package["profile"] == "data-package" and package["wacz_version"] == "1.1.1"
    assert package["created"] == m["release"]["date"]
    assert package["title"] == "seeds" and package["software"].startswith("corpuskit ")
    assert digest == {"path": "datapackage.json",
                      "hash": "sha256:" + hashlib.sha256(raw).hexdigest()}
    listed = [r["path"] for r in package["resources"]]
    assert listed == sorted(n for n in contents if not n.startswith("datapackage"))
    for res in package["resources"]:
        data = contents[res["path"]]
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert res["bytes"] == len(data)
        assert res["name"] == res["path"].rsplit("/", 1)[1]


def test_warcs_and_index_are_the_releases_own_bytes(release):
    with zipfile.ZipFile(release / "seeds.wacz") as zf:
        for shard in manifest(release)["shards"]:
            name = shard["warc"]["path"].split("/")[-1]
            assert zf.read(f"archive/{name}") == (release / shard["warc"]["path"]).read_bytes()
        assert zf.read("indexes/index.cdx") == (release / "indexes/index.cdxj").read_bytes()


def test_pages_list_every_article(release):
    with zipfile.ZipFile(release / "seeds.wacz") as zf:
        lines = zf.read("pages/pages.jsonl").decode("utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "json-pages-1.0", "id": "pages",
                                    "title": "All Pages"}
    pages = [json.loads(line) for line in lines[1:]]
    articles = rows(release)
    assert len(articles) == 5
    assert [p["id"] for p in pages] == [a["id"] for a in articles]  # id order
    assert [(p["url"], p["title"]) for p in pages] == [(a["source_url"], a["title"])
                                                       for a in articles]
    # ts is the WARC-Date of the page's record: the CDXJ line of its HTML page has it
    index = page_timestamps(release)
    for p in pages:
        ts = p["ts"]
        assert len(ts) == 20 and ts.endswith("Z")  # RFC 3339, 2023-10-19T13:17:02Z
        digits = ts[:4] + ts[5:7] + ts[8:10] + ts[11:13] + ts[14:16] + ts[17:19]
        assert index[p["url"]] == digits


def test_two_packs_give_the_same_wacz(release, tmp_path, monkeypatch):
    """Another pack (another folder, the inputs in another order, the clock in 2100)."""
    import time

    monkeypatch.setattr(time, "time", lambda: 4_102_444_800.0)
    monkeypatch.setattr(time, "time_ns", lambda: 4_102_444_800 * 10**9)
    files = sorted(SEEDS.glob("*.txt"), reverse=True)
    again = pack(tmp_path / "elsewhere" / "release", "--shard-size", str(SHARD), inputs=files)
    assert (again / "seeds.wacz").read_bytes() == (release / "seeds.wacz").read_bytes()


def test_source_date_epoch_dates_the_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    out = pack(tmp_path / "release")
    with zipfile.ZipFile(out / "seeds.wacz") as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert json.loads(zf.read("datapackage.json"))["created"] == "2023-11-14T22:13:20Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # before ZIP's first year
    out = pack(tmp_path / "release0")
    with zipfile.ZipFile(out / "seeds.wacz") as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_an_article_without_url_is_not_a_page(tmp_path):
    """It is packed, indexed and in the WARC; the page list leaves it out (no URL to open)."""
    src = tmp_path / "in"
    src.mkdir()
    record = corpuskit.extract(next(SEEDS.glob("000_*.txt"))).to_dict()
    record.update(source_url=None, id="ffff000011112222")
    (src / "record.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    out = pack(tmp_path / "release", inputs=(src, SEEDS))
    with zipfile.ZipFile(out / "seeds.wacz") as zf:
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()[1:]]
        index = zf.read("indexes/index.cdx").decode("utf-8")
    assert len(rows(out)) == 6 and len(pages) == 5
    assert "ffff000011112222" not in {p["id"] for p in pages}
    assert "urn:corpuskit:article:ffff000011112222:html" in index
    assert corpuskit.verify(out) == []
    assert wacz_validate(out / "seeds.wacz").returncode == 0


def test_verify_checks_the_wacz(release, tmp_path):
    assert corpuskit.verify(release) == []
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    # a self-consistent WACZ (py-wacz would accept it) whose WARC is not the release's
    path = copy / "seeds.wacz"
    with zipfile.ZipFile(release / "seeds.wacz") as src:
        entries = {i.filename: (i, src.read(i)) for i in src.infolist()}
    victim, other = sorted(n for n in entries if n.startswith("archive/"))[:2]
    entries[victim] = (entries[victim][0], entries[other][1])  # shard 1's bytes as shard 0
    package = json.loads(entries["datapackage.json"][1])
    for res in package["resources"]:
        res["hash"] = "sha256:" + hashlib.sha256(entries[res["path"]][1]).hexdigest()
        res["bytes"] = len(entries[res["path"]][1])
    pkg = json.dumps(package, indent=2).encode()
    entries["datapackage.json"] = (entries["datapackage.json"][0], pkg)
    entries["datapackage-digest.json"] = (entries["datapackage-digest.json"][0], json.dumps(
        {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(pkg).hexdigest()}
    ).encode())
    with zipfile.ZipFile(path, "w") as dst:
        for info, data in entries.values():
            dst.writestr(info, data)
    assert wacz_validate(path).returncode == 0
    problems = [str(p) for p in corpuskit.verify(copy)]
    assert any(p.startswith("seeds.wacz: ") and victim in p and "byte-identical" in p
               for p in problems), problems


def test_verify_reports_a_broken_digest(release, tmp_path):
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    rewrite_zip_member(release / "seeds.wacz", copy / "seeds.wacz", "datapackage-digest.json",
                       b"sha256:", b"sha256:0")
    problems = [str(p) for p in corpuskit.verify(copy)]
    assert "seeds.wacz: datapackage-digest.json: hash is not the sha256 of datapackage.json" \
        in problems, problems


def test_verify_reports_a_wacz_that_is_no_zip(release, tmp_path):
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    data = (copy / "seeds.wacz").read_bytes()
    (copy / "seeds.wacz").write_bytes(data[: len(data) // 2])  # cut in the middle
    problems = [str(p) for p in corpuskit.verify(copy)]
    assert any(p.startswith("seeds.wacz: not a readable ZIP") for p in problems), problems


def test_card_mentions_the_wacz(release):
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "| `seeds.wacz` |" in card and "wacz validate -f seeds.wacz" in card


def test_without_the_flag_there_is_no_wacz(tmp_path):
    out = tmp_path / "release"
    result = CliRunner().invoke(main, ["pack", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert not list(out.glob("*.wacz"))
    assert "wacz" not in (out / "README.md").read_text(encoding="utf-8").lower()


def test_wacz_name_is_safe():
    assert wacz_writer.wacz_name("seeds") == "seeds.wacz"
    assert wacz_writer.wacz_name("新闻 2023/10") == "2023-10.wacz"
    assert wacz_writer.wacz_name("///") == "release.wacz"
