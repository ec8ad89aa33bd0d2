"""URLs: tracking-parameter removal, canonical form for ids, image-proxy unwrapping, domains."""

from __future__ import annotations

import contextlib
import hashlib
import re
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url, safe_url_string, url_query_cleaner

# Query parameters that identify how a link was shared, never which article it is.
# Kept short on purpose: a name like "id" or "n" can be the article's key on some sites.
TRACKING_PARAMS = (
    "feedType", "feedName", "utm_source", "utm_medium", "utm_campaign", "utm_term",
    "utm_content", "utm_name", "utm_id", "fbclid", "gclid", "ref_src", "spm", "ocid",
    "cmpid", "mc_cid", "mc_eid", "_ga", "virtualBrandChannel",
)
_tracking_prefixes = ("utm_",)

# The bundled Public Suffix List snapshot only: no fetch at run time, no cache on disk.
_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


# The plainest absolute http(s) URL: a host of ASCII letters, digits, dots and hyphens (no
# user, no port, no IPv6 brackets), then RFC 3986 characters only (no space, no tab or line
# break, which urlsplit would delete). urlsplit takes such a URL apart without an error, into
# scheme http(s), that host as the netloc and the rest as path, query and fragment, so what the
# functions below ask of urlsplit is known from the text (tests/test_urls.py checks them
# against urlsplit). Nine in ten source and image URLs have this form.
_RFC3986 = r"A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%"
_SIMPLE_HTTP = re.compile(rf"https?://(?P<host>[A-Za-z0-9.-]+)(?:[/?#][{_RFC3986}]*)?")
# ... with a lowercase host, a path that does not start with "//", no query and no fragment:
# what clean_url makes of it is the URL itself
_CLEAN_HTTP = re.compile(rf"https?://[a-z0-9.-]+/(?!/)[{_RFC3986.replace('?#', '')}]*")


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    if _SIMPLE_HTTP.fullmatch(url):
        return True  # a non-empty host, no port to be out of range
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises ValueError for a port that is no number: host:m)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


_stray_percent = re.compile(r"%(?![0-9A-Fa-f]{2})")
# RFC 3986 characters only (no space, no non-ASCII, no quotes or angle brackets)
_plain_uri = re.compile(f"[{_RFC3986}]+")


def safe_uri(url: str) -> str | None:
    """An absolute http(s) URL as a valid URI: non-ASCII percent-encoded (w3lib), a stray
    ``%`` (a title's "80%" pasted into a path) escaped as ``%25``; None if not http(s)."""
    url = url.strip()
    if not is_http_url(url):
        return None
    if _plain_uri.fullmatch(url) and not _stray_percent.search(url):
        return url  # already a valid URI: keep it exactly as written
    try:
        return safe_url_string(_stray_percent.sub("%25", url))
    except ValueError:
        return None


def clean_url(url: str) -> str | None:
    """The URL as published: trimmed, percent-safe, tracking parameters and fragment removed.

    Returns None for anything that is not an absolute http(s) URL (relative links,
    ``javascript:``, ``data:``), so that such values never reach a record.
    """
    url = safe_uri(url.strip().strip("<>\"'"))
    if url is None:
        return None
    if _CLEAN_HTTP.fullmatch(url):
        return url  # nothing to remove, no host to lowercase, no slash to collapse
    try:
        parts = urlsplit(url)
        query = "&".join(
            p for p in parts.query.split("&")
            if p and not _is_tracking(p.split("=", 1)[0])
        )
        # collapse the doubled slash some feeds write after the host (rfi.fr//cn/…)
        path = re.sub(r"^/{2,}", "/", parts.path) or "/"
        return urlunsplit((parts.scheme, parts.netloc.lower(), path, query, ""))
    except ValueError:
        return None


def _is_tracking(name: str) -> bool:
    return name in TRACKING_PARAMS or name.startswith(_tracking_prefixes)


