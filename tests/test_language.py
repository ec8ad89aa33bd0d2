"""Language tags; simplified vs traditional Chinese by the majority of script-only characters."""

from __future__ import annotations

import pytest
from zhon import cedict

from corpuskit.language import chinese_script, detect_language

SIMPLIFIED_ONLY = sorted(set(cedict.simplified) - set(cedict.traditional))
TRADITIONAL_ONLY = sorted(set(cedict.traditional) - set(cedict.simplified))


@pytest.mark.parametrize(("text", "script"), [
    ("美国国务院发言人说，这项决定将于下周生效。", "Hans"),
    ("美國國務院發言人說，這項決定將於下週生效。", "Hant"),
    ("中文", None),  # characters both scripts share decide nothing
    ("", None),
    # majority, not first seen: two simplified-only characters against three traditional-only
    ("这说 這說們", "Hant"),
])
def test_chinese_script_by_majority(text: str, script: str | None) -> None:
    assert chinese_script(text) == script


def test_every_script_only_character_counts_for_its_script() -> None:
    # the whole sets, supplementary-plane characters included, through the lookup table
    assert all(chinese_script(c) == "Hans" for c in SIMPLIFIED_ONLY)
    assert all(chinese_script(c) == "Hant" for c in TRADITIONAL_ONLY)
    # every simplified-only character against as many traditional-only ones, then one fewer
    # and one more: the balance is exact over the whole table
    simplified = "".join(SIMPLIFIED_ONLY)
    n = len(SIMPLIFIED_ONLY)
    assert len(TRADITIONAL_ONLY) > n
    assert chinese_script(simplified + "".join(TRADITIONAL_ONLY[:n])) is None
    assert chinese_script(simplified + "".join(TRADITIONAL_ONLY[:n - 1])) == "Hans"
    assert chinese_script(simplified + "".join(TRADITIONAL_ONLY[:n + 1])) == "Hant"


def test_code_points_beyond_the_table_and_lone_surrogates_count_for_neither() -> None:
    highest = max(map(ord, SIMPLIFIED_ONLY + TRADITIONAL_ONLY))
    beyond = "".join(chr(c) for c in (highest + 1, highest + 2, 0x1F600, 0x10FFFF))
    assert chinese_script(beyond) is None
    assert chinese_script("\ud800这\udfff") == "Hans"  # a broken capture's surrogate


@pytest.mark.parametrize(("text", "tag"), [
    ("美国国务院发言人说，这项决定将于下周生效。" * 3, "zh-Hans"),
    ("美國國務院發言人說，這項決定將於下週生效。" * 3, "zh-Hant"),
    ("The State Department said the decision takes effect next week. " * 3, "en"),
    ("東京都は来週から新しい規則を施行すると発表した。" * 3, "ja"),
    ("국무부는 다음 주부터 결정이 발효된다고 밝혔다. " * 3, "ko"),
    ("1234 5678 —", "und"),
])
def test_detect_language(text: str, tag: str) -> None:
    assert detect_language(text) == tag
