"""Jekyll-style YAML front matter that archives put before a capture (not an adapter)."""

from __future__ import annotations

import re

import yaml

_FRONT_RE = re.compile(r"\A\ufeff?---[ \t]*\n(?P<yaml>.*?)\n---[ \t]*\n", re.S)


_CSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoAliasLoader(yaml.SafeLoader):
    """safe_load without aliases: front matter never needs them, and nested aliases (the YAML
    "billion laughs") expand exponentially once a value is turned into a string."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases are not allowed in front matter")
        return super().compose_node(parent, index)


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter as a dict, the rest of the text); ({}, text) when there is none."""
    m = _FRONT_RE.match(text)
    if not m:
        return {}, text
    return _parse(m.group("yaml")), text[m.end():]


def strip_front_matter(text: str) -> str:
    """The text after the front matter, without parsing it (for sniffing a layout)."""
    m = _FRONT_RE.match(text)
    return text[m.end():] if m else text


def _load(src: str) -> object:
    """YAML without aliases. libyaml's C loader is ~15× faster than the pure-Python one but
    cannot be hooked; an alias needs both an anchor (``&``) and a reference (``*``), so the C
    loader is used whenever one of the two characters is absent, which is nearly always."""
    if "&" not in src or "*" not in src:
        return yaml.load(src, Loader=_CSafeLoader)
    return yaml.load(src, Loader=_NoAliasLoader)


def _parse(src: str) -> dict:
    """YAML front matter; generators write unquoted titles with colons, so fall back to
    ``key: value`` lines when YAML refuses it."""
    try:
        data = _load(src)
        if isinstance(data, dict):
            return data
    except (yaml.YAMLError, ValueError):  # ValueError: a timestamp in year 0
        pass
    data = {}
    for line in src.splitlines():
        key, sep, value = line.partition(":")
        if sep and re.fullmatch(r"[A-Za-z_]+", key.strip()):
            data[key.strip()] = value.strip().strip('"')
    return data
