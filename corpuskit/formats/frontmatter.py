"""Jekyll-style YAML front matter that archives put before a capture (not an adapter)."""

from __future__ import annotations

import re

import yaml

_FRONT_RE = re.compile(r"\A\ufeff?---[ \t]*\n(?P<yaml>.*?)\n---[ \t]*\n", re.S)


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter as a dict, the rest of the text); ({}, text) when there is none."""
    m = _FRONT_RE.match(text)
    if not m:
        return {}, text
    return _parse(m.group("yaml")), text[m.end():]


def _parse(src: str) -> dict:
    """YAML front matter; generators write unquoted titles with colons, so fall back to
    ``key: value`` lines when YAML refuses it."""
    try:
        data = yaml.safe_load(src)
        if isinstance(data, dict):
            return data
    except yaml.YAMLError:
        pass
    data = {}
    for line in src.splitlines():
        key, sep, value = line.partition(":")
        if sep and re.fullmatch(r"[A-Za-z_]+", key.strip()):
            data[key.strip()] = value.strip().strip('"')
    return data
