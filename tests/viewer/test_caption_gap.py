"""The caption's band keeps a clear gap over the legends' strip (lecturer's watch 3, finding 7: its
box came within 6-10 px of the note "front: map 0, others behind" at 1080p, which read as a third
caption line), and measures the same whether the caption is at a fade's end or shown."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from tests.viewer.picture_policy import drawn_texts

pytestmark = pytest.mark.gl

CAPTION = "The same 9 after each epoch: the guess sharpens, though not every epoch helps"
LEAST_GAP = 20 / 1080  # of the frame's height: a gap a hall sees as one


def band_top(band) -> float:
    return band[3]


@pytest.mark.parametrize("size", [(1920, 1080), (1440, 1080), (854, 480)])
def test_the_caption_band_stands_clear_of_the_legends_and_notes_under_it(lenet_run, size):
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    w, h = size
    r = OffscreenRenderer(scene, RenderOptions(width=w, height=h, hall=True, show_labels=False, show_marks=False))
    try:
        overlays = r.scene_renderer.overlays
        overlays.legends.show_notes(True)  # a scrub's notes ("compare colours over epochs")
        bands = []
        for opacity in (0.0, 1.0):  # a shot's first frame, then shown
            overlays.caption.show(CAPTION, opacity)
            image = r.render(scene.frame_at(scene.n_snapshots - 1, sample=0))
            bands.append(overlays.caption.band())
        assert bands[0] == bands[1]  # the labels, the dock and the notes keep off one band
        x0, y0, x1, _ = bands[1]
        under = [t for t in drawn_texts(r) if t["kind"] == "text" and t["box"][3] <= y0 + 1 and t["text"] != CAPTION]
        said = "; ".join(f"{t['text']} {t['box']}" for t in under)
        # 16:9 draws the notes (the colours' note: the overview's maps behind, 14 px steps, say nothing)
        assert any("compare colours" in t["text"] for t in under) or w * 9 < h * 16, said
        for t in under:
            if t["box"][0] < x1 and x0 < t["box"][2]:
                assert y0 - t["box"][3] >= LEAST_GAP * h, f"{t['text']!r}: {y0 - t['box'][3]:.1f} px under the band"
                # and as a lecturer measures it on the frame: from the band's last row to the text's ink
                crop = image[round(h - y0) :, round(max(x0, t["box"][0])) : round(min(x1, t["box"][2])), :3]
                ink = np.flatnonzero((crop.astype(int).min(axis=2) > 150).any(axis=1))
                assert len(ink) and ink[0] >= LEAST_GAP * h, f"{t['text']!r}: its ink {ink[:1]} px under the band"
        # the band as drawn ends where it is measured: its dark rows (image rows from the top) under
        # the text's last line, against the frame's background under it
        rows = image[:, round(x0) + 4 : round(x1) - 4, :3].mean(axis=2)
        background = float(np.median(rows[round(h - y0) + 4]))
        dark = [
            k for k in range(round(h - band_top(bands[1])), round(h - y0) + 4) if np.median(rows[k]) < background - 4
        ]
        assert abs(max(dark) - (h - y0 - 1)) <= 1, (max(dark), h - y0 - 1)
    finally:
        r.close()
