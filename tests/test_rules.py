"""The shortcuts in the paragraph rules (outlets, assemble) answer what the plain patterns do.

Each prefilter rests on a fact about a pattern ("every match contains ``://``"); these tests
check the fact against the pattern itself, so that editing a pattern cannot leave a shortcut
that skips real matches.
"""

from __future__ import annotations

import re
import sys

import pytest

from corpuskit import assemble
from corpuskit.assemble import (
    _BYLINE_FIRST,
    _DASHES,
    _LABELLED,
    _PLACE_DASH,
    _TRAILING_EDITOR,
    _match_byline,
    parse_byline,
)
from corpuskit.outlets import (
    _CASELESS_SYNTAX,
    BYLINE_LABELS,
    GENERIC,
    GUARDS,
    OUTLETS,
    _alt,
    compiled,
)
from corpuskit.text import WORD

if sys.version_info >= (3, 11):
    from re import _constants as sre_constants
    from re import _parser as sre_parse
else:  # pragma: no cover
    import sre_constants
    import sre_parse

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
if hasattr(sre_constants, "POSSESSIVE_REPEAT"):
    _REPEATS.add(sre_constants.POSSESSIVE_REPEAT)

# Every code point but the surrogates, for the checks over all characters.
ALL_CHARACTERS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def required_literals(items) -> list[str]:
    """Literal runs that every match of a parsed pattern contains (an under-estimate: a group
    or a repeat ends a run, a branch or a class contributes nothing)."""
    runs: list[str] = []
    run = ""
    for op, av in items:
        if op is sre_constants.LITERAL:
            run += chr(av)
            continue
        if run:
            runs.append(run)
            run = ""
        if op is sre_constants.SUBPATTERN:
            runs += required_literals(av[-1])
        elif op in _REPEATS and av[0] >= 1:  # the body occurs at least once
            runs += required_literals(av[2])
    if run:
        runs.append(run)
    return runs


def matches_only_itself(literal: str, flags: int) -> bool:
    """True when, under ``flags``, the literal's characters match no other character (so that
    a plain ``in`` test finds every place a case-insensitive pattern could match it)."""
    found = set(re.findall("[" + re.escape(literal) + "]", ALL_CHARACTERS, flags))
    return found == set(literal)


PARAGRAPH_PATTERNS = {
    *GENERIC.boilerplate, *GENERIC.rights, *(p for rule in OUTLETS for p in rule.boilerplate),
}


@pytest.mark.parametrize(("pattern", "guard"), sorted(GUARDS.items()))
def test_every_match_of_a_guarded_pattern_contains_its_guard(pattern: str, guard: str) -> None:
    assert pattern in PARAGRAPH_PATTERNS  # a guard for a pattern no rule has is a stale entry
    flags = re.IGNORECASE | re.DOTALL  # those of outlets._alt
    assert any(guard in run for run in required_literals(sre_parse.parse(pattern, flags)))
    assert matches_only_itself(guard, flags)


def test_the_literal_analysis_finds_what_a_match_needs_and_nothing_optional() -> None:
    def literals(p: str) -> list[str]:
        return required_literals(sre_parse.parse(p))
    assert literals(r"(?:ab)+c?d") == ["ab", "d"]
    assert literals(r"x(?:ab)*y|z") == []  # a branch: either side may match
    assert literals(r"a{0,3}b{2}") == ["b"]


SAMPLES = [
    "国务院周三宣布，这项决定将于下周生效。",
    "YouTube频道：https://www.youtube.com/c/x\n播放列表：https://youtube.com/playlist?list=1",
    "https://feedx.net/rss",
    "原文链接：https://example.com/a",
    "跳过 Twitter 帖子, 1",
    "Twitter 帖子结束, 1",
    "Twitter帖子结束",
    "帖子结束",
    "©2023 德国之声版权声明：本文所有内容受到著作权法保护",
    "本站版权声明：转载请注明出处",
    "版權所有 © 2023",
    "（完）",
    "#",
    "HTTPS://EXAMPLE.COM/A",
    "说明：http//不是网址",
    "",
]


@pytest.mark.parametrize("outlet_id", [None, *(rule.id for rule in OUTLETS)])
def test_paragraph_rules_answer_what_their_alternation_does(outlet_id: str | None) -> None:
    rules = compiled(outlet_id)
    own = rules.rule.boilerplate if rules.rule else ()
    boilerplate = _alt(GENERIC.boilerplate + own)
    rights = _alt(GENERIC.rights)
    for text in SAMPLES:
        assert bool(rules.is_boilerplate(text)) == bool(boilerplate.fullmatch(text)), text
        assert bool(rules.is_rights(text)) == bool(rights.fullmatch(text)), text
    # the samples reach the guarded patterns, both ways
    assert rules.is_boilerplate(SAMPLES[1]) and not rules.is_boilerplate(SAMPLES[0])
    assert bool(rules.is_boilerplate("Twitter 帖子结束, 1")) == (outlet_id == "bbc")


def test_regex_classes_are_the_str_predicates_the_shortcuts_use() -> None:
    # parse_byline and _match_byline strip with str.strip and test str.isdecimal where the
    # patterns say \s and \d
    assert set(re.findall(r"\s", ALL_CHARACTERS)) == {c for c in ALL_CHARACTERS if c.isspace()}
    assert set(re.findall(r"\d", ALL_CHARACTERS)) == {c for c in ALL_CHARACTERS if c.isdecimal()}
    assert "".join(c for c in ALL_CHARACTERS if c.isspace()).strip() == ""


