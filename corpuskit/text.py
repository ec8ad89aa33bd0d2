"""CJK-correct whitespace and character clean-up for text taken out of pretty-printed HTML.

The captures were pretty-printed: every inline tag sits on its own indented line, so a
Chinese sentence comes apart into pieces joined by "newline + indentation". That whitespace is
an artefact between CJK characters and must go, while a space between Latin words is real.
No library does this split (ftfy and unicodedata normalise characters, not layout), so the
rules are written here and tested with hypothesis (tests/test_text.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Han (BMP, extension A, compatibility, supplementary planes: extensions B to I, up to
# extension H's end in Unicode 15.0), kana, hangul, bopomofo. By code point, not by Python's
# Unicode database, so that a newer ideograph is Chinese under every Python.
_CJK_LETTER = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\U00020000-\U000323af"
)
# CJK and full-width punctuation: space next to these is never meaningful.
_CJK_PUNCT = "\u3000-\u303f\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uff65"
# Characters that sit between Chinese and Latin text alike; they take the class of what is
# beyond them (“泄密” is Chinese, “hello” is not).
_NEUTRAL = "\u2018\u2019\u201c\u201d\u2026\u2014\u2013\u00b7\u2027\u30fb\"'"

_cjk_re = re.compile(f"[{_CJK_LETTER}{_CJK_PUNCT}]")
_cjk_punct_re = re.compile(f"[{_CJK_PUNCT}]")
_neutral = set(_NEUTRAL)
# Invisible format characters (Unicode category Cf: zero-width space/joiners, soft hyphen,
# bidi marks and isolates, BOM, interlinear annotation, tag characters) carry nothing in news
# text. Spelled out because the regex module's \p{Cf} is not in the standard library;
# tests/test_text.py checks this covers every Cf character of the running Python.
_invisible_re = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
# Line separators (\r, VT, FF, FS/GS/RS, NEL, U+2028/2029) are line breaks; the unit
# separator is a space. Both are whitespace to str.isspace(), so deleting them as controls
# would glue two words together.
_line_break_re = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Other C0/C1 controls (a stray NUL, \x08 or \x1b in a capture) and DEL.
_control_re = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x9f]")
_ws_run_re = re.compile(r"\s+")
# A word character: what str.isalnum() calls alphanumeric, and "_". clean_chars removes none,
# so a text holding one has something left once cleaned (pipeline's emptiness check, and
# assemble's test for paragraphs that are only punctuation; tests/test_robustness.py and
# tests/test_rules.py check both facts over every code point).
WORD = re.compile(r"\w")
# Any character clean_chars changes (the union of the three classes above, and \x1f).
_unclean_re = re.compile(
    "[\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029" + _invisible_re.pattern[1:-1]
    + _control_re.pattern[1:-1] + "]")
# The whitespace runs normalize_inline must look at: a lone ASCII space between two
# characters neither of which is CJK punctuation always stays as it is, and is most of them
# in Latin text, so the regex skips it instead of calling back into Python for each word.
# The runs are: a whitespace character other than a space and the whitespace after it; two or
# more whitespace characters; a lone space before or after CJK punctuation. Written to start
# with ``\s`` so that the regex engine scans for a whitespace character before trying the
# alternatives (a leading alternation is tried at every position: 3x slower on news text).
_ws_decide_re = re.compile(
    f"\\s(?:(?<=[^\\S ])\\s*|\\s+|(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}] ))")


def is_cjk(ch: str) -> bool:
    return bool(_cjk_re.match(ch))


def _class_of(text: str, index: int, step: int) -> str:
    """Class of the first non-neutral character from ``index`` going ``step``: cjk, other, edge."""
    while 0 <= index < len(text):
        ch = text[index]
        if ch not in _neutral:
            return "cjk" if _cjk_re.match(ch) else "other"
        index += step
    return "edge"


def clean_chars(text: str) -> str:
    """NFC, line breaks as ``\\n``, invisible format and control characters removed.

    Only the text changes: the capture's raw bytes keep all of it. NFC comes last, so that a
    base letter and a combining mark that a removed character kept apart are composed.
    """
    if not _surely_clean(text) and _unclean_re.search(text):  # rare: then one scan decides
        text = _line_break_re.sub("\n", text).replace("\x1f", " ")
        text = _invisible_re.sub("", text)
        text = _control_re.sub("", text)
    return _nfc(text)


def _surely_clean(text: str) -> bool:
    """True when ``text`` has nothing for clean_chars to change, decided without the regex.

    Every character clean_chars changes is non-printable to ``str.isprintable``, and so are the
    whitespace characters of pretty-printed text (newline, tab, U+3000, no-break space), which
    are replaced first. This answers for >99.9% of news text at ~3x the regex's speed; the regex
    decides the rest. Over half of the lines are printable as they are (no line break), which
    the first test answers before any copy is made."""
    return text.isprintable() or (
        text.replace("\n", " ").replace("\t", " ").replace("\u3000", " ")
        .replace("\xa0", " ").isprintable())


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def normalize_inline(text: str) -> str:
    """One line of prose: pretty-printer whitespace removed around CJK, Latin spaces kept single.

    - a whitespace run with a line break next to a CJK character is removed
      (``大纪元记者\\n   朝鲜`` → ``大纪元记者朝鲜``);
    - a run next to CJK punctuation is removed (``（法新社柏林11日电）    连接`` → ``…电）连接``);
    - a lone U+3000 next to Chinese stays (``传诵“大法好”　他人平安``: a typed separator), and a
      line-broken run just inside brackets goes (``(\n  AAPL.O\n )`` → ``(AAPL.O)``);
    - any other run becomes one space (``Nord Stream\\n  2`` → ``Nord Stream 2``; an author's
      ``于 9 月 13 日`` and a headline's ``访问 被指`` keep their single spaces);
    - leading and trailing whitespace is dropped.
    """
    stripped = text.strip()
    if " " not in stripped and stripped.isprintable():
        # no whitespace run to decide and nothing for clean_chars to change but NFC: every
        # character either would change is a space or non-printable (tests/test_text.py checks
        # every code point). 78% of the lines of news text; ~15 µs a capture less
        return _nfc(stripped)
    text = clean_chars(text).strip()
    fixed = _ws_decide_re.sub(_decide_run, text)
    # removing a run can bring a base and a mark together (Hangul syllable + jamo); with no
    # run to decide (~94% of lines), the text is the NFC text clean_chars returned
    return text if fixed is text else _nfc(fixed)


def _decide_run(m: re.Match[str]) -> str:
    """What a whitespace run of normalize_inline's text becomes (see there)."""
    text = m.string
    start, end = m.start(), m.end()
    run = m.group()
    left, right = text[start - 1], text[end]  # never at an edge: the text is stripped
    if run == "\u3000" and "cjk" in (_class_of(text, start - 1, -1), _class_of(text, end, 1)):
        return run  # a lone ideographic space in Chinese is a separator someone typed
    if _cjk_punct_re.match(left) or _cjk_punct_re.match(right):
        return ""
    if "\n" in run:
        if left in "([{" or right in ")]}":
            return ""  # pretty-printed "(\n  AAPL.O\n )" is "(AAPL.O)"
    elif "\t" not in run:
        return " "
    if "cjk" in (_class_of(text, start - 1, -1), _class_of(text, end, 1)):
        return ""
    return " "


def rewrite_lines(text: str, find: Callable[[str, int], int], fix: Callable[[str], str]) -> str:
    """``fix`` applied to every line (with its line break) in which ``find(text, pos)`` finds
    something at or after ``pos`` (its index; -1 when there is nothing more), the other lines
    kept as they are. For a rare line in a long text: the regex engine tries a ^-anchored
    MULTILINE pattern at every character, and ftfy tests every line it is given."""
    parts = []
    pos = 0
    while (i := find(text, pos)) >= 0:
        start = text.rfind("\n", 0, i) + 1
        end = text.find("\n", i)
        end = len(text) if end < 0 else end + 1
        parts += (text[pos:start], fix(text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a ``text`` field (separated by one blank line)."""
    return [p for p in text.split("\n\n") if p.strip()]


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p)


def strip_bracket_edges(text: str) -> str:
    """Strip whitespace and full-width padding often left at a paragraph's edges."""
    return text.strip(" \t\n\u3000\u00a0")
