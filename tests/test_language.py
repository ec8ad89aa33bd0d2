"""Language tags; simplified vs traditional Chinese by the majority of script-only characters."""

from __future__ import annotations

import pytest
from zhon import cedict

from corpuskit.language import (
    SCRIPT_RANGES,
    _code_points,
    _script_counts,
    chinese_script,
    detect_language,
)

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


def test_the_script_counts_are_of_their_ranges_alone() -> None:
    """detect_language counts Han, kana and hangul with one table: each range's first and last
    code point count for their script; their neighbours outside every range, higher code
    points and lone surrogates for none."""
    ranges = list(SCRIPT_RANGES.values())
    for n, script in enumerate(ranges):
        inside = "".join(chr(c) for first, last in script for c in (first, last))
        expected = [0] * len(ranges)
        expected[n] = len(inside)
        assert _script_counts(_code_points(inside)) == expected
    within = {c for script in ranges for first, last in script for c in range(first, last + 1)}
    outside = "".join(chr(c) for script in ranges for first, last in script
                      for c in (first - 1, last + 1) if c not in within)
    assert outside
    assert _script_counts(_code_points(outside + "\U00020000\U0010ffff\ud800a")) == [0, 0, 0]
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert _script_counts(_code_points(everything)) == [
        sum(last - first + 1 for first, last in script) for script in ranges]


@pytest.mark.parametrize(("text", "tag"), [
    # the Han share of the first 600 characters decides Chinese before any letter is counted
    ("这" * 180 + "a" * 420 + "这" * 1000, "zh-Hans"),
    # under 30% of the head and of its letters: not Chinese (the model finds no language)
    ("这" * 179 + "a" * 421 + "這" * 1000, "und"),
])
def test_the_han_share_is_read_off_the_head(text: str, tag: str) -> None:
    assert detect_language(text) == tag
