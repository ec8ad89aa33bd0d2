"""``croissant.json``: the release described in Croissant 1.0 (MLCommons), for ML tooling.

Croissant (http://mlcommons.org/croissant/1.0) is schema.org ``Dataset`` JSON-LD plus a
description of the files and of the records in them; ``mlcroissant`` loads records from it, and
dataset search engines and hubs read it. The one written here has:

- the dataset: name, description, version, license, ``datePublished`` (the release date),
  creators, ``citeAs`` (when a citation was given), languages and keywords;
- ``distribution``: every Parquet shard and every WARC shard as a ``cr:FileObject`` with its
  sha256 and size, ``contentUrl`` relative to the release folder; and a ``cr:FileSet``,
  ``parquet-files``, over ``data/train-*.parquet`` (a local file set: mlcroissant reads it from
  the folder that holds croissant.json, without any download);
- one ``cr:RecordSet``, ``articles`` (key ``articles/id``), with a ``cr:Field`` per Parquet
  column, generated from the release's Arrow schema and the JSON Schema's descriptions: strings
  are ``sc:Text`` (``sc:URL`` where the JSON Schema says ``format: uri``), times ``sc:DateTime``,
  integers ``sc:Integer``; a list is ``repeated``; a struct is a field with a ``subField`` per
  member, each taking its value with a ``jsonPath`` from the struct column (a list of structs,
  such as ``images``, is a repeated field with sub-fields, read as a list of records).

The ``@context`` is Croissant 1.0's, with the two further terms mlcroissant's own context has
(``equivalentProperty``, ``samplingRate``), so that mlcroissant does not warn that it is not
standard. The bytes depend on the manifest and the schema only (``indent=2``, keys in a fixed
order, a final newline). `check_croissant` is what ``corpuskit verify`` runs on it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa

from ..schema import load_schema
from . import manifest as manifest_writer
from .parquet import arrow_schema

FILENAME = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
RECORD_SET = "articles"
FILE_SET = "parquet-files"
PARQUET_GLOB = "data/train-*.parquet"

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

KEYWORDS = ["news", "web archive", "WARC", "Chinese", "text"]


def _data_type(t: pa.DataType, spec: Mapping[str, Any]) -> str | None:
    """The Croissant dataType of a leaf (None for a struct, which has sub-fields instead)."""
    if pa.types.is_timestamp(t):
        return "sc:DateTime"
    if pa.types.is_date(t):
        return "sc:Date"
    if pa.types.is_integer(t):
        return "sc:Integer"
    if pa.types.is_floating(t):
        return "sc:Float"
    if pa.types.is_boolean(t):
        return "sc:Boolean"
    if pa.types.is_struct(t):
        return None
    return "sc:URL" if spec.get("format") == "uri" else "sc:Text"


def _description(field: pa.Field, spec: Mapping[str, Any]) -> str | None:
    meta = field.metadata or {}
    text = meta.get(b"description", b"").decode("utf-8") or spec.get("description")
    return text or None


def _source(column: str, path: list[str]) -> dict[str, Any]:
    src: dict[str, Any] = {"fileSet": {"@id": FILE_SET}, "extract": {"column": column}}
    if path:
        src["transform"] = {"jsonPath": ".".join(path)}
    return src


def _field(field: pa.Field, spec: Mapping[str, Any], parent_id: str, column: str,
           path: list[str]) -> dict[str, Any]:
    """The cr:Field of an Arrow field; ``column`` is its top-level column, ``path`` the
    member names from that column down to it (empty for a column)."""
    fid = f"{parent_id}/{field.name}"
    out: dict[str, Any] = {"@type": "cr:Field", "@id": fid, "name": field.name}
    description = _description(field, spec)
    if description:
        out["description"] = description
    t = field.type
    repeated = pa.types.is_list(t) or pa.types.is_large_list(t)
    if repeated:
        t = t.value_type
        spec = spec.get("items", {})
    data_type = _data_type(t, spec)
    if data_type:
        out["dataType"] = data_type
    if repeated:
        out["repeated"] = True
    if pa.types.is_struct(t):
        props = spec.get("properties", {})
        # members of a list of structs are read from each item: the path restarts at the item
        base = [] if repeated else path
        out["subField"] = [
            _field(t.field(i), props.get(t.field(i).name, {}), fid, column,
                   [*base, t.field(i).name])
            for i in range(t.num_fields)]
    else:
        out["source"] = _source(column, path)
    return out


def record_set_fields() -> list[dict[str, Any]]:
    """The RecordSet's fields, one per Parquet column, in column order."""
    props = load_schema()["properties"]
    return [_field(f, props.get(f.name, {}), RECORD_SET, f.name, []) for f in arrow_schema()]


