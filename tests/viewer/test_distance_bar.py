"""distance-from-start's colour bar as drawn at 1080p (issue 17 item 7): under it the numbers of the
one scale every layer shares, 0 and its maximum, so a student can check a claim against the colours;
over it a title in plain words (what the colours are; "same scale for all layers" where it fits), whole over the bar."""

from __future__ import annotations

import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.scene import SceneOptions
from nnvox.viewer.overlays.legends import AT_LEAST
from tests.viewer.picture_policy import drawn_texts


@pytest.mark.gl
def test_the_distance_bar_shows_the_shared_scales_ends_as_numbers_and_says_it_is_shared(lenet_run):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run, SceneOptions(mode="distance-from-start"))
    (scale,) = {b.scale for b in scene.blocks}
    r = OffscreenRenderer(scene, RenderOptions(width=1920, height=1080))
    try:
        r.render(scene.frame_at(scene.n_snapshots - 1))
        texts, legends = drawn_texts(r), r.scene_renderer.overlays.legends
    finally:
        r.close()
    (bar,) = legends.bars
    layout = legends.stage.layout
    right = (legends.left + legends.width) * 1920 + 2  # the bar's right end, in pixels (title-safe left)
    under = [t for t in texts if t["kind"] == "text" and t["box"][2] <= right]  # the words under the bar
    lo, hi = (min((t for t in under if t["text"] == w), key=lambda t: t["box"][1]) for w in bar.words)
    top = hi["text"].removeprefix(AT_LEAST)  # "≥ 0.26": some weights moved further (test_legend_words)
    assert float(lo["text"]) == scale.lo and float(top) == pytest.approx(scale.hi, rel=0.05)
    assert lo["box"][0] < hi["box"][0]  # 0 on the left, the maximum on the right
    (title,) = [t for t in texts if t["text"] in bar.titles]
    # in a student's words ("weight units, all layers" read as jargon): what the colours are, and that
    # every layer shares the scale where it fits: a lecture's 40 px bold title has room for "distance
    # moved" alone (its one bar is the one scale; a shot over epochs notes "one scale: all layers")
    assert title["text"] == "distance moved", title["text"]
    assert title["box"][2] - title["box"][0] <= (legends.width + layout.legend_gap) * 1920
