"""The ``corpuskit`` command: a thin click layer over the library.

Exit codes: 0 all good, 1 some input failed (reported on stderr), 2 usage error.
"""

from __future__ import annotations

import json
import re
import signal
import sys
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, TextIO

import click

from . import __version__
from .pipeline import Outcome, iter_outcomes
from .schema import schema_text

PATHS = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str)
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpuskit")
def main() -> None:
    """Turn archived news captures into validated, reproducible dataset releases."""


def _outcomes(paths: tuple[str, ...]) -> Iterator[Outcome]:
    try:
        yield from iter_outcomes(paths)
    except OSError as exc:  # a directory vanished or became unreadable mid-walk
        raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}") from exc


def _report(outcome: Outcome, err: TextIO) -> None:
    click.echo(f"{outcome.where}: {outcome.reason}: {outcome.message}", file=err)


@main.command()
@PATHS
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True),
              default="-", help="Write JSON Lines here instead of standard output.")
def extract(paths: tuple[str, ...], output: TextIO) -> None:
    """Extract one JSON record per article from capture files or folders.

    Folders are walked recursively in sorted order. Inputs that cannot become a valid
    article are reported on standard error as "path: reason: message"; the exit code is
    then 1.
    """
    failed = 0
    for outcome in _outcomes(paths):
        if outcome.article is not None:
            output.write(outcome.article.to_json() + "\n")
        else:
            failed += 1
            _report(outcome, sys.stderr)
    output.flush()
    sys.exit(1 if failed else 0)


@main.command()
@PATHS
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: a machine-readable report on standard output.")
def validate(paths: tuple[str, ...], fmt: str) -> None:
    """Validate captures or JSON/JSONL records against the article schema.

    For every invalid record, prints the input path, the JSON pointer of the offending
    field and the message. Exit 0 when all are valid, 1 when any is not.
    """
    valid = 0
    problems: list[dict] = []
    for outcome in _outcomes(paths):
        if outcome.article is not None:
            valid += 1
            continue
        base = {"path": outcome.capture.file or outcome.capture.path,
                "record": outcome.record, "reason": outcome.reason}
        if outcome.issues:
            problems += [{**base, "pointer": i.pointer, "message": i.message}
                         for i in outcome.issues]
        else:
            problems.append({**base, "pointer": None, "message": outcome.message})
    invalid_inputs = len({(p["path"], p["record"]) for p in problems})
    if fmt == "json":
        click.echo(json.dumps({"valid": valid, "invalid": invalid_inputs, "errors": problems},
                              ensure_ascii=False, indent=2))
    else:
        for p in problems:
            where = p["path"] + (f":{p['record']}" if p["record"] is not None else "")
            pointer = f" {p['pointer'] or '/'}:" if p["pointer"] is not None else ""
            click.echo(f"{where}:{pointer} {p['message']} [{p['reason']}]", err=True)
        click.echo(f"{valid} valid, {invalid_inputs} invalid", err=True)
    sys.exit(1 if problems else 0)


@main.command()
def schema() -> None:
    """Print the article JSON Schema."""
    click.echo(schema_text(), nl=False)


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


@main.command()
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
def pack(paths: tuple[str, ...], out: str, shard_size: int, force: bool, strict: bool,
         config: str | None, name: str | None, release_version: str | None,
         license_: str | None, description: str | None, creators: tuple[str, ...],
         citation: str | None) -> None:
    """Pack captures into a release folder: Parquet, WARC, CDXJ, manifest, card, SHA256SUMS.

    The same inputs give the same bytes, whatever their order. Inputs that cannot become
    articles are listed in OUT/quarantine.jsonl; duplicates in OUT/manifest.json.
    """
    from .release import ConfigError, ReleaseError, resolve_meta
    from .release import pack as pack_release

    _terminate_on_sigterm()
    try:
        meta = resolve_meta(out, config, name=name, version=release_version,
                            license=license_, description=description, creators=creators,
                            citation=citation)
        result = pack_release(paths, out, meta=meta, shard_size=shard_size, force=force)
    except (ReleaseError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or out}: {exc.strerror or exc}") from exc
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(
        result.quarantine_reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    shards = f"{result.shards} shard{'s' if result.shards != 1 else ''}"
    click.echo(
        f"Packed {result.packed} articles from {result.inputs} inputs in {result.files} files "
        f"into {out} ({shards}, {result.bytes / 1e6:.1f} MB, dated {result.release_date}): "
        f"{result.duplicates} duplicates folded (listed in manifest.json), "
        f"{result.quarantined} inputs quarantined"
        + (f" ({reasons}; see quarantine.jsonl)" if reasons else "") + ".", err=True)
    sys.exit(1 if strict and result.quarantined else 0)


@main.command()
@click.argument("release", type=click.Path(exists=True, path_type=str))
@click.option("--max-per-file", type=int, default=20, show_default=True,
              help="Show at most this many problems per file (0: all).")
def verify(release: str, max_per_file: int) -> None:
    """Check a release folder: checksums, accounting, schema, Parquet ↔ WARC ↔ CDXJ.

    Prints each problem as "file (id or offset): what"; exit 0 when the release is sound,
    1 when anything does not hold.
    """
    from .release import verify as verify_release

    problems = verify_release(release)
    if not problems:
        click.echo(f"{release}: OK", err=True)
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
    files = len(by_file)
    click.echo(f"{release}: FAILED: {len(problems)} problem{'s' if len(problems) != 1 else ''}"
               f" in {files} file{'s' if files != 1 else ''}", err=True)
    sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
