"""build_scene's stages one by one, on a small residual network: what each hands the next."""

import dataclasses

import pytest
import torch

from nnvox.models.zoo import digits_resnet
from nnvox.scenes.arrange import arrange
from nnvox.scenes.block_spec import BlockSpec, block_specs, output_class_names
from nnvox.scenes.build import build_scene, make_blocks
from nnvox.scenes.drawn_graph import drawn_graph
from nnvox.scenes.level_of_detail import reduce_detail
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.selection import select
from tests.scenes.test_layout_graphs import run_of


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    torch.manual_seed(0)
    return run_of(digits_resnet(), torch.randn(3, 1, 8, 8), tmp_path_factory.mktemp("stages") / "run")


def test_specs_are_typed_and_in_graph_order(run):
    options = SceneOptions(group=True)
    selection = select(run.architecture, options)
    assert selection.groups and all(m in selection.absorbed for chain in selection.groups.values() for m in chain[:-1])
    specs = block_specs(run, options, selection)
    assert all(isinstance(s, BlockSpec) and s.name == n for n, s in specs.items())
    order = [n.name for n in run.architecture.nodes]
    assert list(specs) == sorted(specs, key=order.index)
    assert specs["input"].key == "probe" and specs["input"].layout.role == "input"
    grouped = next(n for n in specs if n in selection.groups)
    assert "+" in specs[grouped].kind  # a chain is titled by its kinds
    out = next(s for s in specs.values() if s.layout.role == "output")
    assert (out.scale.lo, out.scale.hi) == (0.0, 1.0) and len(output_class_names(run, specs)) == out.shape[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.key = "other"


def test_weights_mode_specifies_only_layers_with_weights(run):
    specs = block_specs(run, SceneOptions(mode="weights"), select(run.architecture, SceneOptions(mode="weights")))
    assert specs and all(s.layout.role == "weights" and s.key.startswith("param/") for s in specs.values())


def test_level_of_detail_keeps_the_channels_it_names(run):
    options = SceneOptions(max_channels=2)
    specs = block_specs(run, options, select(run.architecture, options))
    reduced = reduce_detail(run, specs, options)
    cut = [n for n in specs if reduced[n].channels is not None]
    assert cut and all(reduced[n].layout.panels == 2 == len(reduced[n].channels) for n in cut)
    assert all(reduced[n] == specs[n] for n in specs if n not in cut)


def test_stages_compose_into_the_scene(run):
    options = SceneOptions()
    selection = select(run.architecture, options)
    specs = reduce_detail(run, block_specs(run, options, selection), options)
    graph = drawn_graph(run.architecture, list(specs), options.mode)
    assert set(graph.depth) == set(specs) and all(graph.depth[s] < graph.depth[d] for s, d in graph.edges)
    arrangement = arrange(specs, graph, selection.repeats, options)
    blocks = make_blocks(run, specs, graph, arrangement, selection)
    assert tuple(blocks) == build_scene(run, options).blocks


def test_the_collector_waits_while_a_scene_is_built_and_resumes_after(run, monkeypatch):
    """The facts a build keeps set off full collections that walk a loaded model's every object;
    the collector is held off during a build and back on after it, a failed one too."""
    import gc

    from nnvox.errors import NnvoxError
    from nnvox.scenes import build

    seen = []
    real_select = build.select
    monkeypatch.setattr(build, "select", lambda *a: seen.append(gc.isenabled()) or real_select(*a))
    assert gc.isenabled()
    build_scene(run, SceneOptions())
    assert seen == [False] and gc.isenabled()
    with pytest.raises(NnvoxError):
        build_scene(run, SceneOptions(mode="change"))  # one snapshot: refused mid-build
    assert gc.isenabled()
    gc.disable()  # a caller's own choice is kept
    try:
        build_scene(run, SceneOptions())
        assert not gc.isenabled()
    finally:
        gc.enable()
