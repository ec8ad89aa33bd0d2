"""The ``corpuskit`` command: a thin click layer over the library.

Exit codes: 0 all good; 1 an input failed or a problem was found (each reported on standard
error, one line with its path); 2 a usage error (a missing path, an unknown option); 130
interrupted (Ctrl-C), 143 stopped by SIGTERM.

Streams: records and the reports asked for with ``--format json`` go to standard output;
progress, per-input lines (``-v``), errors and the closing summary go to standard error. The
progress bar is drawn only when standard error is a terminal, colour only on a terminal and
only while ``NO_COLOR`` is unset. ``-q`` leaves nothing but what went wrong (and the output
asked for): no bar, no summary.
"""

from __future__ import annotations

import dataclasses
import json
import re
import signal
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

if TYPE_CHECKING:
    from .pipeline import Outcome

from . import __version__
from .limits import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_SECONDS, Limits
from .progress import Progress, is_terminal, style, use_color

PATHS = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str)
)
RELEASE = click.argument("release", type=click.Path(exists=True, path_type=str))


def _format_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help=f"json: {what} as JSON on standard output.")


def _verbosity(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("-v", "--verbose", is_flag=True,
                     help="Also print a line per input as it is done.")(f)
    return click.option("-q", "--quiet", is_flag=True,
                        help="No progress bar and no summary: only what went wrong "
                             "(and any output asked for).")(f)


def _limit_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--max-bytes / --timeout: the per-input limits (0 switches one off)."""
    f = click.option("--timeout", "timeout_seconds", type=click.FloatRange(min=0),
                     default=DEFAULT_TIMEOUT_SECONDS, show_default=True,
                     help="Seconds one input may take before it is quarantined as "
                          "'timeout' (0: no limit).")(f)
    return click.option("--max-bytes", type=click.IntRange(min=0), default=DEFAULT_MAX_BYTES,
                        show_default=True,
                        help="Inputs larger than this are quarantined as 'too_large' "
                             "without being read (0: no limit).")(f)


def _limits(max_bytes: int, timeout_seconds: float) -> Limits:
    return Limits(max_bytes=max_bytes or None, timeout_seconds=timeout_seconds or None)


@dataclasses.dataclass(frozen=True)
class _UI:
    """How much to say on standard error, and whether a bar and colour may be used there."""

    quiet: bool = False
    verbose: bool = False

    @property
    def color(self) -> bool:
        return use_color(sys.stderr)

    def bar(self, desc: str, **kwargs: Any) -> Progress:
        return Progress(desc, enabled=not self.quiet and is_terminal(sys.stderr), **kwargs)

    def style(self, text: str, **styles: Any) -> str:
        return style(text, color=self.color, **styles)

    def summary(self, line: str) -> None:
        if not self.quiet:
            click.echo(line, err=True)

    def warning(self, line: str) -> None:
        click.echo(f"{self.style('warning:', fg='yellow', bold=True)} {line}", err=True)


def _ui(quiet: bool, verbose: bool) -> _UI:
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot be used together")
    return _UI(quiet, verbose)


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

MAIN_EPILOG = """\b
Examples:
  corpuskit pack seeds -o release         # the sample corpus → a release folder
  corpuskit verify release                # check everything the release promises
  corpuskit info release                  # articles per outlet, language, year; dates; size
  corpuskit show release 052f             # one article, by id or unique id prefix
  corpuskit extract captures/ -o out.jsonl
  corpuskit validate records.jsonl --format json

\b
Shell completion (bash; zsh_source and fish_source for zsh and fish):
  eval "$(_CORPUSKIT_COMPLETE=bash_source corpuskit)"


Exit codes: 0 all good, 1 an input failed or a problem was found, 2 usage error, 130 interrupted.
Docs: https://github.com/corpuskit/corpuskit/tree/main/docs
"""


class _Main(click.Group):
    """The command group, with Ctrl-C ending any command with exit code 130, as shells do
    (click's default is ``Aborted!`` and 1, which a script cannot tell from a failed input).
    A pack removes its temporary folder first (`corpuskit.pack`)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\nInterrupted.", err=True)
            ctx.exit(130)


@click.group(cls=_Main, context_settings=CONTEXT, epilog=MAIN_EPILOG)
@click.version_option(__version__, "-V", "--version", prog_name="corpuskit")
def main() -> None:
    """Turn archived news captures into validated, reproducible dataset releases.

    Captures (mirror pages, feed captures, saved HTML, JSON/JSONL records) become one
    schema-valid record per article; `pack` turns them into a release folder (Parquet, WARC,
    CDXJ index, manifest, dataset card, SHA256SUMS) that `verify` checks, `info` summarises
    and `show` reads.
    """


# --- extract and validate --------------------------------------------------------------------

def _outcomes(paths: tuple[str, ...], limits: Limits | None = None) -> Iterator[Outcome]:
    try:
        from .pipeline import iter_outcomes  # imported here: see corpuskit/__init__.py

        yield from iter_outcomes(paths, limits=limits)
    except OSError as exc:  # a directory vanished or became unreadable mid-walk
        raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}") from exc


def _count_files(paths: tuple[str, ...]) -> int | None:
    """How many files the inputs hold (for the bar's total); None when the walk fails."""
    from .sources import iter_paths

    try:
        return sum(1 for _ in iter_paths(paths))
    except OSError:
        return None


class _Walk:
    """Outcomes with a progress bar over input files and counts of ok / failed records."""

    def __init__(self, ui: _UI, desc: str, paths: tuple[str, ...],
                 ok: str = "ok", failed: str = "failed", limits: Limits | None = None) -> None:
        self.ui, self.paths, self.ok, self.failed = ui, paths, ok, failed
        self.limits = limits
        self.bar = ui.bar(desc, counts=(ok, failed))
        self.files = 0

    def __iter__(self) -> Iterator[Outcome]:
        if self.bar.enabled:
            self.bar.set_total(_count_files(self.paths))
        last = None
        with self.bar:
            for outcome in _outcomes(self.paths, self.limits):
                new_file = outcome.capture is not last
                last = outcome.capture
                self.files += new_file
                yield outcome
                self.bar.advance(int(new_file),
                                 **{self.ok if outcome.article is not None else self.failed: 1})

    def echo(self, line: str) -> None:
        self.bar.echo(line)

    def done(self, line: str) -> None:
        if not self.files:
            self.ui.warning(f"no input files in {', '.join(self.paths)}")
        self.ui.summary(line)


EXTRACT_EPILOG = """\b
Examples:
  corpuskit extract seeds                      # JSON Lines on standard output
  corpuskit extract captures/ -o records.jsonl
  corpuskit extract -q captures/ > records.jsonl 2> failed.txt
"""


@main.command(epilog=EXTRACT_EPILOG, short_help="Captures → one JSON record per article.")
@PATHS
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True),
              default="-", help="Write JSON Lines here instead of standard output.")
