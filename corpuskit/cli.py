"""The ``corpuskit`` command: a thin click layer over the library.

Exit codes: 0 all good, 1 some input failed (reported on stderr), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TextIO

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


if __name__ == "__main__":  # pragma: no cover
    main()
