"""Reading a release back: ``open_release(path)`` → Articles from Parquet (or from the WARCs)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..data import Article
from ..writers.bagit import payload_root
from ..writers.parquet import from_row, iter_rows
from ..writers.warc import iter_warc_articles
from . import layout
from .build import ReleaseError


class Release:
    """A release folder. Iterating gives its Articles from Parquet, in id order."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = payload_root(path)  # a bag (pack --bagit) holds the release in data/
        self.folder = Path(path)  # as given: the bag itself for a bag
        try:
            self.manifest: dict[str, Any] = json.loads(
                (self.path / layout.MANIFEST).read_text(encoding="utf-8"))
            self._shards: list[dict[str, Any]] = self.manifest["shards"]
        except FileNotFoundError as exc:
            raise ReleaseError(f"{self.path}: not a release (no {layout.MANIFEST})") from exc
        except (KeyError, TypeError) as exc:
            raise ReleaseError(f"{self.path / layout.MANIFEST}: not a release manifest "
                               f"({type(exc).__name__}: {exc})") from exc
        except (OSError, ValueError) as exc:
            raise ReleaseError(f"{self.path / layout.MANIFEST}: unreadable: {exc}") from exc

    @property
    def name(self) -> str:
        return self.manifest["release"]["name"]

    @property
    def version(self) -> str:
        return self.manifest["release"]["version"]

    @property
    def parquet_files(self) -> list[Path]:
        return [self.path / s["parquet"]["path"] for s in self._shards]

    @property
    def warc_files(self) -> list[Path]:
        return [self.path / s["warc"]["path"] for s in self._shards]

    def __len__(self) -> int:
        return int(self.manifest["counts"]["packed"])

    def __iter__(self) -> Iterator[Article]:
        for row in self.rows():
            yield Article.from_dict(from_row(row))

    def rows(self) -> Iterator[dict[str, Any]]:
        """Raw Parquet rows (with the WARC pointer columns), in id order."""
        for path in self.parquet_files:
            yield from iter_rows(path)

    def from_warc(self) -> Iterator[Article]:
        """The same Articles, read from the WARCs' metadata records instead of Parquet."""
        for path in self.warc_files:
            for article, _raw, _loc in iter_warc_articles(path):
                yield article

    def raw(self, id: str) -> bytes | None:
        """The raw capture bytes of an article, from the WARC (None when the id is absent)."""
        row = self._row(id)
        if row is None:
            return None
        for path in self.warc_files:
            if path.name == row["warc_filename"]:
                for article, raw, _loc in iter_warc_articles(path):
                    if article.id == id:
                        return raw
        return None

    def _row(self, id: str) -> dict[str, Any] | None:
        for shard, path in zip(self._shards, self.parquet_files, strict=True):
            if shard["rows"] and shard["first_id"] <= id <= shard["last_id"]:
                rows = pq.read_table(path, filters=[("id", "==", id)]).to_pylist()
                if rows:
                    return rows[0]
        return None

    def get(self, id: str) -> Article | None:
        """The article with this id, or None (reads only the shard whose id range holds it)."""
        row = self._row(id)
        return Article.from_dict(from_row(row)) if row is not None else None

    def find(self, prefix: str, limit: int = 10) -> list[str]:
        """Ids that start with ``prefix``, in id order (at most ``limit``).

        Reads only the ``id`` column of the shards whose id range can hold the prefix.
        """
        found: list[str] = []
        for shard, path in zip(self._shards, self.parquet_files, strict=True):
            if not shard["rows"] or shard["last_id"][:len(prefix)] < prefix \
                    or shard["first_id"][:len(prefix)] > prefix:
                continue
            ids = pq.read_table(path, columns=["id"]).column("id")
            found += ids.filter(pc.starts_with(ids, prefix)).to_pylist()
            if len(found) >= limit:
                break
        return found[:limit]

    def images(self) -> tuple[int, int]:
        """(images, images with a caption) over all articles; reads only that column."""
        images = captioned = 0
        for path in self.parquet_files:
            for batch in pq.ParquetFile(path).iter_batches(columns=["images"]):
                column = batch.column(0)
                images += pc.sum(pc.list_value_length(column)).as_py() or 0
                captions = pc.list_flatten(column).field("caption")
                captioned += len(captions) - captions.null_count
        return images, captioned

    def size(self) -> tuple[int, int]:
        """(files, bytes) of everything in the release folder (the whole bag for a bag)."""
        sizes = [p.stat().st_size for p in self.folder.rglob("*") if p.is_file()]
        return len(sizes), sum(sizes)

    def extras(self) -> list[str]:
        """What the folder holds beyond the core layout: croissant.json, a WACZ, a BagIt bag."""
        core = {layout.CARD, layout.MANIFEST, layout.QUARANTINE, layout.SUMS, layout.DATA_DIR,
                layout.WARC_DIR, "indexes", "schema"}
        found = sorted(p.name for p in self.path.iterdir() if p.name not in core)
        if self.path != self.folder:
            found.append(f"BagIt bag ({self.folder})")
        return found

    def summary(self) -> dict[str, Any]:
        """What ``corpuskit info`` shows: the release, its counts, spread, dates and size.

        Counts per outlet, language and year come from the manifest (which ``verify`` checks
        against the data); images and the size on disk are counted from the files.
        """
        m = self.manifest
        images, captioned = self.images()
        files, size = self.size()
        return {
            "path": str(self.path),
            "release": m["release"],
            "built_with": m["software"],
            "schema": {"id": m["schema"]["id"], "version": m["schema"]["version"]},
            "counts": m["counts"],
            "images": {"total": images, "with_caption": captioned},
            "dates": m["dates"],
            "by_outlet": m["by_outlet"],
            "by_language": m["by_language"],
            "by_year": m["by_year"],
            "quarantine_reasons": m["quarantine_reasons"],
            "size": {"files": files, "bytes": size},
            "extras": self.extras(),
        }

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and self._row(id) is not None

    def __repr__(self) -> str:
        return f"<Release {self.name} {self.version}: {len(self)} articles at {self.path}>"


def open_release(path: str | os.PathLike[str]) -> Release:
    """Open a release folder written by `pack` (raises ReleaseError when it is not one)."""
    return Release(path)