@_limit_options
@_verbosity
def extract(paths: tuple[str, ...], output: TextIO, quiet: bool, verbose: bool,
            max_bytes: int, timeout_seconds: float) -> None:
    """Extract one JSON record per article from capture files or folders.

    Folders are walked recursively in sorted order. Every record written is valid against
    the article schema (`corpuskit schema`). An input that cannot become an article is
    reported on standard error as "path: reason: message" and the exit code is 1.
    """
    ui = _ui(quiet, verbose)
    walk = _Walk(ui, "extract", paths, limits=_limits(max_bytes, timeout_seconds))
    for outcome in walk:
        if outcome.article is not None:
            output.write(outcome.article.to_json() + "\n")
            if verbose:
                walk.echo(f"{outcome.where}: {outcome.article.id} "
                          f"{outcome.article.source.format}: {outcome.article.title}")
        else:
            walk.echo(_failure(outcome, ui))
    output.flush()
    n = walk.bar.counts
    walk.done(f"Extracted {_plural(n['ok'], 'article')} from {_plural(walk.files, 'file')}"
              + (f"; {ui.style(str(n['failed']) + ' failed', fg='red')}" if n["failed"]
                 else "") + ".")
    sys.exit(1 if n["failed"] else 0)


def _failure(outcome: Outcome, ui: _UI) -> str:
    return f"{outcome.where}: {ui.style(outcome.reason or 'error', fg='red')}: {outcome.message}"


VALIDATE_EPILOG = """\b
Examples:
  corpuskit validate records.jsonl
  corpuskit validate captures/ --format json | jq '.errors[].pointer'
"""


