"""``verify``: everything a release promises, checked from its files alone.

Checks, each reported as a `Problem` naming the file and, where it helps, the id or offset:
SHA256SUMS against every file (nothing missing, nothing extra); the manifest's accounting and
counts against the Parquet, WARC, index and quarantine files; every Parquet row against the
schema copy in the release; Parquet and WARC holding the same records in the same order; the
Parquet pointers and every CDXJ line landing on the records they name; each raw capture's
SHA-256 against its record's ``source.sha256``; the WARC digests (`check_warc`); a WACZ
(`check_wacz`) and croissant.json (`check_croissant`) when present. A BagIt bag (``pack
--bagit``) has its manifests checked (`check_bag`), then the release in its ``data/``.

Nothing here raises on a damaged release: an unreadable file is a problem like any other.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

if TYPE_CHECKING:  # imported lazily: jsonschema's format checkers take ~2 s to import
    from jsonschema import Draft202012Validator
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from ..data import Article
from ..writers.bagit import PAYLOAD, check_bag, is_bag
from ..writers.croissant import FILENAME as CROISSANT
from ..writers.croissant import check_croissant
from ..writers.manifest import read_sums, sha256_file
from ..writers.parquet import WARC_COLUMNS, from_row, iter_rows
from ..writers.wacz import check_wacz, find_wacz
from ..writers.warc import (
    ARTICLE_RECORD_TYPES,
    WarcLocation,
    check_warc,
    iter_warc_articles,
)
from . import layout
from .executors import available_cpus, make_executor


@dataclass(frozen=True)
class Problem:
    """One thing that does not hold: the file (relative to the release) and what is wrong."""

    file: str
    message: str
    where: str | None = None  # "id 0123…", "offset 4931", "line 7"

    def __str__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"{self.file or '.'}{where}: {self.message}"


class _Report:
    def __init__(self, progress: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        self.problems: list[Problem] = []
        # progress(event, {"done", "total"}): "checksum" per file hashed, "row" per row checked
        self.progress = progress or (lambda event, info: None)

    def add(self, file: str, message: str, where: str | None = None) -> None:
        self.problems.append(Problem(file, message, where))


def _safe_rel(rel: str) -> bool:
    p = PurePosixPath(rel)
    return bool(rel) and not p.is_absolute() and ".." not in p.parts and "\\" not in rel


def _read_text(root: Path, rel: str, r: _Report, missing: str = "missing") -> str | None:
    """A release file's text, or None with the problem reported against the file."""
    try:
        return (root / rel).read_text(encoding="utf-8")
    except FileNotFoundError:
        r.add(rel, missing)
    except (OSError, UnicodeDecodeError) as exc:
        r.add(rel, f"unreadable: {exc}")
    return None


def _check_sums(root: Path, r: _Report) -> None:
    text = _read_text(root, layout.SUMS, r,
                      missing="missing: not a release, or a pack that did not finish")
    if text is None:
        return
    sums, bad = read_sums(text)
    for b in bad:
        r.add(layout.SUMS, b)
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    present.discard(layout.SUMS)
    for done, (rel, digest) in enumerate(sorted(sums.items()), start=1):
        r.progress("checksum", {"done": done, "total": len(sums)})
        if not _safe_rel(rel):
            r.add(layout.SUMS, f"lists a path outside the release: {rel!r}")
        elif rel not in present:
            r.add(rel, "listed in SHA256SUMS but missing")
        elif sha256_file(root / rel) != digest:
            r.add(rel, "SHA-256 does not match SHA256SUMS (the file was changed or damaged)")
    for rel in sorted(present - set(sums)):
        r.add(rel, "not listed in SHA256SUMS")


def _load_json(root: Path, rel: str, r: _Report) -> Any:
    try:
        return json.loads((root / rel).read_text(encoding="utf-8"))
    except FileNotFoundError:
        r.add(rel, "missing")
    except (OSError, ValueError) as exc:
        r.add(rel, f"not valid JSON: {exc}")
    return None


