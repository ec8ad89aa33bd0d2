"""CJK whitespace rules and character clean-up: examples, then properties searched by hypothesis."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from fuzz.harness import examples
from hypothesis import given, settings
from hypothesis import strategies as st

import corpuskit.text as text_module
from corpuskit.text import clean_chars, is_cjk, normalize_inline

# -- examples ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    ("大纪元记者\n   朝鲜", "大纪元记者朝鲜"),  # pretty-printer break between CJK
    ("（法新社柏林11日电）    连接", "（法新社柏林11日电）连接"),  # run next to CJK punctuation
    ("Nord Stream\n  2", "Nord Stream 2"),  # Latin: one space
    ("于 9 月 13 日", "于 9 月 13 日"),  # an author's single spaces are kept
    ("访问 被指", "访问 被指"),  # a headline's space between CJK, no line break: kept
    ("“泄密”\n  文件", "“泄密”文件"),  # quotes take the class of what is beyond them
    ("  \t padded \n", "padded"),
    ("苹果公司(\n  AAPL.O\n  )周五", "苹果公司(AAPL.O)周五"),  # breaks inside brackets go
    ("传诵“大法好”\u3000他人平安", "传诵“大法好”\u3000他人平安"),  # a typed U+3000 separator stays
    ("\u3000\u3000首段", "首段"),  # full-width paragraph indent goes
    ("Nord\u3000Stream", "Nord Stream"),  # not between Chinese: an ordinary space
    ("", ""),
    ("\n\n", ""),
])
def test_normalize_inline_examples(raw, expected):
    assert normalize_inline(raw) == expected


def test_clean_chars_removes_controls_and_invisibles_and_unifies_line_breaks():
    assert clean_chars("a\x00b\x07c\x1bd\x7fe\x9ff") == "abcdef"
    assert clean_chars("零\u200b宽\u200d字\ufeff符\u00ad\u202e") == "零宽字符"
    assert clean_chars("a\r\nb\rc\nd\x0be\x0cf\u2028g\u2029h\x85i") == "a\nb\nc\nd\ne\nf\ng\nh\ni"
    assert clean_chars("word\x1fword") == "word word"
    assert clean_chars("\ufffd kept") == "\ufffd kept"  # flagged elsewhere, never dropped


def test_clean_chars_composes_after_removing():
    # a zero-width space between a letter and its accent hid the pair from NFC
    assert clean_chars("e\u200b\u0301") == "\u00e9"


def test_every_format_character_is_invisible():
    """The hand-listed Cf ranges in text.py cover every Cf character this Python knows."""
    missing = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
               if unicodedata.category(chr(c)) == "Cf" and clean_chars(f"a{chr(c)}b") != "ab"]
    assert missing == []


def test_clean_chars_fast_path_knows_every_character_it_changes():
    """clean_chars skips its substitutions when one scan finds nothing to change: that scan
    must match every code point that one of the substitutions would change, and no other; and
    the cheaper test before it must never call such a code point clean."""
    wrong = []
    for c in map(chr, range(sys.maxunicode + 1)):
        if 0xD800 <= ord(c) < 0xE000:
            continue
        changed = clean_chars(f"a{c}b") != unicodedata.normalize("NFC", f"a{c}b")
        if bool(text_module._unclean_re.search(c)) != changed:
            wrong.append(f"U+{ord(c):04X}")
        if changed and text_module._surely_clean(f"a\n{c}\u3000b"):
            wrong.append(f"U+{ord(c):04X} (called clean)")
    assert wrong == []


def test_printable_text_without_spaces_has_nothing_for_normalize_inline_to_decide():
    """normalize_inline returns a stripped line that is printable and holds no space as its
    NFC form, skipping clean_chars and the whitespace runs: every printable code point but the
    space must then be neither whitespace nor changed by clean_chars, and no whitespace
    character may come out of composing others."""
    wrong = []
    for c in map(chr, range(sys.maxunicode + 1)):
        if 0xD800 <= ord(c) < 0xE000:
            continue
        if c.isprintable() and c != " " and (
                c.isspace() or clean_chars(f"a{c}b") != unicodedata.normalize("NFC", f"a{c}b")):
            wrong.append(f"U+{ord(c):04X}")
        # a composition's result decomposes canonically into two characters
        if c.isspace() and len(unicodedata.normalize("NFD", c)) > 1:
            wrong.append(f"U+{ord(c):04X} (composed)")
    assert wrong == []


# -- properties ----------------------------------------------------------------------------

CJK = st.sampled_from("中文朝鲜报导德國之聲經濟かなカナ한국어㐀𠀀")
CJK_PUNCT = st.sampled_from("，。、：；！？（）【】《》「」\u3000")
LATIN = st.sampled_from("abcxyzABCXYZéüñ0123456789")
NEUTRAL = st.sampled_from("“”‘’…—·\"'")
WHITESPACE = st.sampled_from([ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace()])
HOSTILE = st.sampled_from("\x00\x07\x1b\x7f\x85\x9f\u200b\u200d\ufeff\u202e\u00ad\u0301\u1161"
                          "\u11a8\ud7a3\ufffd\U000e0041")
INLINE_TEXT = st.text(
    alphabet=st.one_of(CJK, CJK_PUNCT, LATIN, NEUTRAL, WHITESPACE, HOSTILE, st.characters()),
    max_size=60,
)
LATIN_WORD = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEZéèüöñçß0123456789"),
                     min_size=1, max_size=8)


@settings(max_examples=examples(400))
@given(INLINE_TEXT)
def test_normalize_inline_is_idempotent(text):
    once = normalize_inline(text)
    assert normalize_inline(once) == once


@settings(max_examples=examples(400))
@given(INLINE_TEXT)
def test_normalize_inline_fast_path_gives_what_the_runs_would(text):
    """The shortcut for lines without whitespace inside gives what deciding the runs of the
    cleaned text gives (the two paths of normalize_inline, each on every text)."""
    cleaned = clean_chars(text).strip()
    assert normalize_inline(text) == unicodedata.normalize(
        "NFC", text_module._ws_decide_re.sub(text_module._decide_run, cleaned))


@settings(max_examples=examples(300))
@given(INLINE_TEXT)
def test_normalize_inline_output_is_one_clean_line(text):
    out = normalize_inline(text)
    assert out == out.strip()
    assert "  " not in out
    # single spaces, and the one ideographic space an editor may type between Chinese words
    assert not any(ch.isspace() and ch not in " \u3000" for ch in out)
    assert "\u3000\u3000" not in out and " \u3000" not in out and "\u3000 " not in out
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in out)
    assert unicodedata.is_normalized("NFC", out)


@settings(max_examples=examples(300))
@given(st.lists(st.tuples(st.text(alphabet=CJK, min_size=1, max_size=4),
                          st.text(alphabet=WHITESPACE, max_size=4)),
                min_size=1, max_size=6))
def test_newline_runs_between_cjk_are_removed(pieces):
    """A whitespace run holding a line break between two CJK characters never survives."""
    text = ""
    for i, (word, ws) in enumerate(pieces):
        sep = ws[: len(ws) // 2] + "\n" + ws[len(ws) // 2:]
        text += word + (sep if i < len(pieces) - 1 else "")
    assert normalize_inline(text) == unicodedata.normalize("NFC", "".join(w for w, _ in pieces))


@settings(max_examples=examples(300))
@given(st.lists(LATIN_WORD, min_size=1, max_size=8),
       st.lists(st.text(alphabet=WHITESPACE, min_size=1, max_size=4), min_size=8, max_size=8),
       st.text(alphabet=WHITESPACE, max_size=3), st.text(alphabet=WHITESPACE, max_size=3))
def test_latin_words_are_never_joined(words, gaps, lead, trail):
    """Latin words separated by any whitespace keep exactly one space between them."""
    text = lead + "".join(w + (gaps[i] if i < len(words) - 1 else "")
                          for i, w in enumerate(words)) + trail
    assert normalize_inline(text) == " ".join(words)


@settings(max_examples=examples(200))
@given(st.text(alphabet=st.characters(), max_size=80))
def test_clean_chars_never_leaves_controls_or_invisibles(text):
    out = clean_chars(text)
    assert not any(unicodedata.category(ch) == "Cf" for ch in out)
    assert not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in out)
    assert clean_chars(out) == out


def test_is_cjk():
    assert is_cjk("中") and is_cjk("，") and is_cjk("𠀀") and not is_cjk("a")
    # extensions I (Unicode 15.1) and H (15.0): ideographs that Python 3.11 does not know yet
    assert is_cjk("\U0002ebf0") and is_cjk("\U00031350") and is_cjk("\U000323af")
    assert normalize_inline("\U00031350\n   \U00031351") == "\U00031350\U00031351"
