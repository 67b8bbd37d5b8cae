"""A storyboard's caption, by pixels, at 480p, 1080p and 2160p: a three-line caption (capitals 3.7%
of the height: 40 px at 1080p) lies wholly
inside the frame and nothing on the overlay layer (block labels, their leader lines, class texts)
draws over it; a label's box over the first line once cut its capitals ("Its" read "ıts")."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.viewer.options import RenderOptions, cap_height
from nnvox.viewer.theme import CAPTION_TEXT
from tests.viewer.picture_policy import SIZES

pytestmark = pytest.mark.gl

CAPTION = (
    "Its most confident mistake on held-out digits: what it answered, and under the input, the pixels"
    " behind it, read from the back row of a lecture hall"
)


@pytest.mark.parametrize("size_name", list(SIZES))
def test_every_caption_line_is_inside_the_frame_and_nothing_draws_over_it(digits_run, size_name):
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(digits_run)
    frame = scene.frame_at(scene.n_snapshots - 1)
    w, h = SIZES[size_name]
    r = OffscreenRenderer(scene, RenderOptions(width=w, height=h))
    try:
        pane = r.scene_renderer
        pane.reset_camera(zoom=1.15)  # the blocks and their labels reach down where the caption goes
        pane.set_caption(CAPTION)
        assert pane.overlays.caption.actor.GetInput().count("\n") == 2, "a three-line caption"
        image = r.render(frame)
        x0, y0, x1, y1 = pane.overlays.caption.box()
        assert x0 >= 0 and x1 <= w and y0 >= 0 and y1 <= h, (x0, y0, x1, y1)
        capitals = cap_height(pane.overlays.caption.actor.GetTextProperty().GetFontSize())
        pane.overlay.SetDraw(False)  # the overlay layer (labels, leaders, class texts) not drawn
        bare = r.render(frame)
        pane.overlay.SetDraw(True)
    finally:
        r.close()
    rows, cols = slice(h - int(y1), h - int(y0)), slice(int(x0), int(x1))
    covered = np.abs(image[rows, cols].astype(int) - bare[rows, cols].astype(int)).max(axis=-1) > 3
    assert covered.sum() == 0, f"{size_name}: {covered.sum()} pixels of the caption drawn over"
    # the first line's glyphs are whole: ink reaches no closer than a pixel to the band's top edge
    ink = (bare[rows, cols].astype(int).min(axis=-1) > 200).any(axis=1)
    assert not ink[:1].any(), f"{size_name}: the caption's first line touches its band's top"
    # capitals of 3.7% of the height (40 px at 1080p) as drawn: the font's "H", and the first line's
    # ink ("Its": capitals and ascenders, down to its descenders) at least that tall
    assert capitals >= round(CAPTION_TEXT * h), (size_name, capitals)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], ink.astype(int), [0]])))
    assert runs[1] - runs[0] >= round(CAPTION_TEXT * h), (size_name, runs[:2])


def test_the_explained_layers_inset_never_covers_a_caption_line(digits_run):
    """The inset's opaque panel reaches down towards the caption: it stops above a long one."""
    from nnvox.scenes.explain import Explanation, focused
    from nnvox.scenes.shots import explain_pose
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(digits_run)
    explained = Explanation(digits_run, scene, "conv1", 0, 3)
    w, h = SIZES["1080p"]
    r = OffscreenRenderer(scene, RenderOptions(width=w, height=h))
    try:
        pane = r.scene_renderer
        pane.apply_pose(explain_pose(scene, ["conv1", explained.source], pane.aspect, explained.reach))
        moment = explained.at(0.5, scene.n_snapshots - 1)
        pane.show_explain(moment)
        pane.set_caption(f"{CAPTION}; {CAPTION}")  # four lines, reaching above the inset's bottom
        frame = focused(scene.frame_at(scene.n_snapshots - 1, sample=3), moment)
        image = r.render(frame)
        x0, y0, x1, y1 = pane.overlays.caption.box()
        pane.overlay.SetDraw(False)  # the inset is on the overlay layer
        bare = r.render(frame)
        pane.overlay.SetDraw(True)
    finally:
        r.close()
    rows, cols = slice(h - int(y1), h - int(y0)), slice(int(x0), int(x1))
    covered = np.abs(image[rows, cols].astype(int) - bare[rows, cols].astype(int)).max(axis=-1) > 3
    assert covered.sum() == 0, f"{covered.sum()} pixels of the caption under the inset"


@pytest.mark.gl
def test_a_shot_without_a_caption_leaves_no_band_behind(digits_run):
    """The next shot's dock and notes keep above the caption's band: once a caption is taken away
    its band is gone too (it stayed, the last shot's, pushing a docked answer up)."""
    from nnvox.viewer.offscreen import OffscreenRenderer

    scene = build_scene(digits_run)
    r = OffscreenRenderer(scene, RenderOptions(width=640, height=360))
    try:
        pane = r.scene_renderer
        pane.set_caption(CAPTION)
        r.render(scene.frame_at(0))
        assert pane.overlays.caption.band() is not None
        pane.set_caption(None)
        r.render(scene.frame_at(0))
        assert pane.overlays.caption.band() is None and pane.overlays.caption.box() is None
    finally:
        r.close()
