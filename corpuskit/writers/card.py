"""The dataset card (README.md of a release): Hugging Face YAML front matter, then prose.

Everything in it comes from the manifest and the schema, so the card is as reproducible as the
data: counts per outlet, language and year; a field reference generated from the JSON Schema's
descriptions and the Parquet types; provenance; how to load, replay and verify the release.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pyarrow as pa

from ..schema import load_schema
from .parquet import WARC_COLUMNS, arrow_schema

_SIZES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
          (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"),
          (1_000_000_000, "100M<n<1B"), (10**10, "1B<n<10B"), (10**11, "10B<n<100B"),
          (10**12, "100B<n<1T")]


def size_category(n: int) -> str:
    """The Hub's size bucket for ``n`` rows."""
    return next((label for limit, label in _SIZES if n < limit), "n>1T")


def iso_languages(by_language: Mapping[str, int]) -> list[str]:
    """ISO 639 codes for the Hub from BCP 47 tags (zh-Hans, zh-Hant → zh); ``und`` left out."""
    return sorted({tag.split("-")[0] for tag in by_language if tag != "und"})


def _q(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: quoting every value this way keeps
    # the few flat keys of the front matter safe without a YAML writer dependency.
    return json.dumps(value, ensure_ascii=False)


def front_matter(doc: dict[str, Any]) -> str:
    rel = doc["release"]
    lines = ["---", "configs:", "- config_name: default", "  data_files:",
             "  - split: train", '    path: "data/train-*.parquet"']
    langs = iso_languages(doc["by_language"])
    if langs:
        lines += ["language:"] + [f"- {_q(code)}" for code in langs]
    lines += [f"license: {_q(rel['license'])}", f"pretty_name: {_q(rel['name'])}",
              "size_categories:", f"- {_q(size_category(doc['counts']['packed']))}",
              "tags:"] + [f"- {_q(t)}" for t in ("news", "web-archive", "warc", "corpuskit")]
    return "\n".join([*lines, "---"]) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type(t: pa.DataType) -> str:
    if pa.types.is_struct(t):
        return "struct"
    if pa.types.is_list(t):
        return f"list<{_type(t.value_type)}>"
    return str(t)


def field_reference() -> Iterator[tuple[str, str, str]]:
    """(column path, Parquet type, description) for every column and nested field."""
    def walk(field: pa.Field, spec: dict[str, Any], path: str) -> Iterator[tuple[str, str, str]]:
        t = _type(field.type) + (" or null" if field.nullable else "")
        yield path, t, spec.get("description", "")
        inner = field.type
        if pa.types.is_list(inner) and pa.types.is_struct(inner.value_type):
            inner, spec, path = inner.value_type, spec.get("items", {}), path + "[]"
        if pa.types.is_struct(inner):
            for i in range(inner.num_fields):
                child = inner.field(i)
                yield from walk(child, spec.get("properties", {}).get(child.name, {}),
                                f"{path}.{child.name}")

    props = load_schema()["properties"]
    for f in arrow_schema():
        if f.name in WARC_COLUMNS:
            desc = (f.metadata or {}).get(b"description", b"").decode("utf-8")
            yield f.name, _type(f.type), desc
        else:
            yield from walk(f, props[f.name], f.name)


def _counts_table(title: str, counts: Mapping[str, int]) -> list[str]:
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [f"| {title} | articles |", "| --- | ---: |",
            *(f"| {_cell(k)} | {v} |" for k, v in rows), ""]


def render(doc: dict[str, Any], *, wacz: str | None = None, croissant: str | None = None,
           bagit: bool = False) -> str:
    """The card for a release whose manifest is ``doc``.

    ``wacz`` and ``croissant`` name those files when the release has them; ``bagit`` says that
    the release is the payload of a BagIt bag (see docs/bagit.md).
    """
    rel, counts, sw = doc["release"], doc["counts"], doc["software"]
    name = rel["name"]
    description = rel["description"] or (
        "News articles extracted from archived captures (mirror pages, feed captures, JSON "
        "records) by corpuskit: one validated record per article with its text, outlet, "
        "publication and capture times, authors, images and provenance, together with the "
        "raw captures in WARC files.")
    n_shards = counts["shards"]
    out = [front_matter(doc), f"# {name}", "", description, "",
           f"Version {rel['version']}, dated {rel['date']}. {counts['packed']} articles in "
           f"{n_shards} shard{'s' if n_shards != 1 else ''}, from {counts['inputs']} inputs "
           f"in {counts['files']} files: {counts['duplicates']} duplicates folded into the "
           f"article they repeat, {counts['quarantined']} inputs quarantined.", ""]

    out += ["## License", ""]
    if rel["license"] in ("other", "unknown"):
        out += [f"No license was given for this release (`license: {rel['license']}`). The "
                "articles remain under their publishers' copyright; each record's `rights` "
                "field carries the copyright statement found in its capture. Check the "
                "outlets' terms before redistributing or training on the text.", ""]
    else:
        out += [f"`{rel['license']}` (as given by the release's creators). The articles' own "
                "copyright statements are kept in each record's `rights` field.", ""]

    out += ["## Contents", "", "| path | what |", "| --- | --- |",
            "| `data/train-*.parquet` | the articles, one row each, sorted by `id` |",
            "| `warc/articles-*.warc.gz` | per article: raw capture, rendered HTML page, "
            "the record as JSON, its plain text (WARC/1.1); shard i holds the same articles "
            "as Parquet shard i |",
            "| `indexes/index.cdxj` | CDXJ index of every WARC record but warcinfo |",
            "| `schema/article.schema.json` | the JSON Schema every record was validated "
            "against |",
            "| `manifest.json` | versions, accounting of every input, counts, file hashes |",
            "| `quarantine.jsonl` | one line per input that could not become an article, "
            "with its reason |",
            *([f"| `{croissant}` | Croissant 1.0 description of the files and fields, for "
                "ML tools (`mlcroissant`) and dataset search |"] if croissant else []),
            *([f"| `{wacz}` | the WARCs, the index and a page per article as a WACZ 1.1.1 "
                "file, to open in replayweb.page or pywb |"] if wacz else []),
            "| `SHA256SUMS` | checksums of every file |", ""]
    if bagit:
        out += ["This release is the payload of a BagIt bag: the folder above it holds "
                "`bagit.txt`, `bag-info.txt` and SHA-512 manifests of every file here "
                "(`bagit.py --validate` checks them; see corpuskit's docs/bagit.md).", ""]
    out += ["### Articles per outlet", "", *_counts_table("outlet", doc["by_outlet"])]
    out += ["### Articles per language", "", *_counts_table("language", doc["by_language"])]
    out += ["### Articles per year of publication", "",
            *_counts_table("year", doc["by_year"])]
    dates = doc["dates"]
    out += [f"Published from {dates['published_at']['first']} to "
            f"{dates['published_at']['last']}; captured from "
            f"{dates['captured_at']['first']} to {dates['captured_at']['last']}.", ""]

    out += ["## Fields", "",
            "Generated from the descriptions in `schema/article.schema.json`. Times are "
            "`timestamp[ms, tz=UTC]`; a `published_at` known only to the day is stored as "
            "that day's midnight UTC with `published_precision` = `day` (the JSON record "
            "holds the bare date).", "",
            "| column | type | description |", "| --- | --- | --- |"]
    out += [f"| `{p}` | {_cell(t)} | {_cell(d)} |" for p, t, d in field_reference()]
    out += [""]

    tools = ", ".join(f"{'Unicode' if k == 'unicode' else k} {v}" for k, v in sw.items()
                      if k not in ("corpuskit", "machine"))
    machine = f" on {sw['machine']}" if sw.get("machine") else ""
    out += ["## Provenance", "",
            f"- Made by corpuskit {sw['corpuskit']} ({tools}){machine}; records follow schema "
            f"{doc['schema']['id']} "
            f"(version {doc['schema']['version']}).",
            f"- {counts['files']} input files, listed in `manifest.json` (`inputs`) with their "
            "size, SHA-256 and record count; paths are relative to the input folder.",
            "- The same article (same `id`, from its canonical URL) seen more than once is "
            "packed once: the latest capture, then the longer text; `manifest.json` "
            "(`duplicates`) lists what was folded into what.",
            "- The release date is `SOURCE_DATE_EPOCH` when that was set, else the latest "
            "publication or capture time in the data: packing the same inputs with the same "
            "versions gives the same bytes."]
    reasons = doc["quarantine_reasons"]
    if reasons:
        out += ["- Quarantined inputs by reason: " + ", ".join(
            f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
            + " (see `quarantine.jsonl`)."]
    if rel["creators"]:
        out += ["- Created by " + ", ".join(rel["creators"]) + "."]
    out += [""]
    if rel["citation"]:
        out += ["## Citation", "", "```", rel["citation"].rstrip("\n"), "```", ""]

    out += ["## Loading", "", "With 🤗 datasets (the folder's configs, or the files):", "",
            "```python", "from datasets import load_dataset",
            'ds = load_dataset("path/to/this/folder", split="train")',
            'ds = load_dataset("parquet", data_files="data/train-*.parquet", split="train")',
            "```", "", "With DuckDB:", "", "```sql",
            "SELECT outlet.id AS outlet, count(*) AS articles",
            "FROM 'data/train-*.parquet' GROUP BY outlet ORDER BY articles DESC;",
            "```", "", "With pyarrow, or as corpuskit records:", "", "```python",
            "import pyarrow.dataset as ds",
            'table = ds.dataset("data", format="parquet").to_table()', "",
            "import corpuskit",
            'release = corpuskit.open_release(".")   # Article objects in id order',
            "for article in release: ...",
            "```", "",
            "Each row's `warc_filename` (in `warc/`), `warc_record_offset` and "
            "`warc_record_length` give the byte range of its four WARC records, as in Common "
            "Crawl's index. To browse the pages at their original URLs with pywb:", "",
            "```sh",
            "wb-manager init articles && wb-manager add articles warc/*.warc.gz && wayback",
            "```", ""]
    if wacz:
        out += [f"Or open `{wacz}` in https://replayweb.page (its page list has every article "
                "with a URL), or add it to pywb with "
                f"`wb-manager add --unpack-wacz articles {wacz}`.", ""]
    if croissant:
        out += ["With mlcroissant (Croissant 1.0, read from this folder):", "", "```python",
                "import mlcroissant as mlc",
                f'records = mlc.Dataset(jsonld="{croissant}").records("articles")', "```", ""]
    out += ["## Verifying", "", "```sh", "corpuskit verify .      # everything below, and more",
            "sha256sum -c SHA256SUMS",
            *([f"wacz validate -f {wacz}"] if wacz else []),
            *([f"mlcroissant validate --jsonld {croissant}"] if croissant else []),
            *(["bagit.py --validate ..   # the bag around this folder"] if bagit else []),
            "```", "",
            "`corpuskit verify` checks the checksums, the manifest's counts, every row against "
            "the schema, that Parquet and WARC hold the same records, that the Parquet "
            "pointers and the CDXJ offsets land on the right records, and the WARC digests"
            + ("; also the WACZ's digests and that its WARCs and index are the release's"
               if wacz else "")
            + ("; also the SHA-256 of every file croissant.json lists" if croissant else "")
            + ".", ""]
    return "\n".join(out)