def _validator(root: Path, manifest: dict[str, Any], r: _Report
               ) -> Draft202012Validator | None:
    from jsonschema import Draft202012Validator

    schema = _load_json(root, layout.SCHEMA, r)
    if schema is None:
        return None
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as exc:
        r.add(layout.SCHEMA, f"not a valid JSON Schema: {str(exc).splitlines()[0]}")
        return None
    expected = manifest.get("schema", {})
    if schema.get("$id") != expected.get("id"):
        r.add(layout.SCHEMA, f"$id {schema.get('$id')!r} is not the manifest's schema id")
    if sha256_file(root / layout.SCHEMA) != expected.get("sha256"):
        r.add(layout.SCHEMA, "SHA-256 differs from manifest.json")
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _check_accounting(m: dict[str, Any], r: _Report) -> None:
    c = m["counts"]
    f = layout.MANIFEST
    if c["inputs"] != c["packed"] + c["duplicates"] + c["quarantined"]:
        r.add(f, f"counts: {c['inputs']} inputs != {c['packed']} packed + "
                 f"{c['duplicates']} duplicates + {c['quarantined']} quarantined")
    records = sum(i["records"] for i in m["inputs"])
    if records != c["inputs"]:
        r.add(f, f"counts: inputs says {c['inputs']}, the input files hold {records} records")
    if len(m["inputs"]) != c["files"]:
        r.add(f, f"counts: files says {c['files']}, {len(m['inputs'])} are listed")
    if len(m["duplicates"]) != c["duplicates"]:
        r.add(f, f"counts: duplicates says {c['duplicates']}, {len(m['duplicates'])} listed")
    if len(m["shards"]) != c["shards"]:
        r.add(f, f"counts: shards says {c['shards']}, {len(m['shards'])} listed")
    rows = sum(s["rows"] for s in m["shards"])
    if rows != c["packed"]:
        r.add(f, f"counts: packed says {c['packed']}, the shards list {rows} rows")
    if sum(m["quarantine_reasons"].values()) != c["quarantined"]:
        r.add(f, "counts: quarantine_reasons do not add up to quarantined")


def _check_described(root: Path, d: dict[str, Any], r: _Report) -> None:
    """A manifest entry {path, bytes, sha256} against the file it describes."""
    rel = d["path"]
    p = root / rel
    if not _safe_rel(rel) or not p.is_file():
        r.add(layout.MANIFEST, f"lists {rel!r}, which is not a file of the release")
    elif p.stat().st_size != d["bytes"] or sha256_file(p) != d["sha256"]:
        r.add(rel, "size or SHA-256 differs from manifest.json")


def _check_lines(root: Path, rel: str, expected: int, r: _Report) -> list[str]:
    try:
        lines = (root / rel).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        r.add(rel, "missing")
        return []
    except (OSError, UnicodeDecodeError) as exc:
        r.add(rel, f"unreadable: {exc}")
        return []
    if len(lines) != expected:
        r.add(rel, f"{len(lines)} lines, manifest.json says {expected}")
    return lines


def _check_quarantine(root: Path, m: dict[str, Any], r: _Report) -> None:
    _check_described(root, m["quarantine"], r)
    lines = _check_lines(root, layout.QUARANTINE, m["counts"]["quarantined"], r)
    reasons: Counter[str] = Counter()
    for n, line in enumerate(lines, start=1):
        try:
            q = json.loads(line)
            reasons[q["reason"]] += 1
            if not q["path"]:
                raise ValueError("no path")
        except (ValueError, KeyError, TypeError) as exc:
            r.add(layout.QUARANTINE, f"not a quarantine entry: {exc}", f"line {n}")
    if lines and dict(reasons) != m["quarantine_reasons"]:
        r.add(layout.QUARANTINE, "reasons differ from manifest.json's quarantine_reasons")


