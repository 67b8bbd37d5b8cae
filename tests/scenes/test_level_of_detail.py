"""Level of detail: a voxel budget per block, stable channel choice, pooled maps, labelled as such."""

import numpy as np
import torch
from torch import nn

from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import SceneOptions
from tests.scenes.test_layout_graphs import check_layout, run_of


def test_wide_layers_show_their_strongest_channels_pooled(tmp_path):
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 40, 3, padding=1)
    with torch.no_grad():
        conv.weight.mul_(0)
        conv.bias.copy_(torch.arange(40, dtype=torch.float32))  # channel c is the constant c: energy rises with c
    model = nn.Sequential(conv, nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(40, 1500))
    run = run_of(model, torch.randn(1, 1, 120, 120), tmp_path / "run")
    scene = build_scene(run, SceneOptions(max_channels=8, max_map=56))
    check_layout(scene)
    block = scene.block("0")
    assert block.channels == tuple(range(32, 40)) and block.panels == 8
    assert block.pool == 3 and (block.rows, block.cols) == (40, 40)
    assert "8 of 40 ch" in block.subtitle and "pooled 3×" in block.subtitle
    values = scene.frame_at(0).values["0"]
    assert values.shape == (8, 40, 40)
    np.testing.assert_allclose(values[:, 5, 5], np.arange(32, 40), rtol=1e-2)
    out = scene.block("4")
    # 1,500 classes: a grid of class voxels (its top classes listed beside it), not a column
    assert out.role == "output" and out.cols > 1 and out.rows * out.cols >= 1500


def test_big_scenes_label_only_where_the_shape_changes(tmp_path):
    layers = [nn.Linear(6, 6) if i % 2 == 0 else nn.Tanh() for i in range(40)] + [nn.Linear(6, 3)]
    run = run_of(nn.Sequential(*layers), torch.randn(2, 6), tmp_path / "run")
    scene = build_scene(run, SceneOptions(group=False))
    labelled = [b.name for b in scene.blocks if b.labelled]
    assert labelled == ["input", "40"]  # every hidden layer keeps the input's shape; the last changes it
