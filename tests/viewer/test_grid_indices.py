"""An open weight's indices at a lecture's size (viewer/overlays/grid_indices.py), in the pixels
drawn: inside the grid's outline (or clear outside it), never on its border, and neighbouring
numbers clearly apart, on LeNet's conv2 framed beside conv1 (the distance shot: its numbers sat
astride the outline's top edge, "input 0" reached past its left edge, "10 11 12 13" nearly touched)
and on a 32 x 16 and a 3 x 64 convolution framed alone."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_layer import open_pose
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.theme import INDEX_TEXT
from tests.scenes.test_layout_graphs import run_of
from tests.viewer.test_open_render import _pixel

pytestmark = pytest.mark.gl
W, H = 1920, 1080
CAP = INDEX_TEXT * H  # an index's capital height, pixels
CLEAR = 4  # pixels: the least between a glyph and the outline's line
APART = 0.45 * CAP  # the least blank between two numbers side by side
WITHIN = 0.33 * CAP  # the most blank between two digits of one number ("1" keeps room either side)


def _drawn(scene, names, subject: str):
    """The glyphs (bright overlay pixels, H x W bool) and the picture of `subject`'s open grid, framed
    as an open shot frames `names`, with the outline's corners and the top row's top (row, column)."""
    from nnvox.viewer.cross_fade import render_layers
    from nnvox.viewer.offscreen import OffscreenRenderer

    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H, hall=True))
    try:
        pane = renderer.scene_renderer
        pane.apply_pose(open_pose(scene, names, pane.aspect))
        layers = render_layers(renderer, scene.frame_at(scene.n_snapshots - 1))
        block = scene.block(subject)
        x0, x1, y0, _, z0, z1 = block.bounds
        top_left, bottom_right = _pixel(renderer, (x0, y0, z1)), _pixel(renderer, (x1, y0, z0))
        from nnvox.scenes.open_layer import grid_places

        x, y, z = grid_places(block)[0]
        tiles_top = _pixel(renderer, (x, y, z + block.rows * block.voxel / 2))[0]
    finally:
        renderer.close()
    return layers.ink.max(axis=2) > 150, top_left, bottom_right, tiles_top


def _runs(profile: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True in a 1D profile."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], profile.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2]))


def check_indices(glyphs, top_left, bottom_right, tiles_top) -> None:
    (r0, c0), (r1, c1) = top_left, bottom_right
    near = glyphs[max(r0 - 80, 0) : r1 + 80, max(c0 - 300, 0) : c1 + 80]
    assert near.sum() > 500, "no indices drawn"
    # nothing on the outline: its top line and its left line, CLEAR pixels either side
    assert not glyphs[r0 - CLEAR : r0 + CLEAR + 1, c0:c1].any(), "a glyph on the outline's top edge"
    assert not glyphs[r0:r1, c0 - CLEAR : c0 + CLEAR + 1].any(), "a glyph on the outline's left edge"
    # the filters' numbers: in the band over the top row (inside), or over the outline (outside)
    inside = glyphs[r0 + CLEAR : tiles_top, c0:c1]
    band = inside if inside.sum() > 100 else glyphs[max(r0 - 2 * int(CAP), 0) : r0 - CLEAR, c0:c1]
    groups = []  # each number's columns: digits WITHIN apart joined
    for start, stop in _runs(band.any(axis=0)):
        if groups and start - groups[-1][1] <= WITHIN:
            groups[-1] = (groups[-1][0], stop)
        else:
            groups.append((start, stop))
    assert len(groups) >= 4, groups  # "filter" and at least three numbers
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(groups)]
    assert min(gaps) >= APART, (gaps, groups)


def test_lenets_conv2_indices_beside_conv1_are_inside_its_outline_and_apart(lenet_run):
    scene = build_scene(lenet_run, SceneOptions(mode="distance-from-start", opened=frozenset({"conv1", "conv2"})))
    check_indices(*_drawn(scene, ["conv1", "conv2"], "conv2"))


class _Wide(nn.Module):
    """A 16-channel map into 32 filters (a 32 x 16 kernel grid) and an RGB image into 64 (3 x 64)."""

    def __init__(self):
        super().__init__()
        self.rgb = nn.Conv2d(3, 64, 3, padding=1)
        self.squeeze = nn.Conv2d(64, 16, 1)
        self.wide = nn.Conv2d(16, 32, 3, padding=1)

    def forward(self, x):
        return self.wide(torch.relu(self.squeeze(torch.relu(self.rgb(x))))).mean(dim=(2, 3))[:, :10]


@pytest.mark.parametrize("layer", ["wide", "rgb"])
def test_indices_of_other_grid_shapes_framed_alone_are_off_the_outline_and_apart(tmp_path, layer):
    torch.manual_seed(0)
    run = run_of(_Wide(), torch.randn(2, 3, 12, 12), tmp_path / "run")
    scene = build_scene(run, SceneOptions(mode="weights", opened=frozenset({layer})))
    check_indices(*_drawn(scene, [layer], layer))


def test_indices_keep_off_the_caption_band(lenet_run):
    """The caption's band over the grid's row names: the indices find no place there (they are not
    drawn on the caption), and without it they do (grid_indices.py ignored OpenMaps' `avoid`)."""
    from nnvox.viewer.camera_matrix import camera_matrix
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.overlays.grid_indices import KernelGridIndices

    scene = build_scene(lenet_run, SceneOptions(mode="distance-from-start", opened=frozenset({"conv1", "conv2"})))
    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H, hall=True))
    try:
        pane = renderer.scene_renderer
        pane.apply_pose(open_pose(scene, ["conv1", "conv2"], pane.aspect))
        grids = [t for t in pane.overlays.open_maps.texts if isinstance(t, KernelGridIndices)]
        grid = next(g for g in grids if g.block.name == "conv2")
        grid.avoid = np.empty((0, 4))
        assert grid.fit(*camera_matrix(pane.renderer)), "conv2's indices found no place without a caption"
        x0, y0, x1, y1 = grid.drawn[-1]  # the last row's name
        grid.avoid = np.array([[x0 - 40, y0 - 10, x1 + 400, y1 + 10]])  # a caption band over it
        assert not grid.fit(*camera_matrix(pane.renderer)), "an index drawn on the caption's band"
    finally:
        renderer.close()


