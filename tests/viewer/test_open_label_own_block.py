"""The lecture's conv1-maps shot (28.5-28.8 s at 1080p): conv1's label left its grid for the
place beside it, level with its middle, which is under relu1's block: 'conv1 6 × 28 × 28' read as
relu1's label (relu1's own went above its block) in the shot that teaches what conv1 is. A block's
label is drawn once, by its own block: an open layer's stands over or under its grid, never beside
it among its neighbours. Reproduced at 720p with the camera carried on from the forward pass, the
layout holding conv1's label on the grid's right through the shot (label_layout: held side 'right',
labels allowed where they read as another block's): at frames 47-209 before f7309b4 (keeping labels
apart gives way only where that hides the input's or output's label), none since."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.viewer.label_layout import READS_AS, reads_as

BOARD = """[video]
size = "1280x720"
fps = 30

[[shot]]
run = "{run}"
duration = 5.5
timeline = "last"
sample = 9
camera = {{ keys = [
    {{ at = 0, overview = true, azimuth = 12, elevation = 3, zoom = 0.9 }},
    {{ at = 1, overview = true }},
] }}
caption = "LeNet-style: two convolution and pooling stages, two dense layers, one score per digit"

[[shot]]
run = "{run}"
duration = 14
timeline = "last"
sample = 9
forward = true
camera = {{ move = "orbit", degrees = 14, azimuth = 3, ease = "smooth" }}
caption = "The 9 flows left to right: convolutions filter, ReLU zeroes negatives, pooling keeps 2 × 2 maxima"

[[shot]]
run = "{run}"
duration = 7
timeline = "last"
sample = 9
open = ["input", "conv1"]
camera = {{ keys = [
    {{ at = 0, overview = true }},
    {{ at = 0.35, layer = "conv1", zoom = 0.75, azimuth = -6 }},
    {{ at = 1, layer = "conv1", zoom = 0.75, azimuth = 6 }},
] }}
caption = "conv1's six maps side by side: each 5 × 5 filter picks out different strokes"
"""


def _misread(layout, block: str) -> str | None:
    """The block `block`'s drawn label reads as (reads_as: nearer it than its own), or None."""
    blocks = layout.placement.blocks
    shown = {b: box for kind, b, _, box in layout.placement.shown if kind == "block"}
    actor = next(lb.actor for lb in layout.labels if lb.block == block)
    if block not in shown or not actor.GetVisibility():
        return None
    near = READS_AS * actor.GetTextProperty().GetFontSize()
    box = np.asarray(shown[block], float)
    own = reads_as(box, np.asarray(blocks[block])[None], near)[0]
    names = [n for n in blocks if n != block and np.isfinite(blocks[n]).all()]
    other = reads_as(box, np.array([blocks[n] for n in names]), near)
    k = int(np.argmin(other))
    return names[k] if np.isfinite(other[k]) and other[k] <= own else None


@pytest.mark.gl
def test_the_open_layers_label_stands_by_its_grid_not_under_its_neighbour(lenet_run, tmp_path):
    from nnvox.scenes.storyboard import load_storyboard, transitions
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.storyboard_export import _opening, _Painter, _scene_key, _Scenes

    path = tmp_path / "board.toml"
    path.write_text(BOARD.format(run=lenet_run.path))
    board = load_storyboard(path)
    look = RenderOptions(width=1280, height=720)
    scenes, moves = _Scenes(board, look), transitions(board)
    painter = _Painter(board, scenes, look)
    try:
        for i, shot in enumerate(board.shots[:-1]):  # their cameras only: the open shot carries on from them
            painter.images(shot, 30, set(), _opening(board, i, moves[i]), moves[i] == "move")
        shot = board.shots[-1]
        pane = scenes.renderer(_scene_key(shot), shot.view.hud).scene_renderer
        misread, unlabelled = [], []
        for k, _ in enumerate(
            painter.images(shot, 30, set(), _opening(board, len(board.shots) - 1, moves[-1]), moves[-1] == "move")
        ):
            if pane.opening < 1.0:
                continue
            layout = pane.label_layout
            if _misread(layout, "conv1"):
                misread.append((k, _misread(layout, "conv1")))
            if not any(kind == "block" and b == "conv1" for kind, b, *_ in layout.placement.shown):
                unlabelled.append(k)  # the shot's subject keeps its name (over or under its grid)
    finally:
        scenes.close()
        painter.close()
    assert not misread, f"conv1's label read as another block's at {len(misread)} frames: {misread[:3]} ..."
    assert not unlabelled, f"conv1 unlabelled at {len(unlabelled)} frames: {unlabelled[:3]} ..."
