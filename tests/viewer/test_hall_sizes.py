"""Issue 17, a second lecturer's watch (findings 5, 6, 7, 9): each kind of a lecture picture's text
measured on the rendered frame at 480p, 1080p and 2160p (block labels and the class list at 40 px
capitals at 1080p, theme.HALL_TEXT; the legends' words at LEGEND_TEXT; a weight grid's indices at
INDEX_TEXT; the caption and the heads-up line at theme.CAPTION_TEXT and HEADS_UP_TEXT); no text of
the overlay inside the 5% title-safe margin (theme.TITLE_SAFE) in the lecture's shots; and the
legends saying only what applies to the shot."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.viewer.theme import (
    CAPTION_TEXT,
    DEFAULT_THEME,
    HALL_TEXT,
    HEADS_UP_TEXT,
    INDEX_TEXT,
    LEGEND_TEXT,
    TITLE_SAFE,
)
from tests.viewer.picture_policy import drawn_texts, one_shot_board, shot_pictures

pytestmark = pytest.mark.gl

OVERVIEW = """duration = 1
timeline = "last"
sample = 9
camera = { keys = [ { at = 0, overview = true }, { at = 1, overview = true } ] }
caption = "LeNet-style: two convolution and pooling stages, two dense layers, one score per digit"
"""
# the lecture's shots (lecture.toml) whose overlay differs: conv1 opened, explained, the weights'
# kernels opened, and the distance moved over the epochs
SHOTS = {
    "open": 'timeline = "last"\nsample = 9\nopen = ["input", "conv1"]\ncaption = "conv1\'s six maps side by side"',
    "explain": 'timeline = "last"\nsample = 9\nexplain = "conv1"\ncaption = "A 5 × 5 window slides over the 9"',
    "kernels": 'mode = "weights"\nopen = ["conv1", "conv2"]\ntimeline = "last"\ncaption = "Trained kernels"',
    "distance": 'mode = "distance-from-start"\nopen = ["conv1", "conv2"]\ntimeline = "all"\ncaption = "Moved"',
}


def _picture(tmp_path, run, size, shot: str, duration: float = 1):
    """The middle frame of a one-shot board (1 fps; its caption faded in, not yet out): its image
    and its texts as drawn."""
    board = one_shot_board(tmp_path, run, size, 1, f"duration = {duration}\n{shot}")
    frames = [(image, drawn_texts(r)) for image, r in shot_pictures(board)]
    return frames[len(frames) // 2]


def _ink_lines(image: np.ndarray, box) -> list[int]:
    """The heights in pixels of the runs of rows holding ink inside `box` (x0, y0, x1, y1 from the
    bottom left): a text's drawn lines, capitals' and digits' height where they hold no descender."""
    h = image.shape[0]
    x0, y0, x1, y1 = (round(float(v)) for v in box)
    crop = image[max(h - y1 - 2, 0) : h - y0 + 2, max(x0, 0) : x1, :3].astype(int)
    ink = (np.abs(crop - np.asarray(DEFAULT_THEME.colours.background)).max(axis=-1) > 96).any(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], ink.astype(int), [0]])))
    runs = [int(b - a) for a, b in zip(edges[::2], edges[1::2])]
    return [r for r in runs if r > 0.2 * max(runs)] if runs else []  # not a leader line's few rows


def _digits(text: str) -> bool:
    return bool(text) and all(c.isdigit() or c in " ×%" for c in text) and any(c.isdigit() for c in text)


def _measurable(text: str) -> bool:
    """A label's last line whose ink is its digits' or capitals' height: a shape line, a list's row,
    or a name holding a digit and no descender ('conv1', 'fc2 · softmax'; not 'pool1', 'input')."""
    return _digits(text) or (any(c.isdigit() for c in text) and not set("gjpqy") & set(text))


@pytest.mark.parametrize("height", [480, 1080, pytest.param(2160, marks=pytest.mark.long)])
def test_each_text_kind_reads_at_its_size_on_the_frame(lenet_run, tmp_path, height):
    """Labels' last lines (a shape line "6 × 28 × 28", or where the shot's labels read by name alone,
    ffb648d, a name's "conv1") and the class list's rows ("9  100%"): digits' ink at HALL_TEXT of
    the height (a pixel for anti-aliasing); the legends' ends ("0", "1") at
    LEGEND_TEXT; the caption's and the heads-up line's capitals at theme's size (vtk's "H" at their
    fonts). Before issue 17's second round: 32 px labels and legends at 1080p (the test fails there)."""
    from nnvox.viewer.options import cap_height

    size = (round(height * 16 / 9), height)
    image, texts = _picture(tmp_path, lenet_run, size, OVERVIEW.replace("duration = 1\n", ""), duration=3)
    lines = [t for t in texts if t["kind"] == "label" and _measurable(t["text"].splitlines()[-1])]
    assert len(lines) >= 6, [t["text"] for t in texts]  # most blocks' shapes or names, the class list
    for t in lines:
        drawn = _ink_lines(image, t["box"])
        assert min(drawn[-1:]) >= round(HALL_TEXT * height) - 1, (height, t["text"], drawn)
    ends = [t for t in texts if t["kind"] == "text" and t["text"] in ("0", "1")]
    assert ends, [t["text"] for t in texts]
    for t in ends:
        assert max(_ink_lines(image, t["box"])) >= round(LEGEND_TEXT * height) - 1, (height, t["text"])
    fonts = {t["text"][:5]: t["font"] for t in texts if t["kind"] == "text"}
    assert cap_height(fonts["Epoch"]) >= round(HEADS_UP_TEXT * height), fonts
    assert cap_height(fonts["LeNet"]) >= round(CAPTION_TEXT * height), fonts


