"""Acceptance: `corpuskit pack seeds` writes a release that tools other than corpuskit can read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import SEEDS, cli_pack

import corpuskit
from corpuskit.cli import main
from corpuskit.writers.warc import iter_warc_articles

BIN = Path(sys.executable).parent
SHARD = 20_000  # bytes: small enough that the five seeds make several shards


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> Path:
    return cli_pack(tmp_path_factory.mktemp("pack") / "seeds-release",
                    "--shard-size", str(SHARD))


def files_of(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_layout(release):
    manifest = json.loads((release / "manifest.json").read_text())
    n = manifest["counts"]["shards"]
    assert n >= 3  # the tiny shard size splits the seeds
    assert files_of(release) == sorted(
        ["README.md", "SHA256SUMS", "croissant.json", "indexes/index.cdxj", "manifest.json",
         "quarantine.jsonl", "schema/article.schema.json"]
        + [f"data/train-{i:05d}-of-{n:05d}.parquet" for i in range(n)]
        + [f"warc/articles-{i:05d}-of-{n:05d}.warc.gz" for i in range(n)])
    assert not list(release.parent.glob("seeds-release.tmp-*"))  # the build folder is gone


def test_verify_passes(release):
    assert corpuskit.verify(release) == []
    result = CliRunner().invoke(main, ["verify", str(release)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_sha256sum_accepts_the_sums(release):
    if shutil.which("sha256sum") is None:
        pytest.skip("no sha256sum")
    run = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=release,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    listed = [line.split("  ", 1)[1] for line in (release / "SHA256SUMS").read_text().splitlines()]
    assert listed == [f for f in files_of(release) if f != "SHA256SUMS"]


def test_schema_is_a_byte_copy(release):
    from corpuskit.schema import schema_path

    assert (release / "schema/article.schema.json").read_bytes() == schema_path().read_bytes()


def test_manifest_accounts_for_every_input(release):
    m = json.loads((release / "manifest.json").read_text())
    assert m["counts"] == {"inputs": 5, "packed": 5, "duplicates": 0, "quarantined": 0,
                           "files": 5, "shards": m["counts"]["shards"]}
    assert m["by_outlet"] == {"dw": 2, "epochtimes": 2, "rfa": 1}
    assert m["by_language"] == {"zh-Hans": 4, "zh-Hant": 1}
    assert m["by_year"] == {"2023": 5}
    assert m["dates"]["published_at"] == {"first": "2023-07-26",
                                          "last": "2023-10-19T13:08:46.609Z"}
    # without SOURCE_DATE_EPOCH the release is dated by its latest capture/publication time
    assert m["release"]["date"] == m["dates"]["captured_at"]["last"] == "2023-10-19T13:17:02Z"
    assert m["release"]["name"] == "seeds-release" and m["release"]["license"] == "other"
    assert m["schema"]["id"] == corpuskit.schema.schema_id()
    assert m["software"]["corpuskit"] == corpuskit.__version__
    assert [i["path"] for i in m["inputs"]] == sorted(p.name for p in SEEDS.iterdir())
    for entry in m["inputs"]:
        raw = (SEEDS / entry["path"]).read_bytes()
        assert entry["bytes"] == len(raw) and entry["records"] == 1
        assert entry["sha256"] == __import__("hashlib").sha256(raw).hexdigest()
    assert sum(s["rows"] for s in m["shards"]) == 5
    assert (release / "manifest.json").read_text(encoding="utf-8").endswith("}\n")
    assert (release / "quarantine.jsonl").read_bytes() == b""


def test_manifest_is_written_as_json_dumps_writes_it(release, tmp_path):
    """The streaming writer (top-level sequences a batch at a time, as the pack's inputs are
    made) gives json.dumps's bytes: for the release's own manifest, whose inputs are given
    lazily, and for values of every shape."""
    from corpuskit.release.build import LazyItems
    from corpuskit.writers import manifest

    written = (release / "manifest.json").read_bytes()
    doc = json.loads(written)
    inputs = doc["inputs"]
    doc["inputs"] = LazyItems(len(inputs), inputs.__getitem__)
    manifest.write(tmp_path / "lazy.json", doc)
    assert (tmp_path / "lazy.json").read_bytes() == written
    shapes = {"empty": [], "empty_lazy": LazyItems(0, str), "dict": {}, "none": None,
              "nested": [[1, [2, {}]], {"a": [], "b": {"c": "正文\n\"x\""}}], "n": 1.5,
              "tuple": (1, "二"), "text": "line\nbreak", "deep": {"x": {"y": [True, False]}},
              "long": LazyItems(2500, lambda i: {"i": i, "list": [str(i)] * (i % 3)})}
    for doc in (shapes, {}, {"only": [{"k": "v"}]}):
        manifest.write(tmp_path / "m.json", doc)
        assert (tmp_path / "m.json").read_bytes() == manifest.dumps(
            {k: list(v) if isinstance(v, LazyItems) else v for k, v in doc.items()})


def test_no_absolute_path_or_host_in_any_file(release):
    import gzip
    import socket

    needles = [str(release.parent).encode(), str(SEEDS).encode(), b"/tmp/"]
    host = socket.gethostname().encode()
    for rel in files_of(release):
        data = (release / rel).read_bytes()
        if rel.endswith(".gz"):
            data = gzip.decompress(data)
        for needle in needles:
            assert needle not in data, (rel, needle)
        if len(host) > 4:
            assert host not in data, (rel, host)


def test_round_trip_equals_extraction(release):
    extracted = sorted((a.to_dict() for a in corpuskit.iter_articles([SEEDS])),
                       key=lambda d: d["id"])
    rel = corpuskit.open_release(release)
    assert len(rel) == 5
    assert [a.to_dict() for a in rel] == extracted
    assert [a.to_dict() for a in rel.from_warc()] == extracted
    first = extracted[0]
    assert rel.get(first["id"]).to_dict() == first
    assert rel.get("0000000000000000") is None
    assert first["id"] in rel
    assert rel.raw(first["id"]) == (SEEDS / first["source"]["path"]).read_bytes()


def test_parquet_file_properties(release):
    paths = sorted((release / "data").glob("*.parquet"))
    ids = []
    for path in paths:
        pf = pq.ParquetFile(path)
        kv = pf.metadata.metadata
        assert kv[b"corpuskit.schema_id"].decode() == corpuskit.schema.schema_id()
        assert kv[b"corpuskit.version"].decode() == corpuskit.__version__
        rg = pf.metadata.row_group(0)
        assert rg.sorting_columns[0].column_index == 0
        for i in range(rg.num_columns):
            col = rg.column(i)
            assert col.compression == "ZSTD"
            assert col.has_offset_index  # page index: readers can skip pages
        assert rg.column(0).has_column_index  # min/max per page of the id column
        ids += pf.read(columns=["id"]).column("id").to_pylist()
    assert ids == sorted(ids) and len(set(ids)) == 5
    table = pq.read_table(release / "data")
    schema = table.schema
    assert str(schema.field("published_at").type) == "timestamp[ms, tz=UTC]"
    assert str(schema.field("captured_at").type) == "timestamp[ms, tz=UTC]"
    assert str(schema.field("outlet").type).startswith("struct<")
    assert str(schema.field("images").type).startswith("list<element: struct<")
    assert str(schema.field("authors").type) == "list<element: string not null>"
    # a day-precision date is that day's midnight UTC; precision says it is a bare date
    rows = {r["id"]: r for r in table.to_pylist()}
    day = next(r for r in rows.values() if r["source"]["path"].startswith("000_"))
    assert day["published_precision"] == "day"
    assert day["published_at"] == datetime(2023, 7, 26, tzinfo=timezone.utc)
    assert corpuskit.open_release(release).get(day["id"]).published_at == "2023-07-26"


def test_parquet_and_warc_shards_hold_the_same_articles(release):
    m = json.loads((release / "manifest.json").read_text())
    for shard in m["shards"]:
        pq_ids = pq.read_table(release / shard["parquet"]["path"]).column("id").to_pylist()
        warc = [(a.id, loc) for a, _, loc in iter_warc_articles(release / shard["warc"]["path"])]
        assert pq_ids == [i for i, _ in warc] and pq_ids
        rows = pq.read_table(release / shard["parquet"]["path"]).to_pylist()
        for row, (_, loc) in zip(rows, warc, strict=True):
            assert (row["warc_filename"], row["warc_record_offset"],
                    row["warc_record_length"]) == (loc.filename, loc.offset, loc.length)


def test_duckdb_counts_articles_per_outlet(release):
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(
        f"SELECT outlet.id AS outlet, count(*) AS n FROM '{release}/data/train-*.parquet' "
        "GROUP BY outlet ORDER BY outlet").fetchall()
    assert rows == [("dw", 2), ("epochtimes", 2), ("rfa", 1)]


def test_datasets_loads_the_parquet(release):
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("parquet", data_files=str(release / "data/train-*.parquet"),
                               split="train")
    assert ds.num_rows == 5 and sorted(ds["id"]) == ds["id"]


def test_warcio_check_passes(release):
    warcs = sorted(str(p) for p in (release / "warc").glob("*.warc.gz"))
    run = subprocess.run([str(BIN / "warcio"), "check", *warcs], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_cdxj_is_what_cdxj_indexer_writes(release):
    """cdxj-indexer also indexes the warcinfo records, which the release's index leaves out."""
    names = sorted(p.name for p in (release / "warc").glob("*.warc.gz"))
    run = subprocess.run([str(BIN / "cdxj-indexer"), "--records", "all", "--sort", *names],
                         cwd=release / "warc", capture_output=True, text=True, check=True)
    theirs = [line for line in run.stdout.splitlines()
              if '"mime": "application/warc-fields"' not in line]
    ours = (release / "indexes/index.cdxj").read_text(encoding="utf-8").splitlines()
    assert ours == theirs
    assert len(ours) == 4 * 5


def test_card_front_matter_and_sections(release):
    yaml = pytest.importorskip("yaml")
    text = (release / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n", 2)[1])
    assert front["configs"] == [{"config_name": "default", "data_files": [
        {"split": "train", "path": "data/train-*.parquet"}]}]
    assert front["language"] == ["zh"]
    assert front["license"] == "other"
    assert front["pretty_name"] == "seeds-release"
    assert front["size_categories"] == ["n<1K"]
    assert "news" in front["tags"]
    body = text.split("---\n", 2)[2]
    for heading in ("## License", "## Fields", "## Provenance", "## Loading", "## Verifying"):
        assert heading in body
    assert "No license was given" in body
    assert "| epochtimes | 2 |" in body and "| zh-Hant | 1 |" in body
    # the field reference walks nested properties and carries the schema's words
    assert "| `images[].caption` |" in body and "| `source.sha256` |" in body
    assert "SHA-256 of the capture's raw bytes" in body
    assert "corpuskit verify ." in body and "sha256sum -c SHA256SUMS" in body
    assert "load_dataset" in body and "duckdb" in body.lower() and "wb-manager" in body
