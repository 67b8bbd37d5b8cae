"""A shot that carries its camera on from a close-up (transition "move") pulls back over its first
second: the blocks the close-up's frame cut (its covers hid them) came in sliced by the side edge,
drawn cut for about half a second (a pull-back from conv1's close-up to the whole network). Now the
covers stay short of what the close-up showed whole and ease out as the camera carries on
(close_up.carried_subject): measured on the blocks' projected spans, on two models."""

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.close_up import cover_alpha, level_strips, side_strips
from nnvox.scenes.shots import focused_bounds, move_seconds, shot_frames
from nnvox.scenes.storyboard import load_storyboard
from nnvox.viewer.theme import TITLE_SAFE

ASPECT = 16 / 9
BOARD = """\
[[shot]]
run = "run"
duration = 4
timeline = "last"
camera = {{ keys = [ {{ at = 0, layer = "{layer}", zoom = 0.75 }}, {{ at = 1, layer = "{layer}", zoom = 0.75 }} ] }}

[[shot]]
run = "run"
duration = 5
timeline = "last"
transition = "move"
camera = {{ keys = [ {{ at = 0, overview = true }}, {{ at = 1, overview = true }} ] }}
"""


def _spans(pose, boxes: np.ndarray) -> np.ndarray:
    """Each box's span across the frame of `pose` (0 its left edge, 1 its right)."""
    right = np.cross(np.asarray(pose.up), np.asarray(pose.direction))
    corners = boxes[:, [(x, y, z) for x in (0, 1) for y in (2, 3) for z in (4, 5)]] - np.asarray(pose.focal)
    x = (corners @ right / (pose.scale * ASPECT) + 1) / 2
    return np.column_stack([x.min(axis=1), x.max(axis=1)])


def _uncovered_cuts(frame, boxes: np.ndarray, safe: float, names: list[str]) -> list[float]:
    """How opaque (1 - cover) each block a side edge cuts is drawn at `frame`, as its covers leave it
    (the shot's covers per block where it gives them, close_up.eased_covers: overlays/edge_fade.py)."""
    spans = _spans(frame.pose, boxes)
    strips = []
    given = None if len(frame.sides) < 3 else {n: (a, b) for n, a, b in frame.sides[2]}  # eased in time
    for reach, flip in ((frame.sides[1], False), (frame.sides[0], True)):
        across = 1.0 - spans[:, ::-1] if flip else spans
        if given is None:
            side, _ = side_strips(across, reach, safe)
        else:
            side, _ = level_strips(across, [given.get(n, (0.0, 0.0))[int(not flip)] for n in names])
        strips += [(1 - x1, 1 - x0, a1, a0) for x0, x1, a0, a1 in side] if flip else side
    cut = (spans[:, 0] < 0.0) & (spans[:, 1] > 0.0) | (spans[:, 0] < 1.0) & (spans[:, 1] > 1.0)
    return list(1.0 - cover_alpha(spans[cut], strips))


@pytest.mark.parametrize("run_name", ["lenet_run", "digits_run"])
def test_a_pull_back_from_a_close_up_brings_the_cut_blocks_in_whole(run_name, request, tmp_path):
    run = request.getfixturevalue(run_name)
    (tmp_path / "run").symlink_to(run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text(BOARD.format(layer="conv1"))
    close, wide = load_storyboard(board).shots
    scene = build_scene(run, close.view.scene_options())
    bounds = focused_bounds(scene)
    names, boxes = list(bounds), np.array(list(bounds.values()))
    held = shot_frames(close, scene, ASPECT, 10)[-1]
    assert _spans(held.pose, boxes)[:, 1].max() > 1.0, "the close-up cuts blocks at its edge (else nothing to see)"
    for safe in (0.0, TITLE_SAFE):  # the window's frame, a lecture's
        frames = shot_frames(wide, scene, ASPECT, 10, carried=held.pose, safe=safe)
        moving = [f for f in frames if f.progress * wide.duration < move_seconds(wide.duration)]
        drawn = [max(_uncovered_cuts(f, boxes, safe, names), default=0.0) for f in moving]
        assert max(drawn) <= 0.02, (safe, [round(d, 2) for d in drawn])  # none drawn sliced
        last = frames[-1].sides  # the covers gone once the camera has carried on
        assert last[:2] == (0.0, 0.0) and not [c for c in last[2:] if c], last