def _languages(by_language: Mapping[str, int]) -> list[str]:
    return sorted(tag for tag in by_language if tag != "und")


def _file_object(root: Path, rel: str, fmt: str, description: str) -> dict[str, Any]:
    d = manifest_writer.describe(root, rel)
    return {"@type": "cr:FileObject", "@id": rel, "name": os.path.basename(rel),
            "description": description, "contentUrl": rel, "contentSize": f"{d['bytes']} B",
            "encodingFormat": fmt, "sha256": d["sha256"]}


def build(root: Path, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The Croissant document of the release at ``root`` whose manifest is ``doc``."""
    rel = doc["release"]
    n = len(doc["shards"])
    distribution = []
    for i, s in enumerate(doc["shards"]):
        distribution.append(_file_object(
            root, s["parquet"]["path"], "application/x-parquet",
            f"Parquet shard {i + 1} of {n}: {s['rows']} articles, sorted by id."))
    for i, s in enumerate(doc["shards"]):
        distribution.append(_file_object(
            root, s["warc"]["path"], "application/warc",
            f"WARC/1.1 shard {i + 1} of {n} (gzip per record): the same articles as Parquet "
            f"shard {i + 1}, each as raw capture, rendered HTML, JSON record and plain text."))
    distribution.append({
        "@type": "cr:FileSet", "@id": FILE_SET, "name": FILE_SET,
        "description": "The Parquet shards of the release (the train split).",
        "encodingFormat": "application/x-parquet", "includes": PARQUET_GLOB})

    out: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": rel["name"],
        "description": rel["description"] or (
            "News articles extracted from archived captures by corpuskit: one validated record "
            "per article with its text, outlet, publication and capture times, authors, images "
            "and provenance, with the raw captures in WARC files."),
        "conformsTo": CONFORMS_TO,
        "version": rel["version"],
        "license": rel["license"],
        "datePublished": rel["date"],
    }
    if rel.get("citation"):
        out["citeAs"] = rel["citation"]
    if rel.get("creators"):
        out["creator"] = [{"@type": "sc:Person", "name": c} for c in rel["creators"]]
    languages = _languages(doc["by_language"])
    if languages:
        out["inLanguage"] = languages
    out["keywords"] = KEYWORDS
    out["distribution"] = distribution
    out["recordSet"] = [{
        "@type": "cr:RecordSet", "@id": RECORD_SET, "name": RECORD_SET,
        "description": f"The articles, one record per Parquet row ({doc['counts']['packed']} "
                       "in this release), keyed by id.",
        "key": {"@id": f"{RECORD_SET}/id"},
        "field": record_set_fields(),
    }]
    return out


def dumps(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_croissant(root: Path, doc: Mapping[str, Any]) -> str:
    """Write ``croissant.json`` into the release folder ``root``; its path relative to root."""
    (root / FILENAME).write_bytes(dumps(build(root, doc)))
    return FILENAME


# --- checking ------------------------------------------------------------------------------

def _file_objects(node: Any) -> Iterator[dict[str, Any]]:
    for item in node.get("distribution", []) if isinstance(node, dict) else []:
        if isinstance(item, dict) and item.get("@type") in ("cr:FileObject", "sc:FileObject"):
            yield item


def check_croissant(root: Path, doc: Mapping[str, Any]) -> list[str]:
    """Problems of ``croissant.json`` in the release at ``root``; [] when sound.

    Every FileObject with a relative contentUrl names a file of the release whose sha256 is the
    one given; every Parquet shard of the manifest is among them.
    """
    try:
        cr = json.loads((root / FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"unreadable: {exc}"]
    problems = []
    if not isinstance(cr, dict) or cr.get("conformsTo") != CONFORMS_TO:
        problems.append(f"not a Croissant document (conformsTo {CONFORMS_TO})")
    listed = set()
    for fo in _file_objects(cr):
        url = fo.get("contentUrl", "")
        if not isinstance(url, str):
            problems.append(f"{fo.get('@id')}: contentUrl is not a string")
            continue
        if "://" in url:
            continue
        p = PurePosixPath(url)
        if p.is_absolute() or ".." in p.parts or not url:
            problems.append(f"{fo.get('@id')}: contentUrl {url!r} is outside the release")
            continue
        listed.add(url)
        if not (root / url).is_file():
            problems.append(f"{url}: listed as a FileObject but missing")
        elif manifest_writer.sha256_file(root / url) != fo.get("sha256"):
            problems.append(f"{url}: sha256 differs from croissant.json")
    for s in doc.get("shards", []):
        if s["parquet"]["path"] not in listed:
            problems.append(f"{s['parquet']['path']}: not a FileObject in croissant.json")
    return problems
