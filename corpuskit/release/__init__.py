"""Releases: pack captures into a dataset release folder, verify one, read one back."""

from __future__ import annotations

from .build import DEFAULT_SHARD_SIZE, PackResult, ReleaseError, pack
from .check import Problem, verify
from .config import ConfigError, ReleaseMeta, resolve_meta
from .reader import Release, open_release

__all__ = [
    "DEFAULT_SHARD_SIZE",
    "ConfigError",
    "PackResult",
    "Problem",
    "Release",
    "ReleaseError",
    "ReleaseMeta",
    "open_release",
    "pack",
    "resolve_meta",
    "verify",
]
