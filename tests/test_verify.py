"""verify: a damaged or inconsistent release fails, and the report names the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import seeds_and_an_empty_file

import corpuskit
from corpuskit.cli import main
from corpuskit.writers import manifest as manifest_writer
from corpuskit.writers.parquet import ShardWriter


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """Seeds plus one empty file (so quarantine.jsonl has a line), in several shards."""
    out = tmp_path_factory.mktemp("pristine") / "release"
    corpuskit.pack([seeds_and_an_empty_file(tmp_path_factory)], out, shard_size=20_000)
    assert corpuskit.verify(out) == []
    return out


@pytest.fixture
def release(pristine, tmp_path) -> Path:
    out = tmp_path / "release"
    shutil.copytree(pristine, out)
    return out


def first(root: Path, pattern: str) -> str:
    return sorted(p.relative_to(root).as_posix() for p in root.glob(pattern))[0]


KINDS = {
    "parquet": "data/*.parquet",
    "warc": "warc/*.warc.gz",
    "cdxj": "indexes/index.cdxj",
    "manifest": "manifest.json",
    "card": "README.md",
    "schema": "schema/article.schema.json",
    "quarantine": "quarantine.jsonl",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_damaged_byte_fails_and_names_the_file(release, kind):
    rel = first(release, KINDS[kind])
    path = release / rel
    data = bytearray(path.read_bytes())
    assert data, rel
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    problems = corpuskit.verify(release)
    assert problems
    assert rel in {p.file for p in problems}
    result = CliRunner().invoke(main, ["verify", str(release)])
    assert result.exit_code == 1
    assert rel in result.output and "FAILED" in result.output
    assert "Traceback" not in result.output


def reseal(root: Path) -> None:
    """Recompute the manifest's file hashes and SHA256SUMS, as a careless edit might."""
    m = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    for shard in m["shards"]:
        for key in ("parquet", "warc"):
            shard[key] = manifest_writer.describe(root, shard[key]["path"])
    for key in ("index", "quarantine"):
        m[key] = {**manifest_writer.describe(root, m[key]["path"]), "lines": m[key]["lines"]}
    manifest_writer.write(root / "manifest.json", m)
    manifest_writer.write_sums(root)


def rewrite_parquet(path: Path, change) -> str:
    rows = pq.read_table(path).to_pylist()
    change(rows[0])
    meta = {k.decode(): v.decode() for k, v in pq.ParquetFile(path).metadata.metadata.items()
            if not k.startswith(b"ARROW")}
    writer = ShardWriter(path, meta)
    for row in rows:
        writer.write(row, 0)
    writer.close()
    return rows[0]["id"]


def test_parquet_that_disagrees_with_the_warc_fails_even_with_fresh_sums(release):
    rel = first(release, "data/*.parquet")
    rid = rewrite_parquet(release / rel, lambda row: row.update(title="Another title"))
    reseal(release)
    problems = corpuskit.verify(release)
    assert any(p.where == f"id {rid}" and "differs" in p.message for p in problems), problems


def test_schema_invalid_row_fails_with_its_pointer(release):
    rel = first(release, "data/*.parquet")
    rid = rewrite_parquet(release / rel, lambda row: row["outlet"].update(id="Not A Slug"))
    reseal(release)
    problems = corpuskit.verify(release)
    assert any(p.file == rel and p.where == f"id {rid}" and p.message.startswith("/outlet/id")
               for p in problems), problems


def test_parquet_pointer_off_target_fails(release):
    rel = first(release, "data/*.parquet")
    rewrite_parquet(release / rel, lambda row: row.update(
        warc_record_offset=row["warc_record_offset"] + 1))
    reseal(release)
    problems = corpuskit.verify(release)
    assert any(p.file == rel and "pointer" in p.message for p in problems), problems


def test_cdxj_offset_off_target_fails(release):
    index = release / "indexes/index.cdxj"
    lines = index.read_text(encoding="utf-8").splitlines()
    key, ts, fields = lines[0].split(" ", 2)
    f = json.loads(fields)
    f["offset"] = str(int(f["offset"]) + 10)
    lines[0] = f"{key} {ts} {json.dumps(f)}"
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reseal(release)
    problems = corpuskit.verify(release)
    assert [(p.file, p.where) for p in problems] == [("indexes/index.cdxj", "line 1")], problems


def test_manifest_counts_that_do_not_add_up_fail(release):
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    m["counts"]["packed"] += 1
    m["by_outlet"]["dw"] += 1
    manifest_writer.write(release / "manifest.json", m)
    manifest_writer.write_sums(release)
    messages = [str(p) for p in corpuskit.verify(release)]
    assert any("inputs" in s and "packed" in s for s in messages), messages
    assert any("by_outlet" in s for s in messages), messages


def test_an_extra_or_missing_file_fails(release):
    (release / "data" / "stray.parquet").write_bytes(b"PAR1")
    (release / "README.md").unlink()
    files = {p.file: p.message for p in corpuskit.verify(release)}
    assert "not listed" in files["data/stray.parquet"]
    assert "missing" in files["README.md"]


@pytest.mark.parametrize("damage", ["no_manifest", "junk_manifest", "no_sums", "empty"])
def test_a_garbled_release_is_reported_without_traceback(release, damage):
    if damage == "no_manifest":
        (release / "manifest.json").unlink()
    elif damage == "junk_manifest":
        (release / "manifest.json").write_text('{"counts": 3}')
    elif damage == "no_sums":
        (release / "SHA256SUMS").unlink()
    else:
        shutil.rmtree(release)
        release.mkdir()
    result = CliRunner().invoke(main, ["verify", str(release)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "FAILED" in result.output


def test_quarantine_line_count_is_checked(release):
    q = release / "quarantine.jsonl"
    q.write_text(q.read_text() * 2)
    reseal(release)
    assert any(p.file == "quarantine.jsonl" for p in corpuskit.verify(release))


def test_arrow_schema_matches_json_schema_required_fields():
    """Columns the JSON Schema never allows to be null are non-nullable in Parquet."""
    from corpuskit.schema import load_schema
    from corpuskit.writers.parquet import arrow_schema

    schema = arrow_schema()
    props = load_schema()["properties"]
    for name, spec in props.items():
        field = schema.field(name)
        may_be_null = "null" in json.dumps(spec.get("type", "")) or any(
            s.get("type") == "null" for s in spec.get("anyOf", [])) or None in spec.get(
            "enum", [])
        assert field.nullable == may_be_null, name
    assert schema.field("warc_record_offset").type == pa.int64()
