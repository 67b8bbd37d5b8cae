"""The change from one open grid framed alone to every grid (viewer/grid_dissolve.py): the 3D
pictures dip through the background, one at a time, and the texts are one pose's or the other's,
never both (the lecture's 79.1-79.8 s showed conv1's "filter 0 1 2 …" at both poses, overlaid, for
0.7 s, and then conv1's grid at both poses as two ghosts)."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_layer import open_pose
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions

pytestmark = pytest.mark.gl
W, H = 960, 540
SHARES = (0.3, 0.7)


@pytest.fixture(scope="module")
def dissolved(lenet_run):
    """conv1 alone framed, conv1 and conv2 framed, each drawn as layers, and the dissolve's frames."""
    from nnvox.viewer.cross_fade import render_layers
    from nnvox.viewer.grid_dissolve import pose_dissolve
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(lenet_run, SceneOptions(mode="distance-from-start", opened=frozenset({"conv1", "conv2"})))
    frame = scene.frame_at(2.0)
    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H, hall=True))
    try:
        pane = renderer.scene_renderer
        first, second = open_pose(scene, "conv1", pane.aspect), open_pose(scene, ["conv1", "conv2"], pane.aspect)
        pane.apply_pose(second)
        after = render_layers(renderer, frame)
        pane.apply_pose(first)
        before = render_layers(renderer, frame)
        frames = {s: pose_dissolve(renderer, frame, None, second, s).astype(float) for s in SHARES}
    finally:
        renderer.close()
    yield before, after, frames


def test_a_dissolves_texts_are_one_poses_never_both_overlaid(dissolved):
    before, after, frames = dissolved
    covered = lambda layers: layers.ink.max(axis=2) > 150  # a light glyph (not a label's dark box)
    only_after = covered(after) & (before.cover[..., 0] < 0.01)  # a glyph the second pose's texts draw alone
    only_before = covered(before) & (after.cover[..., 0] < 0.01)
    assert only_after.sum() > 500 and only_before.sum() > 500  # the grids' indices stand elsewhere at each
    for share, own, other in ((0.3, only_before, only_after), (0.7, only_after, only_before)):
        shown = before if share < 0.5 else after  # a dip: one pose's picture, towards the background
        ground = np.array(RenderOptions(hall=True).background, float)
        picture = ground + abs(1 - 2 * share) * (shown.picture[..., :3] - ground)
        ghost = np.abs(frames[share][..., :3] - picture).max(axis=2)
        # the other pose's glyphs not drawn at all: its pixels are the dipped picture's
        assert np.percentile(ghost[other], 99) <= 3, (share, np.percentile(ghost[other], 99))
        assert np.median(ghost[own]) > 40, share  # its own pose's texts are there (fading)


def test_the_two_poses_pictures_never_show_at_once(dissolved):
    """Mixed, conv1's grid framed alone and framed beside conv2 stood as two ghosts: each frame of the
    change shows one pose's picture (dipped towards the background), none of the other's."""
    before, after, frames = dissolved
    bare = (before.cover[..., 0] < 0.01) & (after.cover[..., 0] < 0.01)  # no text over the picture
    ground = np.array(RenderOptions(hall=True).background, float)
    for share, own, other in ((0.3, before, after), (0.7, after, before)):
        apart = bare & (np.abs(own.picture[..., :3] - other.picture[..., :3]).max(axis=2) > 60)
        assert apart.sum() > 2000, "the two poses' pictures no longer differ: the case is gone"
        dipped = ground + abs(1 - 2 * share) * (own.picture[..., :3] - ground)
        assert np.percentile(np.abs(frames[share][..., :3] - dipped).max(axis=2)[apart], 99) <= 3, share
