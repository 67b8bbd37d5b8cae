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


def test_a_rebuild_reads_no_recorded_values_again(digits_run, monkeypatch):
    """Level of detail's channel choice and the input's colour limits are found once per run: a depth
    change rebuilding a fully open network read every layer again (a fully open EfficientNet-B0:
    hundreds of ms a build). The rebuilt scene is the same."""
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.level_of_detail import channel_energy
    from nnvox.scenes.scene import SceneOptions

    options = SceneOptions(max_channels=2)  # every feature block reduced: its channels chosen
    first = build_scene(digits_run, options)
    assert any(b.channels for b in first.blocks)
    assert channel_energy.cache_size() >= 1
    reads = []
    monkeypatch.setattr(digits_run, "read", lambda *a, **k: reads.append(a) or {})
    monkeypatch.setattr(type(digits_run), "probe_inputs", property(lambda run: reads.append("probe")))
    again = build_scene(digits_run, options)
    assert reads == []
    assert [(b.name, b.channels, b.pool, b.scale, b.origin) for b in again.blocks] == [
        (b.name, b.channels, b.pool, b.scale, b.origin) for b in first.blocks
    ]
