"""Language of an article's text as a BCP 47 tag, with Chinese told apart by script.

Simplified vs traditional is decided by counting characters that exist in only one of the
two CC-CEDICT character sets (from ``zhon``); general language identification for other text
uses py3langid, whose model ships inside the package (no download).
"""

from __future__ import annotations

import re
from functools import cache

# Runs of everything but Han characters: deleting them leaves the Han characters to count,
# and Chinese text has far fewer such runs than Han characters (a third of the time of
# counting the characters themselves with subn).
_not_han_runs = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_kana = re.compile(r"[\u3040-\u30ff]")
_hangul = re.compile(r"[\uac00-\ud7af]")
_letter = re.compile(r"[^\W\d_]")


@cache
def _script_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Character classes of the characters found only in simplified / only in traditional."""
    from zhon import cedict

    simplified, traditional = set(cedict.simplified), set(cedict.traditional)

    def char_class(chars: set[str]) -> re.Pattern[str]:
        return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")

    return char_class(simplified - traditional), char_class(traditional - simplified)


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
    """``Hans`` or ``Hant`` by majority of script-specific characters; None if undecided."""
    simp_only, trad_only = _script_patterns()
    s = _count(simp_only, text)
    t = _count(trad_only, text)
    if s == t:
        return None
    return "Hans" if s > t else "Hant"


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
