"""Release metadata: name, version, license, description, creators, citation.

Taken from command-line options first, then from a ``corpuskit.toml`` (``[release]`` table) in
the current folder or given with ``--config``, then from defaults: the name is the output
folder's name, the version 1.0.0, and the license ``other`` (the card then says that no license
was given and the articles stay under their publishers' copyright).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10
    import tomli as tomllib

CONFIG_NAME = "corpuskit.toml"
DEFAULT_VERSION = "1.0.0"
DEFAULT_LICENSE = "other"


class ConfigError(ValueError):
    """A corpuskit.toml that cannot be read, or a value of the wrong kind."""


@dataclass(frozen=True)
class ReleaseMeta:
    name: str
    version: str = DEFAULT_VERSION
    license: str = DEFAULT_LICENSE
    description: str | None = None
    creators: tuple[str, ...] = field(default_factory=tuple)
    citation: str | None = None

    @property
    def license_given(self) -> bool:
        return self.license not in ("other", "unknown")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "license": self.license,
                "description": self.description, "creators": list(self.creators),
                "citation": self.citation}


def default_name(out: str | Path) -> str:
    """A release name from the output folder's name (``release`` → ``release``)."""
    name = Path(out).resolve().name
    return re.sub(r"[^\w.-]+", "-", name).strip("-") or "corpus"


def read_config(path: str | Path) -> dict[str, Any]:
    """The ``[release]`` table of a corpuskit.toml, checked for known keys and types."""
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    table = doc.get("release", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [release] must be a table")
    known = {f.name for f in fields(ReleaseMeta)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [release]: {', '.join(unknown)}")
    for key, value in table.items():
        if key == "creators":
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ConfigError(f"{path}: release.creators must be a list of strings")
        elif not isinstance(value, str):
            raise ConfigError(f"{path}: release.{key} must be a string")
    return table


def resolve_meta(out: str | Path, config: str | Path | None = None,
                 **options: Any) -> ReleaseMeta:
    """Options (None = not given) over the config file over the defaults."""
    if config is None and Path(CONFIG_NAME).is_file():
        config = CONFIG_NAME
    values: dict[str, Any] = read_config(config) if config is not None else {}
    values.update({k: v for k, v in options.items() if v not in (None, ())})
    meta = ReleaseMeta(name=default_name(out))
    if "creators" in values:
        values["creators"] = tuple(values["creators"])
    return replace(meta, **values)
