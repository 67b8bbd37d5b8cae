"""Issue 17: "ReLU zeroes negatives" seen in the picture: a conv cell below zero and the same cell
of its ReLU, which is the zero colour there; a cell above zero keeps its colour through the ReLU."""

import numpy as np
import pytest

from nnvox.scenes.colour import lut
from tests.viewer.conftest import voxel_pixel

pytestmark = pytest.mark.gl

TOLERANCE = 3  # the renderer's rounding: a voxel centre shows its colour within this per channel


def _pixels(renderer, image, block, cells):
    return np.array([image[voxel_pixel(renderer, block, 0, r, c)] for r, c in cells], dtype=int)


def test_a_relu_draws_its_convs_negatives_as_zero_and_keeps_its_positives_colours(plain_renderer):
    scene, renderer = plain_renderer
    frame = scene.frame_at(scene.n_snapshots - 1, sample=2)
    image = renderer.render(frame)
    conv, relu = scene.block("conv1"), scene.block("relu1")
    values = frame.values["conv1"][0]
    step = (conv.scale.hi - conv.scale.lo) / 50  # clearly off zero: two colour levels and more
    negative = list(zip(*np.nonzero(values < -step), strict=True))
    positive = list(zip(*np.nonzero(values > step), strict=True))
    assert len(negative) > 5 and len(positive) > 5
    zero = lut(relu.scale.cmap)[relu.scale.quantise(np.zeros(1, np.float32))[0]].astype(int)
    conv_neg = _pixels(renderer, image, conv, negative)
    relu_neg = _pixels(renderer, image, relu, negative)
    assert (np.abs(relu_neg - zero).max(axis=1) <= TOLERANCE).mean() >= 0.97  # the zero colour (white)
    assert (np.abs(conv_neg - zero).max(axis=1) > TOLERANCE).mean() >= 0.97  # the conv showed them blue
    same = np.abs(_pixels(renderer, image, conv, positive) - _pixels(renderer, image, relu, positive)).max(axis=1)
    assert (same <= TOLERANCE).mean() >= 0.97, "a positive conv cell and its ReLU cell differ in colour"


def test_max_pooling_keeps_the_colour_of_the_relu_cell_it_picks(plain_renderer):
    scene, renderer = plain_renderer
    frame = scene.frame_at(scene.n_snapshots - 1, sample=2)
    image = renderer.render(frame)
    relu, pool = scene.block("relu1"), scene.block("pool1")
    values = frame.values["relu1"][0]
    cells = [(r, c) for r in range(pool.rows) for c in range(pool.cols)]
    picked = []  # each pooled cell's 2 x 2 window in the ReLU, and the cell holding its maximum
    for r, c in cells:
        window = values[2 * r : 2 * r + 2, 2 * c : 2 * c + 2]
        dr, dc = np.unravel_index(np.argmax(window), window.shape)
        picked.append((2 * r + dr, 2 * c + dc))
    pooled = frame.values["pool1"][0]
    assert np.allclose([pooled[cell] for cell in cells], [values[p] for p in picked])  # max pooling, 2 x 2
    kept = np.abs(_pixels(renderer, image, pool, cells) - _pixels(renderer, image, relu, picked)).max(axis=1)
    assert (kept <= TOLERANCE).mean() >= 0.97, "a pooled cell is not the colour of the ReLU cell it kept"