def _records_at(fh: Any, offset: int, length: int) -> list[tuple[Any, bytes]]:
    """The WARC records in the byte range [offset, offset + length): (headers, content)."""
    fh.seek(offset)
    data = fh.read(length)
    if len(data) != length:
        raise ValueError("the range runs past the end of the file")
    out = []
    for rec in ArchiveIterator(io.BytesIO(data), no_record_parse=True):
        out.append((rec.rec_headers, rec.content_stream().read()))
    return out


def _record_ok(raw_sha: str, source_sha: str, passthrough: set[str]) -> bool:
    # A record read from a JSON/JSONL record file keeps its original source.sha256; its raw
    # bytes in the WARC are then the record file, listed among the inputs as format "record".
    return raw_sha == source_sha or raw_sha in passthrough


def _year(record: dict[str, Any]) -> str:
    return record["published_at"][:4] if record["published_at"] else "unknown"


class _Scan:
    """What one pass over a WARC shard (`check_warc`'s) saw: its problems, its records and, when
    the shard is laid out as `WarcWriter` writes it, its articles.

    Verifying then needs no second read of the shard: a row's pointer, its record (by the
    SHA-256 of its canonical JSON) and its raw capture's SHA-256 are compared with what the pass
    saw, and the CDXJ lines with a table of the records. Whatever does not match is checked
    again the slow way (reading the records at the place named), which also writes the
    detailed messages.
    """

    def __init__(self, path: Path) -> None:
        self.offsets = array("q")  # every record but the warcinfo, in file order
        self.keys = array("q")  # hash of (length, target URI, payload digest) per record
        self.articles: list[tuple[int, int, str | None, str, str]] = []  # start, length, meta
        # URI, meta block SHA-256, raw block SHA-256
        self.laid_out = True
        self._group: list[tuple[int, int, StatusAndHeaders, str]] = []
        self._first = True
        self.problems = check_warc(path, self._record)
        if self._group:
            self.laid_out = False
        self._group = []  # what is left travels back from a pool worker

    def _record(self, offset: int, length: int, headers: StatusAndHeaders, sha: str) -> None:
        rec_type = headers.get_header("WARC-Type")
        if self._first:
            self._first = False
            self.laid_out = self.laid_out and rec_type == "warcinfo"
            return
        self.offsets.append(offset)
        self.keys.append(_key(length, headers.get_header("WARC-Target-URI"),
                              headers.get_header("WARC-Payload-Digest")))
        if not self.laid_out:
            return
        group = self._group
        if rec_type != ARTICLE_RECORD_TYPES[len(group)]:
            self.laid_out = False
            return
        group.append((offset, length, headers, sha))
        if len(group) < len(ARTICLE_RECORD_TYPES):
            return
        raw, meta, last = group[0], group[2], group[3]
        if meta[2].get_header("WARC-Refers-To") != raw[2].get_header("WARC-Record-ID"):
            self.laid_out = False
            return
        self.articles.append((raw[0], last[0] + last[1] - raw[0],
                              meta[2].get_header("WARC-Target-URI"), meta[3], raw[3]))
        self._group = []

    def has(self, offset: int, length: int, url: str | None, digest: str | None) -> bool:
        """Whether a record of that compressed length, URI and payload digest starts there."""
        i = bisect_left(self.offsets, offset)
        return (i < len(self.offsets) and self.offsets[i] == offset
                and self.keys[i] == _key(length, url, digest))


def _key(length: int, url: str | None, digest: str | None) -> int:
    """64 bits of a hash of a record's (length, URI, digest), the same in every process."""
    data = f"{length}\0{url}\0{digest}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


def _scan(path: str) -> _Scan | str:
    """A shard's `_Scan` (in a pool worker), or why it could not be read."""
    try:
        return _Scan(Path(path))
    except Exception as exc:
        return f"unreadable: {type(exc).__name__}: {exc}"


