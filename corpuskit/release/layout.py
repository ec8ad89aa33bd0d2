"""Where things live in a release folder (one place, so pack, verify and the reader agree)."""

from __future__ import annotations

CARD = "README.md"
MANIFEST = "manifest.json"
QUARANTINE = "quarantine.jsonl"
SUMS = "SHA256SUMS"
SCHEMA = "schema/article.schema.json"
INDEX = "indexes/index.cdxj"
DATA_DIR = "data"
WARC_DIR = "warc"
DATA_GLOB = "data/train-*.parquet"


def parquet_path(i: int, n: int) -> str:
    """Shard i of n, named as the Hugging Face Hub expects for the train split."""
    return f"{DATA_DIR}/train-{i:05d}-of-{n:05d}.parquet"


def warc_name(i: int, n: int) -> str:
    """The WARC file name as written into the WARC, the CDXJ and the Parquet pointers.

    A bare name, as pywb expects when warc/ is a collection's archive folder.
    """
    return f"articles-{i:05d}-of-{n:05d}.warc.gz"


def warc_path(i: int, n: int) -> str:
    return f"{WARC_DIR}/{warc_name(i, n)}"
