"""What a fuzzer feeds ``extract_capture`` and what must hold for every input.

Used by the hypothesis tests (tests/test_properties.py, bounded and deterministic in CI) and
by the atheris entry point (tests/fuzz/fuzz_extract.py, for long coverage-guided runs).
A failing input is a *crasher*: save it under tests/fuzz/crashers/ (ASCII name saying what
it is) and tests/test_robustness.py replays it on every run.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from corpuskit.limits import Limits
from corpuskit.pipeline import Outcome, extract_capture
from corpuskit.schema import validate
from corpuskit.sources import Capture

HERE = Path(__file__).resolve().parent
CRASHERS = HERE / "crashers"
TESTS = HERE.parent
ROOT = TESTS.parent

# Generous: a fuzzed input (< 1 MB) takes milliseconds; needing seconds means a regex or a
# loop is super-linear, which the time limit would hide in production, so it is reported.
FUZZ_LIMITS = Limits(max_bytes=1 << 20, timeout_seconds=5.0)
RERUN_LIMITS = Limits(max_bytes=1 << 20, timeout_seconds=60.0)  # a regression fails, not hangs
SLOW_SECONDS = 5.0



def examples(n: int) -> int:
    """A hypothesis test's example budget: ``n`` in CI, times CORPUSKIT_FUZZ_SCALE to explore."""
    return n * max(1, int(os.environ.get("CORPUSKIT_FUZZ_SCALE", "1")))


# Markup and entities to splice in: the constructs that break parsers.
INSERTIONS = (
    b"<div>", b"</div>", b"<p>", b"</p>", b"<br>", b"<img src=\"javascript:alert(1)\">",
    b"<iframe src=\"/relative\">", b"<a href=\"javascript:x\">", b"<![CDATA[", b"]]>",
    b"<!--", b"-->", b"<script>", b"</script>", b"<style>", b"<svg><math>", b"<table><tr><td>",
    b"&amp;", b"&#0;", b"&#xD800;", b"&#1114112;", b"&nbsp;", b"&lol;", b"&#9999999999;",
    b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
    b"\x00", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xed\xa0\xbd\xed\xb8\x80", b"\xff\xfe",
    "【大纪元0000年13月32日讯】".encode(), "【大纪元9999年12月31日讯】".encode(),
    b"<!--99999999999999-->", b"<!--0000000000000-->", b"\n---\n", b"\n------\n",
    b"[t](javascript:alert(1))", b"### ", b"{", b"[", b"\"", b"\\u0000", b"\\ud800",
    b"<time datetime=\"0000-00-00\">", b"<meta charset=\"utf-16\">", b"<meta charset=big5>",
    b"<meta charset=base64>", b"<?xml version=\"1.0\" encoding=\"punycode\"?>",
)


def seed_inputs(max_bytes: int = 16_000) -> list[tuple[str, bytes]]:
    """Real captures to mutate: the seeds and the real-corpus fixtures (every layout), the
    larger ones left out so that an example takes milliseconds."""
    paths = sorted((ROOT / "seeds").glob("*.txt"))
    paths += sorted((TESTS / "fixtures").rglob("*.md"))
    paths += sorted((TESTS / "fixtures").rglob("*.json*"))[:5]
    return [(p.name, p.read_bytes()) for p in paths if p.stat().st_size <= max_bytes]


def mutate(data: bytes, rng: random.Random, rounds: int = 3) -> bytes:
    """A few random edits of a real capture: byte flips, truncation, splices, CRLF, dupes."""
    buf = bytearray(data)
    for _ in range(rounds):
        op = rng.randrange(7)
        at = rng.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip bits in a few bytes
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(buf))
                buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # truncate anywhere (mid-tag, mid-character)
            del buf[at:]
        elif op == 2:  # splice in markup or entities
            buf[at:at] = rng.choice(INSERTIONS) * rng.choice((1, 1, 1, 2, 50))
        elif op == 3:  # line endings
            buf = bytearray(bytes(buf).replace(b"\n", rng.choice((b"\r\n", b"\r", b"\n\n"))))
        elif op == 4 and buf:  # duplicate or drop a stretch
            end = min(len(buf), at + rng.randrange(1, 400))
            if rng.random() < 0.5:
                buf[at:at] = buf[at:end]
            else:
                del buf[at:end]
        elif op == 5:  # random bytes
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:  # re-encode the rest in another codec (mixed encodings in one file)
            try:
                tail = bytes(buf[at:]).decode("utf-8").encode(rng.choice(("gb18030", "utf-16")))
                buf[at:] = tail
            except UnicodeError:
                pass
    return bytes(buf)


def check(data: bytes, path: str = "fuzzed.md") -> list[Outcome]:
    """Run one input and assert what must hold for every input whatsoever."""
    capture = Capture(path=path, raw=data, file=path)
    outcomes = extract_capture(capture, FUZZ_LIMITS)
    if any(o.reason == "timeout" for o in outcomes):
        # the limit is wall-clock; on a busy machine that is not the input's fault, so the
        # input is judged by the processor time it needs
        started = time.process_time()
        outcomes = extract_capture(Capture(path=path, raw=data, file=path), RERUN_LIMITS)
        took = time.process_time() - started
        assert took < SLOW_SECONDS, f"{took:.1f} s on a small input: super-linear somewhere"
    assert outcomes, "no outcome"
    for o in outcomes:
        assert o.capture.raw is data, "the raw bytes were replaced"
        if o.article is None:
            assert o.reason and o.message is not None, o
            assert o.reason != "extractor_error", o.message  # an exception nobody expected
            continue
        assert o.reason is None
        assert validate(o.article) == []
        o.article.to_json().encode("utf-8")  # printable as UTF-8 JSON (no lone surrogates)
        record = o.article.to_dict()
        for url in _urls(record):
            assert url.lower().startswith(("http://", "https://")), url  # scheme: any case
    return outcomes


def _urls(record: dict) -> list[str]:
    urls = [record["source_url"], record["source"]["mirror_url"]]
    urls += [i[k] for i in record["images"] for k in ("url", "original_url")]
    urls += [e["url"] for e in record["embeds"]]
    return [u for u in urls if u is not None]