class _Scans:
    """The shards' scans, run ahead in a pool of ``workers`` processes while the rows of the
    shards before are being checked; `get` waits for one (in manifest order)."""

    def __init__(self, paths: list[str], workers: int) -> None:
        self._stack = ExitStack()
        executor = self._stack.enter_context(make_executor("local", workers))
        self._results: dict[int, _Scan | str] = {}
        self._pending = executor.run(_scan, [(p,) for p in paths])

    def get(self, i: int) -> _Scan | str:
        while i not in self._results:
            k, result = next(self._pending)
            self._results[k] = result
        return self._results.pop(i)

    def close(self) -> None:
        self._pending.close()
        self._stack.close()


def _canonical_sha(record: dict[str, Any]) -> str:
    """SHA-256 of the record as `Article.to_json` writes it (the WARC metadata block)."""
    return hashlib.sha256(json.dumps(record, ensure_ascii=False, separators=(",", ":"))
                          .encode("utf-8", "surrogatepass")).hexdigest()


def _fast_validator(root: Path) -> Any:
    """jsonschema-rs for the release's schema copy (the yes/no check; jsonschema writes the
    messages when it says no), or None when it cannot be built."""
    try:
        import jsonschema_rs

        schema = json.loads((root / layout.SCHEMA).read_text(encoding="utf-8"))
        return jsonschema_rs.validator_for(schema, validate_formats=True)
    except Exception:
        return None


def _check_shards(root: Path, m: dict[str, Any], validator: Draft202012Validator | None,
                  r: _Report, scans: dict[str, _Scan] | None = None,
                  workers: int | None = None) -> None:
    paths = [str(root / s["warc"]["path"]) for s in m["shards"]]
    big = len(paths) > 1 and m["counts"].get("packed", 0) >= _POOL_ARTICLES
    ahead = _Scans(paths, (workers or available_cpus()) if big else 1)
    try:
        _check_shard_rows(root, m, validator, r, scans, ahead)
    finally:
        ahead.close()


# Below this many articles the shards are scanned in this process: a pool costs more.
_POOL_ARTICLES = 5000