def test_the_kernel_grids_indices_read_at_the_index_size(lenet_run, tmp_path):
    """conv2's kernel grid (filters 0 ... 15 across, input maps 0 ... 5 down) at 1080p: its numbers'
    ink at theme.INDEX_TEXT (37 px; a lecturer measured 28 and asked for 36 or more)."""
    height = 1080
    image, texts = _picture(tmp_path, lenet_run, (1920, height), SHOTS["kernels"], duration=3)
    numbers = [t for t in texts if t["kind"] == "label" and t["text"].strip().isdigit()]
    assert len(numbers) >= 10, [t["text"] for t in texts]
    for t in numbers:
        assert max(_ink_lines(image, t["box"])) >= round(INDEX_TEXT * height) - 1, t["text"]


@pytest.mark.parametrize("shot", ["overview", *SHOTS])
def test_the_overlays_text_keeps_title_safe_and_says_what_applies(lenet_run, tmp_path, shot):
    """At 720p no overlay text (the heads-up line, the caption, the legends, the notes, the explained
    layer's inset) has a box inside the 5% margin (36 px at the sides, 64 ... of 1280: TITLE_SAFE of
    the width; 36 px top and bottom of 720); the legends say what applies to the shot: no "front:
    map 0" while conv1's maps stand side by side, no bar (no "answer: probability") while conv1 is
    explained, and the one scale said once in the distance shot (its bar's title said it and a note
    again), by the note's words for it: 'one scale throughout' (legends.TERSE_NOTES: at the notes'
    36 px the longer 'one scale for every block and epoch' is wider than the bar)."""
    from nnvox.viewer.overlays.legends import NOTES, SHORT_NOTES, TERSE_NOTES

    w, h = 1280, 720
    board = OVERVIEW.replace("duration = 1\n", "") if shot == "overview" else SHOTS[shot]
    _, texts = _picture(tmp_path, lenet_run, (w, h), board, duration=3)  # the caption in, the epochs' note
    flat = [t for t in texts if t["kind"] == "text" and t["box"] is not None]
    assert flat, shot
    for t in flat:
        x0, y0, x1, y1 = t["box"]
        into = max(TITLE_SAFE * w - x0, x1 - (1 - TITLE_SAFE) * w, TITLE_SAFE * h - y0, y1 - (1 - TITLE_SAFE) * h)
        assert into <= 1, f"{shot}: {t['text'][:40]!r} {into:.0f} px into the title-safe margin"
    words = [t["text"] for t in flat]
    maps = {NOTES["maps"], SHORT_NOTES["maps"]}
    if shot == "open":
        assert not maps & set(words), words
    if shot == "explain":
        assert not [w for w in words if "probability" in w or w in ("negative", "positive")], words
    if shot == "distance":
        said = [w.replace("\n", " ") for w in words if "one scale" in w.replace("\n", " ")]
        assert said == [TERSE_NOTES["epochs"]], words


OPEN_SHOT = """timeline = "last"
sample = 9
open = ["input", "conv1"]
camera = { keys = [ { at = 0, overview = true }, { at = 0.35, layer = "conv1", zoom = 0.75, azimuth = -6 }, \
{ at = 1, layer = "conv1", zoom = 0.75, azimuth = 6 } ] }
caption = "conv1's six maps side by side: each 5 × 5 filter picks out different strokes"
"""


def test_an_open_layers_map_names_read_at_the_index_size_or_not_at_all(lenet_run, tmp_path):
    """The lecture's open shot (conv1's six maps, 23.5-30.5 s): a lecturer measured "map 0 … map 5"
    at 27-28 px at 1080p (a note's size, the last the open layout tried) and could not read them
    from row 20. A lecture's picture draws them at a grid index's size (theme.INDEX_TEXT, 37 px) or
    the subject's, never smaller: their digits' ink measured on the frame, in each frame that shows
    them (the maps once open and held)."""
    height = 1080
    board = one_shot_board(tmp_path, lenet_run, (1920, height), 2, f"duration = 7\n{OPEN_SHOT}")
    shown = 0
    for image, r in shot_pictures(board):
        names = [t for t in drawn_texts(r) if t["kind"] == "label" and t["text"].startswith("map ")]
        for t in names:
            assert max(_ink_lines(image, t["box"])) >= round(INDEX_TEXT * height) - 1, t["text"]
        shown += bool(names)
    assert shown >= 3, shown  # named while the maps stand open
