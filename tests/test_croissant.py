"""croissant.json: Croissant 1.0 that mlcroissant validates and loads, every Parquet row back."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import cli_pack, run_python

import corpuskit
from corpuskit.writers import croissant
from corpuskit.writers.parquet import arrow_schema

SHARD = 20_000


def pack(out: Path, *args: str) -> Path:
    return cli_pack(out, "--name", "seeds", *args)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return pack(tmp_path_factory.mktemp("croissant") / "release", "--shard-size", str(SHARD),
                "--citation", "Seeds, a corpuskit sample (2023).", "--license", "cc-by-4.0",
                "--creator", "A. Archivist")


def doc(release: Path) -> dict:
    return json.loads((release / "croissant.json").read_text(encoding="utf-8"))


def mlcroissant_validate(path: Path) -> subprocess.CompletedProcess:
    """`mlcroissant validate --jsonld PATH` (the console script's entry point)."""
    pytest.importorskip("mlcroissant", reason="mlcroissant (test extra) is not installed")
    return run_python("import sys; sys.argv = ['mlcroissant', 'validate', '--jsonld', "
                      "sys.argv[1]]; from mlcroissant.scripts.cli import main; main()", path)


def test_dataset_level(release):
    d = doc(release)
    assert d["@context"]["cr"] == "http://mlcommons.org/croissant/"
    assert d["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    assert d["@type"] == "sc:Dataset" and d["name"] == "seeds" and d["version"] == "1.0.0"
    assert d["license"] == "cc-by-4.0" and d["citeAs"] == "Seeds, a corpuskit sample (2023)."
    assert d["datePublished"] == "2023-10-19T13:17:02Z"
    assert d["creator"] == [{"@type": "sc:Person", "name": "A. Archivist"}]
    assert d["inLanguage"] == ["zh-Hans", "zh-Hant"]


def test_distribution_lists_every_shard_with_its_sha256(release):
    m = json.loads((release / "manifest.json").read_text())
    objects = [x for x in doc(release)["distribution"] if x["@type"] == "cr:FileObject"]
    expected = [s["parquet"]["path"] for s in m["shards"]] + [s["warc"]["path"]
                                                              for s in m["shards"]]
    assert [o["contentUrl"] for o in objects] == expected and len(m["shards"]) >= 3
    for o in objects:
        data = (release / o["contentUrl"]).read_bytes()
        assert o["sha256"] == hashlib.sha256(data).hexdigest()
        assert o["contentSize"] == f"{len(data)} B"
    file_set = [x for x in doc(release)["distribution"] if x["@type"] == "cr:FileSet"]
    assert file_set == [{"@type": "cr:FileSet", "@id": "parquet-files", "name": "parquet-files",
                         "description": file_set[0]["description"],
                         "encodingFormat": "application/x-parquet",
                         "includes": "data/train-*.parquet"}]


def test_fields_follow_the_schema(release):
    (record_set,) = doc(release)["recordSet"]
    fields = {f["name"]: f for f in record_set["field"]}
    assert list(fields) == arrow_schema().names
    assert record_set["key"] == {"@id": "articles/id"}
    assert fields["id"]["dataType"] == "sc:Text" and "description" in fields["id"]
    assert fields["source_url"]["dataType"] == "sc:URL"
    assert fields["published_at"]["dataType"] == "sc:DateTime"
    assert fields["warc_record_offset"]["dataType"] == "sc:Integer"
    assert fields["warc_record_offset"]["description"].startswith("Byte offset")
    assert fields["authors"]["repeated"] is True and fields["authors"]["dataType"] == "sc:Text"
    outlet = fields["outlet"]
    assert "dataType" not in outlet and "repeated" not in outlet
    assert [s["@id"] for s in outlet["subField"]] == ["articles/outlet/id",
                                                      "articles/outlet/name",
                                                      "articles/outlet/domain"]
    assert outlet["subField"][0]["source"] == {"fileSet": {"@id": "parquet-files"},
                                               "extract": {"column": "outlet"},
                                               "transform": {"jsonPath": "id"}}
    images = fields["images"]
    assert images["repeated"] is True
    assert {s["name"]: s["dataType"] for s in images["subField"]}["url"] == "sc:URL"
    assert all(s["source"]["extract"] == {"column": "images"} for s in images["subField"])
    for f in record_set["field"]:
        assert f["description"], f["name"]


def test_mlcroissant_validates_it(release):
    run = mlcroissant_validate(release / "croissant.json")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "warning" not in run.stderr.lower(), run.stderr[-3000:]  # citeAs given: none left


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated",
                            "ignore:The inplace keyword")  # inside rdflib and mlcroissant
def test_mlcroissant_loads_every_row(release):
    mlc = pytest.importorskip("mlcroissant")
    records = list(mlc.Dataset(jsonld=str(release / "croissant.json")).records("articles"))
    rows = pq.read_table(release / "data").to_pylist()
    assert len(records) == len(rows) == 5

    def plain(value):
        if isinstance(value, bytes):
            return value.decode("utf-8")
        if isinstance(value, dict):
            return {k.rsplit("/", 1)[1]: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if hasattr(value, "to_pydatetime"):
            return value.to_pydatetime()
        return value

    for record, row in zip(records, rows, strict=True):
        got = {k.rsplit("/", 1)[1]: plain(v) for k, v in record.items()}
        assert list(got) == list(row)
        for name, value in row.items():
            assert got[name] == value, name  # times: the same instant, both aware
            assert isinstance(value, datetime) == isinstance(got[name], datetime), name


def test_bytes_are_reproducible(release, tmp_path):
    again = pack(tmp_path / "again", "--shard-size", str(SHARD),
                 "--citation", "Seeds, a corpuskit sample (2023).", "--license", "cc-by-4.0",
                 "--creator", "A. Archivist")
    assert (again / "croissant.json").read_bytes() == (release / "croissant.json").read_bytes()


def test_listed_in_sha256sums_and_card(release):
    assert "  croissant.json\n" in (release / "SHA256SUMS").read_text()
    assert "| `croissant.json` |" in (release / "README.md").read_text(encoding="utf-8")


def test_verify_checks_the_file_hashes(release, tmp_path):
    assert corpuskit.verify(release) == []
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    d = doc(copy)
    d["distribution"][0]["sha256"] = "0" * 64
    d["distribution"][1]["contentUrl"] = "../elsewhere.parquet"
    (copy / "croissant.json").write_bytes(croissant.dumps(d))
    problems = {str(p) for p in corpuskit.verify(copy)}
    shard0, shard1 = (x["@id"] for x in d["distribution"][:2])
    assert f"croissant.json: {shard0}: sha256 differs from croissant.json" in problems
    assert f"croissant.json: {shard1}: contentUrl '../elsewhere.parquet' is outside the " \
           "release" in problems
    assert f"croissant.json: {shard1}: not a FileObject in croissant.json" in problems
