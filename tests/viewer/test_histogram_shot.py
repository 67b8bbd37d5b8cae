"""A storyboard shot's histogram panel, by pixels: over a scrub its bars move but its note (the
values counted, the axis, the grey outline's snapshot, what fell off the scale) reads the same in
every frame; it changed wording as the cursor moved. The grey outline is named as the heads-up
line counts: "before training"."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest

from nnvox.viewer.options import RenderOptions
from nnvox.viewer.storyboard_export import render_storyboard

pytestmark = pytest.mark.gl

BOARD = """\
[video]
size = "1280x720"
fps = 8

[[shot]]
run = "run"
duration = 2
timeline = "all"
sample = 3
histogram = "relu1"
"""


def test_the_panels_note_reads_the_same_in_every_frame_of_a_shot(digits_run, tmp_path):
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(BOARD)
    frames = [
        iio.imread(f)[..., :3].astype(int)
        for f in sorted(render_storyboard(tmp_path / "board.toml", tmp_path / "out", progress=False).glob("*.png"))
    ]
    w, h = 1280, 720
    x0, _, x1, y1 = RenderOptions(width=w, height=h).histogram_box
    note = (
        slice(round(h * (1 - (y1 - 0.038))), round(h * (1 - (y1 - 0.067)))),
        slice(round(w * x0) + 2, round(w * x1) - 2),
    )
    plot = (slice(round(h * (1 - (y1 - 0.08))), round(h * (1 - (y1 - 0.3)))), note[1])
    notes = [f[note] for f in frames]
    assert (np.abs(notes[0] - np.asarray(RenderOptions().background)).max(axis=-1) > 60).sum() > 50  # text drawn
    assert all(np.array_equal(n, notes[0]) for n in notes), "the note changed within the shot"
    assert any(not np.array_equal(f[plot], frames[0][plot]) for f in frames)  # while the bars moved
