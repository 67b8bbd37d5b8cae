"""The lecture's opened weights framed for a hall (issue 17 item 7): conv1's and conv2's kernel grids
as large as a 16:9 frame allows above the caption's band, with no dense layer drawn edge-on beside
them; in a long enough shot conv1's six kernels first on their own; the tiles fly together (no
sheared band of tiles) and arrive while the camera still turns. No GL."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.open_layer import KERNEL_FLIGHT, grid_tour, map_places, open_pose, open_scene
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.shots import CAPTIONED, shot_frames
from nnvox.scenes.storyboard import load_storyboard

ASPECT = 16 / 9
BOTH = ["conv1", "conv2"]
TILE_FLOOR = 50  # px at 1080p with both grids framed: 55 (were 39.5, a quarter grid of neighbours either side)
# px at 1080p, conv1's kernels framed alone: 216 opened with conv2 (190 with room for "filter" left of
# them), 222 opened alone (its gaps ONE_ROW_GAP: a sixth watch), 241 filling the picture's room
ALONE_FLOOR = 210
ROW_FLOOR = 220
ROOM_FLOOR = 238


@pytest.fixture(scope="module")
def scene(lenet_run):
    return open_scene(build_scene(lenet_run, SceneOptions(mode="weights")), BOTH)


def _tile_px(scene, pose, name: str) -> float:
    """A kernel tile's side at 1080p under the parallel camera `pose`."""
    block = scene.block(name)
    return block.cols * block.voxel / (2 * pose.scale) * 1080


def _on_screen(pose, bounds) -> tuple[np.ndarray, np.ndarray]:
    """A box's 8 corners in the frame: -1..1 across and up."""
    corners = np.array(np.meshgrid(bounds[0:2], bounds[2:4], bounds[4:6], indexing="ij")).reshape(3, -1).T
    up, towards = np.array(pose.up), np.array(pose.direction)
    rel = corners - np.array(pose.focal)
    return rel @ np.cross(up, towards) / (pose.scale * ASPECT), rel @ up / pose.scale


def test_both_kernel_grids_fill_the_frame_above_the_caption_and_no_dense_layer_is_beside_them(scene):
    pose = open_pose(scene, BOTH, ASPECT, **CAPTIONED)
    assert np.allclose(pose.direction, (0, -1, 0))  # face-on
    assert min(_tile_px(scene, pose, n) for n in BOTH) >= TILE_FLOOR
    for name in BOTH:
        x, y = _on_screen(pose, scene.block(name).bounds)
        assert np.all(np.abs(x) <= 1) and y.max() <= 1
        assert y.min() >= -0.45, name  # above the caption and the legends (the frame's lowest quarter)
    for name in ("fc1", "fc2"):  # framed out, not drawn edge-on as a line at the frame's edge
        x, _ = _on_screen(pose, scene.block(name).bounds)
        assert x.min() > 1, name


def test_one_row_of_kernels_fills_the_pictures_room_where_that_frames_it_larger(lenet_run):
    """conv1's six kernels alone, face-on above a caption: given the picture's room (framing.picture_room,
    title-safe) they fill its width at 16:9 (the band's room for labels under them left 130 px empty
    at 1080p, a sixth watch), inside it; at 4:3 and 9:16, where the band frames them larger, as before."""
    from nnvox.scenes.framing import picture_room
    from nnvox.scenes.open_framing import extent

    alone = open_scene(build_scene(lenet_run, SceneOptions(mode="weights")), ["conv1"])
    room = picture_room(True, 0.05)
    for aspect in (16 / 9, 4 / 3, 9 / 16):
        band = open_pose(alone, "conv1", aspect, **CAPTIONED)
        roomy = open_pose(alone, "conv1", aspect, **CAPTIONED, room=room)
        assert _tile_px(alone, roomy, "conv1") >= _tile_px(alone, band, "conv1")
    assert _tile_px(alone, open_pose(alone, "conv1", ASPECT, **CAPTIONED), "conv1") >= ROW_FLOOR
    box = np.array([alone.block("conv1").bounds])
    roomy = open_pose(alone, "conv1", ASPECT, **CAPTIONED, room=room)
    assert _tile_px(alone, roomy, "conv1") >= ROOM_FLOOR
    across, up = extent(roomy, box, ASPECT)
    assert across <= room[1] + 1e-6 and up <= room[3] + 1e-6
    _, y = _on_screen(roomy, box[0])
    assert y.min() >= room[2] - 1e-6  # above the caption's band


