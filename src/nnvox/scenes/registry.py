"""A registry of named entries, looked up along a chain of names from the most specific.

napari's layer_to_visual walks a layer's class hierarchy; nnvox's kinds are names (a layer's module
class or function, a block's role), so each lookup gives its chain: an extension claims one name and
everything else falls through to the broader entries after it.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, what: str):
        self.what = what  # "block kind", "visual": for messages
        self._entries: dict[str, T] = {}

    def register(self, *names: str):
        """Decorator (or call on an entry): `entry` serves these names, replacing what served them."""

        def deco(entry: T) -> T:
            for name in names:
                self._entries[name] = entry
            return entry

        return deco

    def unregister(self, *names: str) -> None:
        for name in names:
            self._entries.pop(name, None)

    def lookup(self, *names: str) -> T | None:
        """The entry of the first registered name in `names` (None: none is registered)."""
        return next((self._entries[n] for n in names if n in self._entries), None)

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries
