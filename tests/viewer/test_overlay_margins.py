"""Every overlay text (the heads-up line, the colour bars' titles and words, the notes and marks'
entries, the metrics inset's titles and chart) keeps the frame's edge margin, the one block labels
keep (label_layout.margin, of the shorter side), at 16:9, 4:3, 1:1 and 9:16: a lecturer measured
the notes ending 13 px from the right edge and a bar's title 12 px from the left at 1080p, where a
projector's overscan clips 13 px; a lecture's picture keeps title-safe (theme.TITLE_SAFE: 96 px at
the sides, 54 at top and bottom at 1080p; a second watch measured 25 px). On LeNet's mistake shot
with its attribution plane (three bars, the longest titles)."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from nnvox.viewer.overlays.legends import NOTES, SHORT_NOTES
from nnvox.viewer.theme import TITLE_SAFE
from tests.viewer.picture_policy import drawn_texts

SHAPES = {"16:9": (1920, 1080), "4:3": (1440, 1080), "1:1": (1080, 1080), "9:16": (608, 1080)}


@pytest.mark.gl
def test_every_overlay_text_keeps_the_frames_edge_margin(lenet_run):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.view import ViewSpec
    from nnvox.viewer.label_layout import margin
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    spec = dataclasses.replace(ViewSpec(), mistake=1, attribution="integrated-gradients")
    scene = build_scene(lenet_run, spec.scene_options())
    assert margin(1080) > 13 + 2, "the margin clears a projector's overscan (13 px at 1080p)"
    for (shape, (w, h)), hall in itertools.product(SHAPES.items(), (True, False)):
        r = OffscreenRenderer(scene, RenderOptions(width=w, height=h, show_labels=False, hall=hall))
        try:
            r.scene_renderer.overlays.legends.show_notes(epochs=True)
            r.render(scene.frame_at(scene.n_snapshots - 1))
            texts = [t for t in drawn_texts(r) if t["kind"] == "text"]
        finally:
            r.close()
        words = {t["text"] for t in texts}
        # the window's pane draws the chart (its "100%") and the notes; a lecture's neither chart nor
        # notes (the mistake shot's three bars take the strip's width at 40 px capitals, theme.LEGEND_TEXT)
        assert any(t.startswith("Epoch") for t in words) and ("100%" in words) != hall, f"{shape}: {sorted(words)}"
        assert bool(words & {NOTES["maps"], SHORT_NOTES["maps"]}) == (not hall), f"{shape}: the notes drawn"
        keep = margin(min(w, h)) - 1  # of the shorter side (hud.edge_pixels); a pixel for rounding
        # a lecture's: title-safe, theme.TITLE_SAFE of the width at the sides, of the height at top and bottom
        side, ends = (TITLE_SAFE * w - 1, TITLE_SAFE * h - 1) if hall else (keep, keep)
        for t in texts:
            x0, y0, x1, y1 = t["box"]
            near = min(x0 - side, w - x1 - side, y0 - ends, h - y1 - ends)
            assert near >= 0, f"{shape} {hall=}: {t['text'][:40]!r} {-near:.0f} px into the margin"
