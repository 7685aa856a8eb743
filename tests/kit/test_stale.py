"""StaleCache: fresh values reused, expired ones served while one caller rebuilds."""

from __future__ import annotations

import threading

import pytest

from biopark.kit.stale import StaleCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_values_live_for_their_lifetime_then_are_rebuilt() -> None:
    clock = Clock()
    cache: StaleCache[int] = StaleCache(clock=clock)
    builds = iter(range(1, 10))
    assert cache.get("k", 30, lambda: next(builds)) == 1
    clock.now = 29
    assert cache.get("k", 30, lambda: next(builds)) == 1
    clock.now = 31
    assert cache.get("k", 30, lambda: next(builds)) == 2
    assert cache.get("other", 30, lambda: next(builds)) == 3


def test_readers_get_the_old_value_while_one_rebuilds() -> None:
    clock = Clock()
    cache: StaleCache[str] = StaleCache(clock=clock)
    cache.get("k", 30, lambda: "old")
    clock.now = 60
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "new"

    result: list[str] = []
    rebuilder = threading.Thread(target=lambda: result.append(cache.get("k", 30, slow)))
    rebuilder.start()
    assert started.wait(5)
    # Meanwhile another reader is not held up and builds nothing.
    assert cache.get("k", 30, lambda: pytest.fail("built twice")) == "old"
    release.set()
    rebuilder.join(5)
    assert result == ["new"] and cache.get("k", 30, lambda: "x") == "new"


def test_a_first_build_runs_once_and_a_failed_one_is_retried() -> None:
    cache: StaleCache[int] = StaleCache()
    calls: list[int] = []
    gate = threading.Event()

    def build() -> int:
        calls.append(1)
        gate.wait(5)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return 7

    out: list[object] = []

    def read() -> None:
        try:
            out.append(cache.get("k", 30, build))
        except RuntimeError as exc:
            out.append(str(exc))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    # One caller saw the failure; one of the waiters built again; the others got its value.
    assert sorted(map(str, out)) == ["7", "7", "7", "database went away"]
    assert len(calls) == 2