@main.command(epilog=VALIDATE_EPILOG, short_help="Check captures or records against the schema.")
@PATHS
@_format_option("the report")
@_limit_options
@_verbosity
def validate(paths: tuple[str, ...], fmt: str, quiet: bool, verbose: bool,
             max_bytes: int, timeout_seconds: float) -> None:
    """Validate captures or JSON/JSONL records against the article schema.

    For every invalid record, prints the input path, the JSON pointer of the offending field
    and the message. Exit 0 when all are valid, 1 when any is not.
    """
    ui = _ui(quiet, verbose)
    walk = _Walk(ui, "validate", paths, ok="valid", failed="invalid",
                 limits=_limits(max_bytes, timeout_seconds))
    problems: list[dict] = []
    for outcome in walk:
        if outcome.article is not None:
            if verbose:
                walk.echo(f"{outcome.where}: valid")
            continue
        base = {"path": outcome.capture.file or outcome.capture.path,
                "record": outcome.record, "reason": outcome.reason}
        found = ([{**base, "pointer": i.pointer, "message": i.message} for i in outcome.issues]
                 or [{**base, "pointer": None, "message": outcome.message}])
        problems += found
        if fmt == "text":
            for p in found:
                walk.echo(_problem_line(p, ui))
    valid = walk.bar.counts["valid"]
    invalid_inputs = len({(p["path"], p["record"]) for p in problems})
    if fmt == "json":
        click.echo(json.dumps({"valid": valid, "invalid": invalid_inputs, "errors": problems},
                              ensure_ascii=False, indent=2))
    else:
        walk.done(f"{valid} valid, "
                  + ui.style(f"{invalid_inputs} invalid", fg="red" if invalid_inputs else None))
    sys.exit(1 if problems else 0)


def _problem_line(p: dict[str, Any], ui: _UI) -> str:
    where = p["path"] + (f":{p['record']}" if p["record"] is not None else "")
    pointer = f" {p['pointer'] or '/'}:" if p["pointer"] is not None else ""
    return f"{where}:{pointer} {p['message']} [{ui.style(p['reason'] or 'error', fg='red')}]"


@main.command(epilog="\b\nExample:\n  corpuskit schema > article.schema.json",
              short_help="Print the article JSON Schema.")
def schema() -> None:
    """Print the article JSON Schema (draft 2020-12) that every record validates against."""
    from .schema import schema_text

    click.echo(schema_text(), nl=False)


# --- pack ------------------------------------------------------------------------------------

_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?", re.I)


class ByteSize(click.ParamType):
    """A size such as 256MB, 64k or 1000 (bytes; k/M/G/T are powers of 1024)."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> int:
        if isinstance(value, int):
            return value
        m = _SIZE.fullmatch(str(value).strip())
        if m is None or float(m.group(1)) <= 0:
            self.fail(f"{value!r} is not a size like 256MB, 64k or 100000", param, ctx)
        return int(float(m.group(1)) * 1024 ** " kmgt".index(m.group(2).lower() or " "))


def _terminate_on_sigterm() -> None:
    """SIGTERM → SystemExit, so the pack's clean-up (removing its temporary folder) runs."""
    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)


class _PackProgress:
    """pack's progress events → a bar with packed / duplicates / quarantined counts."""

    def __init__(self, ui: _UI) -> None:
        self.ui = ui
        self.bar = ui.bar("extract", counts=("packed", "duplicates", "quarantined"))
        self.stage = "extract"
        self.extracted = 0  # articles extracted (some are folded as same-id duplicates later)
        self.identical = 0  # records of byte-identical copies

    def __call__(self, event: str, info: dict[str, Any]) -> None:
        bar = self.bar
        if event == "scanned":
            bar.set_total(info["files"])
        elif event == "input":
            self.extracted += info["packed"]
            self.identical += info["duplicates"]
            bar.advance(1, packed=info["packed"], duplicates=info["duplicates"],
                        quarantined=len(info["quarantined"]))
            if self.ui.verbose:
                bar.echo(self._input_line(info))
        elif event == "bucket":
            if self.stage != "sort":
                self.stage = "sort"
                bar.stage("sort", unit="bucket")
            bar.counts["duplicates"] = info["duplicates"]
            bar.counts["packed"] = self.extracted - (info["duplicates"] - self.identical)
            bar.advance(1)
        elif event == "shard":
            if self.stage != "write":
                self.stage = "write"
                bar.stage("write", total=info["shards"], unit="shard")
            bar.advance(1)

    def _input_line(self, info: dict[str, Any]) -> str:
        where = info.get("file") or info["path"]
        parts = []
        if info["packed"]:
            parts.append(_plural(info["packed"], "article"))
        if info["duplicates"]:
            parts.append(f"identical to an earlier input ({_plural(info['duplicates'], 'record')}"
                         " folded)")
        reasons = info["quarantined"]
        if reasons:
            counted = ", ".join(sorted(set(reasons), key=reasons.index))
            parts.append(self.ui.style(f"{len(reasons)} quarantined ({counted})", fg="yellow"))
        return f"{where}: {'; '.join(parts) or 'nothing'}"


