"""A layer's (n,) output is drawn as a vector: columns of units read top to bottom, one column after
another, no taller than the network's maps; not folded into a square that reads as a picture."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from nnvox.capture.single_pass import single_pass_run
from nnvox.scenes.build import build_scene
from nnvox.scenes.layout import BlockShape, block_shape, to_panels, vector_columns
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.overlays.units import unit_box


@pytest.mark.parametrize(
    ("n", "columns", "rows"),
    [
        (1, 1, 1),
        (10, 1, 10),
        (24, 1, 24),
        (25, 2, 13),
        (64, 4, 16),
        (84, 4, 21),
        (120, 5, 24),
        (128, 4, 32),
        (768, 12, 64),
        (3072, 24, 128),
    ],
)
def test_a_vector_stands_in_columns_of_equal_height(n, columns, rows):
    assert vector_columns(n) == (columns, rows)
    assert block_shape("Linear", (n,)) == BlockShape("dense", columns, rows, 1)


@pytest.mark.parametrize("n", [2, 47, 97, 500, 512, 1000, 2048, 4096, 9973, 50_000, 1_000_000])
def test_every_unit_has_a_cell_and_only_the_last_column_is_short(n):
    columns, rows = vector_columns(n)
    assert columns * rows >= n > (columns - 1) * rows  # no empty column
    assert columns * rows - n < columns  # at most one missing cell a column
    assert rows <= 1.5 * max(24, math.sqrt(6 * n))  # long vectors: columns, not one 50,000-unit line
    if n >= 500:  # a long vector's block stands one to three times as tall as it is long (columns 3 voxels apart)
        assert 1 <= rows / (3 * columns) <= 3.5


def test_other_shapes_keep_their_blocks():
    assert block_shape("Linear", (6, 9)) == BlockShape("dense", 1, 6, 9)  # a sequence: a row per position
    assert block_shape("output", (10,)) == BlockShape("output", 1, 10, 1)  # the labelled column
    assert block_shape("Linear", (3, 4, 5, 6, 7)).panels == 1  # rank 5: a near-square grid
    assert block_shape("Linear", (30_000_000,)).panels == 1  # no column that tall: a grid


def test_a_vectors_units_read_down_each_column_in_turn():
    shape = block_shape("ReLU", (120,))
    panels = to_panels(np.arange(120), shape)
    assert panels.shape == (5, 24, 1)
    assert panels[0, :, 0].tolist() == list(range(24))  # the first column: units 0..23 top to bottom
    assert panels[3, 5, 0] == 3 * 24 + 5
    padded = to_panels(np.arange(25), block_shape("ReLU", (25,)))
    assert padded[1, :, 0].tolist()[:12] == list(range(13, 25)) and np.isnan(padded[1, 12, 0])


@pytest.fixture(scope="module")
def mlp_scene():
    """Maps (6 x 6) then vectors of 120 and 84 units, then ten classes: LeNet's tail."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(144, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.Linear(84, 10),
    )
    return single_pass_run(model, torch.randn(2, 1, 8, 8), name="tail")


def test_vectors_stand_no_taller_than_the_maps(mlp_scene):
    for sizing in ("capped", "accurate", "log"):
        scene = build_scene(mlp_scene, SceneOptions(sizing=sizing))
        tallest = max(b.bounds[5] - b.bounds[4] for b in (scene.block("input"), scene.block("0")))
        for name in ("3", "4", "5"):
            b = scene.block(name).bounds
            assert b[5] - b[4] == pytest.approx(tallest)  # as tall as the 8 x 8 input, no taller
            assert b[1] - b[0] > 2 * (b[3] - b[2])  # its columns stand one behind another along the network


def test_a_network_of_vectors_keeps_its_sizes():
    model = nn.Sequential(nn.Linear(4, 60), nn.ReLU(), nn.Linear(60, 3))
    scene = build_scene(single_pass_run(model, torch.randn(2, 4), name="mlp"))
    hidden = scene.block("0")
    assert (hidden.panels, hidden.rows, hidden.cols, hidden.voxel) == (3, 20, 1, 1.0)


def test_a_dead_units_frame_is_its_cell_in_its_column(mlp_scene):
    scene = build_scene(mlp_scene)
    block = scene.block("4")  # 120 units: 5 columns of 24
    x0, x1, y0, y1, z0, z1 = unit_box(block, 3 * 24 + 5)
    start = block.panel_centres()[3, 0]
    assert x0 < start < x1 < block.panel_centres()[4, 0]  # column 3's slab, not column 4's
    top = block.bounds[5] - 5 * block.voxel
    assert (z0, z1) == pytest.approx((top - block.voxel, top))  # the sixth cell down
    assert (y0, y1) == pytest.approx((block.bounds[2], block.bounds[3]))
