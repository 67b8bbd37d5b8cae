"""A picture is reused only while every overlay is steady (overlays/base.Overlay.steady): a held
camera on a mistake's input draws its docked answer rising to full light over AnswerDock's pace,
never a half-lit list frozen by a reused picture (storyboard_export._still)."""

import itertools

import numpy as np
import pytest

from nnvox.viewer.overlays import answer_dock
from tests.viewer.picture_policy import render_counting

pytestmark = pytest.mark.gl

# the camera held on the input from the first frame: the output's column is out of the frame, so
# the answer docks, and every frame is drawn from the same frame and pose (a reusable picture)
BOARD = """\
[video]
size = "480x270"
fps = 10

[[shot]]
run = "run"
duration = 2.5
timeline = "last"
mistake = 1
camera = { keys = [ { at = 0, layer = "input" }, { at = 1, layer = "input" } ] }
caption = "Its most confident mistake"
"""


def test_a_docked_answer_rising_under_a_held_camera_is_drawn_every_frame(tmp_path, lenet_run, monkeypatch):
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(BOARD)
    # a list rising for longer than the caption fades in (CAPTION_FADE: its frames differ anyway)
    monkeypatch.setattr(answer_dock, "DOCK_RISE_SECONDS", 1.0)
    every, _ = render_counting(tmp_path, "every", monkeypatch, reuse=False)
    monkeypatch.setattr(answer_dock, "DOCK_RISE_SECONDS", 1.0)
    reused, drawn_reused = render_counting(tmp_path, "reused", monkeypatch, reuse=True)
    assert len(every) == len(reused) == 25
    # the list's light rises over its first 10 pictures, the caption's over its first 4, then holds
    rising = [not np.array_equal(a, b) for a, b in itertools.pairwise(every[5:10])]
    assert any(rising), "no docked answer rose: the test shows nothing"
    assert [k for k, (a, b) in enumerate(zip(every, reused)) if not np.array_equal(a, b)] == []
    assert drawn_reused < len(every), drawn_reused  # the held answer, once risen, is drawn once
