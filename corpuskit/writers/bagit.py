"""``pack --bagit``: the release folder laid out as a BagIt bag (RFC 8493, BagIt 1.0).

The release folder itself becomes the bag, and the whole release, unchanged, its payload::

    OUT/
      bagit.txt               BagIt-Version: 1.0, Tag-File-Character-Encoding: UTF-8
      bag-info.txt            Bagging-Date, Payload-Oxum, External-Identifier, …
      manifest-sha512.txt     sha512 of every payload file (data/…)
      tagmanifest-sha512.txt  sha512 of the three tag files above
      data/                   the release: README.md, SHA256SUMS, data/*.parquet, warc/, …

This is what ``bagit.py`` does to a folder it bags in place, and what archivists' tools expect:
a bag's root holds tag files only, its payload sits under ``data/`` with its own layout intact
(so the release's Parquet shards are at ``OUT/data/data/``), and the release's SHA256SUMS, card
and manifest still hold, relative to ``OUT/data``. ``corpuskit verify OUT`` and
``open_release(OUT)`` recognise a bag (a ``bagit.txt`` next to ``data/manifest.json``) and read
the release from ``OUT/data``.

The bytes depend on the data only: ``Bagging-Date`` is the release date's day (from
``SOURCE_DATE_EPOCH`` or the data, never the clock), manifests are sorted by path, lines end in
LF. Payload paths are encoded as RFC 8493 asks (``%`` → ``%25``, CR → ``%0D``, LF → ``%0A``); a
release's own file names never need it.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__

BAGIT_TXT = "bagit.txt"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha512.txt"
TAGMANIFEST = "tagmanifest-sha512.txt"
PAYLOAD = "data"
ALGORITHM = "sha512"
BAGIT_DECLARATION = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
_CHUNK = 1 << 20


def is_bag(path: Path) -> bool:
    """Whether ``path`` is a release laid out as a bag (bagit.txt + the release under data/)."""
    return (path / BAGIT_TXT).is_file() and (path / PAYLOAD / "manifest.json").is_file()


def payload_root(path: str | os.PathLike[str]) -> Path:
    """The release folder: ``path`` itself, or its ``data/`` when ``path`` is a bag."""
    p = Path(path)
    return p / PAYLOAD if is_bag(p) else p


def _sha512(path: Path) -> str:
    h = hashlib.new(ALGORITHM)
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def encode_path(rel: str) -> str:
    """A path as a manifest line holds it (RFC 8493 2.1.3)."""
    return rel.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(text: str) -> str:
    return re.sub(r"%(25|0D|0A)", lambda m: {"25": "%", "0D": "\r", "0A": "\n"}[
        m.group(1).upper()], text, flags=re.IGNORECASE)


def _payload_files(root: Path) -> list[str]:
    """Payload files as ``data/…`` paths, in the byte order of their UTF-8."""
    return sorted((p.relative_to(root).as_posix() for p in (root / PAYLOAD).rglob("*")
                   if p.is_file()), key=lambda rel: rel.encode("utf-8"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def bag_info(doc: Mapping[str, Any], payload_bytes: int, payload_files: int) -> str:
    """bag-info.txt: labels in alphabetical order, one line each."""
    rel = doc["release"]
    fields = [
        ("Bag-Software-Agent", f"corpuskit {__version__}"),
        ("Bagging-Date", rel["date"][:10]),
        ("External-Description", _one_line(
            rel.get("description") or "A corpuskit dataset release: news articles as Parquet, "
            "the raw captures and rendered pages as WARC, with a CDXJ index, manifest, dataset "
            "card and SHA256SUMS.")),
        ("External-Identifier", f"{rel['name']} {rel['version']}"),
        ("Payload-Oxum", f"{payload_bytes}.{payload_files}"),
    ]
    return "".join(f"{label}: {value}\n" for label, value in fields)


def make_bag(root: Path, doc: Mapping[str, Any]) -> None:
    """Turn the finished release folder ``root`` into a bag, in place (see the module doc)."""
    staging = root / f".bag-payload-{secrets.token_hex(6)}"
    staging.mkdir()
    for entry in sorted(root.iterdir()):
        if entry != staging:
            os.replace(entry, staging / entry.name)
    os.replace(staging, root / PAYLOAD)

    lines = []
    size = 0
    files = _payload_files(root)
    for rel in files:
        lines.append(f"{_sha512(root / rel)}  {encode_path(rel)}\n")
        size += (root / rel).stat().st_size
    _write(root / MANIFEST, "".join(lines))
    _write(root / BAGIT_TXT, BAGIT_DECLARATION)
    _write(root / BAG_INFO, bag_info(doc, size, len(files)))
    tags = [f"{_sha512(root / name)}  {name}\n" for name in (BAG_INFO, BAGIT_TXT, MANIFEST)]
    _write(root / TAGMANIFEST, "".join(tags))


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


# --- checking ------------------------------------------------------------------------------

def _read_manifest(path: Path, problems: list[tuple[str, str]]) -> dict[str, str]:
    entries: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append((path.name, f"unreadable: {exc}"))
        return entries
    for n, line in enumerate(text.splitlines(), start=1):
        parts = line.split(None, 1)
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-fA-F]{128}", parts[0]):
            problems.append((path.name, f"line {n}: not 'sha512 path': {line[:80]!r}"))
            continue
        rel = decode_path(parts[1])
        if rel in entries:
            problems.append((path.name, f"line {n}: {rel} listed twice"))
        entries[rel] = parts[0].lower()
    return entries


def check_bag(root: Path) -> list[tuple[str, str]]:
    """Problems of the bag at ``root`` as (file relative to root, message); [] when valid.

    bagit.txt; every payload file in manifest-sha512.txt with its sha512 and nothing listed that
    is missing or outside data/; the tag manifest's hashes; Payload-Oxum.
    """
    problems: list[tuple[str, str]] = []
    try:
        declaration = (root / BAGIT_TXT).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [(BAGIT_TXT, f"unreadable: {exc}")]
    tags = dict(line.split(": ", 1) for line in declaration.splitlines() if ": " in line)
    if "BagIt-Version" not in tags or tags.get("Tag-File-Character-Encoding") != "UTF-8":
        problems.append((BAGIT_TXT, "no BagIt-Version, or an encoding other than UTF-8"))
    if not (root / MANIFEST).is_file():
        return [*problems, (MANIFEST, "missing")]
    listed = _read_manifest(root / MANIFEST, problems)
    present = set(_payload_files(root))
    for rel in sorted(set(listed) - present):
        where = "outside data/" if not rel.startswith(f"{PAYLOAD}/") else "missing"
        problems.append((rel, f"listed in {MANIFEST} but {where}"))
    for rel in sorted(present - set(listed)):
        problems.append((rel, f"not listed in {MANIFEST}"))
    for rel in sorted(present & set(listed)):
        if _sha512(root / rel) != listed[rel]:
            problems.append((rel, f"sha512 does not match {MANIFEST}"))
    if (root / TAGMANIFEST).is_file():
        for rel, digest in sorted(_read_manifest(root / TAGMANIFEST, problems).items()):
            if not (root / rel).is_file():
                problems.append((rel, f"listed in {TAGMANIFEST} but missing"))
            elif _sha512(root / rel) != digest:
                problems.append((rel, f"sha512 does not match {TAGMANIFEST}"))
    try:
        info = (root / BAG_INFO).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        info = ""
    oxum = re.search(r"^Payload-Oxum:\s*(\d+)\.(\d+)\s*$", info, flags=re.MULTILINE)
    if oxum:
        size = sum((root / rel).stat().st_size for rel in present)
        if (int(oxum.group(1)), int(oxum.group(2))) != (size, len(present)):
            problems.append((BAG_INFO, f"Payload-Oxum {oxum.group(1)}.{oxum.group(2)} is not "
                                       f"{size}.{len(present)}"))
    return problems