def test_a_byline_starts_with_one_of_the_first_characters_parse_byline_knows() -> None:
    assert {label[0] for label in BYLINE_LABELS} <= _BYLINE_FIRST
    # the separator branch: any character the pattern takes before a label
    seps = [c for c in ALL_CHARACTERS if _LABELLED.match(c + "记者：张三")]
    assert seps and all(c in _BYLINE_FIRST or c.isspace() for c in seps)


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


def _parse_byline_reference(text: str) -> dict[str, list[str]] | None:
    """parse_byline with its first-character shortcut off."""
    saved = assemble._BYLINE_FIRST
    assemble._BYLINE_FIRST = _Everything()  # type: ignore[assignment]
    try:
        return parse_byline(text)
    finally:
        assemble._BYLINE_FIRST = saved


BYLINE_SAMPLES = [
    "记者：夏小华 责编：许书婷 何平 网编：瑞哲",
    "  （记者：夏小华）",
    "(编辑：张三)#",
    "；记者 梁慧仪; 审校 杨淑祯",
    "\u3000记者：夏小华",
    "##", "（）", "", " ", "#记者：夏小华",
    "文／王五",
    "国务院周三宣布，这项决定将于下周生效。记者：李四",
    "…。（編輯：張淑伶）1100701",
    "…。（編輯：張淑伶）１１００７０１ \n",
    "…。（編輯：張淑伶）\u3000",
    "…。（編輯：張淑伶）。",
    "…。责任编辑：李同德",
    "华盛顿 —",
]


@pytest.mark.parametrize("text", BYLINE_SAMPLES)
def test_byline_shortcuts_answer_what_the_patterns_do(text: str) -> None:
    assert parse_byline(text) == _parse_byline_reference(text)
    rules = compiled(None)
    found = _match_byline(text, rules)
    m = _TRAILING_EDITOR.search(text)
    trailing = m and _parse_byline_reference(m.group("inner"))
    if _parse_byline_reference(text) is None and trailing:
        assert found is not None and found["rest"] == [text[: m.start()].rstrip()]
    assert bool(_PLACE_DASH.fullmatch(text)) == (
        text.endswith(_DASHES) and bool(_PLACE_DASH.fullmatch(text)))


def test_the_byline_samples_reach_each_branch() -> None:
    rules = compiled(None)
    assert parse_byline("  （记者：夏小华）")["authors"] == ["夏小华"]
    assert _parse_byline_reference("#记者：夏小华") is None
    for text in ("…。（編輯：張淑伶）1100701", "…。（編輯：張淑伶）１１００７０１ \n",
                 "…。责任编辑：李同德"):
        assert text in BYLINE_SAMPLES
        assert _match_byline(text, rules)["rest"] == ["…。"]


def test_junk_image_patterns_take_the_lowercase_path() -> None:
    # every outlet's patterns are written so that the lowercased ASCII search applies
    for pattern in GENERIC.junk_images + tuple(p for r in OUTLETS for p in r.junk_images):
        assert _CASELESS_SYNTAX.fullmatch(pattern), pattern
    # and what would change the answer is refused: a capital, an escape of a code point or a
    # capital class, an inline flag, a non-ASCII letter (ſ matches s case-insensitively)
    for pattern in ("Logo", r"\x41", r"\u0041", r"\101", r"\S+", r"(?i)a", r"(?-i:a)", "ſ",
                    r"\N{LATIN SMALL LETTER A}", r"(?P<a>x)\1"):
        assert not _CASELESS_SYNTAX.fullmatch(pattern), pattern


@pytest.mark.parametrize("outlet_id", [None, "rfi"])
@pytest.mark.parametrize("url", [
    "https://example.com/images/2023/photo.jpg",
    "https://example.com/static/LOGO.PNG",
    "https://example.com/QR_Code.png",
    "https://example.com/AD/x.gif",
    "https://example.com/x/README.MD",
    "https://STATIC.RFI.FR/META_OG_TWCARDS/a.jpg",
    "https://example.com/ſpacer.gif",  # not a valid URI, but the non-ASCII path answers it
    "https://example.com/\u0130con.png",
    "https://example.com/\u212aey.jpg",
])
def test_junk_image_search_answers_what_the_case_insensitive_pattern_does(
        outlet_id: str | None, url: str) -> None:
    rules = compiled(outlet_id)
    own = rules.rule.junk_images if rules.rule else ()
    assert bool(rules.is_junk_image(url)) == bool(_alt(GENERIC.junk_images + own).search(url))


def test_a_related_paragraph_starts_with_one_of_the_leads_assemble_knows() -> None:
    """assemble tries RELATED_HEADING and RELATED_PREFIX only on a paragraph whose first
    character is in _RELATED_LEADS or is whitespace; and a paragraph it skips as having no word
    has no alphanumeric first character."""
    heading, prefix = assemble.RELATED_HEADING, assemble.RELATED_PREFIX
    assert all(heading.fullmatch(w) for w in assemble._RELATED_WORDS)
    assert all(prefix.match(w + "：文") for w in assemble._RELATED_PREFIX_WORDS)
    # a match starts with a word's first character (under the patterns' flags) or "Related"'s,
    # or (the heading) with whitespace or a bracket
    firsts = "".join(w[0] for w in assemble._RELATED_WORDS + assemble._RELATED_PREFIX_WORDS)
    assert set(re.findall(f"[{re.escape(firsts)}R]", ALL_CHARACTERS, re.I)) <= \
        assemble._RELATED_LEADS
    before = [c for c in ALL_CHARACTERS if heading.fullmatch(c + "相关新闻")]
    assert "【" in before and " " in before
    assert all(c in assemble._RELATED_LEADS or c.isspace() for c in before)
    assert not [c for c in ALL_CHARACTERS if prefix.match(c + "相关新闻：文")]
    assert all(WORD.match(c) for c in ALL_CHARACTERS if c.isalnum())