def test_a_row_beside_another_grid_keeps_its_room_and_gaps(scene, lenet_run):
    """conv1's row opened with conv2 keeps a fifth of a tile round and between its kernels (framed
    by both at their tiles' size, a narrower row only grew conv2's box into its label's room);
    opened alone, ONE_ROW_GAP."""
    from nnvox.scenes.open_layer import GAP
    from nnvox.scenes.open_weights import ONE_ROW_GAP, SHARED_ROW_ROOM

    beside = scene.block("conv1")
    tile = beside.cols * beside.voxel
    assert beside.gap == pytest.approx(GAP * tile) and beside.margin[0] == pytest.approx(SHARED_ROW_ROOM[0] * tile)
    alone = open_scene(build_scene(lenet_run, SceneOptions(mode="weights")), ["conv1"]).block("conv1")
    assert alone.gap == pytest.approx(ONE_ROW_GAP * tile) and alone.margin[0] == 0.0


def test_a_long_weights_shot_shows_conv1_alone_first_then_both(scene, lenet_run, tmp_path):
    assert grid_tour(scene, BOTH, 5.0) is None  # too short to hold either view
    assert grid_tour(scene, BOTH, 10.0, opens=False) is None  # arrived open: framed as the shot before
    assert grid_tour(scene, ["conv1"], 10.0) is None
    first, leave, widened = grid_tour(scene, BOTH, 10.0)
    assert first == "conv1" and 0 < leave < widened < 1
    # standing open after a dip (no flight): conv1 is faced from the first frame, left sooner
    assert grid_tour(scene, BOTH, 10.0, flies=False)[1] < leave
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text(
        '[[shot]]\nrun = "run"\nduration = 10\nmode = "weights"\nopen = ["conv1", "conv2"]\ncaption = "k"\n'
    )
    frames = shot_frames(load_storyboard(board).shots[0], scene, ASPECT, 10)
    alone = [f for f in frames if f.labels == 1.0 and f.progress <= leave]
    assert len(alone) >= 20  # 2 s and more at 10 fps
    assert all(_tile_px(scene, f.pose, "conv1") >= ALONE_FLOOR for f in alone)
    assert all(_tile_px(scene, f.pose, "conv2") >= TILE_FLOOR for f in frames if f.progress >= widened)


def test_kernel_tiles_fly_together_and_arrive_before_the_camera_faces_them(scene, lenet_run):
    for name in BOTH:
        block = scene.block(name)
        for u in np.linspace(0, 1, 11):
            assert np.ptp(map_places(block, u).turn) == 0  # the same way along: the grid is never sheared
        assert np.all(map_places(block, KERNEL_FLIGHT).turn == 1.0)
        assert np.all(map_places(block, 0.5 * KERNEL_FLIGHT).turn < 1.0)
    maps = open_scene(build_scene(lenet_run), ["conv1"]).block("conv1")
    # a layer's maps turn as one solid deck (open_layer._deck_places), later than the tiles: still turning
    assert np.ptp(map_places(maps, 0.3).turn) == 0 and 0 < map_places(maps, 0.3).turn[0] < 1


def _cut(pose, bounds) -> bool:
    """Whether the frame of `pose` cuts the box `bounds`: part of it inside, part outside."""
    x, y = _on_screen(pose, bounds)
    inside = (np.abs(x) <= 1) & (np.abs(y) <= 1)
    return bool(inside.any() and not inside.all()) or bool(
        (x.min() < -1 < x.max() or x.min() < 1 < x.max()) and (np.abs(y) <= 1).any()
    )


def test_a_kernel_grid_is_never_cut_by_the_frames_edge_it_arrives_whole(scene, lenet_run, tmp_path):
    """The lecture's weights shot panned conv2's grid in from beside the frame, its tiles sliced
    by the frame's edge for a second (61 s): every picture drawn (each pose a frame dissolves
    between) holds each open grid whole or not at all, and conv2 fades in whole."""
    (tmp_path / "run").symlink_to(lenet_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    board.write_text(
        '[[shot]]\nrun = "run"\nduration = 9\nmode = "weights"\nopen = ["conv1", "conv2"]\ncaption = "k"\n'
    )
    frames = shot_frames(load_storyboard(board).shots[0], scene, ASPECT, 30)
    for f in frames:
        if f.opened < 1.0:
            continue  # the tiles fly out of their stacks (kept in frame: test_open_framing)
        poses = [f.pose] + ([f.dissolve[0]] if f.dissolve else [])
        for pose in poses:
            assert not any(_cut(pose, scene.block(n).bounds) for n in BOTH), f.progress
    shares = [f.dissolve[1] for f in frames if f.dissolve]
    assert shares and shares == sorted(shares) and shares[0] < 0.2 and shares[-1] > 0.8  # a fade, not a pop
