"""A lecture's notes beside its colour bars (overlays/legends.py MarkEntries; watch 9, finding 8: "map 0
in front, the rest behind / compare colours within a stage" stood on screen 5-130 s over a quarter
of the frame's bottom, and the maps behind were 2-3 px slivers). Read from rendered pictures at 16:9
and 4:3, 480p to 2160p: the notes in one line, at the least text's size (under the bars' words),
never wider than the colour bars' strip, and the faces' note only where the maps behind show."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.viewer.theme import LEGEND_TEXT, NOTE_TEXT
from tests.viewer.picture_policy import drawn_texts

pytestmark = pytest.mark.gl

CAPTION = "The same 9 after each epoch: the guess sharpens, though not every epoch helps"


def _render(run, size, zoom: float = 1.0):
    """A lecture's overview over the epochs (captioned, notes shown), the camera zoomed by `zoom`:
    the picture, its texts, the notes' texts as drawn and the colour bars' strip (pixels)."""
    from nnvox.scenes.shots import camera_move
    from nnvox.scenes.storyboard import CameraKey, CameraMove
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.overlays.legends import strip_width

    scene = build_scene(run)
    keys = (CameraKey(at=0.0, target="overview"), CameraKey(at=1.0, target="overview"))
    pose = camera_move(CameraMove(move="keys", keys=keys), scene, size[0] / size[1], captioned=True)(0.5)
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1], show_marks=False))
    try:
        pane = r.scene_renderer
        pane.apply_pose(pose)
        pane.renderer.GetActiveCamera().Zoom(zoom)
        pane.set_caption(CAPTION, 1.0)
        legends = pane.overlays.legends
        legends.show_notes(epochs=True)
        for _ in range(2):
            image = r.render(scene.frame_at(scene.n_snapshots - 1, sample=9))
        notes = [words.GetInput() for _, words in legends.marks.entries.values() if words.GetVisibility()]
        texts = drawn_texts(r)
        strip = strip_width(legends) * size[0]
    finally:
        r.close()
    return image, texts, notes, strip


def _ink_rows(image: np.ndarray, box) -> np.ndarray:
    """The image rows (from the top) with light ink in a text's box (pixels from the bottom left)."""
    h = image.shape[0]
    x0, y0, x1, y1 = (round(v) for v in box)
    crop = image[h - y1 - 2 : h - y0 + 2, x0:x1, :3].astype(int)
    return np.flatnonzero((crop.min(axis=2) > 150).any(axis=1))


@pytest.mark.parametrize("size", [(854, 480), (1440, 1080), (1920, 1080), (3840, 2160)], ids=str)
def test_a_lectures_notes_are_one_small_line_no_wider_than_the_bars(lenet_run, size):
    image, texts, notes, strip = _render(lenet_run, size)
    w, h = size
    drawn = [t for t in texts if t["text"] in notes]
    if w * 9 >= h * 16:  # a 16:9 frame has room beside the bars for the colours' note
        assert [t["text"] for t in drawn] == ["compare colours over epochs"], notes
    for t in drawn:
        assert "\n" not in t["text"], t["text"]  # one line
        width = t["box"][2] - t["box"][0]
        assert width <= strip + 1, (t["text"], width, strip)  # never wider than the bars' strip
        # its ink: the least text's capitals or more (28 px at 1080p), a line under the words' 40 px
        rows = _ink_rows(image, t["box"])
        assert rows.size and round(NOTE_TEXT * h) - 1 <= np.ptp(rows) + 1 < round(LEGEND_TEXT * h), np.ptp(rows)
    # the faces' note is not said over the overview's slivers (steps of 14 px between maps at 1080p)
    assert not [n for n in notes if "in front" in n], notes


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=str)
def test_the_faces_note_stands_where_the_maps_behind_show(lenet_run, size):
    """The camera three times closer (the tour's stage close-ups): each map behind the front one a
    stripe of 40 px and more at 1080p, and the note says what they are (at 16:9: a 4:3 frame's
    bars take the strip's width, legends.notes_corner, and it draws no notes)."""
    _, texts, notes, strip = _render(lenet_run, size, zoom=3.0)
    said = [n for n in notes if "in front" in n]
    assert said and all(n.startswith("map 0 in front") for n in said), notes
    drawn = [t for t in texts if t["text"] in notes]
    assert drawn and all(t["box"][2] - t["box"][0] <= strip + 1 for t in drawn), (drawn, strip)
