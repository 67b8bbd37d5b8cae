"""A convolution's weights opened into kernel tiles (scenes/open_weights.py), drawn: each kernel a
separate face-on square where the grid puts it, its cells the colours of how far each recorded
weight moved since the start (distance-from-start, one scale for every layer)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from nnvox.scenes.build import build_scene
from nnvox.scenes.colour import lut
from nnvox.scenes.open_layer import grid_places, open_pose
from nnvox.scenes.open_weights import tile_of
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions
from tests.viewer.test_open_render import _pixel

pytestmark = pytest.mark.gl


@pytest.fixture(scope="module")
def opened(lenet_run):
    """conv2's weights open, framed face-on as an `open` shot frames them, 1280 x 720."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(lenet_run, SceneOptions(mode="distance-from-start", opened=frozenset({"conv2"})))
    renderer = OffscreenRenderer(scene, RenderOptions(width=1280, height=720))
    pane = renderer.scene_renderer
    pane.apply_pose(open_pose(scene, "conv2", pane.aspect))
    image = renderer.render(scene.frame_at(1.0))
    yield scene, renderer, image
    renderer.close()


def test_each_kernel_is_a_separate_face_on_square_where_the_grid_puts_it(opened):
    scene, renderer, image = opened
    block = scene.block("conv2")
    ink = np.abs(image.astype(int) - np.asarray(RenderOptions().background)).max(axis=2) > 24
    labels, _ = ndimage.label(ndimage.binary_opening(ink, structure=np.ones((5, 5))))  # text and lines opened away
    places, v = grid_places(block), block.voxel
    found = set()
    for k, (x, y, z) in enumerate(places):
        row, col = _pixel(renderer, (x, y - 0.01, z))
        region = labels[row, col]
        assert region and region not in found, k  # a tile of its own, not joined to a neighbour
        found.add(region)
        rows, cols = ndimage.find_objects((labels == region).astype(int))[0]
        h, w = rows.stop - rows.start, cols.stop - cols.start
        assert abs(w / h - 1) < 0.1 and h > 20, (k, w, h)  # face-on, and large enough to see its cells
        top, left = _pixel(renderer, (x - block.cols * v / 2, y, z + block.rows * v / 2))
        assert abs(rows.start - top) <= 2 and abs(cols.start - left) <= 2, k  # where the grid puts it
    assert len(found) == block.panels == 96


def test_each_kernels_cells_are_how_far_its_recorded_weights_moved(opened, lenet_run):
    scene, renderer, image = opened
    block = scene.block("conv2")
    w0, w1 = (lenet_run.read(i, [block.key])[block.key] for i in (0, 1))
    moved = np.abs(w1 - w0)
    filters, channel = tile_of(block)
    places, v, table = grid_places(block), block.voxel, lut(block.scale.cmap)
    checked = matched = 0
    for k in range(0, block.panels, 7):
        x, y, z = places[k]
        for r, c in ((0, 0), (1, 3), (2, 2), (4, 4)):
            point = (x - 2.5 * v + (c + 0.5) * v, y - 0.01, z + 2.5 * v - (r + 0.5) * v)
            value = moved[filters[k], channel[k], r : r + 1, c]
            expected = table[block.scale.quantise(value)[0]].astype(int)
            checked += 1
            matched += int(np.abs(image[_pixel(renderer, point)].astype(int) - expected).max() <= 3)
    assert checked >= 50 and matched / checked >= 0.95, f"{matched}/{checked}"


def test_the_least_moved_weight_stands_off_the_background_on_a_weak_projector(opened, lenet_run):
    """The cell of the weight that moved least (the scale's low end) against the picture's corner:
    WCAG contrast 3:1 at least (the full viridis' dark purple stood 1.16:1 off it, a smear on a
    projector with weak blacks)."""
    from tests.scenes.test_colour_contrast import LEAST_CONTRAST, contrast

    scene, renderer, image = opened
    block = scene.block("conv2")
    w0, w1 = (lenet_run.read(i, [block.key])[block.key] for i in (0, 1))
    filters, channel = tile_of(block)
    moved = np.abs(w1 - w0)[filters, channel]  # (tiles, kh, kw), as the grid draws them
    k, r, c = np.unravel_index(np.argmin(moved), moved.shape)
    x, y, z = grid_places(block)[k]
    v = block.voxel
    cell = image[_pixel(renderer, (x - 2.5 * v + (c + 0.5) * v, y - 0.01, z + 2.5 * v - (r + 0.5) * v))]
    background = image[2, 2]
    assert contrast(cell, background) >= LEAST_CONTRAST, (cell, background, contrast(cell, background))
