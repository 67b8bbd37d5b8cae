"""scenes/open_framing: an opening shot's subject (the input and the opened conv1) stays inside the
frame through the move into the close-up, the camera carried on from a wide shot of the network
closed (the lecture's input was cut at the left edge for about a second)."""

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.camera import overview
from nnvox.scenes.open_framing import INSIDE, extent, subject_boxes
from nnvox.scenes.open_layer import closed_scene
from nnvox.scenes.shots import move_seconds, shot_frames
from nnvox.scenes.storyboard import load_storyboard
from nnvox.viewer.theme import TITLE_SAFE

ASPECT = 16 / 9
SHOTS = """\
[[shot]]
run = "run"
duration = 2
timeline = "last"
camera = {{ move = "orbit", degrees = 14, azimuth = 3 }}

[[shot]]
run = "run"
duration = 9
timeline = "last"
open = ["input", "conv1"]
{camera}caption = "conv1's six maps side by side"
"""
LECTURE_CAMERA = (
    'camera = { keys = [ { at = 0, overview = true }, { at = 0.35, layer = "conv1", zoom = 0.75, azimuth = -6 },'
    ' { at = 1, layer = "conv1", zoom = 0.75, azimuth = 6 } ] }\n'
)


def _outside(pose, boxes: np.ndarray) -> float:
    """How far (in half-frame units, 0: none) a box's corner passes the frame's edge under `pose`."""
    d, up = np.asarray(pose.direction), np.asarray(pose.up)
    right = np.cross(-d, up)
    right /= np.linalg.norm(right)
    up = np.cross(right, -d)
    corners = np.array([(b[i], b[j], b[k]) for b in boxes for i in (0, 1) for j in (2, 3) for k in (4, 5)])
    rel = corners - np.asarray(pose.focal)
    x, y = np.abs(rel @ right) / (pose.scale * ASPECT), np.abs(rel @ up) / pose.scale
    return float(max(x.max(), y.max()) - 1.0)


def test_the_input_and_the_opened_grid_stay_in_the_frame_through_the_move(lenet_run, tmp_path):
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    for camera in (LECTURE_CAMERA, ""):  # the lecture's keys, and the opening's own camera
        board = tmp_path / "board.toml"
        board.write_text(SHOTS.format(camera=camera))
        shot = load_storyboard(board).shots[1]
        options = dataclasses.replace(shot.view.scene_options(), opened=frozenset(shot.open))
        scene = build_scene(lenet_run, options)
        # the shot before: the network closed, whole, its input at the left edge (it glides further left
        # to make room for the open grid while the camera still holds that view)
        wide = overview(closed_scene(scene).bounds, ASPECT, zoom=1.1)
        frames = shot_frames(shot, scene, ASPECT, 30, carried=wide)
        worst = []
        for f in frames:
            boxes = subject_boxes(scene, ["conv1", "input"], f.opened)
            worst.append(_outside(f.pose, boxes))
        # the first frame is the shot before's last (no jump where the camera carries on), however far
        # its subject stood out; from there it never stands further out, and inside once carried on
        assert np.allclose(frames[0].pose.focal, wide.focal) and np.isclose(frames[0].pose.scale, wide.scale)
        limit = max(INSIDE) - 1 + 1e-6
        assert max(worst) <= max(worst[0], limit), (camera, max(worst), int(np.argmax(worst)))
        carried_on = [w for f, w in zip(frames, worst) if f.progress * shot.duration >= move_seconds(shot.duration)]
        assert max(carried_on) <= limit, (camera, max(carried_on))  # none past the edge
        # where nothing passed the edge, the shot's own camera is kept: the held close-up unchanged
        held = shot_frames(shot, scene, ASPECT, 30)[-1].pose
        assert np.allclose(frames[-1].pose.focal, held.focal) and np.isclose(frames[-1].pose.scale, held.scale)


WEIGHTS_SHOT = """\
[[shot]]
run = "run"
duration = 10
mode = "weights"
open = ["conv1", "conv2"]
timeline = "last"
caption = "Trained kernels"
"""


def test_the_second_kernel_grid_comes_in_above_the_caption_band(lenet_run, tmp_path):
    """The lecture's weights shot faces conv1's kernels, then widens to conv2's too: conv2's tiles
    came in from the right larger than they end, over the chart and caption below, then settled.
    Now wherever any of them is in the frame, their bottom stands no lower than where it ends."""
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text(WEIGHTS_SHOT)
    shot = load_storyboard(board).shots[0]
    options = dataclasses.replace(shot.view.scene_options(), opened=frozenset(shot.open))
    scene = build_scene(lenet_run, options)
    frames = shot_frames(shot, scene, ASPECT, 30, opens=False)  # after a dip: open from the first frame
    box = np.array([scene.block("conv2").bounds])

    def across_and_bottom(pose) -> tuple[float, float]:
        """How far conv2's left edge stands from the frame's right edge (< 0: inside), and its bottom
        (in half frame heights from the middle)."""
        d, up = np.asarray(pose.direction), np.asarray(pose.up)
        right = np.cross(-d, up)
        right /= np.linalg.norm(right)
        corners = np.array([(box[0][i], box[0][j], box[0][k]) for i in (0, 1) for j in (2, 3) for k in (4, 5)])
        rel = corners - np.asarray(pose.focal)
        return float((rel @ right).min() / (pose.scale * ASPECT) - 1), float((rel @ up).min() / pose.scale)

    seen = [across_and_bottom(f.pose) for f in frames]
    assert seen[0][0] > 0 and seen[-1][0] < 0  # out of the frame at first, in it at the end
    lowest = min(bottom for across, bottom in seen if across < 0)
    assert lowest >= seen[-1][1] - 0.01, (lowest, seen[-1][1])


