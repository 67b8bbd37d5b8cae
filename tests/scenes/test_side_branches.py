"""Side branches that keep the data's shape: found by structure in graphs written the way the field
writes them, and drawn small under the block they leave from, unlabelled unless opened, with the
main line straight; in the weights and change modes too, where only their layers with weights are
drawn."""

import numpy as np
import pytest
import torch

from nnvox.capture.recorder import Recorder
from nnvox.capture.run import open_run
from nnvox.capture.trace import trace
from nnvox.scenes.arrange import SIDE_SCALE
from nnvox.scenes.build import build_scene
from nnvox.scenes.drawn_graph import contract_edges, drawn_graph
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.side_branches import SideBranch, side_branches
from tests.scenes.side_branch_models import CBAM, GLU, SIDE_BRANCHES, Downsample, SENet
from tests.scenes.test_layout_graphs import check_layout, run_of


def drawn(model, x):
    """The graph as drawn: hidden reshapes and copies bridged over, each node's own kind and shape."""
    arch = trace(model, x).architecture
    hidden = SceneOptions().hidden_kinds
    keep = [n.name for n in arch.nodes if n.kind not in hidden and (n.kind != "Input" or n.name == "input")]
    shapes = {n.name: n.shape for n in arch.nodes}
    return keep, contract_edges(arch, set(keep)), shapes, {n.name: n.kind for n in arch.nodes}


@pytest.mark.parametrize("case", list(SIDE_BRANCHES))
def test_the_fields_side_branches_are_found(case):
    make, shape, members, source, gate = SIDE_BRANCHES[case]
    torch.manual_seed(0)
    (branch,) = side_branches(*drawn(make(), torch.randn(*shape)))
    assert branch == SideBranch(source, members, gate)


def test_cbam_has_a_channel_and_a_spatial_branch_one_after_the_other():
    channel, spatial = side_branches(*drawn(CBAM(), torch.randn(1, 3, 8, 8)))
    assert (channel.source, channel.gate) == ("conv", "channel.mul")
    assert {"channel.avg_pool2d", "channel.max_pool2d", "channel.add", "channel.sigmoid"} <= set(channel.members)
    assert (spatial.source, spatial.gate) == ("channel.mul", "spatial.mul")  # it leaves the first gate
    assert spatial.members == ("spatial.max", "spatial.mean", "spatial.cat", "spatial.conv", "spatial.sigmoid")
    columns = channel.columns(drawn(CBAM(), torch.randn(1, 3, 8, 8))[1])
    assert columns["channel.avg_pool2d"] == columns["channel.max_pool2d"] == 0  # parallel: one column


def test_shape_changing_and_shared_branches_are_not_side_branches():
    assert side_branches(*drawn(Downsample(), torch.randn(1, 4, 8, 8))) == []  # joins by add, changes shape
    shapes = {"x": (4, 8, 8), "p": (4, 1, 1), "s": (4, 1, 1), "m": (4, 8, 8), "o": (4, 8, 8), "big": (9, 8, 8)}
    kinds = {"x": "Conv2d", "p": "AdaptiveAvgPool2d", "s": "Sigmoid", "m": "mul", "o": "Conv2d", "big": "Conv2d"}
    se = [("x", "p"), ("p", "s"), ("s", "m"), ("x", "m"), ("m", "o")]
    assert side_branches(["x", "p", "s", "m", "o"], se, shapes, kinds) == [SideBranch("x", ("p", "s"), "m")]
    read_elsewhere = [*se, ("p", "o")]  # the pooled vector also feeds the main path: not a side branch
    assert side_branches(["x", "p", "s", "m", "o"], read_elsewhere, shapes, kinds) == []
    larger = [("x", "big"), ("big", "p"), ("p", "s"), ("s", "m"), ("x", "m"), ("m", "o")]  # grows on the way
    assert side_branches(["x", "big", "p", "s", "m", "o"], larger, shapes, kinds) == []
    # SwiGLU: silu(gate(x)) * up(x), both as wide as the gate, neither a gating activation
    swiglu = {"g": (8,), "a": (8,), "u": (8,), "m": (8,), "x": (4,)}
    kinds = {"x": "Linear", "g": "Linear", "a": "silu", "u": "Linear", "m": "mul"}
    edges = [("x", "g"), ("g", "a"), ("x", "u"), ("a", "m"), ("u", "m")]
    assert side_branches(["x", "g", "a", "u", "m"], edges, swiglu, kinds) == []


@pytest.fixture(scope="module")
def senet_run(tmp_path_factory):
    torch.manual_seed(0)
    return run_of(SENet(), torch.randn(2, 3, 8, 8), tmp_path_factory.mktemp("senet") / "run")


