"""The module hierarchy as nested blocks: every module below the depth drawn as one block showing
its output, labelled with its name and class; edges contracted; every mode at every depth."""

from __future__ import annotations

import pytest
import torch

from nnvox.models.zoo import resnet18
from nnvox.scenes.build import build_scene
from nnvox.scenes.hierarchy import ModuleTree
from nnvox.scenes.scene import MODES, SceneOptions
from nnvox.scenes.selection import BLOCK_BUDGET, select
from nnvox.scenes.view import SpecError, ViewSpec
from tests.conftest import record_digits
from tests.scenes.test_layout_graphs import check_layout, run_of


@pytest.fixture(scope="module")
def resnet(tmp_path_factory):
    torch.manual_seed(0)
    return run_of(resnet18(num_classes=10), torch.randn(1, 3, 64, 64), tmp_path_factory.mktemp("depth") / "run")


def test_block_counts_and_labels_per_depth(resnet):
    counts = {d: len(build_scene(resnet, SceneOptions(depth=d)).blocks) for d in (1, 2, 3, 4, 99)}
    assert counts == {1: 9, 2: 12, 3: 36, 4: 36, 99: 36}
    top = build_scene(resnet, SceneOptions(depth=1))
    titles = [b.title for b in top.blocks]
    assert "layer1 · BasicBlock  × 2" in titles  # a stage of one repeated block: its class and count
    # layer2.0 has a downsampling branch: no repeat, the container titled by its children's class
    assert "layer2 · BasicBlock × 2" in titles
    assert top.block("layer4.1.relu#2").title == "layer4 · BasicBlock × 2"  # the block shows the stage's output
    stage = build_scene(resnet, SceneOptions(depth=2))
    assert [b.title for b in stage.blocks][3:5] == ["layer1.0 · BasicBlock  × 2", "layer2.0 · BasicBlock"]
    assert set(top.block("layer4.1.relu#2").params) >= {"layer4.0.conv1.weight", "layer4.1.bn2.bias"}
    check_layout(top)
    check_layout(stage)


def test_full_depth_is_todays_picture(resnet):
    full = build_scene(resnet, SceneOptions(depth=99))
    assert full.blocks == build_scene(resnet, SceneOptions(depth=ModuleTree.of(resnet.architecture).max_level)).blocks
    assert any(b.title == "layer1.0.conv1 · Conv2d+BN+ReLU  × 2" for b in full.blocks)


def test_edges_contract_onto_collapsed_blocks(resnet):
    top = build_scene(resnet, SceneOptions(depth=1))
    assert top.edges == (
        ("input", "relu"),
        ("relu", "maxpool"),
        ("maxpool", "layer1.1.relu#2"),
        ("layer1.1.relu#2", "layer2.1.relu#2"),
        ("layer2.1.relu#2", "layer3.1.relu#2"),
        ("layer3.1.relu#2", "layer4.1.relu#2"),
        ("layer4.1.relu#2", "avgpool"),
        ("avgpool", "fc"),
    )
    stage = build_scene(resnet, SceneOptions(depth=2))  # layer1 folded: layer1.0 stands for layer1.0 and 1.1
    assert ("layer1.0.relu#2", "layer2.0.relu#2") in stage.edges and ("maxpool", "layer1.0.relu#2") in stage.edges
    assert not any(s == d for s, d in stage.edges)


def test_skip_connections_over_collapsed_blocks_stay_arcs(tmp_path):
    from nnvox.models.zoo import UNet

    torch.manual_seed(0)
    run = run_of(UNet(), torch.randn(1, 1, 8, 8), tmp_path / "run")
    for depth in range(1, ModuleTree.of(run.architecture).max_level + 1):
        scene = build_scene(run, SceneOptions(depth=depth))
        skips = [e for e, skip in zip(scene.edges, scene.skips) if skip]
        assert any(s.startswith("enc1") for s, _ in skips), depth  # enc1's map joins the decoder past the middle


def test_the_default_depth_is_the_deepest_within_the_block_budget(resnet, tmp_path):
    arch = resnet.architecture
    assert select(arch, SceneOptions()).depth == 2  # 36 blocks open, 12 at depth 2
    assert len(build_scene(resnet).blocks) == 12 <= BLOCK_BUDGET
    from nnvox.models.zoo import digits_resnet

    small = run_of(digits_resnet(), torch.randn(1, 1, 8, 8), tmp_path / "small")
    assert build_scene(small).blocks == build_scene(small, SceneOptions(depth=99)).blocks  # fits: fully open


@pytest.mark.parametrize("model", ["digits-resnet", "seq-gpt"])
def test_every_mode_builds_at_every_depth(model, tmp_path):
    run = record_digits(tmp_path / model, epochs=1, model=model)
    levels = ModuleTree.of(run.architecture).max_level
    assert levels >= 2
    for depth in range(1, levels + 1):
        for mode in MODES:
            scene = build_scene(run, SceneOptions(mode=mode, depth=depth))
            frame = scene.frame_at(0.5, reveal=0.5)
            assert set(frame.values) == {b.name for b in scene.blocks}
            assert sorted({b.order for b in scene.blocks}) == list(range(scene.levels))  # reveal order
            check_layout(scene)


def test_weights_of_a_collapsed_block_are_its_largest(resnet):
    top = build_scene(resnet, SceneOptions(depth=1, mode="weights"))
    stage = top.block("layer4.1.relu#2")
    assert stage.key == "param/layer4.0.conv2.weight" and stage.title == "layer4 · BasicBlock × 2"  # 512x512x3x3


def test_the_depth_is_a_view_option():
    assert ViewSpec(depth=2).scene_options().depth == 2 and ViewSpec().scene_options().depth is None
    for bad in (0, -1, 1.5, True):
        with pytest.raises(SpecError):
            ViewSpec(depth=bad)


def test_a_storyboard_shot_takes_a_depth(tmp_path):
    from nnvox.errors import NnvoxError
    from nnvox.scenes.storyboard import load_storyboard

    board = tmp_path / "board.toml"
    board.write_text('[[shot]]\nmodel = "resnet18"\nduration = 1\ndepth = 2\n')
    assert load_storyboard(board).shots[0].view.depth == 2
    board.write_text('[[shot]]\nmodel = "resnet18"\nduration = 1\ndepth = 0\n')
    with pytest.raises(NnvoxError, match=r"line 4.*depth 0"):
        load_storyboard(board)
