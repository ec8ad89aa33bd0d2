"""Finding captures on disk and turning their bytes into text.

A ``Capture`` is one input file: its raw bytes (kept untouched for the WARC and the hash), its
path relative to the input root, and the decoded text. Walking is recursive and sorted by the
bytes of each path, so the order never depends on the file system. Symbolic links that leave
the input root are not followed unless ``follow_links=True``; when they are, a directory loop
is entered once.

File names are bytes on POSIX and need not be UTF-8 or free of line breaks. Paths that go into
records and messages are made printable: bytes that are not UTF-8 and control characters
(line breaks, tabs, DEL, C1) are written as ``%XX`` (``bad\\xff\\nname.md`` →
``bad%FF%0Aname.md``). A ``%`` already in a name is kept as it is, so the mapping is for people
and provenance, not reversible in every case; ``source.sha256`` identifies the bytes.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # registers the "utf-8-variants" codec
import webencodings
from charset_normalizer import from_bytes

from .limits import LimitExceeded
from .text import rewrite_lines

# Files that are never captures (VCS, OS and editor droppings).
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", ".gitkeep", ".gitignore", ".gitattributes"})
IGNORED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".ipynb_checkpoints"})

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# <meta charset="gb2312">, <meta http-equiv="Content-Type" content="text/html; charset=gbk">,
# <?xml version="1.0" encoding="big5"?>
_declared_re = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']\s*([A-Za-z0-9_.:-]+)""",
    re.I,
)
_DECLARED_WINDOW = 4096  # bytes searched for a declaration (browsers pre-scan 1024)
_DETECT_WINDOW = 65536  # bytes a detector looks at


