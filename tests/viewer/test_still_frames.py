"""A storyboard draws each still moment once: frames drawn from the same things (a scrub's held
snapshot under a still camera, an explained stop, a held answer) reuse the picture, and the video
is the same, frame for frame, as drawing every frame."""

import numpy as np
import pytest

from tests.viewer.picture_policy import render_counting

pytestmark = pytest.mark.gl

BOARD = """\
[video]
size = "320x180"
fps = 10

[[shot]]
run = "run"
duration = 2
timeline = "all"
hold = 1
ease = "linear"
camera = { keys = [ { at = 0, overview = true }, { at = 1, overview = true } ] }
caption = "Each epoch held"

[[shot]]
run = "run"
duration = 3  # (at 2 s the slower walk of e39458f left its stop 8 reusable frames of 20)
explain = "conv1"
caption = "A window slides"
"""


def test_still_moments_are_drawn_once_and_the_video_is_unchanged(tmp_path, digits_run, monkeypatch):
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(BOARD)
    every, drawn_every = render_counting(tmp_path, "every", monkeypatch, reuse=False)
    reused, drawn_reused = render_counting(tmp_path, "reused", monkeypatch, reuse=True)
    assert len(every) == len(reused) == 50
    assert all(np.array_equal(a, b) for a, b in zip(every, reused))
    assert drawn_reused < 0.8 * drawn_every, (drawn_reused, drawn_every)
