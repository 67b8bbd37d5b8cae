"""A legend only for what the frame shows (legends.blocks_in_view, bars_seen): the lecture's move into
conv1's open maps kept the "probability" bar of fc2, out of the frame (a fifth watch, 24-30 s); the
activation bar then takes the strip's first place. And a note of whose scales the colours are only
where the blocks in view have more than one (the kernels shot: conv1's alone)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_layer import open_pose
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.options import RenderOptions
from tests.viewer.picture_policy import drawn_texts

pytestmark = pytest.mark.gl
W, H = 1280, 720


def _pictures(scene, names, notes: bool = False):
    """{"wide": ..., "close": ...}: (picture, texts drawn, left edge of each shown bar, pixels) with the
    whole network in the frame and with `names`' open grids framed."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    frame = scene.frame_at(scene.n_snapshots - 1)
    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H, hall=True))
    out = {}
    try:
        pane = renderer.scene_renderer
        if notes:
            pane.overlays.legends.show_notes(epochs=False)
        close = open_pose(scene, names, pane.aspect)
        for name, pose in (("wide", dataclasses.replace(close, scale=close.scale * 8)), ("close", close)):
            pane.apply_pose(pose)
            picture = renderer.render(frame)
            legends = pane.overlays.legends
            lefts = {  # by the bar's own title (a bar that shows one layer's scale names it: legend_focus.py)
                plain[0]: part[0].GetPosition()[0] * W
                for part, plain in zip(legends.parts, legends.plain, strict=True)
                if part[0].GetVisibility()
            }
            out[name] = (picture, {t["text"] for t in drawn_texts(renderer)}, lefts)
    finally:
        renderer.close()
    return out


def test_the_probability_bar_leaves_with_the_classifier_and_the_other_takes_its_place(lenet_run):
    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({"input", "conv1"})))
    shots = _pictures(scene, ["input", "conv1"])
    (_, _, wide_bars), (picture, close, close_bars) = shots["wide"], shots["close"]
    assert {"probability", "activation"} <= set(wide_bars), wide_bars
    assert "probability" not in close and "probability" not in close_bars and "activation" in close_bars, close
    # the open conv1's kernels keep their own bar (legends.KERNEL_TITLES), next to the activations'
    assert set(close_bars) == {"activation", "kernel weights"} and "kernel weights" in wide_bars, close_bars
    assert close_bars["activation"] == pytest.approx(min(wide_bars.values())), (wide_bars, close_bars)
    assert close_bars["kernel weights"] == pytest.approx(sorted(wide_bars.values())[1]), (wide_bars, close_bars)
    # where the last bar stood beside the probability one, the close picture draws nothing
    x = round(max(wide_bars.values()))
    strip = picture[round(H * 0.8) :, x + 4 : x + 60].astype(int)
    background = np.asarray(RenderOptions().background)
    assert int((np.abs(strip - background).max(axis=2) > 30).sum()) == 0


def test_the_colours_scope_note_only_where_blocks_in_view_have_several_scales(lenet_run):
    from nnvox.viewer.overlays.legends import SHORT_NOTES, TERSE_NOTES

    scene = build_scene(lenet_run, SceneOptions(mode="weights", opened=frozenset({"conv1"})))
    shots = _pictures(scene, ["conv1"], notes=True)
    said = {SHORT_NOTES["per layer"], TERSE_NOTES["per layer"]}  # (the terse where the short is wider than the bars)
    assert said & set(shots["wide"][1]), shots["wide"][1]
    assert not said & set(shots["close"][1]), shots["close"][1]
