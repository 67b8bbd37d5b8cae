"""A lecture's notes beside its colour bars (overlays/legends.py MarkEntries; watch 9, finding 8: "map 0
in front, the rest behind / compare colours within a stage" stood on screen 5-130 s over a quarter
of the frame's bottom, and the maps behind were 2-3 px slivers; watch 10, finding 1: at 28 px
capitals they were not read from row 20, finding 5: "map 0 in front" over fc1's and fc2's values).
Read from rendered pictures at 16:9 and 4:3, 480p to 2160p: the notes on one line, at 36 px
capitals or more at 1080p (LECTURE_NOTE_CAPS) under the bars' words' 40, never wider than the colour
bars' strip, and the faces' note only where the maps behind a map block's front show."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.viewer.theme import LEGEND_TEXT
from tests.viewer.picture_policy import drawn_texts

pytestmark = pytest.mark.gl

CAPTION = "The same 9 after each epoch: the guess sharpens, though not every epoch helps"


def _render(run, size, target: str = "overview", front: str | None = None):
    """A lecture's picture over the epochs (captioned, notes shown) with the camera on `target` (the
    overview, or "layer:<name>"), a forward pass reaching `front` where given (the blocks after it
    dark; the shot's subject too): the picture, its texts, the notes' texts as drawn, the colour
    bars' strip (pixels) and whether the maps behind the front's (or the view's) blocks show."""
    from nnvox.scenes.shots import camera_move
    from nnvox.scenes.storyboard import CameraKey, CameraMove
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.overlays.legends import maps_seen_behind, strip_width

    scene = build_scene(run)
    keys = (CameraKey(at=0.0, target=target), CameraKey(at=1.0, target=target))
    pose = camera_move(CameraMove(move="keys", keys=keys), scene, size[0] / size[1], captioned=True)(0.5)
    r = OffscreenRenderer(scene, RenderOptions(width=size[0], height=size[1], show_marks=False))
    try:
        pane = r.scene_renderer
        pane.apply_pose(pose)
        pane.set_caption(CAPTION, 1.0)
        legends = pane.overlays.legends
        legends.show_notes(epochs=True)
        frame = scene.frame_at(scene.n_snapshots - 1, sample=9)
        if front is not None:
            pane.set_subject((front,))
            reached = next(b.order for b in scene.blocks if b.name == front)
            frame = replace(frame, lit={b.name: float(b.order <= reached) for b in scene.blocks})
        for _ in range(2):
            image = r.render(frame)
        notes = [words.GetInput() for _, words in legends.marks.entries.values() if words.GetVisibility()]
        texts = drawn_texts(r)
        strip = strip_width(legends) * size[0]
        seen = legends.marks.in_view()
        behind = maps_seen_behind(legends.stage, (seen & legends.marks.about) or seen)
    finally:
        r.close()
    return image, texts, notes, strip, behind


def _ink_rows(image: np.ndarray, box) -> np.ndarray:
    """The image rows (from the top) with light ink in a text's box (pixels from the bottom left)."""
    h = image.shape[0]
    x0, y0, x1, y1 = (round(v) for v in box)
    crop = image[h - y1 - 2 : h - y0 + 2, x0:x1, :3].astype(int)
    return (crop.min(axis=2) > 150).sum(axis=1)


def _tall(image: np.ndarray, box) -> int:
    """A line's height from its tallest ink to its baseline (its last row with a fifth of the
    fullest row's ink: the descenders' rows under it hold a few strokes): its capitals', digits'
    and ascenders' height, as a lecturer measures it on a frame."""
    counts = _ink_rows(image, box)
    rows = np.flatnonzero(counts)
    if not rows.size:
        return 0
    base = np.flatnonzero(counts >= 0.2 * counts.max())[-1]
    return int(base - rows[0] + 1)


@pytest.mark.parametrize("size", [(854, 480), (1440, 1080), (1920, 1080), (3840, 2160)], ids=str)
def test_a_lectures_notes_are_one_readable_line_no_wider_than_the_bars(lenet_run, size):
    image, texts, notes, strip, _ = _render(lenet_run, size)
    w, h = size
    drawn = [t for t in texts if t["text"] in notes]
    if w * 9 >= h * 16:  # a 16:9 frame has room beside the bars for the colours' note
        assert len(drawn) == 1 and "epoch" in drawn[0]["text"], notes
    for t in drawn:
        assert "\n" not in t["text"], t["text"]  # one line
        width = t["box"][2] - t["box"][0]
        assert width <= strip + 1, (t["text"], width, strip)  # never wider than the bars' strip
        # its ink: 36 px capitals and digits or more at 1080p (was 28), under the words' 40 px
        tall = _tall(image, t["box"])
        assert round(36 * h / 1080) <= tall < round(LEGEND_TEXT * h) + 2, (t["text"], tall)
    # the faces' note is not said over the overview's slivers (steps of 14 px between maps at 1080p)
    assert not [n for n in notes if "in front" in n], notes


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=str)
def test_the_faces_note_stands_where_the_maps_behind_show(lenet_run, size):
    """The camera on conv1 (the tour's first close-up): each map behind the front one a stripe of
    40 px and more at 1080p, and the note says what they are, the colours' note too wide beside
    the one bar (at 16:9: a 4:3 frame's bars take the strip's width, legends.notes_corner, and it
    draws no notes)."""
    image, texts, notes, strip, behind = _render(lenet_run, size, target="layer:conv1", front="conv1")
    assert behind
    said = [n for n in notes if "in front" in n]
    assert said and all(n.startswith("map 0 in front") for n in said), notes
    drawn = [t for t in texts if t["text"] in notes]
    assert drawn and all(t["box"][2] - t["box"][0] <= strip + 1 for t in drawn), (drawn, strip)
    assert all(_tall(image, t["box"]) >= round(36 * size[1] / 1080) for t in drawn), drawn


@pytest.mark.parametrize("layer", ["fc1", "relu3", "fc2"])
def test_no_faces_note_over_a_dense_layer(lenet_run, layer):
    """The camera on a dense layer a forward pass reaches (its values cut in columns, 5 panels for
    fc1's 120: no maps): no "map 0 in front" (watch 10, finding 5: said over fc1 at 42-47 s and fc2
    at 52-62 s, for fc1's columns and for pool2's and relu2's maps beside it)."""
    _, _, notes, _, behind = _render(lenet_run, (1920, 1080), target=f"layer:{layer}", front=layer)
    assert not behind  # (before: fc1's and relu3's columns, pool2's 25 px steps, relu2's 49 at the edge)
    assert not [n for n in notes if "in front" in n], notes
