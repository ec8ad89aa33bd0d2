"""On-disk spill of extracted articles, so a release never holds all of them in memory.

Articles are appended to one of 256 bucket files chosen by the first two hex digits of their
id; raw capture bytes are stored once per distinct SHA-256 (a JSON Lines file of many records
is kept once, not once per record). Reading the buckets in order, each sorted on its own, gives
every article in id order while holding only one bucket (~1/256 of the corpus) at a time.
Nothing here depends on the order articles arrive in, so extraction can run in any order or
in parallel.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

BUCKETS = [f"{i:02x}" for i in range(256)]


class Spill:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "buckets").mkdir(parents=True)
        (root / "blobs").mkdir()
        self._open: dict[str, IO[str]] = {}
        self._stack = ExitStack()  # the bucket files stay open between calls to add()

    def _blob_path(self, sha256: str) -> Path:
        return self.root / "blobs" / sha256[:2] / sha256

    def add_blob(self, sha256: str, raw: bytes) -> None:
        path = self._blob_path(sha256)
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(raw)

    def blob(self, sha256: str) -> bytes:
        return self._blob_path(sha256).read_bytes()

    def add(self, entry: dict[str, Any]) -> None:
        """Spill one entry; ``entry["id"]`` (16 lowercase hex digits) chooses its bucket."""
        key = entry["id"][:2]
        fh = self._open.get(key)
        if fh is None:
            # open across calls (one handle per bucket, not one open per article); closed
            # by close()
            fh = self._open[key] = self._stack.enter_context(
                open(self.root / "buckets" / key, "a", encoding="utf-8"))  # noqa: SIM115
        fh.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")

    def close(self) -> None:
        self._stack.close()
        self._open.clear()

    def buckets(self) -> Iterator[list[dict[str, Any]]]:
        """Each non-empty bucket's entries, buckets in id-prefix order (entries unsorted)."""
        self.close()
        for key in BUCKETS:
            path = self.root / "buckets" / key
            if path.exists():
                with open(path, encoding="utf-8") as fh:
                    yield [json.loads(line) for line in fh]