PACK_EPILOG = """\b
Examples:
  corpuskit pack seeds -o release
  corpuskit pack captures/ more/ -o release --force --shard-size 1GB
  corpuskit pack captures/ -o release -j 8      # 8 processes: the same bytes, sooner
  corpuskit pack captures/ -o release --name north-korea-2023 --license cc-by-4.0
  SOURCE_DATE_EPOCH=1700000000 corpuskit pack captures/ -o release   # fixed release date
  corpuskit pack captures/ -o release --format json | jq .packed
"""


@main.command(epilog=PACK_EPILOG, short_help="Captures → a release folder.")
@PATHS
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
              help="The release folder to write (must be empty or absent, unless --force).")
@click.option("--shard-size", type=ByteSize(), default="256MB", show_default=True,
              help="Start a new Parquet/WARC shard pair after about this many bytes of "
                   "article JSON plus raw capture.")
@click.option("--force", is_flag=True, help="Replace a non-empty OUT (swapped in when done).")
@click.option("--strict", is_flag=True,
              help="Exit 1 when any input was quarantined (the release is still written).")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Release metadata from this TOML file (default: ./corpuskit.toml if any).")
@click.option("--name", help="Release name (default: OUT's folder name).")
@click.option("--release-version", help="Release version (default: 1.0.0).")
@click.option("--license", "license_", metavar="ID",
              help="License id for the card, e.g. cc-by-4.0 (default: other).")
@click.option("--description", help="A paragraph describing the release, for the card.")
@click.option("--creator", "creators", multiple=True, help="A creator (repeatable).")
@click.option("--citation", help="How to cite the release (free text or BibTeX).")
@click.option("--wacz", is_flag=True,
              help="Also write OUT/<name>.wacz (WACZ 1.1.1: the WARCs, the index and a page "
                   "list) for replayweb.page and pywb.")
@click.option("--bagit", is_flag=True,
              help="Make OUT a BagIt bag (bagit.txt, SHA-512 manifests) with the release in "
                   "OUT/data; see docs/bagit.md.")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes to pack with (default: the cores available). The "
                   "release has the same bytes for any number.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="dask: run the work on a dask.distributed cluster (--scheduler); needs "
                   "corpuskit[dask] and storage the workers share (docs/scaling.md).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler, e.g. tcp://host:8786 (default: a local cluster of "
                   "--workers processes).")
@click.option("--warc-deflate", type=click.Choice(["isal", "zlib-ng"]), default="isal",
              show_default=True,
              help="Library that deflates the WARC records: ISA-L (fast) or zlib-ng (a few "
                   "per cent smaller at three times the CPU; docs/performance.md).")
@click.option("--warc-level", type=click.IntRange(0, 9), default=None,
              help="Its gzip level: isal 0-3 (default 2), zlib-ng 0-9 (default 6).")
