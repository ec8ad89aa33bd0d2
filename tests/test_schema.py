"""The schema contract: actionable pointers; the fast validator agrees with jsonschema."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

import corpuskit
from corpuskit.data import FIELD_ORDER, Article
from corpuskit.schema import is_valid, load_schema, schema_version


def _reference_valid(record: dict) -> bool:
    v = Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    return not list(v.iter_errors(record))


def test_schema_is_2020_12_with_versioned_id_and_descriptions():
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema_version() in schema["$id"]

    def walk(node: dict, path: str) -> None:
        if node.get("type") == "object" or "properties" in node:
            assert node.get("additionalProperties") is False, path
            for name, sub in node["properties"].items():
                assert sub.get("description"), f"{path}/{name} has no description"
                walk(sub, f"{path}/{name}")
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + "/items")

    walk(schema, "")


def test_record_fields_match_the_schema(seed_articles):
    schema = load_schema()
    assert list(FIELD_ORDER) == list(schema["properties"])
    assert set(schema["required"]) == set(FIELD_ORDER)
    for article in seed_articles.values():
        d = article.to_dict()
        assert list(d) == list(FIELD_ORDER)
        assert Article.from_dict(json.loads(article.to_json())) == article


@pytest.mark.parametrize(
    ("mutate", "pointer"),
    [
        (lambda d: d.pop("title"), "/title"),
        (lambda d: d.update(title=""), "/title"),
        (lambda d: d.update(source_url="not a uri"), "/source_url"),
        (lambda d: d.update(surprise=1), "/surprise"),
        (lambda d: d["outlet"].update(extra="x"), "/outlet/extra"),
        (lambda d: d["images"][0].update(role="hero"), "/images/0/role"),
        (lambda d: d.update(published_at="2023-07-26T00:00:00"), "/published_at"),
        (lambda d: d["source"].update(sha256="XYZ"), "/source/sha256"),
    ],
)
def test_invalid_records_point_at_the_field(seed_articles, mutate, pointer):
    record = seed_articles["000"].to_dict()
    mutate(record)
    issues = corpuskit.validate(record)
    assert pointer in [i.pointer for i in issues], issues
    assert all(i.message for i in issues)


# Values at the edges of the formats, where two validators are most likely to disagree.
EDGE_VALUES = [
    ("source_url", "https://example.com/a%20b?x=1"),
    ("source_url", "https://例子.com/路径"),
    ("source_url", "http://exa mple.com/"),
    ("source_url", "https://example.com/80%"),
    ("source_url", "ftp://example.com/file"),
    ("source_url", None),
    ("published_at", "2023-07-26"),
    ("published_at", "2023-02-30"),
    ("published_at", "2023-07-26T10:00:00Z"),
    ("published_at", "2023-07-26T10:00:00.123Z"),
    ("published_at", "2023-07-26T25:00:00Z"),
    ("published_at", "2023-07-26T10:00:00+08:00"),
    ("published_local", "2020-07-20T13:32:00+02:00"),
    ("published_local", "2020-07-20T13:32:00"),
    ("captured_at", "2023-10-19T13:17:02Z"),
    ("captured_at", "2023-10-19"),
    ("language", "zh-Hans"),
    ("language", "zh_Hans"),
    ("language", "und"),
    ("id", "0123456789abcdef"),
    ("id", "0123456789ABCDEF"),
    ("published_precision", "week"),
]


@pytest.mark.parametrize(("field", "value"), EDGE_VALUES)
def test_fast_validator_agrees_with_jsonschema(seed_articles, field, value):
    record = copy.deepcopy(seed_articles["001"].to_dict())
    record[field] = value
    assert is_valid(record) == _reference_valid(record)
    image = copy.deepcopy(record)
    image["images"][0]["url"] = value if isinstance(value, str) else "x"
    assert is_valid(image) == _reference_valid(image)


def test_fast_validator_agrees_on_every_seed(seed_articles):
    for article in seed_articles.values():
        assert is_valid(article.to_dict()) is True
        assert _reference_valid(article.to_dict())
