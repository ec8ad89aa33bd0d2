"""Resource limits for one input: size, wall-clock time, markup depth.

A hostile or broken capture must cost bounded time and memory and end as a quarantined
outcome with a reason code, never as a hang, a crash or a silently emptied article:

- ``too_large``: the file is bigger than ``Limits.max_bytes`` (checked with ``stat`` before
  reading, and again on the bytes read, so a 50 MB file is never read whole);
- ``timeout``: detection, extraction and validation took longer than
  ``Limits.timeout_seconds`` (see ``time_limit`` for how, and where it cannot apply);
- ``too_deep``: the markup nests deeper than the HTML parser goes (libxml2 stops at 256
  levels without ``huge_tree`` and silently drops everything after; see ``check_parser``).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

try:
    # signal.signal without its wrapper, which makes the handler it is given and the one it
    # returns into enum members by trying and catching a TypeError and a ValueError when they
    # are functions: 4.6 µs a call against 0.3 (CPython 3.11), twice for every input
    from _signal import signal as _set_handler
except ImportError:  # an interpreter without CPython's _signal
    _set_handler = signal.signal

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # 20 MiB: 2,000 times the largest real capture seen
DEFAULT_TIMEOUT_SECONDS = 10.0  # real captures take milliseconds; this is for pathologies


@dataclass(frozen=True)
class Limits:
    """Per-input limits; ``None`` (or 0) switches a limit off."""

    max_bytes: int | None = DEFAULT_MAX_BYTES
    timeout_seconds: float | None = DEFAULT_TIMEOUT_SECONDS


class LimitExceeded(Exception):
    """An input that breaks a limit: ``code`` is the quarantine reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class TimeLimitExceeded(BaseException):
    """Raised inside the guarded code when its time is up.

    A BaseException (like KeyboardInterrupt) so that an adapter's ``except Exception``
    cannot swallow it and carry on past the limit.
    """


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``TimeLimitExceeded`` in the guarded block once ``seconds`` have passed.

    Uses ``SIGALRM`` via ``signal.setitimer`` (no threads), so it works on POSIX in the main
    thread of a process, which is where process-pool workers run their tasks too. Elsewhere
    (Windows, a non-main thread) there is no limit and the block simply runs. Python runs the
    signal handler between bytecodes (and regular expressions check for it), so one long C
    call, such as a single lxml parse, finishes before the limit bites; the size limit bounds
    those.
    An enclosing timer (another ``time_limit``, pytest-timeout) is respected and restored.
    """
    if not seconds or seconds <= 0 or not _can_alarm():
        yield
        return
    state = {"active": True}

    def on_alarm(signum: int, frame: Any) -> None:
        if state["active"]:
            state["active"] = False
            raise TimeLimitExceeded(f"over the time limit of {seconds:g} s")

    try:
        previous_handler = _set_handler(signal.SIGALRM, on_alarm)
    except ValueError:  # not the main interpreter's main thread after all
        yield
        return
    started = time.monotonic()
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    try:
        # never outlive an enclosing timer: when it is due first, fire then (it is re-armed
        # below, already expired, so its own handler runs right after ours)
        signal.setitimer(signal.ITIMER_REAL, min(seconds, outer_delay) if outer_delay else seconds)
        try:
            yield
        finally:
            # the flag first: an alarm already pending when the block ends is ignored
            state["active"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        _set_handler(signal.SIGALRM, previous_handler)
        if outer_delay:
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), outer_interval)


def check_parser(parser: Any) -> None:
    """Raise ``LimitExceeded("too_deep")`` when lxml's last parse stopped at the depth limit.

    libxml2 refuses to nest deeper than 256 elements unless ``huge_tree`` is set (which would
    also lift its other safety limits) and, in recover mode, drops the rest of the document
    without raising: the article would come out silently truncated. Real captures nest at most
    ~20 deep, so reaching the limit means the markup is hostile or broken.
    """
    for entry in parser.error_log:
        if "excessive depth" in entry.message.lower():
            raise LimitExceeded("too_deep", "markup nested deeper than the parser allows "
                                            f"({entry.message.strip()})")
