"""The release's Parquet shards as the data ecosystem reads them: 🤗 datasets (the folder through
the card's configs, and the files), DuckDB and polars, every row with the right types."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import cli_pack

from corpuskit.writers.parquet import arrow_schema

# Local files only: never ask the Hub anything (CI may not reach it; the tests must not try).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

SHARD = 20_000


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = cli_pack(tmp_path_factory.mktemp("datasets") / "release", "--wacz",
                   "--shard-size", str(SHARD))
    assert len(list((out / "data").glob("*.parquet"))) >= 3
    return out


@pytest.fixture(scope="module")
def expected(release) -> list[dict]:
    return pq.read_table(release / "data").to_pylist()


@pytest.fixture(scope="module")
def datasets():
    datasets = pytest.importorskip("datasets", reason="datasets (test extra) is not installed")
    datasets.disable_progress_bars()
    return datasets


def test_load_dataset_on_the_folder(release, expected, datasets, tmp_path):
    """The card's `configs` lead load_dataset to the Parquet shards (not the WARCs or WACZ)."""
    ds = datasets.load_dataset(str(release), split="train", cache_dir=str(tmp_path))
    assert ds.num_rows == len(expected) == 5
    assert ds.features == datasets.Features.from_arrow_schema(arrow_schema())
    assert ds.data.schema.field("published_at").type == arrow_schema().field("published_at").type
    assert ds.to_list() == expected


def test_load_dataset_parquet_files(release, expected, datasets, tmp_path):
    ds = datasets.load_dataset("parquet", data_files=str(release / "data/train-*.parquet"),
                               split="train", cache_dir=str(tmp_path))
    assert ds.features == datasets.Features.from_arrow_schema(arrow_schema())
    assert ds.to_list() == expected


def test_duckdb_reads_the_shards(release, expected):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    glob = str(release / "data/*.parquet")
    rows = con.execute(
        f"SELECT id, outlet.id, len(images), len(authors), published_at, source.bytes "
        f"FROM read_parquet('{glob}') ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [e["id"] for e in expected]
    for r, e in zip(rows, expected, strict=True):
        assert r[1:4] == (e["outlet"]["id"], len(e["images"]), len(e["authors"]))
        assert r[5] == e["source"]["bytes"]
        assert (r[4] is None) == (e["published_at"] is None)
    by_outlet = dict(con.execute(
        f"SELECT outlet.id, count(*) FROM '{glob}' GROUP BY ALL").fetchall())
    assert sum(by_outlet.values()) == 5
    captions = con.execute(
        f"SELECT count(*) FROM (SELECT unnest(images) AS i FROM '{glob}') "
        "WHERE i.caption IS NOT NULL").fetchone()[0]
    assert captions == sum(1 for e in expected for i in e["images"] if i["caption"])


def test_polars_reads_the_shards(release, expected):
    pl = pytest.importorskip("polars", reason="polars (test extra) is not installed")
    df = pl.read_parquet(str(release / "data/*.parquet"))
    assert df.height == len(expected)
    assert df["id"].to_list() == [e["id"] for e in expected]
    assert df.schema["published_at"] == pl.Datetime("ms", "UTC")
    assert df.schema["outlet"] == pl.Struct({"id": pl.String, "name": pl.String,
                                             "domain": pl.String})
    assert df["outlet"].struct.field("id").to_list() == [e["outlet"]["id"] for e in expected]
    assert df["images"].list.len().to_list() == [len(e["images"]) for e in expected]
    assert df["published_at"].to_list() == [e["published_at"] for e in expected]
    lazy = pl.scan_parquet(str(release / "data/*.parquet")).filter(
        pl.col("language") == "zh-Hans").select("id").collect()
    assert lazy["id"].to_list() == [e["id"] for e in expected if e["language"] == "zh-Hans"]
