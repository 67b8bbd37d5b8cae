"""Facts that never change, computed once per object: of an Architecture, its module tree, the
structure signatures of its modules, its conv + norm + activation chains, its nodes by name; of a
Run, what the scene stages read from its recorded values (each wide layer's channel energies, the
probe input's colour limits). The scene stages ask for them at every depth (choosing the default
depth builds the selection at each depth), and recomputing them made a depth change cost tens of
milliseconds on a real network, a fully open EfficientNet-B0 hundreds (reading every layer again).

An Architecture is frozen but not hashable (its nodes hold dicts), and a Run is not hashable, so
the cache is keyed by the object's identity and dropped when the object is collected. A Run's
snapshots are listed once when it is opened, and a written snapshot is never rewritten, so facts
of a (Run, snapshot) pair stay true. Cached values are shared: callers read them and never change
them."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

from nnvox.capture.architecture import Architecture, Node

T = TypeVar("T")


def per_object(fn: Callable[..., T]) -> Callable[..., T]:
    """`fn(obj, *args)` computed once per object (an Architecture, a Run) and hashable `args`."""
    caches: dict[int, tuple[weakref.ref, dict]] = {}

    def forget(ref: weakref.ref, key: int) -> None:
        if key in caches and caches[key][0] is ref:
            del caches[key]

    @functools.wraps(fn)
    def cached(obj, *args):
        entry = caches.get(id(obj))
        if entry is None or entry[0]() is not obj:
            entry = (weakref.ref(obj, functools.partial(forget, key=id(obj))), {})
            caches[id(obj)] = entry
        values = entry[1]
        if args not in values:
            values[args] = fn(obj, *args)
        return values[args]

    cached.cache_size = lambda: len(caches)  # type: ignore[attr-defined]
    return cached


per_architecture = per_object  # facts of an Architecture
per_run = per_object  # facts of a Run's recorded values


@per_architecture
def nodes_by_name(arch: Architecture) -> dict[str, Node]:
    """Each node by its name (Architecture.node scans the nodes: a fully open EfficientNet-B0 asked
    a thousand times a build)."""
    return {n.name: n for n in arch.nodes}