@dataclass
class Decoded:
    """Text of a capture, the codec that produced it, and what had to be repaired or guessed."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode(raw: bytes) -> Decoded:
    """Bytes → text: BOM, then valid UTF-8, then a declared charset, then detection.

    - A BOM decides (UTF-8, UTF-16, UTF-32).
    - Bytes that are valid UTF-8 are UTF-8 even when a ``<meta charset>`` says otherwise
      (archivers re-encode pages and keep the old declaration; a legacy-encoded Chinese text
      of two characters or more is practically never valid UTF-8): warning
      ``encoding_declared_mismatch:<label>``.
    - A declared charset is used when the bytes decode with it; Chinese labels are widened to
      their supersets (GB2312/GBK → GB18030, Big5 → Big5-HKSCS) so that a page labelled
      gb2312 that uses GBK-only characters decodes without mojibake.
    - UTF-8 with a few broken sequences stays UTF-8: CESU-8 surrogate pairs (emoji written
      by Java/MySQL "utf8") are repaired, other invalid bytes become U+FFFD, and the warnings
      say ``encoding_repaired:cesu8=N`` / ``encoding_repaired:replaced=N``.
    - Otherwise the encoding is detected (``encoding_detected:<codec>``): GB18030/Big5 by
      ``_guess_chinese``, anything else by charset-normalizer.

    Mojibake (UTF-8 once read as Latin-1 and saved again) is repaired with ftfy
    (``encoding_repaired:mojibake``). The text is then fit for a parser: control characters
    that are never content (NUL, BEL, ESC, DEL, ...) are removed
    (``control_characters_removed:N``) and the whitespace-like ones (VT, FF, FS/GS/RS, US)
    become a line break or a space, since lxml would drop them and glue words together.
    Never raises; the text never holds lone surrogates.
    """
    text, encoding, warnings = _decode(raw)
    # From UTF-8 the bytes answer both questions below ten times faster than the text: every
    # character U+00C0-U+00FF is encoded with the lead byte C3, and a control character is
    # its own byte (never part of a multi-byte sequence, repaired or not).
    utf8 = encoding == "utf-8"
    if (not utf8 or b"\xc3" in raw) and _mojibake_hint_re.search(text):
        fixed = _fix_mojibake(text)
        if fixed != text:
            text = fixed
            warnings.append("encoding_repaired:mojibake")
    if (raw.translate(None, _NOT_CONTROL_BYTES) if utf8 else _controls_re.search(text)):
        text = _whitespace_controls_re.sub("\n", text).replace("\x1f", " ")
        text, removed = _controls_re.subn("", text)
        if removed:
            warnings.append(f"control_characters_removed:{removed}")
    return Decoded(text, encoding, warnings)


# Mojibake: UTF-8 that was read as Latin-1/Windows-1252 and saved again as UTF-8 (美国 →
# "ç¾\x8eå\x9b½"; real VOA pages in the corpora). Every such character is a lead byte
# (Â–ô) followed by a continuation byte (U+0080–U+00BF, or its Windows-1252 character);
# this cheap test finds the few captures worth handing to ftfy, which repairs the
# mojibake segments and leaves everything else alone (no other ftfy fix is switched on).
_mojibake_hint_re = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False, fix_surrogates=False,
    remove_control_chars=False, normalization=None, explain=False,
)


def _fix_mojibake(text: str) -> str:
    """ftfy over the lines that show the mojibake hint, the others as they are (ftfy works
    line by line too, but tested every line of a 5 MB JSON Lines file for one ``“Café”``)."""
    return rewrite_lines(text, _find_mojibake_hint, lambda line: ftfy.fix_text(line, _FTFY))


def _find_mojibake_hint(text: str, pos: int) -> int:
    m = _mojibake_hint_re.search(text, pos)
    return m.start() if m else -1


_controls_re = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _controls_re.match(chr(b)))
_whitespace_controls_re = re.compile("[\x0b\x0c\x1c-\x1e]")


def _decode(raw: bytes) -> tuple[str, str, list[str]]:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            if codec == "utf-8":
                text, _, warnings = _utf8(raw[len(bom):], [])
                return text, "utf-8", warnings
            text, replaced = _decode_counting(raw, codec)
            return text, codec, _repair_warnings(0, replaced)
    warnings: list[str] = []
    declared = _declared(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if declared not in (None, "utf-8") and not text.isascii():
            warnings.append(f"encoding_declared_mismatch:{declared}")
        return text, "utf-8", warnings
    if declared is not None and declared != "utf-8":
        # Windows-1252 decodes any bytes: a Chinese page mislabelled Latin-1 (a server or
        # editor default) would become mojibake, so the Chinese reading is checked first
        chinese = _guess_chinese(raw) if declared == "cp1252" else None
        if chinese is not None:
            return raw.decode(chinese, "replace"), chinese, [
                *warnings, f"encoding_declared_mismatch:{declared}", f"encoding_detected:{chinese}"]
        try:
            return raw.decode(declared), declared, warnings
        except UnicodeError:
            warnings.append(f"encoding_declared_mismatch:{declared}")
    text, replaced, utf8_warnings = _utf8(raw, warnings)
    if _mostly_utf8(text, replaced):
        return text, "utf-8", utf8_warnings
    if declared == "utf-8":
        warnings.append("encoding_declared_mismatch:utf-8")
    label = _guess_chinese(raw) or _detect(raw)
    try:
        if label is None:
            raise LookupError
        detected, replaced = _decode_counting(raw, label)
    except (UnicodeError, LookupError):  # a detector's odd codec must not make decode() raise
        return text, "utf-8", [*utf8_warnings, "encoding_undetected"]
    return detected, label, [*warnings, f"encoding_detected:{label}",
                             *_repair_warnings(0, replaced)]


def _declared(raw: bytes) -> str | None:
    """The charset a page declares, as a Python codec (widened), or None.

    Labels are looked up as browsers do (WHATWG Encoding Standard, via webencodings), so a
    page cannot name a Python-only codec (base64, rot13, unicode_escape, punycode).
    """
    m = _declared_re.search(raw[:_DECLARED_WINDOW])
    if not m:
        return None
    encoding = webencodings.lookup((m.group(1) or m.group(2)).decode("ascii", "replace"))
    if encoding is None:
        return None
    if encoding.name in ("utf-16le", "utf-16be"):
        return "utf-8"  # a declaration readable as ASCII cannot be UTF-16 (WHATWG: UTF-8)
    return _widen(encoding.codec_info.name)


def _widen(label: str) -> str | None:
    """Python's codec name for a label, Chinese and Latin-1 labels widened to supersets."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs",
            "cp950": "big5hkscs", "ascii": "utf-8", "iso8859-1": "cp1252",
            "latin-1": "cp1252"}.get(name, name)


