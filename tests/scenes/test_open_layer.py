"""A layer opened into its maps face-on (scenes/open_layer.py): the grid, the room its neighbours
make, the animation from the stack and back, and the one-line errors. No GL."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.build import build_scene
from nnvox.scenes.open_layer import (
    MAPS_PAD,
    MOST_MAPS,
    TURN_SHARE,
    grid_places,
    map_places,
    open_pose,
    open_scene,
    openable,
    slab_corners,
)
from nnvox.scenes.scene import OPEN_END, SceneOptions


@pytest.fixture(scope="module")
def scenes(digits_run):
    closed = build_scene(digits_run)
    return closed, build_scene(digits_run, SceneOptions(opened=frozenset({"conv1"})))


def _overlap(a, b) -> bool:
    return all(a[2 * i] < b[2 * i + 1] - 1e-6 and b[2 * i] < a[2 * i + 1] - 1e-6 for i in range(3))


def test_the_open_grid_is_near_square_with_gaps_and_faces_minus_y(scenes):
    _, scene = scenes
    block = scene.block("conv1")
    gr, gc = block.opened
    assert gr * gc >= block.panels > (gr - 1) * gc and gr <= gc <= 2 * gr  # near square, no empty row
    corners = slab_corners(block, map_places(block, 1.0))
    fronts = corners[:, 0]  # (P, 4 corners, xyz)
    assert np.allclose(fronts[..., 1], fronts[0, 0, 1])  # every map's front face in one plane y = const
    w, h = block.cols * block.voxel, block.rows * block.voxel
    spans = fronts.max(axis=1) - fronts.min(axis=1)
    assert np.allclose(spans[:, 0], w) and np.allclose(spans[:, 2], h)  # face-on: columns along x, rows along z
    boxes = [(*sorted(f[:, 0])[::3], f[0, 1] - 1e-3, f[0, 1] + 1e-3, *sorted(f[:, 2])[::3]) for f in fronts]
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    lo, hi = corners.reshape(-1, 3).min(axis=0), corners.reshape(-1, 3).max(axis=0)
    b = block.bounds
    # the block's bounds are the grid's, with a gap left of each map (a kernel's place) and above it (its
    # label's), and OPEN_END of one right of the last column, the maps lifted MAPS_PAD of one off the
    # bottom (no map flush with the outline: conv1's bottom row stood on it, watch 5); the gap above each
    # map (its name's line) narrower than the one beside it (its kernel's: two rows took 4 map heights, watch 8)
    above = block.row_gap
    end, lift = OPEN_END * block.gap, MAPS_PAD * above
    assert np.allclose([lo[0], hi[0], lo[2], hi[2]], [b[0] + block.gap, b[1] - end, b[4] + lift, b[5] - above + lift])
    assert block.gap > above > 0 and end > 0 and lift > 0 and np.isclose(b[1] - b[0], gc * (w + block.gap) + end)
    assert np.isclose(b[5] - b[4], gr * (h + above))


def test_column_zero_is_on_the_left_and_row_zero_on_top(scenes):
    _, scene = scenes
    block = scene.block("conv1")
    front = slab_corners(block, map_places(block, 1.0))[0, 0]  # map 0's front face: (column 0, top) first
    assert front[0, 0] < front[1, 0] and front[0, 2] > front[3, 2]


def test_the_blocks_after_it_make_room_and_nothing_overlaps(scenes):
    closed, scene = scenes
    delta = scene.block("conv1").extent[0] - closed.block("conv1").extent[0]
    assert delta > 0
    end = closed.block("conv1").bounds[1]
    for before, after in zip(closed.blocks, scene.blocks):
        moved = after.origin[0] - before.origin[0]
        assert np.isclose(moved, delta if before.bounds[0] >= end and before.name != "conv1" else 0.0), before.name
    boxes = [b.bounds for b in scene.blocks]
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    for (s, d), path in zip(scene.edges, scene.edge_paths):  # edges still join their blocks' faces
        assert np.isclose(path[-1][0], scene.block(d).bounds[0], atol=2.0), (s, d)


def test_the_neighbours_glide_back_to_their_closed_places_at_u0(scenes):
    closed, scene = scenes
    from nnvox.scenes.open_layer import neighbour_offsets

    start, half, end = (neighbour_offsets(scene, u) for u in (0.0, 0.5, 1.0))
    assert start and all(v == (0.0, 0.0) for v in end.values())
    for name, (dx, dz) in start.items():
        assert np.isclose(scene.block(name).origin[0] + dx, closed.block(name).origin[0]), name
        assert dx < half[name][0] < 0.0 and dz == 0.0  # on the way, eased; one row: none up or down


def _distances(points: np.ndarray) -> np.ndarray:
    return np.linalg.norm(points[:, None] - points[None, :], axis=-1)


def test_the_stack_turns_whole_then_its_maps_slide_face_on_to_the_grid(scenes):
    """Watch 9 #6: the maps flew and turned one by one, tilted panels crossing each other. Now the
    stack turns as one solid (every distance between its slabs' corners kept), then every map, facing
    -y, slides straight (never away from its place) into the grid, all together."""
    _, scene = scenes
    block = scene.block("conv1")
    start, end = map_places(block, 0.0), map_places(block, 1.0)
    assert np.allclose(start.centres, block.panel_centres()) and np.allclose(start.turn, 0)
    assert np.allclose(end.centres, grid_places(block)) and np.allclose(end.turn, 1)
    solid = slab_corners(block, start).reshape(-1, 3)
    for u in np.linspace(0.0, TURN_SHARE, 9)[1:]:
        turned = slab_corners(block, map_places(block, u)).reshape(-1, 3)
        assert np.allclose(_distances(turned), _distances(solid), atol=1e-9), u
        assert np.allclose(turned[:, 2], solid[:, 2])  # about the vertical
    assert np.allclose(map_places(block, TURN_SHARE / 2).turn, 0.5)  # eased: halfway at half the turn's time
    us = np.linspace(TURN_SHARE, 1.0, 25)
    way = np.array([np.linalg.norm(map_places(block, u).centres - end.centres, axis=1) for u in us])
    assert all(np.allclose(map_places(block, u).turn, 1.0) for u in us)  # face-on from the turn's end
    assert np.all(np.diff(way, axis=0) <= 1e-9) and np.all(way[0] > 0)  # each nearer its place every step
    across = np.array([np.linalg.norm((map_places(block, u).centres - end.centres)[:, [0, 2]], axis=1) for u in us])
    left = across / across[0]  # all together: each map the same share of its way across the grid's plane left
    assert np.allclose(left, left[:, :1], atol=1e-9)
    # in the turned deck, map 0 is in front (towards the camera facing the grid), the others behind it
    deck = map_places(block, TURN_SHARE).centres
    assert np.all(np.diff(deck[:, 1]) > 0) and np.allclose(deck[:, [0, 2]], deck[0, [0, 2]])


@pytest.mark.parametrize("u", np.linspace(0.0, 1.0, 41))
def test_no_two_maps_cross_while_opening_and_only_face_on_maps_cover_each_other(scenes, u):
    """At every sampled u: all maps face one way (none tilted against another), no two slabs
    intersect, and two maps that overlap as the grid's camera sees them (along +y) stand one behind
    the other, at least a slab's thickness apart; 70% into the spread none overlaps at all."""
    _, scene = scenes
    block = scene.block("conv1")
    places = map_places(block, u)
    assert np.allclose(places.turn, places.turn[0])
    corners = slab_corners(block, places)
    angle = places.turn[0] * np.pi / 2  # into the maps' own axes: each slab a box there
    c, s = np.cos(angle), np.sin(angle)
    own = corners.reshape(len(places.turn), -1, 3) @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    lo, hi = own.min(axis=1), own.max(axis=1)
    flat = corners.reshape(len(places.turn), -1, 3)
    for i in range(len(lo)):
        for j in range(i + 1, len(lo)):
            inside = np.minimum(hi[i], hi[j]) - np.maximum(lo[i], lo[j])
            assert not (inside > 1e-6).all(), (u, i, j)  # no two slabs intersect
            across = [
                min(flat[i, :, a].max(), flat[j, :, a].max()) - max(flat[i, :, a].min(), flat[j, :, a].min())
                for a in (0, 2)
            ]
            if min(across) > 1e-6 and u > TURN_SHARE:  # on screen: face-on cards, one behind the other
                assert u < TURN_SHARE + 0.7 * (1 - TURN_SHARE), (u, i, j)  # none 70% into the spread
                depth = [(flat[k, :, 1].min(), flat[k, :, 1].max()) for k in (i, j)]  # along y: they face -y
                assert max(depth[1][0] - depth[0][1], depth[0][0] - depth[1][1]) >= -1e-9, (u, i, j)


def test_stack_geometry_at_u0_is_the_closed_blocks(scenes):
    closed, scene = scenes
    a, b = closed.block("conv1"), scene.block("conv1")
    corners = slab_corners(b, map_places(b, 0.0)).reshape(-1, 3)
    box = a.bounds
    assert np.allclose(corners.min(axis=0), box[0::2]) and np.allclose(corners.max(axis=0), box[1::2])


def test_only_map_blocks_open_and_the_error_names_them(scenes, digits_run):
    closed, _ = scenes
    can = openable(closed)
    assert "conv1" in can and "input" in can
    assert not {b.name for b in closed.blocks if b.role in ("dense", "output")} & set(can)
    with pytest.raises(NnvoxError, match=r"open: layer 'fc2' has no feature maps.*layers that open: .*conv1"):
        open_scene(closed, ["fc2"])
    with pytest.raises(NnvoxError, match=r"open: layer 'conv9' is not drawn.*conv1"):
        build_scene(digits_run, SceneOptions(opened=frozenset({"conv9"})))


def test_a_wide_layer_shows_at_most_the_level_of_detail_cap(scenes):
    _, scene = scenes
    wide = dataclasses.replace(scene.block("conv1"), panels=MOST_MAPS + 8, opened=None)
    from nnvox.scenes.open_layer import opened

    block = opened(wide)
    gr, gc = block.opened
    assert gr * gc >= MOST_MAPS and gr * gc < MOST_MAPS + 8
    places = map_places(block, 1.0)
    assert np.all(places.size[:MOST_MAPS] == 1) and np.all(places.size[MOST_MAPS:] == 0)


def test_the_open_pose_faces_the_grid_and_frames_it(scenes):
    _, scene = scenes
    pose = open_pose(scene, "conv1", 16 / 9)
    assert np.allclose(pose.direction, (0, -1, 0)) and np.allclose(pose.up, (0, 0, 1))
    x0, x1, _, _, z0, z1 = scene.block("conv1").bounds
    assert pose.scale >= (z1 - z0) / 2 and pose.scale * 16 / 9 >= (x1 - x0) / 2
    assert x0 < pose.focal[0] < x1


def test_closing_the_scene_gives_back_the_closed_layout(scenes):
    from nnvox.scenes.open_layer import closed_scene

    closed, scene = scenes
    back = closed_scene(scene)
    assert np.allclose([b.bounds for b in back.blocks], [b.bounds for b in closed.blocks])
    for a, b in zip(back.edge_paths, closed.edge_paths):
        assert np.allclose(a, b)


def test_a_shot_opens_over_its_start_and_stays_open_to_its_end():
    from nnvox.scenes.open_layer import LABELS_SECONDS, OPEN_SECONDS, labels_shown, open_schedule

    d = 6.0
    assert open_schedule(0.0, d) == 0.0 and open_schedule(1.0, d) == 1.0 and open_schedule(0.5, d) == 1.0
    assert open_schedule(OPEN_SECONDS / d, d) == pytest.approx(1.0)
    assert 0 < open_schedule(0.5 * OPEN_SECONDS / d, d) < 1
    assert open_schedule(0.0, d, opens=False) == 1.0
    assert open_schedule(0.2, 1.0) == pytest.approx(0.6)  # a short shot: a third of it
    # the labels: none while the maps fly, then faded in over LABELS_SECONDS
    assert labels_shown(OPEN_SECONDS / d, d) == 0.0 and labels_shown(1.0, d) == 1.0
    assert labels_shown((OPEN_SECONDS + LABELS_SECONDS / 2) / d, d) == pytest.approx(0.5)
    assert labels_shown(0.0, d, opens=False) == 1.0


def test_a_storyboard_open_key_is_text_and_not_with_explain(tmp_path, digits_run):
    from nnvox.scenes.storyboard import load_storyboard

    (tmp_path / "run").symlink_to(digits_run.path, target_is_directory=True)
    board = tmp_path / "board.toml"
    shot = '[[shot]]\nrun = "run"\nduration = 2\n'
    board.write_text(shot + 'open = "conv1"\n')
    assert load_storyboard(board).shots[0].open == ("conv1",)
    board.write_text(shot + 'open = ["input", "conv1"]\n')
    assert load_storyboard(board).shots[0].open == ("input", "conv1")
    board.write_text(shot + "open = 3\n")
    with pytest.raises(NnvoxError, match=r"line 4: open must be text"):
        load_storyboard(board)
    board.write_text(shot + 'explain = "conv1"\nopen = "conv1"\n')
    with pytest.raises(NnvoxError, match=r"line 5: a shot opens a layer or explains one, not both"):
        load_storyboard(board)


def test_the_input_and_conv1_open_together_and_close_back(digits_run, scenes):
    from nnvox.scenes.open_layer import closed_scene, neighbour_offsets

    closed, _ = scenes
    both = build_scene(digits_run, SceneOptions(opened=frozenset({"input", "conv1"})))
    assert both.block("input").opened == (1, 1) and both.block("conv1").opened is not None
    boxes = [b.bounds for b in both.blocks]
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    back = closed_scene(both)
    assert np.allclose([b.bounds for b in back.blocks], [b.bounds for b in closed.blocks])
    for a, b in zip(back.edge_paths, closed.edge_paths):
        assert np.allclose(a, b)
    start = neighbour_offsets(both, 0.0)  # conv1 glides back by the input's room, the rest by both
    assert np.isclose(both.block("conv1").origin[0] + start["conv1"][0], closed.block("conv1").origin[0])
    assert np.isclose(both.block("fc1").origin[0] + start["fc1"][0], closed.block("fc1").origin[0])
    pose = open_pose(both, ["input", "conv1"], 16 / 9)
    for name in ("input", "conv1"):  # both grids' boxes inside the frame
        x, y = _on_screen(pose, both.block(name).bounds, 16 / 9)
        assert np.all(np.abs(x) <= 1) and np.all(np.abs(y) <= 1), (name, x, y)


def _on_screen(pose, bounds, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """A box's 8 corners as the parallel camera `pose` frames them: -1..1 across and up the frame."""
    corners = np.array(np.meshgrid(bounds[0:2], bounds[2:4], bounds[4:6], indexing="ij")).reshape(3, -1).T
    up, towards = np.array(pose.up), np.array(pose.direction)
    right = np.cross(up, towards)
    rel = corners - np.array(pose.focal)
    return rel @ right / (pose.scale * aspect), rel @ up / pose.scale


def test_a_point_on_an_open_map_is_that_maps_cell_and_a_gap_is_none(scenes):
    from nnvox.scenes.open_layer import map_cell

    _, scene = scenes
    block = scene.block("conv1")
    v, places = block.voxel, grid_places(block)
    for k, r, c in ((0, 0, 0), (3, 5, 2), (block.panels - 1, block.rows - 1, block.cols - 1)):
        x, y, z = places[k]
        point = (x - block.cols * v / 2 + (c + 0.5) * v, y, z + block.rows * v / 2 - (r + 0.5) * v)
        assert map_cell(block, point) == (k, r, c)
    x, y, z = places[0]
    assert map_cell(block, (x - block.cols * v / 2 - block.gap / 2, y, z)) is None  # the gap left of map 0


def test_in_a_wrapped_network_the_rows_make_room_for_a_grid_taller_than_its_row():
    """A grid taller than its row overlapped the row below (and the blocks of that row right of the
    grid were moved along x as if in its row): the rows below now move down, keeping their gap, and
    closing gives everything back."""
    import torch

    from nnvox.capture.targets import open_target
    from nnvox.scenes.open_layer import closed_scene, neighbour_offsets

    torch.manual_seed(0)
    run = open_target("vgg11", input_shape="1,3,64,64")
    closed = build_scene(run)
    assert closed.wrapped
    name = "features.1"  # 64 maps of 64 x 64 in row 1 of 4
    scene = build_scene(run, SceneOptions(opened=frozenset({name})))
    grid, boxes = scene.block(name).bounds, [b.bounds for b in scene.blocks]
    assert grid[5] - grid[4] > 2 * (closed.block(name).bounds[5] - closed.block(name).bounds[4])  # taller
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    row_below = [b for b in closed.blocks if b.bounds[5] < closed.block(name).bounds[4]]
    gap = closed.block(name).bounds[4] - max(b.bounds[5] for b in row_below)
    moved = [scene.block(b.name) for b in row_below]
    assert grid[4] - max(b.bounds[5] for b in moved) >= gap - 1e-6  # the gap between the rows kept
    assert all(scene.block(b.name).origin[0] == b.origin[0] for b in row_below)  # not along x
    back = closed_scene(scene)
    assert np.allclose([b.bounds for b in back.blocks], [b.bounds for b in closed.blocks])
    for a, b in zip(back.edge_paths, closed.edge_paths):
        assert np.allclose(a, b)
    start = neighbour_offsets(scene, 0.0)
    for b in row_below:
        dx, dz = start[b.name]
        assert dx == 0.0 and np.isclose(scene.block(b.name).origin[2] + dz, b.origin[2])


@pytest.fixture(scope="module")
def convs(tmp_path_factory):
    """A run of the convolutions people write besides Conv2d(groups=1): a grouped one, a transposed
    one (a U-Net's up-sampling) and one of 70 maps (past the open grid's MOST_MAPS)."""
    import torch
    from torch import nn

    from nnvox import Recorder
    from nnvox.capture.run import open_run

    class Convs(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 8, 3, padding=1)
            self.grouped = nn.Conv2d(8, 8, 3, padding=1, groups=2)
            self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
            self.wide = nn.Conv2d(4, 70, 3, padding=1)

        def forward(self, x):
            return self.wide(torch.relu(self.up(torch.relu(self.grouped(torch.relu(self.conv(x)))))))

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("runs") / "convs"
    x = torch.randn(2, 2, 6, 6)
    rec = Recorder(Convs(), probe=(x, np.full(2, -1, dtype=np.int64)), out=folder, background=False)
    rec.snapshot(epoch=0)
    rec.close()
    run = open_run(folder)
    return run, build_scene(run, SceneOptions(opened=frozenset({"grouped", "up", "wide"}), max_channels=10**6))


def _weight(run, name):
    return run.read(0, [f"param/{name}.weight"])[f"param/{name}.weight"]


def test_a_transposed_convolutions_kernels_are_its_output_maps(convs):
    """A ConvTranspose2d's weight is (in, out, kh, kw): beside map c stand weight[k, c] (read as
    weight[c, k] they were input map c's weights into the first output maps)."""
    from nnvox.scenes.open_kernels import kernel_note, kernel_plan, kernel_values

    run, scene = convs
    block = scene.block("up")
    plan = kernel_plan(run, block)
    assert plan is not None and plan.size == (2, 2) and plan.channels == tuple(range(4))
    w = _weight(run, "up")  # (8, 4, 2, 2)
    assert np.array_equal(kernel_values(run, plan, 0.0), w[:3].transpose(1, 0, 2, 3))
    assert plan.reads == ((0, 1, 2),) * 4 and kernel_note(plan) == "kernels of the first 3 of 8 input maps"


def test_a_grouped_convolutions_maps_read_their_groups_input_maps(convs):
    """Conv2d(8, 8, groups=2): map c reads input maps (c // 4) * 4 onwards, and the note says so
    (it said 'the first 3 of 4 input maps', which map 5 never reads)."""
    from nnvox.scenes.open_kernels import kernel_note, kernel_plan, kernel_values

    run, scene = convs
    plan = kernel_plan(run, scene.block("grouped"))
    assert plan is not None and plan.groups == 2 and (plan.inputs, plan.hidden_inputs) == (3, 1)
    assert plan.reads[1] == (0, 1, 2) and plan.reads[5] == (4, 5, 6)
    assert np.array_equal(kernel_values(run, plan, 0.0), _weight(run, "grouped")[:, :3])
    assert kernel_note(plan) == "kernels of 3 of the 4 input maps each map reads (2 groups)"


def test_only_the_maps_the_open_grid_shows_have_kernels(convs):
    """70 maps: the grid shows 64; the kernels of maps 64 to 69 were drawn on map 63's place."""
    from nnvox.scenes.open_kernels import kernel_plan, kernel_quads, kernel_values

    run, scene = convs
    block = scene.block("wide")
    assert block.panels == 70
    plan = kernel_plan(run, block)
    assert plan.channels == tuple(range(MOST_MAPS))
    quads = kernel_quads(block, plan).reshape(MOST_MAPS, -1, 4, 3)
    tops = quads[:, 0, 0]  # each map's first kernel cell's corner: one per map, none stacked on another
    assert len({tuple(np.round(t, 6)) for t in tops}) == MOST_MAPS
    assert kernel_values(run, plan, 0.0).shape == (MOST_MAPS, 3, 3, 3)


def test_a_block_named_like_a_convolution_is_not_one(scenes):
    """The layer type by its class, not by a substring: a collapsed 'ConvBlock' module has no one
    kernel per map (and no kernel's gap beside its maps)."""
    from nnvox.scenes.open_layer import GAP, gap_of, has_kernels

    block = scenes[0].block("conv1")
    for kind, kernels in (("Conv2d", True), ("ConvTranspose2d", True), ("ConvBlock", False), ("Conv3dStem", False)):
        b = dataclasses.replace(block, kind=kind)
        assert has_kernels(b) == kernels, kind
        if not kernels:
            assert np.isclose(gap_of(b), GAP * max(b.rows, b.cols) * b.voxel), kind
