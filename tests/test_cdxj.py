"""CDXJ lines made while writing equal what cdxj-indexer makes from the finished shard."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

import corpuskit
from corpuskit.writers.cdxj import sort_cdxj, write_cdxj
from corpuskit.writers.warc import WarcWriter

NAME = "articles-00000-of-00001.warc.gz"


def cdxj_indexer(warc: Path, out: Path) -> list[str]:
    """``cdxj-indexer --records all --sort`` on the shard: its lines."""
    tool = Path(sys.executable).with_name("cdxj-indexer")
    cmd = [str(tool)] if tool.exists() else [sys.executable, "-m", "cdxj_indexer.main"]
    subprocess.run([*cmd, "--records", "all", "--sort", "-o", str(out), str(warc)], check=True)
    return out.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def shard(tmp_path_factory) -> tuple[Path, WarcWriter]:
    articles = [(corpuskit.extract(p), p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))]
    base, raw = articles[0]
    # URLs the seeds lack: non-ASCII, unsorted query, a space, none at all
    articles += [
        (dataclasses.replace(base, id="00000000000000a1",
                             source_url="https://例子.example/新闻/文章?b=2&a=1"), raw),
        (dataclasses.replace(base, id="00000000000000a2",
                             source_url="https://example.com/a b/Upper.HTML"), raw),
        (dataclasses.replace(base, id="00000000000000a3", source_url=None), raw),
    ]
    path = tmp_path_factory.mktemp("cdxj") / NAME
    with path.open("wb") as fh:
        writer = WarcWriter(fh, NAME, release="corpuskit-test", software="corpuskit/test",
                            warc_date="2024-05-01T00:00:00Z")
        for article, raw in articles:
            writer.write_article(article, raw)
        writer.close()
    return path, writer


def test_lines_equal_cdxj_indexer_output(shard, tmp_path):
    path, writer = shard
    theirs = cdxj_indexer(path, tmp_path / "index.cdxj")
    # the tool also indexes the warcinfo record (no URL; key "-"); our index leaves it out
    warcinfo = [line for line in theirs if '"application/warc-fields"' in line]
    assert len(warcinfo) == 1 and json.loads(warcinfo[0].split(" ", 2)[2])["offset"] == "0"
    theirs.remove(warcinfo[0])
    ours = sort_cdxj(writer.cdxj_lines())
    assert len(ours) == 8 * 4
    assert ours == theirs


def test_lines_cover_every_record_but_warcinfo(shard):
    _, writer = shard
    lines = writer.cdxj_lines()
    mimes = [json.loads(line.split(" ", 2)[2])["mime"] for line in lines]
    assert mimes[:4] == ["text/markdown", "text/html", "application/json", "text/plain"]
    assert "application/warc-fields" not in mimes
    offsets = [int(json.loads(line.split(" ", 2)[2])["offset"]) for line in lines]
    assert offsets == sorted(offsets) and 0 not in offsets


@pytest.mark.skipif(shutil.which("sort") is None, reason="no sort command")
def test_sort_matches_c_locale_sort():
    lines = ["com,example)/b 2024 {}", "com,example)/a 2024 {}", "com,example)/ 2024 {}",
             "com,example)/A 2024 {}", "com,example)/é 2024 {}", "com,example)/z 2024 {}",
             "com,example)/a 2023 {}", "com,example)/a-b 2024 {}", "com,example)/a 2024 {\"x\"}",
             "com,example)/\U0001f600 2024 {}", "com,example)/\uff01 2024 {}"]
    done = subprocess.run(["sort"], input="\n".join(lines) + "\n", capture_output=True,
                          env={**os.environ, "LC_ALL": "C"}, check=True, encoding="utf-8")
    assert sort_cdxj(lines) == done.stdout.splitlines()


def test_write_cdxj_to_text_and_binary_streams():
    lines = ["b 2 {}", "a 1 {\"url\": \"x\"}"]
    text, binary = io.StringIO(), io.BytesIO()
    write_cdxj(lines, text)
    write_cdxj(lines, binary)
    assert text.getvalue() == "b 2 {}\na 1 {\"url\": \"x\"}\n"
    assert binary.getvalue() == text.getvalue().encode("utf-8")
    with pytest.raises(ValueError):
        write_cdxj(["a 1 {}\nb 2 {}"], io.StringIO())