# -- UTF-8 repair --------------------------------------------------------------------------
# CESU-8 writes an astral character as two 3-byte UTF-16 surrogates (😀 → ED A0 BD ED B8 80;
# Java and MySQL's "utf8" do), and Java's modified UTF-8 writes NUL as C0 80; strict UTF-8
# rejects both. ftfy's "utf-8-variants" codec decodes them; whatever else is invalid becomes
# U+FFFD as with "replace". It is much slower than the built-in codec, so it only runs on
# bytes that strict UTF-8 refused.

_CESU8_PAIR_RE = re.compile(rb"\xed[\xa0-\xaf][\x80-\xbf]\xed[\xb0-\xbf][\x80-\xbf]")
_REPLACEMENT_UTF8 = "\ufffd".encode()
_replaced = threading.local()


def _count_replaced(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _replaced.n += 1
    return "\ufffd", exc.end


codecs.register_error("corpuskit.count", _count_replaced)


def _decode_counting(raw: bytes, codec: str) -> tuple[str, int]:
    """(text, invalid sequences replaced by U+FFFD) for ``raw`` in ``codec``."""
    _replaced.n = 0
    return raw.decode(codec, "corpuskit.count"), _replaced.n


def _repair_warnings(pairs: int, replaced: int) -> list[str]:
    return ([f"encoding_repaired:cesu8={pairs}"] if pairs else []) + (
        [f"encoding_repaired:replaced={replaced}"] if replaced else [])


def _utf8(raw: bytes, warnings: list[str]) -> tuple[str, int, list[str]]:
    """UTF-8 with repairs: (text, invalid sequences replaced, warnings)."""
    try:
        return raw.decode("utf-8"), 0, warnings
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8-variants", "replace")
    pairs = len(_CESU8_PAIR_RE.findall(raw))
    replaced = text.count("\ufffd") - raw.count(_REPLACEMENT_UTF8)  # U+FFFD already there
    return text, replaced, [*warnings, *_repair_warnings(pairs, replaced)]


def _mostly_utf8(text: str, replaced: int) -> bool:
    """UTF-8 with a few broken sequences, not a legacy encoding read as UTF-8.

    Legacy Chinese bytes read as UTF-8 are nearly all invalid; a truncated character or a
    stray byte in real UTF-8 sits among many valid multi-byte characters.
    """
    if not replaced:
        return True
    valid = sum(1 for ch in text if ch > "\x7f") - replaced
    return valid >= 8 * replaced


# -- detection -----------------------------------------------------------------------------


@cache
def _common_han() -> frozenset[str]:
    """Everyday Chinese characters: GB2312 level 1 (3,755) ∪ Big5's common block (5,401).

    Read off the codecs' own tables, so no data file is needed.
    """
    chars: set[str] = set()
    for codec, first, last in (("gb2312", 0xB0A1, 0xD7FE), ("big5", 0xA440, 0xC67E)):
        for code in range(first, last + 1):
            if code & 0xFF < 0x40:
                continue
            try:
                chars.add(code.to_bytes(2, "big").decode(codec))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


# CJK, full-width and general punctuation that Chinese text is full of.
_cjk_punct_re = re.compile("[\u3000-\u303f\uff00-\uffef\u2010-\u2027\u00b7]")
_CHINESE_MIN_SCORE = 0.8


def _guess_chinese(raw: bytes) -> str | None:
    """GB18030 or Big5-HKSCS when the bytes read as everyday Chinese in one of them.

    Hand-written because detectors guess short texts badly, and titles or short bodies are
    short. On slices of real captures (tests/test_encoding.py, ``pytest -m corpora``),
    6 characters in GB18030: this score 188/188 right, charset-normalizer 23/188;
    15 characters: 195/196 against 136/196. bs4's UnicodeDammit is no better: without
    chardet installed it calls the same charset-normalizer (its answers were identical on
    every sample), and it does not widen GB2312 to GB18030. A wrong reading of GBK as Big5
    (or the reverse) is valid but full of rare characters, kana and Greek, so the share of
    everyday characters tells them apart even for two characters. EUC-KR Hangul occupies
    the very bytes of GB2312 level 1, so a text that reads as Korean is left to
    charset-normalizer, which knows Korean.
    """
    sample = raw[:_DETECT_WINDOW]
    final = len(raw) <= _DETECT_WINDOW
    common = _common_han()
    best: tuple[float, str] | None = None
    for codec in ("gb18030", "big5hkscs"):
        text = _decode_sample(sample, codec, final)
        if text is None:
            continue
        chars = [ch for ch in text if ch > "\x7f"]
        if not chars:
            continue
        good = sum(1 for ch in chars if ch in common or _cjk_punct_re.match(ch))
        score = good / len(chars)
        if score >= _CHINESE_MIN_SCORE and (best is None or score > best[0]):
            best = (score, codec)
    if best is None or _reads_as_korean(sample, final):
        return None
    return best[1]


def _reads_as_korean(sample: bytes, final: bool) -> bool:
    text = _decode_sample(sample, "euc_kr", final)
    if text is None:
        return False
    chars = [ch for ch in text if ch > "\x7f"]
    hangul = sum(1 for ch in chars if "\uac00" <= ch <= "\ud7a3")
    return len(chars) >= 20 and hangul >= 0.95 * len(chars)


def _decode_sample(sample: bytes, codec: str, final: bool) -> str | None:
    """Strict decode; a sample cut off mid-character is not an error."""
    try:
        return codecs.getincrementaldecoder(codec)().decode(sample, final=final)
    except UnicodeDecodeError:
        return None


def _detect(raw: bytes) -> str | None:
    best = from_bytes(raw[:_DETECT_WINDOW]).best()
    return _widen(best.encoding) if best is not None else None


# -- binary files --------------------------------------------------------------------------

# Formats whose first kilobytes can look like text (PDF object headers) or that are common
# droppings in an archive folder; everything else binary is caught by its control bytes.
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b",
                 b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"\x7fELF")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b") + b"\x7f"


