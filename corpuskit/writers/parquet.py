"""Articles as Parquet: an explicit Arrow schema that mirrors the JSON Schema, and back.

The Arrow schema is spelled out field for field (never inferred from data) so that every shard
of every release has the same column types, whatever the rows happen to contain. Times become
``timestamp[ms, tz=UTC]`` so that engines can filter and group on them; a day-precision date is
stored as that day's midnight UTC and ``published_precision == "day"`` turns it back into the
bare date when a row is read, so rows round-trip to the exact JSON records. Three extra
columns, named as in Common Crawl's columnar index, point at the article's records in the WARC.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..data import FIELD_ORDER
from ..schema import load_schema

UTC = timezone.utc
TIMESTAMP = pa.timestamp("ms", tz="UTC")
WARC_COLUMNS = ("warc_filename", "warc_record_offset", "warc_record_length")

# Rows per row group: big enough for zstd and page statistics to pay off, small enough that a
# writer holds only a few MB of articles at a time.
ROW_GROUP_ROWS = 1000
ROW_GROUP_BYTES = 64 * 1024 * 1024


def _s(name: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, pa.string(), nullable=nullable)


def _strings(name: str) -> pa.Field:
    return pa.field(name, pa.list_(pa.field("element", pa.string(), nullable=False)),
                    nullable=False)


_FIELDS: list[pa.Field] = [
    _s("id", False),
    _s("source_url"),
    _s("title", False),
    pa.field("outlet", pa.struct([_s("id", False), _s("name"), _s("domain")]), nullable=False),
    pa.field("published_at", TIMESTAMP),
    _s("published_precision"),
    _s("published_source"),
    _s("published_local"),  # keeps the outlet's own UTC offset, so it stays a string
    pa.field("captured_at", TIMESTAMP),
    _s("language", False),
    _strings("authors"),
    _strings("editors"),
    _strings("translators"),
    _s("text", False),
    pa.field("images", pa.list_(pa.field("element", pa.struct([
        _s("url", False), _s("original_url"), _s("caption"), _s("credit"), _s("alt"),
        _s("title"), _s("role", False),
    ]), nullable=False)), nullable=False),
    _strings("tags"),
    pa.field("embeds", pa.list_(pa.field("element", pa.struct([
        _s("type", False), _s("url"), _s("text"),
    ]), nullable=False)), nullable=False),
    _s("rights"),
    pa.field("source", pa.struct([
        _s("format", False), _s("path", False), _s("sha256", False),
        pa.field("bytes", pa.int64(), nullable=False), _s("mirror_url"),
        _s("encoding", False),
    ]), nullable=False),
    _strings("warnings"),
]
assert tuple(f.name for f in _FIELDS) == FIELD_ORDER

_WARC_FIELDS = [
    pa.field("warc_filename", pa.string(), nullable=False,
             metadata={"description": "Name of the WARC file (in warc/) holding the article's "
                                      "records."}),
    pa.field("warc_record_offset", pa.int64(), nullable=False,
             metadata={"description": "Byte offset of the article's first record in that "
                                      "file."}),
    pa.field("warc_record_length", pa.int64(), nullable=False,
             metadata={"description": "Bytes of the article's four gzip members together: raw "
                                      "capture, rendered HTML, metadata and conversion."}),
]


def _describe(field: pa.Field, spec: dict[str, Any]) -> pa.Field:
    """Attach the JSON Schema's description to a field and, recursively, to its children."""
    t = field.type
    if pa.types.is_struct(t):
        props = spec.get("properties", {})
        t = pa.struct([_describe(t.field(i), props.get(t.field(i).name, {}))
                       for i in range(t.num_fields)])
    elif pa.types.is_list(t) and pa.types.is_struct(t.value_type):
        t = pa.list_(_describe(t.value_field, spec.get("items", {})))
    out = pa.field(field.name, t, nullable=field.nullable)
    if "description" in spec:
        out = out.with_metadata({"description": spec["description"]})
    return out


def arrow_schema(metadata: dict[str, str] | None = None) -> pa.Schema:
    """The Arrow schema of a release's Parquet shards, with the JSON Schema's descriptions."""
    props = load_schema()["properties"]
    fields = [_describe(f, props[f.name]) for f in _FIELDS] + _WARC_FIELDS
    return pa.schema(fields, metadata=metadata)


# --- times -------------------------------------------------------------------------------

def parse_time(value: str | None) -> datetime | None:
    """RFC 3339 UTC (``…Z``) or a bare date (→ its midnight UTC) as an aware datetime."""
    if value is None:
        return None
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))  # 3.10 does not read "Z"
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def format_time(dt: datetime | None, precision: str | None = None) -> str | None:
    """The inverse of `parse_time`, following the extractor's rules (corpuskit.dates).

    Day precision gives the bare date; millisecond precision always shows milliseconds; any
    other time shows them only when they are not zero.
    """
    if dt is None:
        return None
    dt = dt.astimezone(UTC)
    if precision == "day":
        return dt.date().isoformat()
    s = dt.strftime("%Y-%m-%dT%H:%M:%S")
    ms = dt.microsecond // 1000
    if precision == "millisecond" or ms:
        s += f".{ms:03d}"
    return s + "Z"


