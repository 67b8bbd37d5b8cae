"""A paced legend bar comes and goes over legend_pace's CHANGE_PHASE, not in one picture: the
lecture's flow shot dropped "probability" in one frame as fc2 left the view (and brought it back in
one 16 s later), the mistake's push-in too; the bars beside it slide a slot rather than jump."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.camera import blend
from nnvox.scenes.open_layer import open_pose
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.overlays.legend_pace import CHANGE_PHASE

pytestmark = pytest.mark.gl
W, H, FPS = 960, 540, 30
MOVE, HOLD = 40, 40  # pictures of the camera's move in on conv1, then held there
STEP = 1 / (CHANGE_PHASE * FPS)  # a fade's share each picture
FADE = 0.8 * CHANGE_PHASE * FPS - 1  # the pictures at least from 90% of a bar's ink to 10% (a picture's rounding)


def _shot(scene, names, measure, out_of: bool = False):
    """`measure(picture, legends)` at each picture of a move from the whole network in on `names`
    (`out_of`: from them out to the whole network) and a hold, the legends paced at FPS."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    frame = scene.frame_at(scene.n_snapshots - 1)
    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H, hall=True))
    try:
        pane = renderer.scene_renderer
        close = open_pose(scene, names, pane.aspect)
        wide = dataclasses.replace(close, scale=close.scale * 8)
        pane.overlays.legends.pace(FPS)
        out = []
        for k in range(MOVE + HOLD):
            u = min(1.0, k / (MOVE - 1))
            pane.apply_pose(blend(wide, close, 1.0 - u if out_of else u))
            out.append(measure(renderer.render(frame), pane.overlays.legends))
    finally:
        renderer.close()
    return out


def _ink(picture, box) -> float:
    """How far pixels in `box` (x0, x1 of the picture; the legends' strip, its bottom fifth) are
    off the background, summed."""
    strip = picture[round(H * 0.8) :, box[0] : box[1]].astype(float)
    return float(np.abs(strip - np.asarray(RenderOptions().background)).sum())


def test_the_probability_bar_fades_out_over_a_phase(lenet_run):
    scene = build_scene(lenet_run, SceneOptions())  # bars: probability, activation (fc2's first)

    def probability(picture, legends):
        """Its place's ink while the bar beside it has not started sliding over it (NaN after)."""
        x = legends.left
        sliding = legends.slots[1] != 1.0
        return np.nan if sliding else _ink(picture, (round(x * W) + 2, round((x + legends.width) * W) - 2))

    ink = np.array(_shot(scene, ["conv1"], probability), dtype=float)
    share = ink[~np.isnan(ink)] / ink[0]
    assert share[-1] < STEP + 0.02, share.round(2)  # drawn whole over the network, gone before the other slides in
    last_whole = int(np.flatnonzero(share > 0.9)[-1])
    first_gone = int(np.flatnonzero(share < 0.1)[0])
    assert first_gone - last_whole >= FADE, share.round(2)  # (one picture before pacing)
    assert np.all(np.diff(share[last_whole:]) <= 0.02), share.round(2)  # one way down, no flicker


def test_the_bar_beside_a_vanishing_one_slides_into_its_place(lenet_run):
    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({"input", "conv1"})))

    def kernels_left(picture, legends):
        part = next(part for part, plain in zip(legends.parts, legends.plain) if plain[0] == "kernel weights")
        return part[0].GetPosition()[0] * W

    lefts = np.array(_shot(scene, ["input", "conv1"], kernels_left))
    assert lefts[-1] < lefts[0] - 100, lefts  # a slot to the left, where "probability" stood
    # no jump: a slot's move spread over the fade's pictures at least
    assert np.abs(np.diff(lefts)).max() <= (lefts[0] - lefts[-1]) * STEP * 1.01, lefts.round()


def test_a_bar_coming_in_waits_for_its_place_then_fades_in(lenet_run):
    scene = build_scene(lenet_run, SceneOptions())  # "probability" comes back first, "activation" moves over

    def first_place(picture, legends):
        """The ink of the strip's first place and whether the activation bar still stands in it."""
        x = legends.left
        return _ink(picture, (round(x * W) + 2, round((x + legends.width) * W) - 2)), legends.slots[1] < 1.0

    ink, covered = (np.array(v) for v in zip(*_shot(scene, ["conv1"], first_place, out_of=True), strict=True))
    left = int(np.flatnonzero(covered)[-1]) + 1  # the first picture with the activation bar out of the place
    assert 0 < left < MOVE + HOLD - 0.5 * FPS, covered
    share = ink[left:] / ink[-1]
    assert share[0] < STEP + 0.02, share.round(2)  # (before: "probability" faded in under the sliding bar)
    assert int(np.flatnonzero(share > 0.9)[0]) - int(np.flatnonzero(share < STEP + 0.02)[-1]) >= FADE, share.round(2)