def looks_binary(raw: bytes) -> bool:
    """True for images, archives, executables and other non-text files.

    A text capture may hold a stray NUL or control character (it is cleaned from the text);
    binary data has them everywhere (about one byte in ten for compressed data).
    """
    if raw.startswith(_BINARY_MAGIC):
        return True
    head = raw[:8192]
    if not head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > 0.03 * len(head)


# -- paths ---------------------------------------------------------------------------------

_unprintable_re = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable_path(path: str) -> str:
    """A path as valid, one-line text: undecodable bytes and control characters as ``%XX``.

    Python gives undecodable bytes of POSIX names as surrogates (``\\udcff`` for byte FF);
    those become ``%FF``, control characters their UTF-8 bytes (``\\n`` → ``%0A``).
    Idempotent, and the identity for ordinary names.
    """
    if not _unprintable_re.search(path):
        return path

    def escape(m: re.Match[str]) -> str:
        ch = m.group()
        if "\udc80" <= ch <= "\udcff":
            return f"%{ord(ch) - 0xDC00:02X}"
        if "\ud800" <= ch <= "\udfff":
            return "%EF%BF%BD"  # a surrogate no file system byte maps to: U+FFFD's bytes
        return "".join(f"%{b:02X}" for b in ch.encode("utf-8"))

    return _unprintable_re.sub(escape, path)


# -- captures ------------------------------------------------------------------------------


@dataclass
class Capture:
    """One input: raw bytes plus where they came from."""

    path: str  # relative to the input root, forward slashes, printable (goes into the record)
    raw: bytes
    file: str = ""  # the path as found on disk, printable, for messages a person can act on

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @cached_property
    def decoded(self) -> Decoded:
        return decode(self.raw)

    @cached_property
    def binary(self) -> bool:
        """`looks_binary` of the bytes, decided once: the pipeline's precheck and the layout
        detection both ask (each asking scanned the first 8 KB, ~1% of an extraction)."""
        return looks_binary(self.raw)

    @property
    def text(self) -> str:
        return self.decoded.text


