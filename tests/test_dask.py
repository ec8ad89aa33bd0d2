"""pack on a Dask cluster: the same tasks, the same bytes as a local pack."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, SEEDS

import corpuskit
from corpuskit.cli import main

distributed = pytest.importorskip("distributed")

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_corpus  # noqa: E402

SHARD = 200_000


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def captures(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("captures")
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copy(SEEDS / sorted(p.name for p in SEEDS.iterdir())[1], root / "copy.txt")
    (root / "empty.txt").write_bytes(b"")
    make_corpus.make(120, root / "synthetic", seed=3, source=FIXTURES / "corpora")
    return root


@pytest.fixture(scope="module")
def local(captures, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local") / "release"
    corpuskit.pack([captures], out, shard_size=SHARD, workers=1)
    return out


@pytest.fixture(scope="module", params=[False, True], ids=["threads", "processes"])
def cluster(request):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=request.param,
                                  host="127.0.0.1", protocol="tcp", dashboard_address=None,
                                  silence_logs=40) as cluster:
        yield cluster


def test_a_dask_pack_has_the_same_bytes_as_a_local_one(captures, local, cluster, tmp_path):
    out = tmp_path / "release"
    result = corpuskit.pack([captures], out, shard_size=SHARD, executor="dask",
                            scheduler=cluster.scheduler_address)
    assert result.workers == 2 and result.shards > 1
    assert tree(out) == tree(local)
    assert corpuskit.verify(out) == []


def test_the_cli_takes_a_scheduler_address(captures, local, cluster, tmp_path):
    out = tmp_path / "release"
    result = CliRunner().invoke(main, ["pack", str(captures), "-o", str(out), "--shard-size",
                                       str(SHARD), "--executor", "dask", "--scheduler",
                                       cluster.scheduler_address, "-q"])
    assert result.exit_code == 0, result.output
    assert tree(out) == tree(local)


def test_a_client_can_be_passed(captures, local, cluster, tmp_path):
    with distributed.Client(cluster) as client:
        corpuskit.pack([captures], tmp_path / "release", shard_size=SHARD, executor="dask",
                       scheduler=client)
        assert client.status == "running"  # ours: left open
    assert tree(tmp_path / "release") == tree(local)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(main, ["pack", str(SEEDS), "-o", str(tmp_path / "r"),
                                       "--executor", "dask", "--scheduler",
                                           "tcp://127.0.0.1:9", "-q"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists()
