"""Facts about an Architecture that never change, computed once per Architecture object: its module
tree, the structure signatures of its modules, its conv + norm + activation chains. The scene stages
ask for them at every depth (choosing the default depth builds the selection at each depth), and
recomputing them made a depth change cost tens of milliseconds on a real network.

An Architecture is frozen but not hashable (its nodes hold dicts), so the cache is keyed by the
object's identity and dropped when the object is collected. Cached values are shared: callers read
them and never change them."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

from nnvox.capture.architecture import Architecture

T = TypeVar("T")


def per_architecture(fn: Callable[..., T]) -> Callable[..., T]:
    """`fn(arch, *args)` computed once per Architecture object and hashable `args`."""
    caches: dict[int, tuple[weakref.ref, dict]] = {}

    def forget(ref: weakref.ref, key: int) -> None:
        if key in caches and caches[key][0] is ref:
            del caches[key]

    @functools.wraps(fn)
    def cached(arch: Architecture, *args):
        entry = caches.get(id(arch))
        if entry is None or entry[0]() is not arch:
            entry = (weakref.ref(arch, functools.partial(forget, key=id(arch))), {})
            caches[id(arch)] = entry
        values = entry[1]
        if args not in values:
            values[args] = fn(arch, *args)
        return values[args]

    cached.cache_size = lambda: len(caches)  # type: ignore[attr-defined]
    return cached
