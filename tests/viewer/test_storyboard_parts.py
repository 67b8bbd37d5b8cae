"""A storyboard rendered in parts (viewer/storyboard_parts.py): runs of shots that need nothing of
the shots before, the same frames as one pass, and an .mp4 joined from the workers' parts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnvox.scenes.storyboard import load_storyboard
from nnvox.viewer.storyboard_parts import runs_of_shots, tasks_of

from .media import decode, stream

BOARD = """\
[video]
size = "320x180"
fps = 10
title = "Learning digits"
title_seconds = 0.5
fade_seconds = 0.2

[[shot]]
run = "run"
duration = 0.6
timeline = "last"
caption = "AFTER TRAINING"

[[shot]]
run = "run"
duration = 0.6
timeline = "last"
camera = { move = "orbit", degrees = 40 }
transition = "move"

[[shot]]
run = "run"
duration = 0.8
timeline = [0, 3]
mode = "weights"
transition = "dip"
caption = "THE WEIGHTS"

[[shot]]
run = "run"
duration = 0.5
timeline = "last"
forward = true
transition = "dip"
"""


@pytest.fixture
def board(tmp_path, digits_run):
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    path = tmp_path / "board.toml"
    path.write_text(BOARD)
    return path


def test_runs_break_only_where_a_shot_needs_nothing_of_the_one_before(board):
    # the title card, then the move keeps shots 1 and 2 together; each dip starts a run
    assert runs_of_shots(load_storyboard(board), 10) == [[0], [1, 2], [3], [4]]


def test_runs_drawn_by_one_renderer_stay_together_in_order(board):
    # the forward pass draws the activations scene as shots 1-2 do (one renderer, which keeps state
    # from the shots it drew: one worker draws them in order); the weights scene has its own
    assert sorted(tasks_of(load_storyboard(board), 10)) == [[[0]], [[1, 2], [4]], [[3]]]


def _frames(board, order) -> list[np.ndarray]:
    from nnvox.viewer.storyboard_export import _Painter, _Scenes, board_look, write_shots

    look = board_look(board, 320, 180)
    scenes = _Scenes(board, look)
    painter = _Painter(board, scenes, look)
    drawn: dict[int, list] = {}
    try:
        for run in order:
            drawn[run[0]] = frames = []
            write_shots(board, painter, run, 10, lambda image, frames=frames: frames.append(image.copy()))
    finally:
        scenes.close()
        painter.close()
    return [f for first in sorted(drawn) for f in drawn[first]]


@pytest.mark.gl
def test_tasks_rendered_out_of_order_draw_the_frames_of_one_pass(board):
    # a worker renders whichever task is next: what a painter keeps from the shots it drew before
    # (the last pose, another scene's renderer) must not change a run that starts at a dip
    storyboard = load_storyboard(board)
    runs = runs_of_shots(storyboard, 10)
    one_pass = _frames(storyboard, [[i for run in runs for i in run]])
    reversed_runs = _frames(storyboard, [run for task in tasks_of(storyboard, 10)[::-1] for run in task])
    assert len(one_pass) == len(reversed_runs) == 5 + 6 + 6 + 8 + 5
    assert all(np.array_equal(a, b) for a, b in zip(one_pass, reversed_runs))
    assert len({f.tobytes() for f in one_pass}) > 15  # and they are not all one picture


@pytest.mark.gl
def test_two_workers_write_one_mp4_of_every_frame(board, tmp_path):
    from nnvox.viewer.storyboard_export import render_storyboard

    whole = decode(render_storyboard(board, tmp_path / "one.mp4", progress=False))
    parts = render_storyboard(board, tmp_path / "two.mp4", progress=False, workers=2)
    joined = decode(parts)
    assert "h264" in stream(parts) and "yuv420p" in stream(parts)
    assert joined.shape == whole.shape == (30, 180, 320, 3)
    # encoded apart, the parts differ from one encode only by the encoder's rounding
    assert np.abs(joined.astype(int) - whole).mean() < 1.0
    data = parts.read_bytes()
    assert 0 < data.find(b"moov") < data.find(b"mdat")  # faststart: the index before the frames
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".toml") == ["one.mp4", "run", "two.mp4"]


@pytest.mark.gl
def test_two_workers_join_an_mp4_named_relative_to_the_working_folder(board, tmp_path, monkeypatch):
    """`make demo` writes nnvox-demo/lecture.mp4, relative: the parts' listing, in a temporary folder,
    named them relative too, and ffmpeg's concat looked for them there (the demo failed at its join)."""
    from nnvox.viewer.storyboard_export import render_storyboard

    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    parts = render_storyboard(board, Path("out") / "two.mp4", progress=False, workers=2)
    assert decode(tmp_path / parts).shape == (30, 180, 320, 3)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["two.mp4"]
