"""Rendering storyboards: the same frames every time, title cards, captions, cross-fades, the CLI."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from PIL import Image

from nnvox.viewer.storyboard_export import render_storyboard

from .media import decode, stream

pytestmark = pytest.mark.gl

BOARD = """\
[video]
size = "320x180"
fps = 10
title = "Learning digits"
title_seconds = 0.8
fade_seconds = 0.2

[[shot]]
run = "run"
duration = 0.6
timeline = 0
forward = true
caption = "BEFORE TRAINING"

[[shot]]
run = "run"
duration = 0.6
timeline = [0, 3]
camera = { move = "orbit", degrees = 90 }
"""


@pytest.fixture
def board(tmp_path, digits_run):
    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    path = tmp_path / "board.toml"
    path.write_text(BOARD)
    return path


def frames_of(folder) -> list[np.ndarray]:
    return [np.asarray(Image.open(f)) for f in sorted(folder.glob("frame-*.png"))]


def test_a_storyboard_renders_the_same_frames_every_time(board, tmp_path):
    a = frames_of(render_storyboard(board, tmp_path / "a", progress=False))
    b = frames_of(render_storyboard(board, tmp_path / "b", progress=False))
    assert len(a) == 8 + 6 + 6
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert len({x.tobytes() for x in a}) > 12  # and the frames do move


def test_title_card_caption_and_cross_fade(board, tmp_path):
    frames = frames_of(render_storyboard(board, tmp_path / "f", progress=False))
    card = frames[4].astype(int)  # mid-card: fully shown
    amber = (np.abs(card - [250, 184, 64]).max(axis=2) < 40).sum()
    assert amber > 10  # the accent rule under the title
    assert (card[:40] == card[0, 0]).all()  # nothing but background above the title
    # the caption: centred low, above the legend, and nothing else changes
    board.write_text(BOARD.replace('caption = "BEFORE TRAINING"', ""))
    without = frames_of(render_storyboard(board, tmp_path / "g", progress=False))
    changed = np.argwhere(np.abs(frames[8 + 3].astype(int) - without[8 + 3]).max(axis=2) > 0)
    assert len(changed) > 100
    assert changed[:, 0].min() > 180 * 0.6 and changed[:, 0].max() < 180 * 0.87  # rows: above the legend
    assert abs(changed[:, 1].mean() - 320 * 0.42) < 20  # centred left of the insets
    # the first frame of the second shot is a blend of the shot before and its own first frame
    own = frames[8 + 6 + 1].astype(int)
    first = frames[8 + 6].astype(int)
    last_before = frames[8 + 5].astype(int)
    assert np.abs(first - last_before).mean() > 0 and np.abs(first - own).mean() > 0


def test_the_cli_renders_a_storyboard_and_names_a_bad_line(board, tmp_path, nnvox_cmd):
    out = tmp_path / "lecture.mp4"
    done = subprocess.run(nnvox_cmd + ["export", "--storyboard", str(board), str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    line = stream(out)
    assert "h264 (High)" in line and "320x180" in line and " 10 fps" in line
    assert len(decode(out)) == 20
    board.write_text(BOARD.replace("forward = true", "forwards = true"))
    bad = subprocess.run(nnvox_cmd + ["export", "--storyboard", str(board), str(out)], capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "nnvox: error: board.toml, line 12: unknown key 'forwards' in [[shot]]; did you mean 'forward'?"


def test_a_shot_can_show_a_model_run_once(tmp_path):
    board = tmp_path / "model.toml"
    board.write_text('[video]\nsize = "320x180"\nfps = 5\n\n[[shot]]\nmodel = "digits-mlp"\nduration = 0.6\nforward = true\n'
                     'camera = "orbit"\ncaption = "an untrained MLP"\n')
    frames = frames_of(render_storyboard(board, tmp_path / "f", progress=False))
    assert len(frames) == 3 and np.abs(frames[-1].astype(int) - frames[0]).mean() > 1  # lit up and turned
    board.write_text(board.read_text().replace("digits-mlp", "no-such-net"))
    with pytest.raises(Exception, match=r"model.toml, line 6: .*no-such-net"):
        render_storyboard(board, tmp_path / "g", progress=False)