# ... and with no dot segment ("/." starts one), no ";" (path parameters) and percent escapes
# only of bytes 80-FF in capitals (what w3lib writes for them): w3lib's canonical form of it is
# the URL itself. It has no query to sort or clean and no fragment; the host is lowercase ASCII
# (its IDNA form); the path comes out of unquoting and quoting again as it went in.
# The host's last label starts with a letter: w3lib reads a host ending in a number ("0",
# "1.2", "0x7f") as an IPv4 address and rewrites it ("0" is 0.0.0.0), so those go through it.
# tests/test_urls.py compares this with w3lib on odd and generated URLs.
_CANONICAL_HTTP = re.compile(
    r"https?://(?:[a-z0-9.-]*\.)?[a-z][a-z0-9-]*/(?!/)(?:[A-Za-z0-9\-_~!$&'()*+,=:@/]|(?<!/)\.|%[89A-F][0-9A-F])*")
_SCHEME = re.compile(r"^https?://")


def canonical_url(url: str) -> str:
    """Canonical form for identity: w3lib's canonicalisation (sorted query, normalised
    percent-encoding, no fragment), lowercase host, http and https treated alike."""
    if not _CANONICAL_HTTP.fullmatch(url):
        # w3lib refuses a host that the URL standard forbids (``http://%2F/``: an escaped "/");
        # urlsplit, and so clean_url, let it through. The URL as given still names the
        # article, and the same text always gives the same id.
        with contextlib.suppress(ValueError):
            url = canonicalize_url(url_query_cleaner(url, TRACKING_PARAMS, remove=True))
    return _SCHEME.sub("//", url)


def article_id(url: str | None, raw: bytes) -> str:
    """16 hex digits of SHA-256 over the canonical URL, or over the raw bytes without one."""
    material = canonical_url(url).encode("utf-8") if url else b"raw:" + raw
    return hashlib.sha256(material).hexdigest()[:16]


_PROXY_HOSTS = ("images.weserv.nl", "wsrv.nl")


def _maybe_proxied(url: str) -> bool:
    """False when ``url`` surely has neither a proxy host nor a thumbor path, told from the text
    without urlsplit: in printable ASCII the host and the path are parts of the text (urlsplit
    deletes only tabs and line breaks), and the host lowercased is part of the text lowercased."""
    if not (url.isascii() and url.isprintable()):
        return True
    low = url.lower()
    return "/unsafe/" in url or any(host in low for host in _PROXY_HOSTS)


def unwrap_image_proxy(url: str) -> str | None:
    """The image's own URL behind a resizing proxy, or None when ``url`` is not proxied.

    ``https://images.weserv.nl/?url=static.dw.com/image/1.jpg`` → ``https://static.dw.com/image/1.jpg``;
    ``https://thumbor.ftacademy.cn/unsafe/1340x754/https://…/a.jpg`` → ``https://…/a.jpg``.
    """
    if not _maybe_proxied(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    inner: str | None = None
    if host in _PROXY_HOSTS:
        values = parse_qs(parts.query).get("url")
        if values:
            inner = values[0]
    elif "/unsafe/" in parts.path:  # thumbor: /unsafe/<options>/<image url>
        m = re.search(r"/unsafe/(?:[^/]+/)*?((?:https?:/)?/?[\w.-]+\.[a-z]{2,}/.+)$", parts.path)
        if m:
            inner = m.group(1)
    if not inner:
        return None
    inner = unquote(inner) if "%2F" in inner or "%3A" in inner else inner
    inner = re.sub(r"^(https?):/(?!/)", r"\1://", inner)
    if not re.match(r"^https?://", inner):
        inner = "https://" + inner.lstrip("/")
    nested = unwrap_image_proxy(inner)
    return nested or (inner if is_http_url(inner) else None)


def registered_domain(url: str) -> str | None:
    """reuters.com for https://cn.reuters.com/…, bbc.co.uk for https://www.bbc.co.uk/…"""
    plain = _SIMPLE_HTTP.fullmatch(url)
    if plain:
        return _registered_domain_of_host(plain["host"].lower())  # urlsplit's hostname
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # http://[www.… : an unclosed IPv6 bracket
        return None
    return _registered_domain_of_host(host)


@lru_cache(maxsize=4096)  # per host, not per URL: an archive has few hosts and unique URLs
def _registered_domain_of_host(host: str) -> str | None:
    parts = _extract(host)
    # tldextract ≥ 5.3 renamed registered_domain (the old name warns)
    if hasattr(parts, "top_domain_under_public_suffix"):
        domain = parts.top_domain_under_public_suffix
    else:
        domain = parts.registered_domain
    return domain or (host or None)
