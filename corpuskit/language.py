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

# Runs of everything but Han characters: deleting them leaves the Han characters to count,
# and Chinese text has far fewer such runs than Han characters (a third of the time of
# counting the characters themselves with subn).
_not_han_runs = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_kana = re.compile(r"[\u3040-\u30ff]")
_hangul = re.compile(r"[\uac00-\ud7af]")
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
    import numpy as np  # not at import time: the CLI starts faster without it

    # UTF-32 is one 4-byte unit per code point; lone surrogates pass as their own values
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    balance = int(_script_balance_table().take(codes, mode="clip").sum(dtype=np.int64))
    if balance == 0:
        return None
    return "Hans" if balance > 0 else "Hant"


def detect_language(text: str) -> str:
    # A few hundred characters decide the writing system; the script and the language model
    # get more. Counting is the cost here (Unicode classes), so the samples stay small.
    head = text[:600]
    sample = text[:2000]
    han = len(_not_han_runs.sub("", head))
    if han and han >= 0.3 * len(head) and not _kana.search(head) and not _hangul.search(head):
        # Han characters are letters, so this is the Chinese branch below without counting
        # the letters (the costliest count; most of the corpus is Chinese)
        script = chinese_script(sample)
        return f"zh-{script}" if script else "zh"
    letters = _count(_letter, head)
    if not letters:
        return "und"
    if _count(_kana, head) > 0.05 * letters:
        return "ja"
    if _count(_hangul, head) > 0.2 * letters:
        return "ko"
    if han >= 0.3 * letters:
        script = chinese_script(sample)
        return f"zh-{script}" if script else "zh"
    lang, prob = _identifier().classify(sample)
    return lang if prob >= 0.5 else "und"
