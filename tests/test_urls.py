"""URL functions: the shortcuts that answer from the text what urlsplit would find agree with
the full path through urlsplit, on plain, odd and generated URLs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit import urls

NEVER = re.compile(r"(?!)")


@contextmanager
def without_shortcuts() -> Iterator[None]:
    saved = urls._SIMPLE_HTTP, urls._CLEAN_HTTP, urls._CANONICAL_HTTP, urls._maybe_proxied
    urls._SIMPLE_HTTP = urls._CLEAN_HTTP = urls._CANONICAL_HTTP = NEVER
    urls._maybe_proxied = lambda url: True
    try:
        yield
    finally:
        (urls._SIMPLE_HTTP, urls._CLEAN_HTTP, urls._CANONICAL_HTTP,
         urls._maybe_proxied) = saved


def answers(url: str) -> tuple:
    clean = urls.clean_url(url)
    return (urls.is_http_url(url), urls.safe_uri(url), clean, urls.unwrap_image_proxy(url),
            urls.canonical_url(clean) if clean else None, urls.registered_domain(url))


def check(url: str) -> None:
    fast = answers(url)
    with without_shortcuts():
        assert answers(url) == fast, url


URLS = [
    "https://www.dw.com/zh/%E9%A6%99%E6%B8%AF/a-58103836",
    "http://www.bbc.com/zhongwen/simp/world-55280651",
    "https://WWW.Example.COM/a",  # capitals in the host: lowercased by clean_url
    "http://%2F",  # an escaped "/" as the host: urlsplit takes it, w3lib refuses it
    "http://0", "http://1.2/a", "http://0x7f.1/", "http://a.0/",  # IPv4 to w3lib: 0.0.0.0…
    "https://example.com",  # no path
    "https://example.com/",
    "https://rfi.fr//cn/a",  # the doubled slash clean_url collapses
    "https://example.com/a?utm_source=x&id=3#top",
    "https://example.com/a#",
    "https://example.com?a=1",
    "https://example.com:8080/a",
    "https://example.com:99999/a",  # a port out of range
    "https://example.com:m/a",
    "https://user:pw@example.com/a",
    "https://[::1]/a",
    "http://[www.example.com/a",
    "https://exa mple.com/a",
    "https://example.com/a b",
    "https://example.com/a\tb",
    "https://example.com/80%/a",
    "https://例子.测试/路径",
    "HTTPS://example.com/a",
    "ftp://example.com/a",
    "//example.com/a",
    "/relative/path",
    "javascript:alert(1)",
    "https://",
    "https://./a",
    "https://images.weserv.nl/?url=static.dw.com/image/1.jpg",
    "https://IMAGES.WESERV.NL/?url=static.dw.com/image/1.jpg",
    "https://wsrv.nl/?url=https%3A%2F%2Fexample.com%2Fa.jpg",
    "https://thumbor.ftacademy.cn/unsafe/1340x754/https://example.com/a.jpg",
    "https://thumbor.ftacademy.cn/uns\tafe/1340x754/https://example.com/a.jpg",
    "https://images.wes\nerv.nl/?url=static.dw.com/image/1.jpg",
    "https://example.com/%e9%a6",  # lowercase escapes: w3lib writes capitals
    "https://example.com/%41%2F%2f%3B%3F%25",  # escapes of ASCII, some decoded
    "https://example.com/%C3",  # not UTF-8: kept as the byte
    "https://example.com/a/./b/../c",
    "https://example.com/a/.hidden/b.",
    "https://example.com/a;p=1",
    "https://example.com/a|b",
    "https://example.com/a[1]",
    "https://example.com/(a)!$&'*+,=:@~_-",
    "https://xn--fiqs8s.cn/a",
    "https://xn--/a", "https://a.xn--/a",  # punycode prefixes with nothing to decode
    "https://" + "a" * 64 + ".com/a",  # a label longer than DNS allows: IDNA refuses it
    "https://-a-.example.com/a",
    "https://a..b/a",
    "https://example.com./a",
    "https://News.BBC.co.UK/a",
    "https://localhost/a",
]


@pytest.mark.parametrize("url", URLS)
def test_shortcuts_answer_what_urlsplit_does(url: str) -> None:
    check(url)


def test_the_shortcuts_are_taken_for_plain_urls() -> None:
    plain = "https://www.dw.com/zh/%E9%A6%99/a-58103836"
    assert urls._SIMPLE_HTTP.fullmatch(plain) and urls._CLEAN_HTTP.fullmatch(plain)
    assert urls._CANONICAL_HTTP.fullmatch(plain)
    assert not urls._maybe_proxied(plain)
    proxied = "https://IMAGES.WESERV.NL/?url=static.dw.com/image/1.jpg"
    assert proxied in URLS and urls._maybe_proxied(proxied)
    assert urls.unwrap_image_proxy(proxied) == "https://static.dw.com/image/1.jpg"


_piece = st.sampled_from([
    "a", "Z", "0", ".", "-", "_", "~", ":", "/", "//", "?", "#", "[", "]", "@", "!", "$", "&",
    "'", "(", ")", "*", "+", ",", ";", "=", "%", "%2F", "%E9", "%e9", "%41", "%25", "%8", "/.",
    "/..", "|", " ", "\t", "\n", "é", "例", "xn--", "A",
    "unsafe", "/unsafe/", "wsrv.nl", "images.weserv.nl", "utm_source=1", ":80", "http://",
])


@settings(max_examples=2000, deadline=None)
@given(scheme=st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "", "//"]),
       host=st.lists(_piece, max_size=4).map("".join),
       rest=st.lists(_piece, max_size=8).map("".join))
def test_shortcuts_answer_what_urlsplit_does_on_generated_urls(
        scheme: str, host: str, rest: str) -> None:
    check(scheme + host + rest)


def test_a_host_w3lib_refuses_still_gives_an_id() -> None:
    """Hypothesis found ``http://%2F``: clean_url keeps it, and canonicalising it raised."""
    clean = urls.clean_url("http://%2F")
    assert clean == "http://%2f/"
    assert urls.canonical_url(clean) == "//%2f/"
    assert urls.article_id(clean, b"") == urls.article_id(clean, b"other bytes")