@_limit_options
@_format_option("the summary")
@_verbosity
def pack(paths: tuple[str, ...], out: str, shard_size: int, force: bool, strict: bool,
         config: str | None, name: str | None, release_version: str | None,
         license_: str | None, description: str | None, creators: tuple[str, ...],
         citation: str | None, fmt: str, quiet: bool, verbose: bool, wacz: bool = False,
         bagit: bool = False, workers: int | None = None, executor: str = "local",
         scheduler: str | None = None, warc_deflate: str = "isal",
         warc_level: int | None = None,
         max_bytes: int = DEFAULT_MAX_BYTES,
         timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
    """Pack captures into a release folder: Parquet, WARC, CDXJ, manifest, card, SHA256SUMS.

    The same inputs give the same bytes, whatever their order. Inputs that cannot become
    articles are listed in OUT/quarantine.jsonl; duplicates in OUT/manifest.json. On a
    terminal a bar shows the packed, duplicate and quarantined counts as they go.
    """
    from .release import ConfigError, ReleaseError, resolve_meta
    from .release import pack as pack_release

    ui = _ui(quiet, verbose)
    _terminate_on_sigterm()
    progress = _PackProgress(ui)
    try:
        with progress.bar:
            meta = resolve_meta(out, config, name=name, version=release_version,
                                license=license_, description=description,
                                creators=creators, citation=citation)
            result = pack_release(paths, out, meta=meta, shard_size=shard_size, force=force,
                                  progress=progress, wacz=wacz, bagit=bagit,
                                  workers=workers, executor=executor, scheduler=scheduler,
                                  warc_deflate=warc_deflate, warc_level=warc_level,
                                  limits=_limits(max_bytes, timeout_seconds))
    except (ReleaseError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or out}: {exc.strerror or exc}") from exc
    for warning in result.warnings:
        ui.warning(warning)
    if not result.files:
        ui.warning(f"no input files in {', '.join(paths)}: the release is empty")
    if fmt == "json":
        click.echo(json.dumps(dataclasses.asdict(result), default=str, ensure_ascii=False,
                              indent=2))
    else:
        ui.summary(_pack_summary(result, ui))
    sys.exit(1 if strict and result.quarantined else 0)


def _pack_summary(result: Any, ui: _UI) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(
        result.quarantine_reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    quarantined = f"{result.quarantined} inputs quarantined"
    if result.quarantined:
        quarantined = ui.style(quarantined, fg="yellow")
    return (
        f"Packed {result.packed} articles from {result.inputs} inputs in {result.files} files "
        f"into {result.out} ({_plural(result.shards, 'shard')}, {result.bytes / 1e6:.1f} MB, "
        f"dated {result.release_date}): {result.duplicates} duplicates folded (listed in "
        f"manifest.json), {quarantined}"
        + (f" ({reasons}; see quarantine.jsonl)" if reasons else "") + ".")


# --- verify ----------------------------------------------------------------------------------

_VERIFY_STAGES = {"checksum": ("checksums", "file"), "row": ("records", "row")}


class _VerifyProgress:
    STAGES = _VERIFY_STAGES

    def __init__(self, ui: _UI) -> None:
        self.ui = ui
        self.bar = ui.bar("checksums", unit="file")
        self.stage: str | None = None
        self.last: dict[str, Any] = {}

    def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event != self.stage:
            self._finish()
            self.stage = event
            desc, unit = self.STAGES.get(event, (event, "item"))
            total = info.get("total")
            self.bar.stage(desc, total=total if isinstance(total, int) else None, unit=unit)
        self.last = info
        self.bar.advance(1)

    def _finish(self) -> None:
        if self.stage is not None and self.ui.verbose:
            desc, unit = self.STAGES.get(self.stage, (self.stage, "item"))
            self.bar.echo(f"{desc}: {_plural(self.last.get('done', 0), unit)} checked")

    def close(self) -> None:
        self._finish()
        self.stage = None
        self.bar.close()


VERIFY_EPILOG = """\b
Examples:
  corpuskit verify release
  corpuskit verify release --format json | jq '.problems[] | .file'
  cd release && sha256sum -c SHA256SUMS   # the checksums alone, without corpuskit
"""


@main.command(epilog=VERIFY_EPILOG, short_help="Check a release folder.")
@RELEASE
@click.option("--max-per-file", type=int, default=20, show_default=True,
              help="Show at most this many problems per file (0: all; text only).")
@_format_option("the report")
@_verbosity
def verify(release: str, max_per_file: int, fmt: str, quiet: bool, verbose: bool) -> None:
    """Check a release folder: checksums, accounting, schema, Parquet ↔ WARC ↔ CDXJ.

    Prints each problem as "file (id or offset): what"; exit 0 when the release is sound,
    1 when anything does not hold (a folder that is not a release is one such problem).
    """
    from .release import verify as verify_release

    ui = _ui(quiet, verbose)
    progress = _VerifyProgress(ui)
    try:
        problems = verify_release(release, progress=progress)
    finally:
        progress.close()
    if fmt == "json":
        click.echo(json.dumps({
            "release": release, "ok": not problems,
            "problems": [{"file": p.file, "where": p.where, "message": p.message}
                         for p in problems]}, ensure_ascii=False, indent=2))
        sys.exit(1 if problems else 0)
    if not problems:
        ui.summary(f"{release}: {ui.style('OK', fg='green', bold=True)}")
        return
    by_file: dict[str, list] = defaultdict(list)
    for p in problems:
        by_file[p.file].append(p)
    for file, found in by_file.items():
        shown = found if max_per_file <= 0 else found[:max_per_file]
        for p in shown:
            click.echo(f"{release}/{p}" if p.file else f"{release}: {p.message}", err=True)
        if len(found) > len(shown):
            click.echo(f"{release}/{file}: … and {len(found) - len(shown)} more problems",
                       err=True)
    ui.summary(f"{release}: {ui.style('FAILED', fg='red', bold=True)}: "
               f"{_plural(len(problems), 'problem')} in {_plural(len(by_file), 'file')}")
    sys.exit(1)


# --- info and show ---------------------------------------------------------------------------

def _open(release: str) -> Any:
    """The release at ``release``, or a one-line error (exit 1) when it is not one."""
    from .release import ReleaseError, open_release

    if not Path(release).is_dir():
        raise click.ClickException(f"{release}: not a folder, so not a release")
    try:
        return open_release(release)
    except ReleaseError as exc:
        raise click.ClickException(str(exc)) from exc


def _unreadable(release: str, exc: Exception) -> click.ClickException:
    return click.ClickException(
        f"{release}: not a readable release ({type(exc).__name__}: {exc}); "
        f"`corpuskit verify {release}` tells what is wrong")


INFO_EPILOG = """\b
Examples:
  corpuskit info release
  corpuskit info release --format json | jq .by_outlet
"""

TABLE_ROWS = 25


@main.command(epilog=INFO_EPILOG, short_help="Summarise a release folder.")
@RELEASE
@_format_option("the summary")
@click.option("--all", "show_all", is_flag=True,
              help=f"List every outlet and year (text shows the top {TABLE_ROWS}).")
def info(release: str, fmt: str, show_all: bool) -> None:
    """Summarise a release: name and version, the corpuskit that built it, the schema,
    articles per outlet, language and year, images, date range and size on disk.

    Reads the manifest, the Parquet `images` column and the file sizes; it does not check
    the release (`corpuskit verify` does).
    """
    rel = _open(release)
    try:
        s = rel.summary()
    except Exception as exc:  # a garbled release: one line, never a traceback
        raise _unreadable(release, exc) from exc
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    for line in _info_lines(s, TABLE_ROWS if not show_all else 0):
        click.echo(line)


def _info_lines(s: dict[str, Any], limit: int) -> Iterator[str]:
    r, c, d = s["release"], s["counts"], s["dates"]
    color = use_color(sys.stdout)
    yield (style(f"{r['name']} {r['version']}", color=color, bold=True)
           + f" — dated {r['date']}, license {r['license']}")
    built = s["built_with"]
    others = ", ".join(f"{k} {v}" for k, v in built.items()
                       if k not in ("corpuskit", "machine") and v)

    def row(label: str, value: str) -> str:
        return f"  {label:<11} {value}"

    yield row("path", s["path"])
    yield row("built with", f"corpuskit {built.get('corpuskit')}"
              + (f" ({others})" if others else "")
              + (f" on {built['machine']}" if built.get("machine") else ""))
    yield row("schema", f"{s['schema']['version']} ({s['schema']['id']})")
    yield row("articles", f"{c['packed']} from {_plural(c['inputs'], 'input')} in "
                          f"{_plural(c['files'], 'file')}: {c['duplicates']} duplicates "
                          f"folded, {c['quarantined']} quarantined; "
                          f"{_plural(c['shards'], 'shard')}")
    images = s["images"]
    yield row("images", f"{images['total']} ({images['with_caption']} with a caption)")
    for key, label in (("published_at", "published"), ("captured_at", "captured")):
        span = d.get(key) or {}
        yield row(label, f"{span.get('first')} … {span.get('last')}"
                  if span.get("first") else "none")
    size = s["size"]
    yield row("size", f"{_human(size['bytes'])} in {_plural(size['files'], 'file')}")
    if s.get("extras"):
        yield row("also", ", ".join(s["extras"]))
    tables = [("outlet", s["by_outlet"]), ("language", s["by_language"]),
              ("year", s["by_year"])]
    if s["quarantine_reasons"]:
        tables.append(("quarantined", s["quarantine_reasons"]))
    for title, counts in tables:
        yield ""
        yield from _table(title, counts, limit, by_key=title == "year")


def _table(title: str, counts: dict[str, int], limit: int, by_key: bool) -> Iterator[str]:
    if not counts:
        yield f"  {title}: none"
        return
    rows = sorted(counts.items(), key=lambda kv: kv[0] if by_key else (-kv[1], kv[0]))
    shown = rows if not limit else rows[:limit]
    width = max([len(title), *(len(k) for k, _ in shown)])
    what = "inputs" if title == "quarantined" else "articles"
    num = max([len(what), *(len(str(v)) for _, v in shown)])
    yield f"  {title:<{width}}  {what:>{num}}"
    for key, value in shown:
        yield f"  {key:<{width}}  {value:>{num}}"
    if len(rows) > len(shown):
        rest = sum(v for _, v in rows[len(shown):])
        yield f"  … {len(rows) - len(shown)} more ({rest}; --all or --format json lists them)"


def _human(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    raise AssertionError  # pragma: no cover


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of article ids from the release already on the command line."""
    try:
        from .release import open_release

        return open_release(ctx.params["release"]).find(incomplete, limit=50)
    except Exception:  # completion must never fail loudly
        return []


SHOW_EPILOG = """\b
Examples:
  corpuskit show release 052f6d63f026abce
  corpuskit show release 052f                    # a unique prefix of an id will do
  corpuskit show release 052f --format json | jq .title
"""


@main.command(epilog=SHOW_EPILOG, short_help="Print one article of a release.")
@RELEASE
@click.argument("id", shell_complete=_complete_ids)
@_format_option("the record")
def show(release: str, id: str, fmt: str) -> None:
    """Print the article ID of a release: readable text, or its JSON record.

    ID is the article's 16-hex-digit id, or any prefix of it that only one article has.
    Exit 1 when no article (or more than one) matches.
    """
    rel = _open(release)
    try:
        article = rel.get(id) if len(id) == 16 else None
        if article is None:
            matches = rel.find(id.lower(), limit=6)
            if not matches:
                raise click.ClickException(f"{release}: no article with id {id!r}")
            if len(matches) > 1:
                listed = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
                raise click.ClickException(
                    f"{release}: id prefix {id!r} matches several articles: {listed}")
            article = rel.get(matches[0])
    except click.ClickException:
        raise
    except Exception as exc:
        raise _unreadable(release, exc) from exc
    if fmt == "json":
        click.echo(article.to_json())
    else:
        click.echo("\n".join(_article_lines(article, use_color(sys.stdout))))


def _article_lines(a: Any, color: bool) -> list[str]:
    outlet = a.outlet.name or a.outlet.id
    if a.outlet.name and a.outlet.name != a.outlet.id:
        outlet += f" ({a.outlet.id})"
    date = a.published_at or "date unknown"
    if a.published_precision and a.published_at:
        date += f" ({a.published_precision})"
    lines = [style(a.title, color=color, bold=True),
             " · ".join([date, outlet, a.language])]
    for label, names in (("By", a.authors), ("Editors", a.editors),
                         ("Translators", a.translators)):
        if names:
            lines.append(f"{label}: {', '.join(names)}")
    dim = {"color": color, "dim": True}
    if a.source_url:
        lines.append(style(f"URL: {a.source_url}", **dim))
    lines.append(style(f"id {a.id} · captured {a.captured_at or 'unknown'} · "
                       f"{a.source.format} {a.source.path}", **dim))
    lines += ["", a.text.rstrip()]
    if a.images:
        lines += ["", style(f"Images ({len(a.images)}):", color=color, bold=True)]
        for n, img in enumerate(a.images, start=1):
            about = " — ".join(x for x in (img.caption or img.alt or img.title, img.credit) if x)
            lines.append(f"  [{n}] {about or '(no caption)'}")
            lines.append(style(f"      {img.url}", **dim))
    if a.tags:
        lines += ["", f"Tags: {', '.join(a.tags)}"]
    if a.embeds:
        lines += ["", f"Embeds: {', '.join(e.url or e.type for e in a.embeds)}"]
    return lines


if __name__ == "__main__":  # pragma: no cover
    main()