def relative_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, printable (see ``printable_path``)."""
    try:
        rel = path.relative_to(root).as_posix() if path != root else path.name
    except ValueError:
        rel = path.name
    return printable_path(rel or path.name)


def iter_paths(inputs: Iterable[str | os.PathLike[str]], follow_links: bool = False
               ) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every file under the inputs: `iter_files` with the files as Paths."""
    for name, root in iter_files(inputs, follow_links):
        yield Path(name), root


def iter_files(inputs: Iterable[str | os.PathLike[str]], follow_links: bool = False
               ) -> Iterator[tuple[str, Path]]:
    """(file, root) for every file under the inputs, sorted by the bytes of the path relative
    to the input (as ``sorted`` would sort them), one directory listed at a time: the walk
    holds the listings of the directories it is in, never the list of every file (100,000
    paths as Path objects were ~70 MB, the largest thing a pack's driver held). Each file is
    a path as ``str(Path(...))`` spells it, and starts with `path_prefix` of its root.

    A directory the walk cannot list is yielded too, at its own path's place, so that reading
    it reports why instead of its files vanishing silently.
    """
    for given in inputs:
        p = Path(given)
        if p.is_file():
            yield os.fspath(p), p.parent
            continue
        if not p.is_dir():
            raise FileNotFoundError(f"{p}: no such file or directory")
        top = os.fspath(p)
        seen: set[tuple[int, int]] = set()
        try:
            listing = _listing(top, follow_links, seen)
        except OSError:
            yield top, p
            continue
        if listing is not None:
            for name in _sorted_files(top, listing, p.resolve(), follow_links, seen):
                yield name, p


def path_prefix(directory: str) -> str:
    """What `iter_files` puts before the name of a file in ``directory`` (as ``str(Path)``
    would spell the joined path: no ``./`` in front, one separator after a root)."""
    if directory == ".":
        return ""
    return directory if directory.endswith(os.sep) else directory + os.sep


_SEP = os.fsencode(os.sep)
# (sort key, kind, name, is_link) of a directory's entries; kinds in the order they sort in
_FILE, _DIR_ITSELF, _DIR_FILES = 0, 1, 2


def _listing(path: str, follow_links: bool, seen: set[tuple[int, int]]
             ) -> list[tuple[bytes, int, str, bool]] | None:
    """A directory's entries as `_sorted_files` takes them; None for a directory the walk
    has been in already (through a link, with ``follow_links``). Raises OSError when the
    directory cannot be listed.

    The sort key is the name's bytes; a directory's files sort under ``name + "/"``, so that
    the directory's own files come where the bytes of their whole relative paths put them
    among their siblings' (``a.md`` < ``a/x.md`` < ``a0.md``). A directory has a second entry
    at ``name`` itself, where it is listed, and yielded when that fails: where the path of the
    directory itself sorts.
    """
    if follow_links:  # a link back to an ancestor would loop until PATH_MAX
        st = os.stat(path)
        if (st.st_dev, st.st_ino) in seen:
            return None
        seen.add((st.st_dev, st.st_ino))
    out = []
    with os.scandir(path) as entries:
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # follows a link, as os.walk does
            except OSError:
                is_dir = False
            is_link = entry.is_symlink()
            key = os.fsencode(name)
            if not is_dir:
                if name not in IGNORED_NAMES:
                    out.append((key, _FILE, name, is_link))
            elif name not in IGNORED_DIRS and (follow_links or not is_link):
                out.append((key, _DIR_ITSELF, name, is_link))
                out.append((key + _SEP, _DIR_FILES, name, is_link))
    out.sort()
    return out


