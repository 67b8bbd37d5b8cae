"""A bar leaves with the blocks the side covers hide whole (legends.ColourLegends.covers): the
lecture's mistake close-up faded every block right of the input, yet its strip kept "conv1
activation ≤ −4.8 0 ≥ 4.8" under the input and its attribution map (demo27, 182 s)."""

from __future__ import annotations

import pytest

from tests.viewer.picture_policy import board_pictures, drawn_texts, one_shot_board

pytestmark = pytest.mark.gl

MISTAKE = """duration = 6
timeline = "last"
mistake = 1
attribution = "integrated-gradients"
camera = { keys = [
    { at = 0, overview = true, azimuth = 8 }, { at = 0.4, layer = "input" }, { at = 1, layer = "input" },
] }
caption = "Its most confident mistake"
"""


def test_the_activation_bar_leaves_with_the_blocks_the_close_up_covers(lenet_run, tmp_path):
    board = one_shot_board(tmp_path, lenet_run, (640, 360), 4, MISTAKE)
    texts = [" ".join(t["text"] for t in drawn_texts(r)) for _, _, r in board_pictures(board)]
    assert "activation" in texts[0] and "push" in texts[0], texts[0]  # the overview: conv1 … fc1 in view
    assert "activation" not in texts[-1] and "push" in texts[-1], texts[-1]  # only the input and its map