def test_the_edge_into_conv2_ends_on_a_bracket_over_all_its_input_rows(lenet_run):
    """conv1's edge met conv2's outline at one row ("conv1 feeds input 2", a fifth watch): a bracket
    on the outline's left edge, thicker than the outline, spans every input row, from the top row's
    top to the last's bottom, with serifs into the grid."""
    from nnvox.scenes.open_layer import grid_places
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(lenet_run, SceneOptions(mode="distance-from-start", opened=frozenset({"conv1", "conv2"})))
    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H, hall=True))
    try:
        pane = renderer.scene_renderer
        pane.apply_pose(open_pose(scene, ["conv1", "conv2"], pane.aspect))
        picture = renderer.render(scene.frame_at(scene.n_snapshots - 1)).astype(int)
        block = scene.block("conv2")
        x0, _, y0, _, _, z1 = block.bounds
        places, half = grid_places(block), block.rows * block.voxel / 2
        top = _pixel(renderer, (x0, y0, places[0, 2] + half))
        bottom = _pixel(renderer, (x0, y0, places[-1, 2] - half))
        outline_top = _pixel(renderer, (x0, y0, z1))[0]
        tile = _pixel(renderer, (x0 + block.cols * block.voxel, y0, places[0, 2] + half))[1] - top[1]
    finally:
        renderer.close()
    background = np.asarray(RenderOptions().background)
    ink = np.abs(picture - background).max(axis=2) > 40
    (r0, c0), (r1, _) = top, bottom
    thick = ink[:, c0 - 5 : c0 + 6].sum(axis=1)  # the line's width across the outline's left edge, each row
    assert (thick[r0 + 2 : r1 - 1] >= 3).mean() > 0.95, f"the bracket covers {(thick[r0 + 2 : r1 - 1] >= 3).mean():.0%}"
    assert (thick[outline_top + 3 : r0 - 3] <= 2).all(), "the outline alone is as thick over the rows"
    assert ink[r0 - 3 : r0 + 4, c0 + tile // 4].any(), "no serif into the grid at the top row"
    assert ink[r1 - 3 : r1 + 4, c0 + tile // 4].any(), "no serif into the grid at the last row"
