"""Language of an article's text as a BCP 47 tag, with Chinese told apart by script.

Simplified vs traditional is decided by counting characters that exist in only one of the
two CC-CEDICT character sets (from ``zhon``); general language identification for other text
uses py3langid, whose model ships inside the package (no download).
"""

from __future__ import annotations

import re
from functools import cache

_han = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_kana = re.compile(r"[\u3040-\u30ff]")
_hangul = re.compile(r"[\uac00-\ud7af]")
_letter = re.compile(r"[^\W\d_]")


@cache
def _script_sets() -> tuple[frozenset[str], frozenset[str]]:
    from zhon import cedict

    simplified, traditional = set(cedict.simplified), set(cedict.traditional)
    return frozenset(simplified - traditional), frozenset(traditional - simplified)


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def chinese_script(text: str) -> str | None:
    """``Hans`` or ``Hant`` by majority of script-specific characters; None if undecided."""
    simp_only, trad_only = _script_sets()
    s = sum(1 for ch in text if ch in simp_only)
    t = sum(1 for ch in text if ch in trad_only)
    if s == t:
        return None
    return "Hans" if s > t else "Hant"


def detect_language(text: str) -> str:
    sample = text[:5000]
    letters = len(_letter.findall(sample))
    if not letters:
        return "und"
    han = len(_han.findall(sample))
    if len(_kana.findall(sample)) > 0.05 * letters:
        return "ja"
    if len(_hangul.findall(sample)) > 0.2 * letters:
        return "ko"
    if han >= 0.3 * letters:
        script = chinese_script(sample)
        return f"zh-{script}" if script else "zh"
    lang, prob = _identifier().classify(sample)
    return lang if prob >= 0.5 else "und"
