"""Where a pack's tasks run: in the calling process, a local process pool, or a Dask cluster.

A pack is a few phases of independent tasks (hash, extract, fold, write segments, finish
shards; see `corpuskit.release.build`). Each task is a plain function of plain arguments that
reads and writes files under the pack's work folder and returns a small, picklable summary.
An executor runs a list of them and yields ``(index, result)`` as each finishes, in whatever
order they finish: the driver files each result by its index, so nothing in a release depends
on which worker was faster.

- `InlineExecutor` (``workers=1``): one after another in this process, no pickling.
- `ProcessExecutor` (``workers=N``): a ``concurrent.futures`` pool of N processes. On Linux the
  workers are forked, so they start at once with corpuskit already imported; elsewhere they
  are spawned.
- `DaskExecutor` (``executor="dask"``): the same task functions on a ``dask.distributed``
  cluster (``pip install 'corpuskit[dask]'``). Every worker needs the same corpuskit (and
  Python, zlib-ng, pyarrow) as the driver, and must see the inputs and the output folder at
  the same paths (shared storage): docs/scaling.md.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import platform
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

EXECUTORS = ("local", "dask")
# Tasks a pool worker has queued: enough that none waits for the driver between two.
IN_FLIGHT = 4


def available_cpus() -> int:
    """The cores this process may run on (its affinity mask, not the machine's count)."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13
    if count is not None:
        return count() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class Executor:
    """Runs tasks; `run` yields (index, result) in completion order."""

    workers = 1
    name = "inline"

    def run(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def recycle(self) -> None:
        """Let the next tasks start in fresh workers (a pool's are replaced; others keep
        theirs): extraction leaves models and caches behind that writing does not need."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InlineExecutor(Executor):
    def run(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        for i, args in enumerate(tasks):
            yield i, fn(*args)


class ProcessExecutor(Executor):
    """A local pool of ``workers`` processes, started on first use."""

    name = "process"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._setup: Callable[[], None] | None = None
        self._frozen = False

    def start(self, preload: Callable[[], None] | None = None,
              setup: Callable[[], None] | None = None) -> ProcessPoolExecutor:
        """Start the workers now (a pack does before it lists its inputs: forked workers
        start with what the driver holds at that moment, and that is least at the start).

        ``preload``: what every task will need loaded (a pack: the extraction's models),
        run here before forking so that the workers share its memory pages instead of each
        building a copy (~110 MB a worker). Not run without fork. Before forking, what the
        driver holds is frozen out of the cyclic garbage collector (`gc.freeze`) until the
        pool is closed: a collection in a worker, or in the driver, would otherwise walk
        those objects and write to every page that holds one, copying the pages they share.

        ``setup``: run in each worker as it starts, and in those of the pools that replace
        these after `recycle`.
        """
        if setup is not None:
            self._setup = setup
        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            # fork: workers start in milliseconds with every module (and the schema, the
            # outlet tables…) already loaded, and scripts need no `if __name__ == "__main__"`
            # guard; the driver runs no threads of its own
            method = "fork" if sys.platform == "linux" and "fork" in methods else None
            if method == "fork":
                if preload is not None:
                    preload()
                gc.collect()
                gc.freeze()
                self._frozen = True
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context(method),
                initializer=_init_worker, initargs=(os.getpid(), self._setup))
            if method == "fork":  # fork them all now, not on the first tasks
                for _ in range(self.workers):
                    self._pool.submit(int)
        return self._pool

    def run(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        """Up to ``IN_FLIGHT`` tasks a worker are sent at a time, in index order, so that
        ``tasks`` may make each one's arguments when it is taken (`build.LazyItems`)."""
        pool = self.start()
        todo = iter(range(len(tasks)))
        pending: dict[Future, int] = {}

        def send(count: int) -> None:
            for i in itertools.islice(todo, count):
                pending[pool.submit(fn, *tasks[i])] = i

        send(self.workers * IN_FLIGHT)
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                send(len(done))
                for fut in done:
                    yield pending.pop(fut), fut.result()
        finally:
            for fut in pending:
                fut.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._frozen:
            # this process (maybe a program calling corpuskit) gets its objects back as
            # collectable as they were; the workers that shared them are gone
            gc.unfreeze()
            self._frozen = False

    def recycle(self) -> None:
        self.close()


def _init_worker(parent: int, setup: Callable[[], None] | None) -> None:
    """In a pool worker: run ``setup`` (`ProcessExecutor.start`), and exit when the driver is
    gone (killed with SIGKILL, say), instead of waiting for work forever on a queue that the
    other workers still hold open."""
    if setup is not None:
        setup()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="corpuskit-parent-watch", daemon=True).start()


def _worker_versions() -> dict[str, str | None]:
    """What a worker's bytes depend on (checked against the driver's before a Dask pack)."""
    import pyarrow

    from .. import __version__
    from ..writers.warc import deflate_versions

    # ISA-L or zlib-ng deflates the WARC records (in the segment tasks), with code chosen by
    # the processor. The system zlib deflates nothing a worker writes: only the WACZ's
    # entries, which the driver writes.
    return {"corpuskit": __version__, "python": ".".join(map(str, sys.version_info[:2])),
            **deflate_versions(), "machine": platform.machine(), "pyarrow": pyarrow.__version__}


class DaskExecutor(Executor):
    """Tasks on a dask.distributed cluster: ``scheduler`` is its address (tcp://host:port) or
    a ``distributed.Client``; without one, a local cluster of ``workers`` processes."""

    name = "dask"

    def __init__(self, scheduler: Any = None, workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise RuntimeError("executor 'dask' needs dask.distributed: "
                               "pip install 'corpuskit[dask]'") from exc
        self._own: list[Any] = []
        if isinstance(scheduler, Client):
            self.client = scheduler
        elif scheduler:
            self.client = Client(scheduler)
            self._own.append(self.client)
        else:
            cluster = LocalCluster(n_workers=workers or available_cpus(), threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            self._own += [cluster]
            self.client = Client(cluster)
            self._own.insert(0, self.client)
        self.workers = max(1, sum(w.get("nthreads", 1) for w in
                                  self.client.scheduler_info()["workers"].values()))
        self.check_versions()

    def check_versions(self) -> None:
        mine = _worker_versions()
        theirs = self.client.run(_worker_versions)
        for address, versions in theirs.items():
            if versions != mine:
                raise RuntimeError(
                    f"Dask worker {address} runs {versions}, the driver {mine}: every worker "
                    "needs the same corpuskit, Python, ISA-L, zlib-ng and pyarrow, on the same "
                    "kind of processor, for the same bytes")

    def run(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed

        if not tasks:
            return
        futures = self.client.map(fn, *zip(*tasks, strict=True), pure=False)
        index = {fut.key: i for i, fut in enumerate(futures)}
        try:
            for fut in as_completed(futures):
                yield index[fut.key], fut.result()
                fut.release()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        for thing in self._own:
            thing.close()
        self._own = []


def make_executor(executor: str = "local", workers: int | None = None,
                  scheduler: Any = None) -> Executor:
    """``executor`` "local": in process for one worker, else a process pool; "dask": a
    dask.distributed cluster at ``scheduler``."""
    if executor == "dask":
        return DaskExecutor(scheduler, workers)
    if executor != "local":
        raise ValueError(f"unknown executor {executor!r} (one of {', '.join(EXECUTORS)})")
    workers = workers or available_cpus()
    return InlineExecutor() if workers <= 1 else ProcessExecutor(workers)
