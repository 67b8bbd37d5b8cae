"""Where a shot carries the camera on from the one before (transition "move"), nothing jumps or
pops at the change: the lecture's forward pass -> conv1 opened (26 s) moved its camera, dropped
relu3's label, the top-5 list and the output's row gaps, all in one frame (5.4% of a 720p frame's
pixels changed by more than 60 levels, against 0.1% for the frames around it)."""

import numpy as np
import pytest
from PIL import Image

from nnvox.scenes.shot_changes import MOVE_FADE
from nnvox.viewer.storyboard_export import render_storyboard

pytestmark = pytest.mark.gl

BOARD = """\
[video]
size = "640x360"
fps = 30

[[shot]]
run = "run"
duration = 2.5
timeline = "last"
sample = 9
forward = true
camera = { move = "orbit", degrees = 14, azimuth = 3, ease = "smooth" }
caption = "Left to right"

[[shot]]
run = "run"
duration = 3
timeline = "last"
sample = 9
open = ["input", "conv1"]
camera = { keys = [ { at = 0, overview = true }, { at = 0.35, layer = "conv1", zoom = 0.75, azimuth = -6 },
  { at = 1, layer = "conv1", zoom = 0.75, azimuth = 6 } ] }
caption = "conv1's six maps"
"""
POPPED = 60  # levels (of 255): a pixel that changes this much between two frames has changed wholly


def _popped(a: np.ndarray, b: np.ndarray) -> float:
    """Of a frame's pixels, the share that changes wholly from frame `a` to frame `b`."""
    return float((np.abs(a.astype(float) - b.astype(float)).max(axis=2) > POPPED).mean())


def test_a_move_changes_shots_without_a_jump_or_a_pop(lenet_run, tmp_path):
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text(BOARD)
    out = render_storyboard(board, tmp_path / "frames", progress=False)
    frames = [np.asarray(Image.open(p).convert("RGB")) for p in sorted(out.glob("*.png"))]
    first = 75  # the second shot's first frame
    assert len(frames) == first + 90
    fading = round(MOVE_FADE * 30)  # the forward pass's last frames, dissolving into the move's first
    pops = lambda ks: [_popped(frames[k - 1], frames[k]) for k in ks]
    steady = max(pops(range(first - fading - 5, first - fading)))  # its camera easing to a stop
    change = pops(range(first - fading, first + 1))
    assert max(change) <= max(1.5 * steady, 0.005), (
        f"{max(change):.2%} of the pixels change wholly at frame {first - fading + int(np.argmax(change))} "
        f"(the move's first: {first}), {steady:.2%} at most in the frames before"
    )
    # the texts do change: by about as much over the dissolve as they jumped in one frame before
    assert _popped(frames[first - fading - 1], frames[first]) > 0.02
