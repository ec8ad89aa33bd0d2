"""Progress on standard error for long CLI runs, and colour only where it belongs.

`Progress` counts on the hot path (an integer add and one clock read per call) and redraws a
tqdm bar at most ``1 / interval`` times a second (the first time after ``delay`` seconds), with
running counts such as ``5 packed, 1 duplicates, 2 quarantined`` beside it. It draws nothing
unless it is enabled, which the CLI does only when standard error is a terminal and
``--quiet`` was not given, so logs and pipes never see carriage returns or escape codes.
Lines written through `Progress.echo` appear above the bar instead of tearing it.

Colour: `use_color(stream)` is true only for a terminal and only while ``NO_COLOR`` is unset
or empty (https://no-color.org).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from typing import Any, TextIO

import click

#: Seconds between two redraws of the bar (at most ~10 a second).
INTERVAL = 0.1
#: Seconds before the bar first appears (a run that is over sooner shows none: no flicker).
DELAY = 0.5


def is_terminal(stream: TextIO | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed or not a real stream
        return False


def use_color(stream: TextIO | None = None) -> bool:
    """True when ``stream`` (default: standard error) may be given ANSI colour codes."""
    if os.environ.get("NO_COLOR"):
        return False
    return is_terminal(sys.stderr if stream is None else stream)


def style(text: str, *, color: bool, **styles: Any) -> str:
    """``click.style(text, **styles)`` when ``color``, else the text as it is."""
    return click.style(text, **styles) if color and any(styles.values()) else text


class Progress:
    """A progress bar with running counts, or nothing at all when not ``enabled``.

    >>> with Progress("pack", counts=("packed", "quarantined"), enabled=False) as p:
    ...     p.advance(packed=1)
    >>> p.counts
    {'packed': 1, 'quarantined': 0}
    """

    def __init__(self, desc: str, *, total: int | None = None, unit: str = "file",
                 counts: Iterable[str] = (), enabled: bool = True, file: TextIO | None = None,
                 interval: float = INTERVAL, delay: float = DELAY) -> None:
        self.desc = desc
        self.total = total
        self.unit = unit
        self.counts: dict[str, int] = dict.fromkeys(counts, 0)
        self.done = 0
        self.enabled = enabled
        self.file = file if file is not None else sys.stderr
        self.interval = interval
        self.delay = delay
        self.draws = 0  # how many times the bar was redrawn (tests check the rate limit)
        self._bar: Any = None
        self._shown = 0
        self._next = time.monotonic() + delay

    # --- the hot path --------------------------------------------------------------------

    def advance(self, n: int = 1, **counts: int) -> None:
        """``n`` more units done; ``counts`` are added to the running counts."""
        self.done += n
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        if self.enabled:
            now = time.monotonic()
            if now >= self._next:
                self._next = now + self.interval
                self._draw()

    def count(self, key: str, n: int = 1) -> None:
        """Add to one running count without advancing."""
        self.advance(0, **{key: n})

    # --- the rest --------------------------------------------------------------------------

    def stage(self, desc: str, *, total: int | None = None, unit: str | None = None) -> None:
        """Start a new stage (a new bar, same counts): e.g. extract, then write."""
        self._close_bar()
        self.desc, self.total, self.done, self._shown = desc, total, 0, 0
        self._next = min(self._next, time.monotonic() + self.delay)
        if unit is not None:
            self.unit = unit

    def set_total(self, total: int | None) -> None:
        self.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def echo(self, line: str) -> None:
        """Print a line on the bar's stream, above the bar."""
        if self._bar is not None:
            self._bar.clear()
            click.echo(line, file=self.file)
            self._bar.refresh()
        else:
            click.echo(line, file=self.file)

    def summary(self) -> str:
        return ", ".join(f"{v} {k}" for k, v in self.counts.items())

    def _draw(self) -> None:
        if self._bar is None:
            from tqdm import tqdm  # only when a bar is shown: runs without one never load it

            self._bar = tqdm(desc=self.desc, total=self.total, unit=self.unit, file=self.file,
                             initial=self.done, postfix=self.summary(), leave=False,
                             dynamic_ncols=True, mininterval=0, miniters=1)
            self._shown = self.done
        self._bar.set_postfix_str(self.summary(), refresh=False)
        self._bar.update(self.done - self._shown)
        self._shown = self.done
        self.draws += 1

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()  # leave=False: the bar is erased; the summary line follows
            self._bar = None

    def close(self) -> None:
        self._close_bar()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
