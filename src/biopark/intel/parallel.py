"""Extraction in a process pool: chunks of prepared documents, in input order, a few ahead.

The main process reads the files and skips content already stored (hash lookup),
workers run the pure stages (`batch.prepare`), and the caller stores each chunk in
its own transaction while the workers extract the next ones. On Linux workers are
forked after a warm-up extraction, so they start with the dictionaries loaded; they
run only the pure stages and never touch the parent's database connections.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from biopark.intel.fetch import FileTooLarge, read_capped
from biopark.intel.service.batch import Prepared, digest_of, prepare

_NAMES: tuple[str, ...] = ()
WARM_UP = "重庆某生物医药有限公司完成1亿元A轮融资，其新药获批开展临床试验。".encode()


def default_jobs() -> int:
    """One extraction process per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init(names: Sequence[str], parent: int) -> None:
    global _NAMES
    _NAMES = tuple(names)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # A worker blocks on its task queue forever once the parent is killed (kill -9):
    # it still holds the queue's writing end. Leave when the parent is gone.
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def prepare_safely(item: Prepared, names: Iterable[str]) -> Prepared:
    """Run the pure stages on a read input; an unexpected error becomes a recorded failure."""
    if item.data is None or item.error is not None:
        return item
    try:
        return prepare(origin=item.origin, data=item.data, digest=item.digest, known_names=names)
    except Exception as exc:  # one bad input must never stop the batch
        error = f"internal error: {type(exc).__name__}: {exc}"[:500]
        return Prepared(origin=item.origin, data=item.data, digest=item.digest, error=error)


def _prepare_many(items: list[Prepared]) -> list[Prepared]:
    return [prepare_safely(i, _NAMES) for i in items]


def read_input(path: str) -> Prepared:
    """The bytes and hash of one file, or the reason it cannot be read."""
    try:
        data = read_capped(Path(path))
    except FileTooLarge as exc:
        return Prepared(origin=path, data=None, digest=None, error=str(exc))
    except OSError as exc:
        error = f"cannot read file: {exc.strerror or exc}"
        return Prepared(origin=path, data=None, digest=None, error=error)
    return Prepared(origin=path, data=data, digest=digest_of(data))


def _read_chunk(paths: Sequence[str], known: Callable[[list[str]], set[str]]) -> list[Prepared]:
    items = [read_input(p) for p in paths]
    seen = known([i.digest for i in items if i.digest])
    # Stored content is not extracted again: the store reports it as a duplicate.
    return [
        Prepared(origin=i.origin, data=None, digest=i.digest) if i.digest in seen else i
        for i in items
    ]


def prepared_chunks(
    paths: Sequence[str],
    *,
    chunk: int,
    jobs: int,
    known_names: Sequence[str],
    known: Callable[[list[str]], set[str]],
) -> Iterator[list[Prepared]]:
    """Prepared documents chunk by chunk, in input order; `known` names stored hashes."""
    starts = range(0, len(paths), chunk)
    if jobs <= 1:
        for start in starts:
            items = _read_chunk(paths[start : start + chunk], known)
            yield [prepare_safely(i, known_names) for i in items]
        return
    # Spawned workers would re-import everything (seconds on a busy machine) and need a
    # __main__ guard in every caller; forked ones share the warmed-up parent's memory.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    prepare_safely(Prepared(origin="warm-up", data=WARM_UP, digest="-"), known_names)
    with (
        frozen_heap(),
        ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init,
            initargs=(tuple(known_names), os.getpid()),
        ) as pool,
    ):
        pending: deque[list[Future[list[Prepared]]]] = deque()
        queue = iter(starts)
        # Two chunks ahead keeps every worker busy while the caller stores one.
        for start in queue:
            pending.append(_submit(pool, _read_chunk(paths[start : start + chunk], known), jobs))
            if len(pending) > 2:
                break
        while pending:
            futures = pending.popleft()
            yield [item for f in futures for item in f.result()]
            following = next(queue, None)
            if following is not None:
                items = _read_chunk(paths[following : following + chunk], known)
                pending.append(_submit(pool, items, jobs))


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Forked workers share the parent's pages until written; a full collection in a
    worker would write to every inherited object and copy the parent's heap."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _submit(
    pool: ProcessPoolExecutor, items: list[Prepared], jobs: int
) -> list[Future[list[Prepared]]]:
    """Split a chunk over the workers; items with nothing to extract stay in their place."""
    size = max(1, -(-len(items) // jobs))
    return [pool.submit(_prepare_many, items[s : s + size]) for s in range(0, len(items), size)]
