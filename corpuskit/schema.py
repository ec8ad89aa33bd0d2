"""The published JSON Schema and validation of records against it."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported lazily: jsonschema's format checkers take ~2 s to import
    from jsonschema import Draft202012Validator

SCHEMA_NAME = "article.schema.json"


def schema_path() -> Path:
    """Where the schema is read from.

    An installed wheel carries a copy in ``corpuskit/_schemas``; a source checkout (or an
    editable install) reads the repository's top-level ``schemas/``, the published original.
    """
    packaged = Path(__file__).parent / "_schemas" / SCHEMA_NAME
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "schemas" / SCHEMA_NAME


@cache
def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(schema_text())


def schema_id() -> str:
    return load_schema()["$id"]


def schema_version() -> str:
    """The version carried by the schema's ``$id`` (…/article/1.0.0/article.schema.json)."""
    return schema_id().rstrip("/").split("/")[-2]


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _fast_validator():
    """jsonschema-rs (a compiled validator, ~50x faster) for the yes/no check on the hot path.

    The reference ``jsonschema`` still produces every error message, so reports are the same;
    tests/test_schema.py checks both agree on valid and invalid records.
    """
    import jsonschema_rs

    return jsonschema_rs.validator_for(load_schema(), validate_formats=True)


def is_valid(record: dict[str, Any]) -> bool:
    return _fast_validator().is_valid(record)


@dataclass(frozen=True)
class ValidationIssue:
    """One schema violation: a JSON pointer into the record and a message a person can act on."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def validate(record: dict[str, Any] | Any) -> list[ValidationIssue]:
    """Validate a record (a dict, or anything with ``to_dict()``); [] when it is valid.

    Errors are sorted by pointer so that reports are stable from run to run.
    """
    if hasattr(record, "to_dict"):
        record = record.to_dict()
    if is_valid(record):
        return []
    issues = []
    for err in _validator().iter_errors(record):
        path = list(err.absolute_path)
        # Point at the offending field itself, not at the object that holds it.
        if err.validator == "required":
            name = _required_name(err.message)
            issues.append(ValidationIssue(_pointer([*path, name]), "required field is missing"))
        elif err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = err.schema.get("properties", {})
            for extra in sorted(set(err.instance) - set(allowed)):
                issues.append(ValidationIssue(
                    _pointer([*path, extra]), f"unknown field {extra!r} is not allowed"))
        else:
            issues.append(ValidationIssue(_pointer(path), _message(err)))
    return sorted(set(issues), key=lambda i: (i.pointer, i.message))


def _required_name(message: str) -> str:
    """jsonschema says "'title' is a required property" and offers the name nowhere else."""
    quoted = message.rsplit(" is a required property", 1)[0]
    try:
        return str(ast.literal_eval(quoted))
    except (ValueError, SyntaxError):
        return quoted


def _message(err: Any) -> str:
    if err.validator == "anyOf" and err.context:
        # "x is not valid under any of the given schemas" says nothing useful; name the rules.
        reasons = sorted({c.message for c in err.context})
        return f"{err.instance!r} does not match: " + "; or ".join(reasons)
    return err.message
