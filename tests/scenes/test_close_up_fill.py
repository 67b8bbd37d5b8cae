"""A close-up on an opened layer, or on a mistake's input with its attribution, frames its subject to
fill the picture room (scenes/close_up.filled_close_up, framing.picture_room): measured at 1080p on
the projected boxes. Watch 5: conv1's maps were 90 x 120 px with 475 px empty left of the input and
conv2 drifting to the right edge; the mistake's input and attribution 70 x 130 px, the attribution's
bottom 3 px over the caption's band (its top at y = 734)."""

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.framing import picture_room
from nnvox.scenes.open_framing import filled, held_in
from nnvox.scenes.open_layer import map_places, shown_maps, slab_corners
from nnvox.scenes.shots import shot_frames
from nnvox.scenes.storyboard import load_storyboard
from nnvox.viewer.theme import TITLE_SAFE

HEIGHT = 1080
CAPTION_TOP = 734  # px at 1080p, 16:9: the top of a two-line caption's band (watch 5, measured)
CAPTION_CLEARANCE = 20  # px the subject keeps above it at least
OPEN = """\
[[shot]]
run = "run"
duration = 7
timeline = "last"
open = ["input", "conv1"]
camera = { keys = [ { at = 0, overview = true }, { at = 0.35, layer = "conv1", azimuth = -6 }, \
{ at = 1, layer = "conv1", azimuth = 6 } ] }
caption = "conv1's six maps side by side: each 5 × 5 filter picks out different strokes"
"""
MISTAKE = """\
[[shot]]
run = "run"
duration = 12.5
timeline = "last"
mistake = 1
attribution = "integrated-gradients"
camera = { keys = [ { at = 0, overview = true, azimuth = 20, elevation = -5 }, { at = 0.2, overview = true, \
azimuth = 8 }, { at = 0.4, layer = "input" }, { at = 1, layer = "input" } ] }
caption = "Its most confident wrong answer among the 1,000 held-out digits"
"""