def unrepresentable_times(record: dict[str, Any]) -> list[str]:
    """Fields whose text a Parquet row could not give back exactly ([] for extracted records).

    A pass-through record may say ``…:05.000Z`` at second precision, or a full time with day
    precision; the packer quarantines such a record rather than change it silently.
    """
    bad = []
    for name, precision in (("published_at", record.get("published_precision")),
                            ("captured_at", None)):
        value = record.get(name)
        try:
            ok = format_time(parse_time(value), precision) == value
        except (ValueError, TypeError, OverflowError):
            ok = False
        if not ok:
            bad.append(name)
    return bad


# --- rows ----------------------------------------------------------------------------------

def to_row(record: dict[str, Any], location: tuple[str, int, int]) -> dict[str, Any]:
    """An article's JSON record plus its WARC location → a row of `arrow_schema()`."""
    row = dict(record)
    row["published_at"] = parse_time(record["published_at"])
    row["captured_at"] = parse_time(record["captured_at"])
    row["warc_filename"], row["warc_record_offset"], row["warc_record_length"] = location
    return row


def from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row → the article's JSON record (the WARC columns dropped), keys in order."""
    record = {name: row[name] for name in FIELD_ORDER}
    record["published_at"] = format_time(row["published_at"], row["published_precision"])
    record["captured_at"] = format_time(row["captured_at"])
    return record


def iter_rows(path: str | Path, columns: list[str] | None = None,
              batch_size: int = ROW_GROUP_ROWS) -> Iterator[dict[str, Any]]:
    """Rows of one shard as dicts, in file order, a batch at a time."""
    pf = pq.ParquetFile(path)
    try:
        for batch in pf.iter_batches(batch_size=batch_size, columns=columns):
            yield from batch.to_pylist()
    finally:
        pf.close()


# --- writing ---------------------------------------------------------------------------------

def _supports(option: str) -> bool:
    return option in inspect.signature(pq.ParquetWriter.__init__).parameters


class ShardWriter:
    """Writes one Parquet shard, buffering a row group at a time.

    zstd, page index (so readers can skip pages by id or date), the id column declared as the
    sort order, and content-defined chunking where this pyarrow has it (≥ 21), which keeps page
    boundaries stable when rows are added so deduplicating storage (Hugging Face's Xet) stores
    a new release as a small delta of the last one.

    Rows come one by one (`write`) or already converted to Arrow (`write_batch`, for rows that
    other processes converted); either way a row group closes after `ROW_GROUP_ROWS` rows or
    `ROW_GROUP_BYTES` of the callers' size estimates, so the file's bytes are the same.
    """

    def __init__(self, path: str | Path, metadata: dict[str, str]) -> None:
        self.schema = arrow_schema(metadata)
        options: dict[str, Any] = {}
        if _supports("use_content_defined_chunking"):
            options["use_content_defined_chunking"] = True
        self._writer = pq.ParquetWriter(
            str(path), self.schema, compression="zstd", write_page_index=True,
            sorting_columns=[pq.SortingColumn(0)], **options,
        )
        self._rows: list[dict[str, Any]] = []
        self._batches: list[pa.RecordBatch] = []
        self._pending = 0  # rows in the open row group
        self._bytes = 0
        self.count = 0

    def write(self, row: dict[str, Any], size: int) -> None:
        """Add a row; ``size`` is a rough byte count used to bound the buffered row group."""
        if self._batches:
            self._flush_batches_as_rows()
        self._rows.append(row)
        self._bytes += size
        self.count += 1
        self._pending += 1
        if self._pending >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
            self._flush()

    def write_batch(self, batch: pa.RecordBatch, sizes: Sequence[int]) -> None:
        """Add the rows of ``batch`` (made with `rows_to_batch`); ``sizes`` as for `write`."""
        if len(sizes) != batch.num_rows:
            raise ValueError(f"{len(sizes)} sizes for {batch.num_rows} rows")
        if self._rows:
            self._flush_rows_as_batch()
        start = 0
        for i, size in enumerate(sizes):
            self._bytes += size
            self._pending += 1
            if self._pending >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
                self._batches.append(batch.slice(start, i + 1 - start))
                start = i + 1
                self._flush()
        if start < batch.num_rows:
            self._batches.append(batch.slice(start))
        self.count += batch.num_rows

    def _flush_rows_as_batch(self) -> None:
        self._batches.append(rows_to_batch(self._rows, self.schema))
        self._rows = []

    def _flush_batches_as_rows(self) -> None:
        for batch in self._batches:
            self._rows.extend(batch.to_pylist())
        self._batches = []

    def _flush(self) -> None:
        if self._rows:
            table = pa.Table.from_pylist(self._rows, schema=self.schema)
            self._writer.write_table(table, row_group_size=len(self._rows))
        elif self._batches:
            # one contiguous chunk per column, as from_pylist makes: the same pages
            table = pa.Table.from_batches(self._batches, schema=self.schema).combine_chunks()
            self._writer.write_table(table, row_group_size=table.num_rows)
        self._rows, self._batches, self._pending, self._bytes = [], [], 0, 0

    def close(self) -> None:
        self._flush()
        if self.count == 0:  # an empty shard still carries the schema and one empty row group
            self._writer.write_table(self.schema.empty_table())
        self._writer.close()


def rows_to_batch(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    """Rows made with `to_row` → an Arrow record batch of ``schema`` (`arrow_schema`)."""
    return pa.RecordBatch.from_pylist(rows, schema=schema)