def _branch_blocks(scene):
    return [b for b in scene.blocks if ".se." in b.name and not b.name.endswith(".mul")]


@pytest.mark.parametrize("group", [False, True])
def test_a_side_branch_hangs_small_and_unlabelled_under_its_block(senet_run, group):
    scene = build_scene(senet_run, SceneOptions(group=group))
    check_layout(scene)
    source = scene.block("blocks.0.depthwise.2")
    gate = scene.block("blocks.0.se.mul")
    branch = [b for b in _branch_blocks(scene) if b.name.startswith("blocks.0.")]
    assert len(branch) == (3 if group else 5)  # pool, conv+act, conv+sigmoid when grouped
    for b in branch:
        assert b.bounds[5] < source.bounds[4] and b.bounds[5] < gate.bounds[4], f"{b.name} is not below"
        assert b.extent[2] <= SIDE_SCALE * source.extent[2] + 1e-9, f"{b.name} is not small"
        assert not b.labelled
        centres = (source.origin[0] + source.extent[0] / 2, gate.origin[0] + gate.extent[0] / 2)
        assert centres[0] < b.bounds[0] and b.bounds[1] < centres[1]  # between the source's centre and the gate's
    # the main line reads straight: one axis, blocks left to right in graph order
    assert scene.rows == 1
    main = [b for b in scene.blocks if b not in _branch_blocks(scene)]
    assert len({round(b.origin[2], 6) for b in main}) == 1
    assert [b.name for b in sorted(main, key=lambda b: b.origin[0])] == [b.name for b in main]
    # the source joins its gate in a straight line, not a skip arc; no branch edge is a skip
    edge = scene.edges.index((source.name, gate.name))
    assert len(scene.edge_paths[edge]) == 2 and not scene.skips[edge]
    assert not any(skip for (s, d), skip in zip(scene.edges, scene.skips) if ".se." in s or ".se." in d)


def test_an_opened_side_branch_is_drawn_full_size_and_labelled(senet_run):
    closed = build_scene(senet_run, SceneOptions(group=False))
    opened = build_scene(senet_run, SceneOptions(group=False, expand=frozenset({"blocks.0.se"})))
    check_layout(opened)
    for b in _branch_blocks(opened):
        if b.name.startswith("blocks.0."):
            assert b.labelled and b.voxel == 1.0 != closed.block(b.name).voxel  # its own size: C x 1 x 1
            assert b.bounds[5] < opened.block("blocks.0.depthwise.2").bounds[4]  # still under its block
        else:
            assert not b.labelled


def test_the_forward_pass_lights_a_branch_before_its_gate(senet_run):
    scene = build_scene(senet_run, SceneOptions(group=False))
    order = {b.name: b.order for b in scene.blocks}
    assert order["blocks.0.depthwise.2"] < order["blocks.0.se.avgpool"] < order["blocks.0.se.mul"]
    for reveal in np.linspace(0, 1, 7):
        frame = scene.frame_at(0, reveal=reveal)
        assert frame.lit["blocks.0.se.scale_activation"] >= frame.lit["blocks.0.se.mul"]
    weights = build_scene(senet_run, SceneOptions(mode="weights"))  # no gate drawn: the layers in a chain
    check_layout(weights)


def test_a_gate_from_the_input_leaves_the_main_path_straight(tmp_path):
    torch.manual_seed(0)
    scene = build_scene(run_of(GLU(), torch.randn(2, 6), tmp_path / "run"))
    check_layout(scene)
    assert {b.name for b in scene.blocks if not b.labelled} == {"b", "sigmoid"}
    assert scene.block("b").bounds[5] < scene.block("a").bounds[4]


@pytest.mark.parametrize("case", [*SIDE_BRANCHES, "cbam"])
def test_every_side_branch_layout_keeps_blocks_apart_and_edges_clear(case, tmp_path):
    make, shape = (CBAM, (1, 3, 8, 8)) if case == "cbam" else SIDE_BRANCHES[case][:2]
    torch.manual_seed(0)
    run = run_of(make(), torch.randn(2, *shape[1:]), tmp_path / "run")
    for options in (SceneOptions(group=False), SceneOptions(group=True), SceneOptions(mode="weights")):
        scene = build_scene(run, options)
        check_layout(scene)
        # a branch hangs below, unlabelled; in weights mode, where its layers with weights leave one:
        # a gated linear unit's gate leaves the input, which has none
        hangs = any(not b.labelled and b.lane < 0 for b in scene.blocks)
        assert hangs == (options.mode == "activations" or case != "glu"), options


