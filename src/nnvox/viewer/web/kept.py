"""Values built once per key and a few kept, for `nnvox serve` and the notebook widget, whose
requests come from many threads: a request for a key being built waits for that build only (a slow
run does not hold up the others), a failed build is told to everyone who waited for it and not kept
(the next request tries again), and the least recently used values go first when the entries or
bytes kept pass their budget."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class _Build:
    """One build in flight: who waits for it waits on `done`."""

    def __init__(self):
        self.done = threading.Event()
        self.value = None
        self.error: BaseException | None = None


class Kept(Generic[V]):
    """`get(key, build)`: the value kept for key, or build() (once, however many threads ask).
        At most `entries` values, and `budget` bytes as `size(value)` counts them (the last value built
        is kept even when it alone is over the budget). A value's size is counted once, when it is kept,
    and the same number given back when it goes."""

    def __init__(self, entries: int, budget: int | None = None, size: Callable[[V], int] = lambda _: 0):
        self.entries, self.budget, self.size = entries, budget, size
        self._values: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()  # key -> (value, its size)
        self._building: dict[Hashable, _Build] = {}
        self._bytes = 0
        self._lock = threading.Lock()  # held only to look up and file values, never while building

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key][0]
            flight = self._building.get(key)
            mine = flight is None
            if mine:
                flight = self._building[key] = _Build()
        if not mine:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value
        try:
            flight.value = build()
        except BaseException as exc:
            flight.error = exc
            raise
        else:
            self._keep(key, flight.value)
        finally:
            with self._lock:
                del self._building[key]
            flight.done.set()
        return flight.value

    def _keep(self, key: Hashable, value: V) -> None:
        size = self.size(value)  # (outside the lock: counting may take a while)
        with self._lock:
            self._values[key] = value, size
            self._bytes += size
            while len(self._values) > 1 and (
                len(self._values) > self.entries or (self.budget is not None and self._bytes > self.budget)
            ):
                _, (_, old) = self._values.popitem(last=False)
                self._bytes -= old

    def peek(self, key: Hashable) -> V | None:
        """The value kept for key, if any (no build, no change of order)."""
        with self._lock:
            return self._values.get(key, (None, 0))[0]

    @property
    def bytes(self) -> int:
        """The sizes of the values kept, as counted when each was kept."""
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def keys(self) -> list:
        with self._lock:
            return list(self._values)
