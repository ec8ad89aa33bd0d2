"""Language of an article's text as a BCP 47 tag, with Chinese told apart by script.

Simplified vs traditional is decided by counting characters that exist in only one of the
two CC-CEDICT character sets (from ``zhon``); general language identification for other text
uses py3langid, whose model ships inside the package (no download).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# The writing systems that decide Chinese, Japanese and Korean, as (first, last) code points:
# Han (CJK unified ideographs, extension A, compatibility ideographs), kana, hangul syllables.
SCRIPT_RANGES = {
    "han": ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)),
    "kana": ((0x3040, 0x30FF),),
    "hangul": ((0xAC00, 0xD7AF),),
}
_letter = re.compile(r"[^\W\d_]")


@cache
def _script_balance_table() -> np.ndarray:
    """+1 for each code point found only in simplified Chinese, -1 for each found only in
    traditional (the CC-CEDICT character sets of ``zhon``), 0 for everything else; one past the
    last such code point is 0 too, so that clipping maps any higher code point to 0."""
    import numpy as np
    from zhon import cedict

    simplified, traditional = set(cedict.simplified), set(cedict.traditional)
    simp_only, trad_only = simplified - traditional, traditional - simplified
    table = np.zeros(max(map(ord, simp_only | trad_only)) + 2, dtype=np.int8)
    table[[ord(c) for c in simp_only]] = 1
    table[[ord(c) for c in trad_only]] = -1
    return table


@cache
def _script_table() -> np.ndarray:
    """For each code point, 1 + the index in SCRIPT_RANGES of its writing system, 0 when it
    has none; one past the last such code point is 0 too, for clipping."""
    import numpy as np

    last = max(end for ranges in SCRIPT_RANGES.values() for _, end in ranges)
    table = np.zeros(last + 2, dtype=np.uint8)
    for n, ranges in enumerate(SCRIPT_RANGES.values(), start=1):
        for first, end in ranges:
            table[first:end + 1] = n
    return table


def _script_counts(codes: np.ndarray) -> list[int]:
    """How many of the code points are of each writing system of SCRIPT_RANGES, in its order:
    one table lookup and one count for all three (three regex scans of the text before, 22 µs
    a capture; this ~5)."""
    import numpy as np

    counts = np.bincount(_script_table().take(codes, mode="clip"),
                         minlength=len(SCRIPT_RANGES) + 1)
    return counts[1:].tolist()


def _code_points(text: str) -> np.ndarray:
    """The text's code points; lone surrogates (a broken capture's) pass as their own values."""
    import numpy as np  # not at import time: the CLI starts faster without it

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _count_in(table: np.ndarray, codes: np.ndarray) -> int:
    """The sum of ``table`` over the code points (clipped: any higher code point counts as
    the table's last entry, 0)."""
    return int(table.take(codes, mode="clip").sum(dtype="int64"))


def unload_model() -> None:
    """Let the model go (~75 MB); the next identification loads it again."""
    _identifier.cache_clear()


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Matches of a one-character pattern (subn counts in C; findall builds a list of str)."""
    return pattern.subn("", text)[1]


def chinese_script(text: str) -> str | None:
    """``Hans`` or ``Hant`` by majority of script-specific characters; None if undecided.

    The count is a table lookup over the text's code points (numpy, which py3langid needs
    anyway): a regex count pays for every match, and a Chinese sample of 2,000 characters holds
    hundreds of script-specific ones (60 µs with ``subn``, ~10 µs here).
    """
    return _script_of(_code_points(text))


def _script_of(codes: np.ndarray) -> str | None:
    balance = _count_in(_script_balance_table(), codes)
    if balance == 0:
        return None
    return "Hans" if balance > 0 else "Hant"


def detect_language(text: str) -> str:
    # A few hundred characters decide the writing system; the script and the language model
    # get more. Counting is the cost here (Unicode classes), so the samples stay small.
    head = text[:600]
    sample = _code_points(text[:2000])  # the head's are its first len(head)
    han, kana, hangul = _script_counts(sample[:len(head)])
    if han and han >= 0.3 * len(head) and not kana and not hangul:
        # Han characters are letters, so this is the Chinese branch below without counting
        # the letters (the costliest count; most of the corpus is Chinese)
        script = _script_of(sample)
        return f"zh-{script}" if script else "zh"
    letters = _count(_letter, head)
    if not letters:
        return "und"
    if kana > 0.05 * letters:
        return "ja"
    if hangul > 0.2 * letters:
        return "ko"
    if han >= 0.3 * letters:
        script = _script_of(sample)
        return f"zh-{script}" if script else "zh"
    lang, prob = _identifier().classify(text[:2000])
    return lang if prob >= 0.5 else "und"