def _pixels(pose, points, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, 3) on a frame HEIGHT px tall: x from its left edge, y down from its top."""
    d, up = np.asarray(pose.direction), np.asarray(pose.up)
    right = np.cross(-d, up)
    right /= np.linalg.norm(right)
    up = np.cross(right, -d)
    rel = np.asarray(points, float).reshape(-1, 3) - np.asarray(pose.focal)
    return (rel @ right / (pose.scale * aspect) + 1) / 2 * HEIGHT * aspect, (1 - rel @ up / pose.scale) / 2 * HEIGHT


def _corners(bounds) -> np.ndarray:
    b = bounds
    return np.array([(b[i], b[j], b[k]) for i in (0, 1) for j in (2, 3) for k in (4, 5)])


def _shot(tmp_path, run, text: str):
    (tmp_path / "run").symlink_to(run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(text)
    shot = load_storyboard(tmp_path / "board.toml").shots[0]
    options = shot.view.scene_options()
    if shot.open:
        import dataclasses

        options = dataclasses.replace(options, opened=frozenset(shot.open))
    return shot, build_scene(run, options)


@pytest.mark.parametrize("aspect", [16 / 9, 9 / 16])
def test_an_opened_layers_close_up_fills_the_frame_clear_of_its_edges_and_caption(lenet_run, tmp_path, aspect):
    shot, scene = _shot(tmp_path, lenet_run, OPEN)
    conv1 = scene.block("conv1")
    maps = slab_corners(conv1, map_places(conv1, 1.0))[: shown_maps(conv1), 0]  # front faces
    subject = np.vstack([_corners(scene.block(n).bounds) for n in ("input", "conv1")])
    width = HEIGHT * aspect
    held = [f for f in shot_frames(shot, scene, aspect, 10, safe=TITLE_SAFE) if f.progress >= 0.4]
    centres = []
    for f in held:
        _, y = _pixels(f.pose, maps.reshape(-1, 3), aspect)
        tall = np.ptp(y.reshape(-1, 4), axis=1).min()
        sx, sy = _pixels(f.pose, subject, aspect)
        if aspect > 1:  # the room's height binds: conv1's two rows of maps between the heads-up and the caption
            # before: 115 px with the lecture's zoom 0.75 (at 1, 154 px but its last row on the caption's band);
            # now the room's height binds (its top leaves conv1's label room under the heads-up)
            assert tall >= 100 and np.ptp(sy) >= 0.39 * HEIGHT, (tall, np.ptp(sy))
            assert sy.max() <= CAPTION_TOP - CAPTION_CLEARANCE, sy.max()
            assert abs(sx.min() - (width - sx.max())) <= 0.02 * width, (sx.min(), sx.max())  # centred: 423 px / 0
        else:  # a portrait frame: its width binds
            assert np.ptp(sx) >= 0.8 * width, np.ptp(sx)
        assert sx.min() >= TITLE_SAFE * width and sx.max() <= (1 - TITLE_SAFE) * width, (sx.min(), sx.max())
        # under the heads-up (its line's bottom 96 px down at 1080p): an open grid of maps reaches up to
        # framing.MAPS_ROOM_TOP (119 px), its maps' names heading it, its block's label beside it (watch 8 #6)
        assert sy.min() > 0.1 * HEIGHT, sy.min()
        centres.append(((sx.min() + sx.max()) / 2, (sy.min() + sy.max()) / 2))
    drift = np.ptp(np.array(centres), axis=0)
    assert drift.max() <= 0.01 * width, drift  # the subject stays put as the camera turns (was 75 px)


def test_the_mistakes_close_up_fills_the_room_over_the_caption(lenet_run, tmp_path):
    shot, scene = _shot(tmp_path, lenet_run, MISTAKE)
    aspect = 16 / 9
    plane = next(b for b in scene.blocks if b.kind == "Attribution")
    frames = shot_frames(shot, scene, aspect, 10, safe=TITLE_SAFE)
    for f in frames[len(frames) // 2 :]:
        for block in (scene.block("input"), plane):
            x, y = _pixels(f.pose, _corners(block.bounds), aspect)
            assert np.ptp(x) >= 105 and np.ptp(y) >= 200, (block.name, np.ptp(x), np.ptp(y))  # watch 5: 70 x 130
            assert y.max() <= CAPTION_TOP - CAPTION_CLEARANCE, (block.name, y.max())  # before: 731
    for f in frames:  # on its way in too, once the camera moves onto the input
        _, y = _pixels(f.pose, _corners(plane.bounds), aspect)
        assert y.max() <= CAPTION_TOP, y.max()


def test_filled_puts_the_boxes_in_the_room_and_held_in_moves_no_more_than_it_must():
    from nnvox.scenes.camera import CameraPose

    direction = np.array([0.3, -1.0, 0.2]) / np.linalg.norm([0.3, -1.0, 0.2])
    up = np.cross(np.cross(direction, [0.0, 0.0, 1.0]), direction)
    pose = CameraPose((0.0, 0.0, 0.0), tuple(direction), tuple(up / np.linalg.norm(up)), 7.0)
    boxes = np.array([[2.0, 5.0, -1.0, 1.0, -3.0, 4.0], [8.0, 9.0, 0.0, 2.0, 0.0, 1.0]])
    room = picture_room(True, TITLE_SAFE)
    for aspect in (16 / 9, 9 / 16):
        full = filled(pose, boxes, aspect, room)
        x, y = _pixels(full, np.vstack([_corners(b) for b in boxes]), aspect)
        u = x / (HEIGHT * aspect) * 2 - 1, 1 - y / HEIGHT * 2  # -1..1 across and up
        inside = [u[0].min() - room[0], room[1] - u[0].max(), u[1].min() - room[2], room[3] - u[1].max()]
        assert min(inside) >= -1e-9 and min(inside[0] + inside[1], inside[2] + inside[3]) <= 1e-9
        assert abs(inside[0] - inside[1]) < 1e-9 or abs(inside[2] - inside[3]) < 1e-9  # centred in it
        assert held_in(full, boxes, aspect, room) == full  # inside already: unmoved
        wide = CameraPose(full.focal, full.direction, full.up, full.scale * 2)
        left = _pixels(wide, np.vstack([_corners(b) for b in boxes]), aspect)[0].min() / (HEIGHT * aspect) * 2 - 1
        moved = held_in(wide, boxes, aspect, (left + 0.05, 1.0, -1.0, 1.0))  # it fits: shifted 0.05, not scaled
        now = _pixels(moved, np.vstack([_corners(b) for b in boxes]), aspect)[0].min() / (HEIGHT * aspect) * 2 - 1
        assert moved.scale == wide.scale and now == pytest.approx(left + 0.05)


def test_a_carried_on_shots_own_subject_leaves_the_close_ups_blocks_uncovered_at_first():
    """At its first frame the camera is still the close-up's; its own subject (here off the left
    edge) let the right cover reach over the frame: the close-up's block, overlapping the cut
    neighbour on screen (an oblique view), was covered whole in one frame."""
    from nnvox.scenes.camera import CameraPose
    from nnvox.scenes.close_up import carried_bands, cover_alpha, fade_bands, side_strips

    aspect = 16 / 9
    pose = CameraPose((0.0, 0.0, 0.0), (0.0, -1.0, 0.0), (0.0, 0.0, 1.0), 1.0)
    shown = np.array([[-0.2, 1.2, 0.0, 1.0, -0.5, 0.5]])  # the close-up's subject, whole
    cut = np.array([[1.1, 1.9, 0.0, 1.0, -0.5, 0.5]])  # a neighbour the right edge cuts, overlapping it
    own = np.array([[-2.3, -2.0, 0.0, 1.0, -0.5, 0.5]])  # the next shot's subject, off the left edge
    spans = (np.array([[b[0], b[1]] for b in (*shown, *cut)]) / aspect + 1) / 2  # across the frame, 0..1

    def covered(sides) -> np.ndarray:
        strips, _ = side_strips(spans, sides[1])
        return cover_alpha(spans, strips)

    assert covered(fade_bands(pose, own, aspect, 1.0))[0] > 0.99  # its own subject alone: covered whole
    assert covered(carried_bands(pose, own, shown, aspect, 1.0, 0.0))[0] == 0.0  # at first: shown
    assert carried_bands(pose, own, shown, aspect, 1.0, 1.0) == fade_bands(pose, own, aspect, 1.0)


CLOSE = """\
[[shot]]
run = "run"
duration = 4
timeline = "last"
camera = { keys = [ { at = 0, layer = "conv1", zoom = 2.5 }, { at = 1, layer = "conv1", zoom = 2.5 } ] }