def _check_shard_rows(root: Path, m: dict[str, Any], validator: Draft202012Validator | None,
                      r: _Report, scans: dict[str, _Scan] | None, ahead: _Scans) -> None:
    passthrough = {i["sha256"] for i in m["inputs"] if i.get("format") == "record"}
    fast_valid = _fast_validator(root) if validator is not None else None
    outlets: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    years: Counter[str] = Counter()
    last_id = ""
    done, total = 0, m["counts"].get("packed")
    for k, shard in enumerate(m["shards"]):
        pq_rel, warc_rel = shard["parquet"]["path"], shard["warc"]["path"]
        _check_described(root, shard["parquet"], r)
        _check_described(root, shard["warc"], r)
        warc_path = root / warc_rel
        scan: _Scan | str | None = ahead.get(k)
        if isinstance(scan, str):
            r.add(warc_rel, scan)
            scan = None
        if scan is not None:
            for problem in scan.problems:
                r.add(warc_rel, problem.replace(f"{warc_path}: ", ""))
            if scans is not None:
                scans[os.path.basename(warc_rel)] = scan
        # sound and laid out as written: compare with what the pass saw; else read again
        articles = scan.articles if scan is not None and scan.laid_out and not scan.problems \
            else None
        rows = 0
        first = None
        try:
            meta = pq.ParquetFile(root / pq_rel).schema_arrow
            missing = [c for c in WARC_COLUMNS if c not in meta.names]
            if missing:
                r.add(pq_rel, f"no column(s) {', '.join(missing)}")
                continue
            with open(warc_path, "rb") as wfh:
                warc_iter = _warc_articles(warc_path) if articles is None else None
                for row in iter_rows(root / pq_rel):
                    rows += 1
                    done += 1
                    r.progress("row", {"done": done, "total": total})
                    rid = row["id"]
                    first = first or rid
                    where = f"id {rid}"
                    if rid <= last_id:
                        r.add(pq_rel, f"not in id order (after {last_id})", where)
                    last_id = max(last_id, rid)
                    record = from_row(row)
                    if validator is not None and (fast_valid is None
                                                  or not fast_valid.is_valid(record)):
                        for err in sorted(validator.iter_errors(record), key=str):
                            ptr = "".join(f"/{p}" for p in err.absolute_path) or "/"
                            r.add(pq_rel, f"{ptr}: {err.message}", where)
                    outlets[record["outlet"]["id"]] += 1
                    languages[record["language"]] += 1
                    years[_year(record)] += 1
                    if articles is not None:
                        _check_row_fast(wfh, row, record, articles, rows - 1, warc_rel, pq_rel,
                                        passthrough, r)
                        continue
                    _check_pointer(wfh, row, warc_rel, pq_rel, r)
                    got = next(warc_iter, None)
                    if got is None:
                        r.add(warc_rel, "fewer articles than its Parquet shard", where)
                        continue
                    _check_article(got, row, record, warc_rel, pq_rel, passthrough, r)
                extra = (len(articles) - rows if articles is not None
                         else sum(1 for _ in warc_iter))
                if extra > 0:
                    r.add(warc_rel, f"{extra} more articles than its Parquet shard")
        except _WarcUnreadable as exc:
            r.add(warc_rel, f"unreadable: {exc}")
        except Exception as exc:  # a damaged file must be reported, not raise
            r.add(pq_rel, f"unreadable: {type(exc).__name__}: {exc}")
        if rows != shard["rows"]:
            r.add(pq_rel, f"{rows} rows, manifest.json says {shard['rows']}")
        if rows and first != shard["first_id"]:
            r.add(pq_rel, f"first id {first}, manifest.json says {shard['first_id']}")
    for name, got, key in (("outlet", outlets, "by_outlet"), ("language", languages,
                           "by_language"), ("year", years, "by_year")):
        if dict(got) != m[key]:
            r.add(layout.MANIFEST, f"{key} differs from the articles per {name} in the data")


def _check_article(got: tuple[Any, bytes, Any], row: dict[str, Any], record: dict[str, Any],
                   warc_rel: str, pq_rel: str, passthrough: set[str], r: _Report) -> None:
    """A row against its article as read back from the WARC (the slow way)."""
    where = f"id {row['id']}"
    article, raw, loc = got
    if article.to_dict() != record:
        r.add(warc_rel, f"the record differs from {pq_rel}'s row "
                        f"(WARC has id {article.id})", where)
    if (loc.filename, loc.offset, loc.length) != (
            row["warc_filename"], row["warc_record_offset"], row["warc_record_length"]):
        r.add(pq_rel, f"pointer ({row['warc_filename']}, {row['warc_record_offset']}, "
                      f"{row['warc_record_length']}) is not where the article is "
                      f"({loc.filename}, {loc.offset}, {loc.length})", where)
    raw_sha = hashlib.sha256(raw).hexdigest()
    if not _record_ok(raw_sha, article.source.sha256, passthrough):
        r.add(warc_rel, f"raw capture has SHA-256 {raw_sha}, source.sha256 "
                        f"says {article.source.sha256}", where)


