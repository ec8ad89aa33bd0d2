"""``OUT/<name>.wacz``: the release's WARCs as a WACZ 1.1.1 file, for replayweb.page and pywb.

WACZ (Web Archive Collection Zipped, https://specs.webrecorder.net/wacz/1.1.1/) is a ZIP that a
browser can replay from with HTTP range requests. The one written here holds::

    archive/articles-00000-of-00001.warc.gz   the release's WARC shards, byte for byte (STORED)
    datapackage-digest.json                   {"path": "datapackage.json", "hash": "sha256:…"}
    datapackage.json                          profile, wacz_version 1.1.1, resources with sha256
    indexes/index.cdx                         the release's CDXJ index, byte for byte (DEFLATE)
    pages/pages.jsonl                         the page list: one line per article with a URL

Choices, each for a reader that exists:

- **WACZ 1.1.1**, ``"profile": "data-package"``: what ``wacz validate`` (py-wacz) accepts.
- **The index is named ``index.cdx``** though it holds CDXJ lines (the spec allows either): pywb's
  ``wb-manager add --unpack-wacz`` only picks up ``indexes/*.cdx(.gz)``, and replayweb.page checks
  the hash of a ``.cdx`` against ``datapackage.json`` (it loads ``.cdxj`` too, but unchecked). A
  single plain index, not a ZipNum ``index.idx`` + ``index.cdx.gz``: replayweb.page reads it
  whole, which is fine up to some hundred thousand articles.
- **Pages**: one per article that has a ``source_url``, in id order: ``id`` (the article id),
  ``url`` (the URL of its rendered-HTML record, as written in the WARC), ``ts`` (that record's
  WARC-Date, ``YYYY-MM-DDTHH:MM:SSZ``: capture time, else publication time, else the release
  date) and ``title``. An article without a URL is left out of the page list (its page is at
  ``urn:corpuskit:article:<id>:html``, which no browser-based replay can open as a page); it stays
  in the index and in the WARC.
- **Byte-reproducible**: entries sorted by name, every entry dated from the release date
  (``SOURCE_DATE_EPOCH`` or the data's latest date; clamped to 1980, ZIP's first year), Unix
  attributes ``-rw-r--r--``, no extra fields but ZIP64's (which ZIP adds only where a size or an
  offset needs it), the WARCs and the CDXJ copied, never regenerated. ``wacz create`` is not used:
  it dates entries and ``created`` by the clock.

`check_wacz` is what ``corpuskit verify`` runs on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyarrow.parquet as pq

from .. import __version__
from .warc import _safe_uri, warc_date

WACZ_VERSION = "1.1.1"
PAGES = "pages/pages.jsonl"
INDEX = "indexes/index.cdx"
DATAPACKAGE = "datapackage.json"
DIGEST = "datapackage-digest.json"
ARCHIVE_DIR = "archive"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}

_FILE_MODE = 0o100644  # a regular file, rw-r--r--
_CHUNK = 1 << 20


def wacz_name(release_name: str) -> str:
    """The WACZ's file name in OUT: the release name, made safe for a file name, + ``.wacz``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", release_name).strip("-.")
    return f"{safe or 'release'}.wacz"


def zip_time(date: str) -> tuple[int, int, int, int, int, int]:
    """A release date (``YYYY-MM-DDTHH:MM:SSZ``) as a ZIP entry time, within ZIP's 1980–2107."""
    y, mo, d = int(date[0:4]), int(date[5:7]), int(date[8:10])
    h, mi, s = int(date[11:13]), int(date[14:16]), int(date[17:19])
    if y < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if y > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (y, mo, d, h, mi, s)


def _ts(value: str) -> str:
    """A WARC-Date as a page ``ts``: whole seconds, as the 14-digit CDXJ timestamp has them."""
    return value[:19] + "Z"