[[shot]]
run = "run"
duration = 6
timeline = "last"
transition = "move"
camera = { keys = [ { at = 0, layer = "fc2", zoom = 2 }, { at = 1, layer = "fc2", zoom = 2 } ] }
"""


def test_a_shot_carried_on_from_a_close_up_leaves_its_blocks_uncovered_at_first(lenet_run, tmp_path):
    """shots.close_up_sides with its own subject (fc2, off the close-up's frame at first) keeps the
    covers short of the blocks the close-up on conv1 showed whole (close_up.carried_bands): its own
    alone let the left cover reach over conv1 at the first frame (7.7 widths in, conv1 0.087 from the edge)."""
    from nnvox.scenes.close_up import carried_subject
    from nnvox.scenes.shots import focused_bounds

    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    (tmp_path / "board.toml").write_text(CLOSE)
    close, carried_on = load_storyboard(tmp_path / "board.toml").shots
    aspect = 16 / 9
    scene = build_scene(lenet_run, close.view.scene_options())
    last = shot_frames(close, scene, aspect, 10, safe=TITLE_SAFE)[-1].pose
    shown = carried_subject(last, list(focused_bounds(scene).values()), aspect, TITLE_SAFE)
    assert shown is not None  # the close-up left some blocks out
    first = shot_frames(carried_on, scene, aspect, 10, carried=last, safe=TITLE_SAFE)[0]  # the close-up's pose
    x, _ = _pixels(first.pose, np.vstack([_corners(b) for b in shown]), aspect)
    left, right = x.min() / (HEIGHT * aspect), 1 - x.max() / (HEIGHT * aspect)  # of the width, from each edge
    assert first.sides[0] < left and first.sides[1] < right, (first.sides, left, right)  # before: 7.7 vs 0.087
