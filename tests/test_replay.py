"""Replay: pywb serves a packed release's articles at their own URLs, from the release's WARCs
and CDXJ index as they are, and from the WACZ unpacked by ``wb-manager add --unpack-wacz``.

pywb's app runs in a child process (its import monkey-patches the whole interpreter with
gevent, which must not leak into the other tests) and is driven there with werkzeug's test
client: no server, no port. The child is given a list of GET paths and answers, per path, the
status, the Content-Type and the body.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import cli_pack, page_timestamps

import corpuskit
from corpuskit.text import split_paragraphs

pytest.importorskip("pywb", reason="pywb (test extra) is not installed")

pytestmark = pytest.mark.slow

COLL = "articles"
SHARD = 20_000

_CHILD = r"""
import json, os, sys
os.chdir(sys.argv[1])
from pywb.apps.frontendapp import FrontEndApp
from werkzeug.test import Client
client = Client(FrontEndApp())
out = []
for path in json.load(sys.stdin):
    r = client.get(path)
    out.append({"status": r.status_code, "type": r.headers.get("Content-Type", ""),
                "body": r.get_data(as_text=True)})
sys.stdout.write("\n@@RESULT@@" + json.dumps(out))
"""


def replay(root: Path, paths: list[str]) -> list[dict]:
    """GET each path from pywb with its collections in ``root``/collections."""
    run = subprocess.run([sys.executable, "-c", _CHILD, str(root)], input=json.dumps(paths),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.split("@@RESULT@@", 1)[1])


def wb_manager(root: Path, *args: str) -> None:
    code = "import sys; from pywb.manager.manager import main; main(sys.argv[1:])"
    run = subprocess.run([sys.executable, "-c", code, *args], cwd=root, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return cli_pack(tmp_path_factory.mktemp("replay") / "release", "--wacz",
                    "--shard-size", str(SHARD))


def articles(release: Path) -> list[corpuskit.Article]:
    found = list(corpuskit.open_release(release))
    assert len(found) == 5 and all(a.source_url for a in found)
    return found


def assert_shows(response: dict, article: corpuskit.Article) -> None:
    assert response["status"] == 200, response["body"][:500]
    assert response["type"].startswith("text/html")
    body = html.unescape(response["body"])
    assert f"<title>{article.title}" in body
    assert split_paragraphs(article.text)[0] in body


def test_pywb_replays_the_release_with_its_own_index(release, tmp_path):
    """The release's warc/ as a collection's archive, its index.cdxj as the collection index."""
    coll = tmp_path / "collections" / COLL
    (coll / "indexes").mkdir(parents=True)
    shutil.copytree(release / "warc", coll / "archive")
    shutil.copyfile(release / "indexes/index.cdxj", coll / "indexes/index.cdxj")
    found = articles(release)
    stamps = page_timestamps(release)
    paths = [f"/{COLL}/{stamps[a.source_url]}mp_/{a.source_url}" for a in found]
    paths += [f"/{COLL}/cdx?url=urn:corpuskit:article:&matchType=prefix&output=json"]
    *pages, listing = replay(tmp_path, paths)
    for response, article in zip(pages, found, strict=True):
        assert_shows(response, article)
    # the CDX API lists every article (its metadata record at urn:corpuskit:article:<id>)
    listed = [json.loads(line)["url"] for line in listing["body"].splitlines()]
    assert listed == [f"urn:corpuskit:article:{a.id}" for a in found]


def test_pywb_replays_the_wacz(release, tmp_path):
    """`wb-manager add --unpack-wacz` takes the WACZ's WARCs and its index; every page of
    pages.jsonl replays at its ts, and the CDX API finds each page's URL."""
    wb_manager(tmp_path, "init", COLL)
    wacz = next(release.glob("*.wacz"))
    wb_manager(tmp_path, "add", "--unpack-wacz", COLL, str(wacz))
    with zipfile.ZipFile(wacz) as zf:
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()[1:]]
    by_id = {a.id: a for a in articles(release)}
    assert sorted(p["id"] for p in pages) == sorted(by_id)
    paths = []
    for p in pages:
        ts = "".join(c for c in p["ts"] if c.isdigit())
        paths += [f"/{COLL}/{ts}mp_/{p['url']}", f"/{COLL}/cdx?url={p['url']}&output=json"]
    responses = replay(tmp_path, paths)
    for p, shown, cdx in zip(pages, responses[::2], responses[1::2], strict=True):
        assert_shows(shown, by_id[p["id"]])
        mimes = {json.loads(line)["mime"] for line in cdx["body"].splitlines()}
        assert "text/html" in mimes, cdx["body"]