def _check_row_fast(wfh: Any, row: dict[str, Any], record: dict[str, Any],
                    articles: list[tuple[int, int, str | None, str, str]], i: int,
                    warc_rel: str, pq_rel: str, passthrough: set[str], r: _Report) -> None:
    """A row against the i-th article of a sound shard, from what the single pass saw."""
    if i >= len(articles):
        r.add(warc_rel, "fewer articles than its Parquet shard", f"id {row['id']}")
        return
    start, length, meta_uri, meta_sha, raw_sha = articles[i]
    pointer = (row["warc_filename"], row["warc_record_offset"], row["warc_record_length"])
    same = (_canonical_sha(record) == meta_sha
            and _record_ok(raw_sha, record["source"]["sha256"], passthrough))
    if (pointer == (os.path.basename(warc_rel), start, length)
            and meta_uri == f"urn:corpuskit:article:{row['id']}" and same):
        return
    # something differs: the slow way, which says what (reads this article's records only)
    _check_pointer(wfh, row, warc_rel, pq_rel, r)
    try:
        recs = _records_at(wfh, start, length)
        raw, meta = recs[0][1], recs[2][1]
        article = Article.from_dict(json.loads(meta))
    except Exception as exc:
        r.add(warc_rel, f"unreadable: {type(exc).__name__}: {exc}", f"id {row['id']}")
        return
    _check_article((article, raw, WarcLocation(os.path.basename(warc_rel), start, length)),
                   row, record, warc_rel, pq_rel, passthrough, r)


class _WarcUnreadable(Exception):
    pass


def _warc_articles(path: Path) -> Iterator[Any]:
    try:
        yield from iter_warc_articles(path)
    except Exception as exc:
        raise _WarcUnreadable(f"{type(exc).__name__}: {exc}") from exc


def _check_pointer(wfh: Any, row: dict[str, Any], warc_rel: str, pq_rel: str,
                   r: _Report) -> None:
    """The row's WARC byte range holds exactly its article's four records."""
    where = f"id {row['id']}"
    if row["warc_filename"] != os.path.basename(warc_rel):
        r.add(pq_rel, f"warc_filename {row['warc_filename']!r} is not {warc_rel}", where)
        return
    try:
        recs = _records_at(wfh, row["warc_record_offset"], row["warc_record_length"])
    except Exception as exc:
        r.add(pq_rel, f"pointer does not land on WARC records: {exc}", where)
        return
    types = tuple(h.get_header("WARC-Type") for h, _ in recs)
    meta_uri = f"urn:corpuskit:article:{row['id']}"
    if types != ARTICLE_RECORD_TYPES or recs[2][0].get_header("WARC-Target-URI") != meta_uri:
        r.add(pq_rel, f"pointer lands on {types}, not on this article's records", where)


def _check_index(root: Path, m: dict[str, Any], r: _Report,
                 scans: dict[str, _Scan] | None = None) -> None:
    rel = layout.INDEX
    _check_described(root, m["index"], r)
    lines = _check_lines(root, rel, m["index"]["lines"], r)
    expected = len(ARTICLE_RECORD_TYPES) * m["counts"]["packed"]
    if len(lines) != expected:
        r.add(rel, f"{len(lines)} lines for {m['counts']['packed']} articles "
                   f"({len(ARTICLE_RECORD_TYPES)} records each: {expected})")
    if [line.encode() for line in lines] != sorted(line.encode() for line in lines):
        r.add(rel, "not sorted (as LC_ALL=C sort)")
    warcs = {os.path.basename(s["warc"]["path"]): root / s["warc"]["path"]
             for s in m["shards"]}
    handles: dict[str, Any] = {}
    seen: set[tuple[str, int]] = set()
    with ExitStack() as stack:
        for n, line in enumerate(lines, start=1):
            where = f"line {n}"
            try:
                _key, _ts, fields = line.split(" ", 2)
                f = json.loads(fields)
                name, offset, length = f["filename"], int(f["offset"]), int(f["length"])
            except (ValueError, KeyError, TypeError) as exc:
                r.add(rel, f"not a CDXJ line: {exc}", where)
                continue
            if name not in warcs:
                r.add(rel, f"names {name!r}, not a WARC of this release", where)
                continue
            if (name, offset) in seen:
                r.add(rel, f"a second line for {name} offset {offset}", where)
            seen.add((name, offset))
            scan = (scans or {}).get(name)
            if scan is not None and isinstance(f, dict) and f.get("digest") \
                    and scan.has(offset, length, f.get("url"), f["digest"]):
                continue  # the single pass saw exactly this record there
            if name not in handles:
                handles[name] = stack.enter_context(open(warcs[name], "rb"))
            try:
                recs = _records_at(handles[name], offset, length)
            except Exception as exc:
                r.add(rel, f"{name} offset {offset}: no WARC record there ({exc})", where)
                continue
            if len(recs) != 1:
                r.add(rel, f"{name} offset {offset} length {length}: holds {len(recs)} "
                           "records, not one", where)
                continue
            headers, _ = recs[0]
            if headers.get_header("WARC-Target-URI") != f.get("url"):
                r.add(rel, f"{name} offset {offset}: the record there is for "
                           f"{headers.get_header('WARC-Target-URI')}, not {f.get('url')}",
                      where)
            elif f.get("digest") and headers.get_header("WARC-Payload-Digest") != f["digest"]:
                r.add(rel, f"{name} offset {offset}: digest differs from the record's", where)