def _sorted_files(path: str, listing: list[tuple[bytes, int, str, bool]], root: Path,
                  follow_links: bool, seen: set[tuple[int, int]]) -> Iterator[str]:
    """The files under ``path`` (whose `_listing` is ``listing``) in sorted order, and the
    directories under it that cannot be listed."""
    below: dict[str, list[tuple[bytes, int, str, bool]] | None] = {}
    prefix = path_prefix(path)
    for _, kind, name, is_link in listing:
        sub = prefix + name
        if kind == _FILE:
            if is_link and not follow_links:
                try:
                    target = Path(sub).resolve()
                except (RuntimeError, OSError):  # a link loop: reading it says so
                    target = root / name
                if root not in target.parents:
                    continue  # a link that leaves the input root
            yield sub
        elif kind == _DIR_ITSELF:
            try:
                below[name] = _listing(sub, follow_links, seen)
            except OSError:
                yield sub  # reading it reports why
        elif below.get(name) is not None:
            yield from _sorted_files(sub, below.pop(name), root, follow_links, seen)  # type: ignore[arg-type]


def read_capture(file: Path, root: Path, max_bytes: int | None = None) -> Capture:
    """The capture at ``file``, read only when it is a regular file within the size limit.

    Raises ``LimitExceeded`` (``too_large``; ``unreadable`` for FIFOs, devices, sockets and
    unlistable directories, which would block or mean nothing) or ``OSError``.
    """
    raw = read_limited(file, max_bytes)
    return Capture(path=relative_path(file, root), raw=raw, file=printable_path(str(file)))


def read_limited(file: str | os.PathLike[str], max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file within the size limit (see `read_capture` for what it
    raises); a file over the limit is never read whole."""
    st = os.stat(file)  # follows links: a FIFO behind a link would block the read forever
    if stat.S_ISDIR(st.st_mode):
        os.scandir(file).close()  # raises the reason the walk could not list it
        raise LimitExceeded("unreadable", "a directory the walk could not enter")
    if not stat.S_ISREG(st.st_mode):
        raise LimitExceeded("unreadable", "not a regular file (FIFO, device or socket)")
    if max_bytes and st.st_size > max_bytes:
        raise LimitExceeded("too_large", f"{st.st_size} bytes, over the limit of {max_bytes}")
    chunks: list[bytes] = []
    total = 0
    reader = file_chunks(file, st.st_size + 1)
    try:
        for chunk in reader:
            chunks.append(chunk)
            total += len(chunk)
            if max_bytes and total > max_bytes:  # grew since stat, or a file system that lies
                raise LimitExceeded("too_large", f"over {max_bytes} bytes, the size limit")
    finally:
        reader.close()
    return b"".join(chunks)  # one chunk: the chunk itself, no copy


_READ_CHUNK = 1 << 20


def file_chunks(file: str | os.PathLike[str], first: int | None = None) -> Iterator[bytes]:
    """A file's bytes to its end, read from a descriptor: ``first`` bytes asked for at once
    (its size plus one: the whole of a file then takes one read and the empty one that tells
    the end; default its size, up to 1 MiB), then 1 MiB at a time.

    Not ``open()``: its buffered reader costs as much again as such a read, and ``read(n)``
    allocates all of ``n`` first, so a read bounded by the size limit (20 MiB) took 32 µs for
    a 7 KB capture, where `read_limited` now takes 11 (a pack reads each capture twice: to
    hash it, to extract it).
    """
    fd = os.open(file, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        want = min(os.fstat(fd).st_size + 1, _READ_CHUNK) if first is None else max(first, 1)
        while chunk := os.read(fd, want):
            yield chunk
            want = _READ_CHUNK
    finally:
        os.close(fd)


def file_sha256(file: str | os.PathLike[str]) -> tuple[int, str]:
    """(size, hex SHA-256) of a file, read by `file_chunks`: inputs for the pack's dedup, and
    the release's own files for the manifest, SHA256SUMS and `verify`. Raises OSError."""
    h = hashlib.sha256()
    size = 0
    for chunk in file_chunks(file):
        h.update(chunk)
        size += len(chunk)
    return size, h.hexdigest()


def iter_captures(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Capture]:
    for file, root in iter_paths(inputs):
        yield read_capture(file, root)