def iter_pages(root: Path, doc: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """The page entries (without the header line) of the release at ``root``, in id order."""
    release_date = warc_date(doc["release"]["date"])
    columns = ["id", "source_url", "title", "captured_at", "published_at",
               "published_precision"]
    for shard in doc["shards"]:
        pf = pq.ParquetFile(root / shard["parquet"]["path"])
        try:
            for batch in pf.iter_batches(columns=columns):
                for row in batch.to_pylist():
                    if not row["source_url"]:
                        continue
                    yield {"id": row["id"], "url": _safe_uri(row["source_url"]),
                           "ts": _ts(_page_date(row) or release_date), "title": row["title"]}
        finally:
            pf.close()


def _page_date(row: dict[str, Any]) -> str | None:
    """The WARC-Date the writer gives the article's records (see `WarcWriter._article_date`)."""
    from .parquet import format_time

    for value in (format_time(row["captured_at"]),
                  format_time(row["published_at"], row["published_precision"])):
        if value:
            return warc_date(value)
    return None


def _line(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")


def _dumps(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _entry(name: str, date: tuple[int, ...], compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date)  # type: ignore[arg-type]
    info.compress_type = compress
    info.create_system = 3  # Unix, whatever the platform: the attributes below are Unix ones
    info.external_attr = _FILE_MODE << 16
    return info


def _add(zf: zipfile.ZipFile, name: str, date: tuple[int, ...], source: IO[bytes], size: int,
         compress: int) -> str:
    """Copy ``source`` into the ZIP as ``name``; the sha256 of what was copied."""
    info = _entry(name, date, compress)
    info.file_size = size  # lets zipfile decide on ZIP64 up front, the same way every time
    h = hashlib.sha256()
    with zf.open(info, "w") as out:
        while chunk := source.read(_CHUNK):
            h.update(chunk)
            out.write(chunk)
    return h.hexdigest()


def write_wacz(root: Path, doc: Mapping[str, Any]) -> str:
    """Write ``<name>.wacz`` into the release folder ``root`` (whose manifest is ``doc``).

    Run once the WARCs, the index and the Parquet shards are written. Returns the WACZ's path
    relative to ``root``.
    """
    rel = doc["release"]
    name = wacz_name(rel["name"])
    date = zip_time(rel["date"])
    warcs = [(f"{ARCHIVE_DIR}/{os.path.basename(s['warc']['path'])}", root / s["warc"]["path"],
              s["warc"]["bytes"], s["warc"]["sha256"]) for s in doc["shards"]]
    index_path = root / doc["index"]["path"]
    resources: dict[str, tuple[int, str]] = {
        path: (size, sha) for path, _, size, sha in warcs}
    resources[INDEX] = (doc["index"]["bytes"], doc["index"]["sha256"])

    with tempfile.TemporaryFile() as pages:
        h = hashlib.sha256()
        for obj in (PAGES_HEADER, *iter_pages(root, doc)):
            line = _line(obj)
            h.update(line)
            pages.write(line)
        resources[PAGES] = (pages.tell(), h.hexdigest())
        pages.seek(0)

        package = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "title": rel["name"],
            "description": _description(rel),
            "created": rel["date"],
            "software": f"corpuskit {__version__}",
            "resources": [{"name": os.path.basename(path).lower(), "path": path,
                           "hash": f"sha256:{sha}", "bytes": size}
                          for path, (size, sha) in sorted(resources.items())],
        }
        package_bytes = _dumps(package)
        digest_bytes = _dumps({"path": DATAPACKAGE,
                               "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()})

        # entry name → (what to copy: a file, bytes or the open pages file; size; method; sha256)
        sources: dict[str, tuple[Path | bytes | IO[bytes], int, int, str | None]] = {
            path: (file, size, zipfile.ZIP_STORED, sha) for path, file, size, sha in warcs}
        sources[INDEX] = (index_path, doc["index"]["bytes"], zipfile.ZIP_DEFLATED,
                          doc["index"]["sha256"])
        sources[PAGES] = (pages, resources[PAGES][0], zipfile.ZIP_DEFLATED,
                          resources[PAGES][1])
        sources[DATAPACKAGE] = (package_bytes, len(package_bytes), zipfile.ZIP_DEFLATED, None)
        sources[DIGEST] = (digest_bytes, len(digest_bytes), zipfile.ZIP_DEFLATED, None)

        tmp = root / f".{name}.part"
        try:
            with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
                for path in sorted(sources, key=lambda p: p.encode("utf-8")):
                    src, size, compress, expected = sources[path]
                    with contextlib.ExitStack() as stack:
                        if isinstance(src, Path):
                            fh: IO[bytes] = stack.enter_context(open(src, "rb"))
                        else:
                            fh = io.BytesIO(src) if isinstance(src, bytes) else src
                        got = _add(zf, path, date, fh, size, compress)
                    if expected is not None and got != expected:
                        raise RuntimeError(f"{path}: changed while the WACZ was written")
            os.replace(tmp, root / name)
        finally:
            tmp.unlink(missing_ok=True)
    return name


def _description(rel: Mapping[str, Any]) -> str:
    text = rel.get("description") or (
        "News articles packed by corpuskit: per article the raw capture, a rendered HTML page "
        "at the article's own URL, the article record as JSON and its plain text.")
    return f"{text}\n\nRelease {rel['name']} {rel['version']}, dated {rel['date']}."


# --- checking ------------------------------------------------------------------------------

def find_wacz(root: Path) -> list[str]:
    """The WACZ files at the top of a release folder (names relative to it), sorted."""
    return sorted(p.name for p in root.glob("*.wacz") if p.is_file())


def _entry_sha256(zf: zipfile.ZipFile, name: str) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with zf.open(name) as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def check_wacz(root: Path, rel: str, doc: Mapping[str, Any]) -> list[str]:
    """Problems of the WACZ ``rel`` in the release at ``root`` (manifest ``doc``); [] if sound.

    The datapackage digest and every resource's sha256 and size; nothing in the ZIP that the
    datapackage does not list; the WARCs stored, not compressed, and byte-identical to the
    release's (same sha256 as in manifest.json); the index byte-identical to the release's; the
    page list's header and one page per article with a URL.
    """
    try:
        with zipfile.ZipFile(root / rel) as zf:
            return _check_zip(zf, root, doc)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        return [f"not a readable ZIP: {type(exc).__name__}: {exc}"]


def _check_zip(zf: zipfile.ZipFile, root: Path, doc: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    names = [i.filename for i in zf.infolist()]
    if len(set(names)) != len(names):
        problems.append("an entry name appears twice")
    for required in (DATAPACKAGE, DIGEST, PAGES, INDEX):
        if required not in names:
            problems.append(f"no {required}")
    if problems:
        return problems
    package_bytes = zf.read(DATAPACKAGE)
    try:
        package = json.loads(package_bytes)
        digest = json.loads(zf.read(DIGEST))
    except ValueError as exc:
        return [f"{DATAPACKAGE} or {DIGEST} is not JSON: {exc}"]
    if not isinstance(package, dict) or not isinstance(digest, dict) or not all(
            isinstance(r, dict) for r in package.get("resources", [])):
        return [f"{DATAPACKAGE} or {DIGEST} is not a data package"]
    if digest.get("hash") != "sha256:" + hashlib.sha256(package_bytes).hexdigest():
        problems.append(f"{DIGEST}: hash is not the sha256 of {DATAPACKAGE}")
    if package.get("wacz_version") != WACZ_VERSION or package.get("profile") != "data-package":
        problems.append(f"{DATAPACKAGE}: not a WACZ {WACZ_VERSION} data package")
    listed = {r.get("path"): r for r in package.get("resources", [])}
    for name in names:
        if name not in (DATAPACKAGE, DIGEST) and name not in listed:
            problems.append(f"{name}: in the ZIP but not in {DATAPACKAGE}")
    hashes: dict[str, str] = {}
    for path, res in sorted(listed.items()):
        if path not in names:
            problems.append(f"{path}: listed in {DATAPACKAGE} but not in the ZIP")
            continue
        size, sha = _entry_sha256(zf, path)
        hashes[path] = sha
        if res.get("hash") != f"sha256:{sha}" or res.get("bytes") != size:
            problems.append(f"{path}: sha256 or size differs from {DATAPACKAGE}")
    warcs = {f"{ARCHIVE_DIR}/{os.path.basename(s['warc']['path'])}": s["warc"]["sha256"]
             for s in doc["shards"]}
    archived = {n for n in names if n.startswith(f"{ARCHIVE_DIR}/")}
    for path in sorted(set(warcs) - archived):
        problems.append(f"{path}: the release's WARC is missing from the WACZ")
    for path in sorted(archived - set(warcs)):
        problems.append(f"{path}: not one of the release's WARCs")
    for path in sorted(archived & set(warcs)):
        if zf.getinfo(path).compress_type != zipfile.ZIP_STORED:
            problems.append(f"{path}: compressed in the ZIP (WACZ stores WARCs as they are)")
        if hashes.get(path, warcs[path]) != warcs[path]:
            problems.append(f"{path}: not byte-identical to the release's "
                            f"warc/{os.path.basename(path)}")
    if hashes.get(INDEX, doc["index"]["sha256"]) != doc["index"]["sha256"]:
        problems.append(f"{INDEX}: not byte-identical to the release's {doc['index']['path']}")
    problems += _check_pages(zf, root, doc)
    return problems


def _check_pages(zf: zipfile.ZipFile, root: Path, doc: Mapping[str, Any]) -> list[str]:
    problems = []
    lines = zf.read(PAGES).decode("utf-8", "replace").splitlines()
    try:
        header = json.loads(lines[0]) if lines else {}
        pages = [json.loads(line) for line in lines[1:]]
    except ValueError as exc:
        return [f"{PAGES}: not JSON lines: {exc}"]
    if header.get("format") != PAGES_HEADER["format"]:
        problems.append(f"{PAGES}: the first line is not a json-pages-1.0 header")
    if any(not isinstance(p, dict) or not p.get("url") or not p.get("ts") for p in pages):
        problems.append(f"{PAGES}: a page without url or ts")
        return problems
    expected = 0
    for shard in doc["shards"]:
        column = pq.read_table(root / shard["parquet"]["path"], columns=["source_url"])
        expected += len(column) - column.column(0).null_count
    if len(pages) != expected:
        problems.append(f"{PAGES}: {len(pages)} pages for {expected} articles with a URL")
    if len({p.get("id") for p in pages}) != len(pages):
        problems.append(f"{PAGES}: page ids repeat")
    return problems