def recorded_twice(model, x, folder):
    """A run of `model` on probe `x` before and after one SGD step: its weights, their change, the
    step's gradients."""
    y = torch.zeros(len(x), dtype=torch.long)
    rec = Recorder(model, probe=(x, y.numpy()), out=folder, background=False)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.5)
    for epoch in range(2):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        rec.snapshot(epoch=epoch)
        optimiser.step()
    rec.close()
    return open_run(folder)


@pytest.fixture(scope="module")
def trained_senet_run(tmp_path_factory):
    torch.manual_seed(0)
    return recorded_twice(SENet(), torch.randn(2, 3, 8, 8), tmp_path_factory.mktemp("senet2") / "run")


WEIGHT_MODES = ("weights", "change", "change-from-start", "update-ratio", "gradients")


@pytest.mark.parametrize("mode", WEIGHT_MODES)
def test_in_weight_modes_a_branchs_layers_hang_small_and_unlabelled_under_its_block(trained_senet_run, mode):
    """Only layers with weights are drawn: the squeeze-excitation's two 1x1 convs hang under the
    depthwise conv it leaves from and rise into the projection after its gate, which has none."""
    scene = build_scene(trained_senet_run, SceneOptions(mode=mode))
    opened = build_scene(trained_senet_run, SceneOptions(mode=mode, expand=frozenset({"blocks.0.se"})))
    check_layout(scene)
    check_layout(opened)
    source, gate = scene.block("blocks.0.depthwise.0"), scene.block("blocks.0.project.0")
    branch = [b for b in scene.blocks if b.name.startswith("blocks.0.se.")]
    assert [b.name for b in branch] == ["blocks.0.se.fc1", "blocks.0.se.fc2"]
    centres = (source.origin[0] + source.extent[0] / 2, gate.origin[0] + gate.extent[0] / 2)
    for b in branch:
        assert not b.labelled and b.lane < 0 and b.side_branch
        assert b.bounds[5] < source.bounds[4] and b.bounds[5] < gate.bounds[4], f"{b.name} is not below"
        assert centres[0] < b.bounds[0] and b.bounds[1] < centres[1]  # between the source's centre and the gate's
        assert b.voxel == SIDE_SCALE  # drawn small ...
        full = opened.block(b.name)  # ... and opened, at its own size, labelled, still under its block
        assert (
            full.labelled
            and not full.side_branch
            and full.voxel == 1.0
            and full.bounds[5] < opened.block(source.name).bounds[4]
        )
    main = [b for b in scene.blocks if b not in branch]
    assert not any(b.side_branch for b in main)
    assert len({round(b.origin[2], 6) for b in main}) == 1  # the main line reads straight
    assert [b.name for b in sorted(main, key=lambda b: b.origin[0])] == [b.name for b in main]
    edge = scene.edges.index((source.name, gate.name))  # the source joins its gate directly
    assert len(scene.edge_paths[edge]) == 2 and not scene.skips[edge]
    assert ("blocks.0.depthwise.0", "blocks.0.se.fc1") in scene.edges and ("blocks.0.se.fc2", gate.name) in scene.edges
    order = {b.name: b.order for b in scene.blocks}  # the forward pass reaches the branch before its gate
    assert order[source.name] < order["blocks.0.se.fc1"] < order["blocks.0.se.fc2"] < order[gate.name]


def test_a_collapsed_module_keeps_its_branch_inside_in_weight_modes(trained_senet_run):
    """At a depth where each block is one module, the squeeze-excitation's layers are inside it."""
    for depth in (1, 2):
        scene = build_scene(trained_senet_run, SceneOptions(mode="weights", depth=depth))
        check_layout(scene)
        assert all(b.lane == 0 for b in scene.blocks) and not any(".se." in b.name for b in scene.blocks)


def test_weight_side_branches_leave_and_join_drawn_layers_once(tmp_path):
    """CBAM's spatial gate follows its channel gate: drawn by layers with weights, both would leave the
    first conv and join the last, so the channel gate's MLP hangs and the spatial conv stays on the
    main path; activations mode's drawn graph finds its branches from the blocks' kinds (side None)."""
    torch.manual_seed(0)
    arch = trace(CBAM(), torch.randn(1, 3, 8, 8)).architecture
    weighted = [n.name for n in arch.nodes if any(p.endswith("weight") for p in n.params)]
    graph = drawn_graph(arch, weighted, "weights")
    (branch,) = graph.side
    assert (branch.source, branch.gate) == ("conv", "out")
    assert set(branch.members) == {"channel.mlp.1", "channel.mlp.3", "channel.mlp.1#2", "channel.mlp.3#2"}
    assert ("conv", "spatial.conv") in graph.edges and ("spatial.conv", "out") in graph.edges
    assert ("channel.mlp.3", "spatial.conv") not in graph.edges  # a branch leaves only into its gate
    assert drawn_graph(arch, weighted, "activations").side is None
