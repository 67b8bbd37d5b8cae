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
transition = "fade"
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
    # the caption: centred low, above the legend, and nothing else changes (an empty caption keeps
    # the captioned shot's camera, which leaves the bottom of the picture to the caption)
    board.write_text(BOARD.replace('caption = "BEFORE TRAINING"', 'caption = ""'))
    without = frames_of(render_storyboard(board, tmp_path / "g", progress=False))
    changed = np.argwhere(np.abs(frames[8 + 3].astype(int) - without[8 + 3]).max(axis=2) > 0)
    # (at 180 px high a label or two keeps off the caption's band higher up: the band's rows only)
    changed = changed[changed[:, 0] > 180 * 0.6]
    assert len(changed) > 100
    assert changed[:, 0].max() < 180 * 0.87  # rows: above the legend
    assert abs(changed[:, 1].mean() - 320 * 0.5) < 20  # centred across the frame (a lecture's: no chart beside it)
    (r0, c0), (r1, c1) = changed.min(axis=0), changed.max(axis=0)
    under = without[8 + 3][r0 : r1 + 1, c0 : c1 + 1].astype(int)
    # the network keeps clear of it (without the caption relu2's label stands there, 11% of the band's
    # box in bold 40 px-at-1080p capitals, 8% before: with it, the label keeps off the band)
    assert (np.abs(under - [24, 24, 30]).max(axis=2) < 12).mean() > 0.85
    # the first frame of the second shot is a blend of the shot before and its own first frame
    own = frames[8 + 6 + 1].astype(int)
    first = frames[8 + 6].astype(int)
    last_before = frames[8 + 5].astype(int)
    assert np.abs(first - last_before).mean() > 0 and np.abs(first - own).mean() > 0


def test_the_cli_renders_a_storyboard_and_names_a_bad_line(board, tmp_path, nnvox_cmd):
    out = tmp_path / "lecture.mp4"
    done = subprocess.run([*nnvox_cmd, "export", "--storyboard", str(board), str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    line = stream(out)
    assert "h264 (High)" in line and "320x180" in line and " 10 fps" in line
    assert len(decode(out)) == 20
    board.write_text(BOARD.replace("forward = true", "forwards = true"))
    bad = subprocess.run([*nnvox_cmd, "export", "--storyboard", str(board), str(out)], capture_output=True, text=True)
    assert bad.returncode == 2
    assert (
        bad.stderr.strip()
        == "nnvox: error: board.toml, line 12: unknown key 'forwards' in [[shot]]; did you mean 'forward'?"
    )


def test_a_shot_can_show_a_model_run_once(tmp_path):
    board = tmp_path / "model.toml"
    board.write_text(
        '[video]\nsize = "320x180"\nfps = 5\n\n[[shot]]\nmodel = "digits-mlp"\nduration = 0.6\nforward = true\n'
        'camera = "orbit"\ncaption = "an untrained MLP"\n'
    )
    frames = frames_of(render_storyboard(board, tmp_path / "f", progress=False))
    assert len(frames) == 3 and np.abs(frames[-1].astype(int) - frames[0]).mean() > 1  # lit up and turned
    board.write_text(board.read_text().replace("digits-mlp", "no-such-net"))
    with pytest.raises(Exception, match=r"model.toml, line 6: .*no-such-net"):
        render_storyboard(board, tmp_path / "g", progress=False)


def test_a_shot_can_show_a_figure_of_the_snapshot_under_the_cursor(board, tmp_path, digits_run):
    from nnvox.viewer.figures import figure_image

    board.write_text(
        '[video]\nsize = "320x180"\nfps = 4\n\n[[shot]]\nrun = "run"\nduration = 1\ntimeline = [0, 3]\n'
        'figure = "confusion"\n'
    )
    frames = frames_of(render_storyboard(board, tmp_path / "f", progress=False))
    assert len(frames) == 4
    assert np.array_equal(frames[0], figure_image(digits_run, "confusion", t=0, width=320, height=180))
    assert np.array_equal(frames[-1], figure_image(digits_run, "confusion", t=3, width=320, height=180))
    board.write_text(board.read_text().replace('"confusion"', '"confusions"'))
    with pytest.raises(Exception, match=r"board.toml, line 9: figure 'confusions' is not one of filters"):
        render_storyboard(board, tmp_path / "g", progress=False)
