"""Facts found once per Architecture object (the module tree, structure folds, chains): the same
object's second request is the cached value, another object (even an equal one) gets its own, and
the cache lets go of an architecture when it is collected."""

from __future__ import annotations

import gc

from nnvox.capture.architecture import Architecture, Node
from nnvox.scenes.folding import fold_modules
from nnvox.scenes.hierarchy import ModuleTree
from nnvox.scenes.per_architecture import per_architecture


def _arch() -> Architecture:
    nodes = (
        Node("input", "Input", (4,)),
        Node("blocks.0.fc", "Linear", (4,), {"blocks.0.fc.weight": (4, 4)}, module="blocks.0.fc"),
        Node("blocks.1.fc", "Linear", (4,), {"blocks.1.fc.weight": (4, 4)}, module="blocks.1.fc"),
    )
    edges = (("input", "blocks.0.fc"), ("blocks.0.fc", "blocks.1.fc"))
    modules = (("blocks", "Sequential"), ("blocks.0", "Block"), ("blocks.0.fc", "Linear"))
    modules += (("blocks.1", "Block"), ("blocks.1.fc", "Linear"))
    return Architecture(nodes, edges, modules)


def test_found_once_per_architecture_object():
    calls = []

    @per_architecture
    def count(arch, extra=0):
        calls.append(extra)
        return len(arch.nodes) + extra

    a, b = _arch(), _arch()
    assert a == b and a is not b
    assert (count(a), count(a), count(b), count(a, 1), count(a, 1)) == (3, 3, 3, 4, 4)
    assert calls == [0, 0, 1]
    assert count.cache_size() == 2
    del a, b
    gc.collect()
    assert count.cache_size() == 0


def test_cached_tree_and_folds_match_fresh_ones():
    arch = _arch()
    assert ModuleTree.of(arch) is ModuleTree.of(arch)
    fresh = ModuleTree._build(arch)
    assert fresh == ModuleTree.of(arch)
    assert fold_modules(arch, fresh) == fold_modules(arch, ModuleTree.of(arch))
    assert fold_modules(arch, ModuleTree.of(arch)).runs == {"blocks.0": ["blocks.0", "blocks.1"]}
