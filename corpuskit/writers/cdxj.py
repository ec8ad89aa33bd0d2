"""CDXJ index files of a release's WARC shards (the lines come from `WarcWriter.cdxj_lines`).

A CDXJ line is ``<SURT key> <14-digit timestamp> <JSON>``; replay tools (pywb) binary-search the
file, so it must be sorted the way ``LC_ALL=C sort`` sorts: by the bytes of each line.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import BinaryIO, TextIO


def sort_cdxj(lines: Iterable[str]) -> list[str]:
    """The lines in the order of ``LC_ALL=C sort``: byte order of their UTF-8, line ends apart."""
    return sorted((line.rstrip("\n") for line in lines), key=lambda line: line.encode("utf-8"))


def write_cdxj(lines: Iterable[str], stream: TextIO | BinaryIO) -> None:
    """Write the lines as given (sort them first with `sort_cdxj`), each ending in "\\n".

    A text stream gets str, anything else UTF-8 bytes. A line holding a line break is refused:
    it would split one index entry into two.
    """
    text = isinstance(stream, io.TextIOBase)
    for line in lines:
        line = line.rstrip("\n")
        if "\n" in line or "\r" in line:
            raise ValueError(f"a CDXJ line holds a line break: {line[:120]!r}")
        if text:
            stream.write(line + "\n")  # type: ignore[arg-type]
        else:
            stream.write((line + "\n").encode("utf-8"))  # type: ignore[arg-type]