def _check_card(root: Path, m: dict[str, Any], r: _Report) -> None:
    text = _read_text(root, layout.CARD, r)
    if text is None:
        return
    head = text.split("\n---\n", 1)[0]
    if not text.startswith("---\n") or "config_name: default" not in head:
        r.add(layout.CARD, "no Hugging Face front matter with the default config")


def _check_extras(root: Path, m: dict[str, Any], r: _Report) -> None:
    """The WACZ files and croissant.json, when the release has them (writers/wacz.py,
    writers/croissant.py say what is checked)."""
    for rel in find_wacz(root):
        for problem in check_wacz(root, rel, m):
            r.add(rel, problem)
    if (root / CROISSANT).exists():
        for problem in check_croissant(root, m):
            r.add(CROISSANT, problem)


def _safe(fn: Any, rel: str, r: _Report) -> Any:
    try:
        return fn()
    except Exception as exc:
        r.add(rel, f"unreadable: {type(exc).__name__}: {exc}")
        return None


def verify(path: str | os.PathLike[str],
           progress: Callable[[str, dict[str, Any]], None] | None = None,
           workers: int | None = None) -> list[Problem]:
    """Every problem found in the release at ``path``; [] when it is sound.

    ``progress(event, {"done", "total"})``, if given, is called per file checksummed
    (``"checksum"``) and per Parquet row checked (``"row"``); it must be cheap.

    ``workers``: processes that read the WARC shards ahead of the row checks (default: the
    cores available; small releases are read in this process).
    """
    root = Path(path)
    if is_bag(root):  # a bag (pack --bagit): its manifests, then the release in its data/
        return [Problem(f, msg) for f, msg in check_bag(root)] + [
            Problem(f"{PAYLOAD}/{p.file}", p.message, p.where)
            for p in verify(root / PAYLOAD, progress, workers)]
    r = _Report(progress)
    if not root.is_dir():
        r.add("", "not a folder")
        return r.problems
    _check_sums(root, r)
    m = _load_json(root, layout.MANIFEST, r)
    if not isinstance(m, dict):
        if m is not None:
            r.add(layout.MANIFEST, "not a JSON object")
        return r.problems
    try:
        _check_accounting(m, r)
    except (KeyError, TypeError, AttributeError) as exc:
        r.add(layout.MANIFEST, f"not a release manifest ({type(exc).__name__}: {exc})")
        return r.problems
    validator = _validator(root, m, r)
    _safe(lambda: _check_quarantine(root, m, r), layout.MANIFEST, r)
    # the shards are read first (their single pass also serves the index check); their
    # problems are reported last, as always
    shards = _Report(r.progress)
    scans: dict[str, _Scan] = {}
    _safe(lambda: _check_shards(root, m, validator, shards, scans, workers), layout.MANIFEST,
          shards)
    for step in (_check_index, _check_card, _check_extras):
        _safe(lambda s=step: s(root, m, r, scans) if s is _check_index else s(root, m, r),
              layout.MANIFEST, r)
    r.problems += shards.problems
    return r.problems
