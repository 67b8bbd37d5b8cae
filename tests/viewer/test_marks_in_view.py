"""The legend's mark entries are for marks in the frame only (legends.blocks_in_view): the kernel
shot (conv1's six kernels opened, framed alone) showed an "unused" swatch for conv2's closed layout
gaps, off the frame; drawn out to the whole network, the entry is back."""

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
UNUSED = ("unused", "unused (no value)")  # the entry's words, short and long (legends.SHORT_MARKS, MARKS)


def test_the_unused_entry_shows_only_while_a_layout_gap_is_in_the_frame(lenet_run):
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(lenet_run, SceneOptions(mode="weights", opened=frozenset({"conv1"})))
    frame = scene.frame_at(scene.n_snapshots - 1)
    assert np.isnan(frame.values["conv2"]).any()  # conv2's closed kernels have gaps between them
    renderer = OffscreenRenderer(scene, RenderOptions(width=W, height=H, hall=True))
    try:
        pane = renderer.scene_renderer
        close = open_pose(scene, "conv1", pane.aspect)
        wide = dataclasses.replace(close, scale=close.scale * 8)  # the whole network in the frame
        pictures, texts, boxes = {}, {}, {}
        for name, pose in (("wide", wide), ("kernels", close)):
            pane.apply_pose(pose)
            pictures[name] = renderer.render(frame).astype(int)
            texts[name] = {t["text"] for t in drawn_texts(renderer)}
            boxes[name] = pane.overlays.legends.marks.box
    finally:
        renderer.close()
    assert texts["wide"] & set(UNUSED), texts["wide"]
    assert not texts["kernels"] & set(UNUSED), texts["kernels"]
    # where the wide picture's entry was, the kernel shot's pixels are the background's
    x0, y0, x1, y1 = boxes["wide"]
    rows, cols = slice(round(H * (1 - y1)), round(H * (1 - y0))), slice(round(W * x0), round(W * x1))
    background = np.asarray(RenderOptions().background)
    ink = lambda image: int((np.abs(image[rows, cols] - background).max(axis=2) > 30).sum())
    assert ink(pictures["wide"]) > 100  # the swatch's edge and its words
    assert ink(pictures["kernels"]) == 0