DISTANCE_SHOT = """\
[[shot]]
run = "run"
duration = 12
mode = "distance-from-start"
open = [{layers}]
timeline = [1, "last"]
caption = "How far each weight has moved from its start"
"""


@pytest.mark.parametrize("run_name", ["lenet_run", "digits_run"])
def test_a_lecture_keeps_the_opened_grids_inside_its_title_safe_area(run_name, request, tmp_path):
    """The lecture's distance shot (conv1's and conv2's grids open, 80-88 s) stood the grids 0.029 of
    the width from the frame's sides: a projector's overscan clips them. With a lecture's title-safe
    margin the opened grids, as drawn at every frame, stay inside it; the window's frame (no margin)
    keeps them within INSIDE as before."""
    run = request.getfixturevalue(run_name)
    (tmp_path / "run").symlink_to(run.path, target_is_directory=True)
    convs = [name for name, kind in run.architecture.modules if kind == "Conv2d"][:2]
    board = tmp_path / "board.toml"
    board.write_text(DISTANCE_SHOT.format(layers=", ".join(f'"{n}"' for n in convs)))
    shot = load_storyboard(board).shots[0]
    options = dataclasses.replace(shot.view.scene_options(), opened=frozenset(shot.open))
    scene = build_scene(run, options)
    for safe in (0.0, TITLE_SAFE):
        frames = shot_frames(shot, scene, ASPECT, 10, opens=False, safe=safe)  # after a dip: open throughout
        bound = np.minimum(INSIDE, 1 - 2 * safe) + 1e-6
        # each grid wherever it stands in the frame (the first faces the camera alone, the other
        # out of the frame until the picture dissolves to both), and both at the end
        reach = [extent(f.pose, subject_boxes(scene, [n], 1.0), ASPECT) for f in frames for n in convs]
        seen = [r for r in reach if max(r) <= 1.0]
        assert len(seen) >= len(frames) and (np.max(seen, axis=0) <= bound).all(), (safe, np.max(seen, axis=0))
        assert (np.array(extent(frames[-1].pose, subject_boxes(scene, convs, 1.0), ASPECT)) <= bound).all()
        # no jump once the picture has dissolved to both grids (the first held alone to the tour's end
        # then stepped 4% wider): the camera changes only where it moves or the picture dissolves
        last = max(k for k, f in enumerate(frames) if f.dissolve is not None)
        after = [f.pose.scale for f in frames[last + 1 :]]
        assert np.ptp(after) <= 1e-6 * after[0], (safe, np.ptp(after) / after[0])


@pytest.mark.parametrize("u", [0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0])
def test_an_opening_layers_box_is_its_maps_where_they_are_drawn(lenet_run, u):
    """The box the camera keeps in frame and the label stands by (drawn_bounds) holds the maps
    where they are drawn (conv1 gliding right as the input's grid makes room), and reaches no
    further than they do plus the open grid's own room, growing as they spread: it grew towards
    relu1 ahead of the maps and missed conv1's glide, so 'conv1' stood far right under relu1
    (watch 9 #6)."""
    from nnvox.scenes.open_framing import drawn_bounds
    from nnvox.scenes.open_layer import map_places, neighbour_offsets, slab_corners
    from nnvox.scenes.scene import SceneOptions

    scene = build_scene(lenet_run, SceneOptions(opened=frozenset({"input", "conv1"})))
    block = scene.block("conv1")
    box = drawn_bounds(scene, u).get("conv1", np.asarray(block.bounds, float))
    dx, dz = neighbour_offsets(scene, u).get("conv1", (0.0, 0.0))
    slabs = slab_corners(block, map_places(block, u)).reshape(-1, 3) + np.array([dx, 0.0, dz])
    lo, hi = slabs.min(axis=0), slabs.max(axis=0)
    assert np.all(box[0::2] <= lo + 1e-9) and np.all(box[1::2] >= hi - 1e-9), (box, lo, hi)
    grid = slab_corners(block, map_places(block, 1.0)).reshape(-1, 3)
    room = np.asarray(block.bounds, float)[1::2] - grid.max(axis=0)  # right of, behind and over the grid's maps
    assert np.all(box[1::2] <= hi + room + 1e-9), (box, hi, room)
    relu1 = drawn_bounds(scene, u).get("relu1", np.asarray(scene.block("relu1").bounds, float))
    assert box[1] < relu1[0]
