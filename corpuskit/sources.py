"""Finding captures on disk and turning their bytes into text.

A ``Capture`` is one input file: its raw bytes (kept untouched for the WARC), its path relative
to the input root, and the decoded text. Walking is recursive and sorted, so the order never
depends on the file system; symbolic links that leave the root are not followed.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from charset_normalizer import from_bytes

# Files that are never captures (VCS, OS and editor droppings).
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", ".gitkeep", ".gitignore", ".gitattributes"})
IGNORED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".ipynb_checkpoints"})

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_declared_re = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode(raw: bytes) -> Decoded:
    """Bytes → text: BOM, then a declared charset, then strict UTF-8, then detection.

    Chinese legacy encodings are widened to their supersets (GB2312/GBK → GB18030, Big5 →
    Big5-HKSCS) so that a declared label never produces mojibake for characters the label's
    table lacks. Undecodable bytes are replaced, never dropped, and the record says so.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return _decode_with(raw, name, "bom")
    m = _declared_re.search(raw[:4096])
    if m:
        label = _widen(m.group(1).decode("ascii", "replace"))
        if label:
            try:
                return Decoded(raw.decode(label), label)
            except (UnicodeDecodeError, LookupError):
                pass
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Mostly UTF-8 with a few broken sequences (CESU-8 emoji, truncation): keep UTF-8.
    bad = raw.decode("utf-8", "replace").count("\ufffd")
    if bad <= max(2, len(raw) // 2000):
        return _decode_with(raw, "utf-8", f"invalid_utf8:{utf8_error.start}")
    best = from_bytes(raw[:65536], cp_isolation=["gb18030", "big5", "utf_8", "shift_jis",
                                                  "euc_kr", "cp1252", "utf_16"]).best()
    label = _widen(best.encoding) if best is not None else None
    return _decode_with(raw, label or "utf-8", "detected" if label else "undetectable")


def _decode_with(raw: bytes, encoding: str, how: str) -> Decoded:
    text = raw.decode(encoding, "replace")
    warnings = []
    if how.startswith(("invalid_utf8", "undetectable")):
        warnings.append(f"encoding_repaired:{how}")
    elif how == "detected":
        warnings.append(f"encoding_detected:{encoding}")
    return Decoded(text, "utf-8" if encoding == "utf-8-sig" else encoding, warnings)


def _widen(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs",
            "cp950": "big5hkscs", "ascii": "utf-8", "iso8859-1": "cp1252",
            "latin-1": "cp1252"}.get(name, name)


@dataclass
class Capture:
    """One input: raw bytes plus where they came from."""

    path: str  # relative to the input root, forward slashes (goes into the record)
    raw: bytes
    file: str = ""  # the path as found on disk, for messages a person can act on

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @cached_property
    def decoded(self) -> Decoded:
        return decode(self.raw)

    @property
    def text(self) -> str:
        return self.decoded.text


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path != root else path.name


def iter_paths(inputs: Iterable[str | os.PathLike[str]], follow_links: bool = False
               ) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every file under the inputs, sorted by path within each input."""
    for given in inputs:
        p = Path(given)
        if p.is_file():
            yield p, p.parent
            continue
        if not p.is_dir():
            raise FileNotFoundError(f"{p}: no such file or directory")
        root = p.resolve()
        files: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(p, followlinks=follow_links):
            dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)
            for name in filenames:
                if name in IGNORED_NAMES:
                    continue
                f = Path(dirpath) / name
                if f.is_symlink() and not follow_links:
                    target = f.resolve()
                    if root not in target.parents:
                        continue  # a link that leaves the input root
                files.append(f)
        # sort by the bytes of the relative path: the same order on every file system
        files.sort(key=lambda f: os.fsencode(f.relative_to(p)))
        for f in files:
            yield f, p


def read_capture(file: Path, root: Path) -> Capture:
    return Capture(path=_rel(file, root), raw=file.read_bytes(), file=str(file))


def iter_captures(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Capture]:
    for file, root in iter_paths(inputs):
        yield read_capture(file, root)
