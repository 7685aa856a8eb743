"""A per-process cache whose expired values are served while one caller rebuilds them.

Written here because cachetools' TTLCache forgets a value when it expires, and its
`cached(condition=...)` only makes every reader wait for the one rebuilding: under many
readers each expiry would then stall them all for a rebuild's time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")


class StaleCache(Generic[V]):
    """Values kept for `ttl` seconds; after that the first caller rebuilds, the rest get the
    old value meanwhile. A key never built waits for its first build (once, not per caller)."""

    def __init__(self, *, maxsize: int = 256, clock: Callable[[], float] = time.monotonic):
        self._values: LRUCache[Hashable, tuple[V, float]] = LRUCache(maxsize=maxsize)
        self._building: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, key: Hashable, ttl: float, build: Callable[[], V]) -> V:
        """The value for key: fresh, stale while another caller rebuilds it, or built now."""
        while True:
            with self._lock:
                entry = self._values.get(key)
                if entry is not None and self._clock() - entry[1] < ttl:
                    return entry[0]
                building = self._building.get(key)
                if building is None:
                    building = self._building[key] = threading.Event()
                    break
                if entry is not None:
                    return entry[0]
            building.wait(timeout=120)  # the first build of this key; a failed one is retried
        try:
            value = build()
            with self._lock:
                self._values[key] = (value, self._clock())
            return value
        finally:
            with self._lock:
                self._building.pop(key, None)
            building.set()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
