"""The lecture's conv1 shot (watch 8 #6): conv1's six maps were about 80 x 100 px at 1080p, the panel
27% of the frame's width, tilted in perspective, the camera drifting for 4 s. Now a camera key on the
opened layer faces its grid (open_layer.facing_key) and the close-up fills the picture room to under
the heads-up (open_framing.room_top) with the grid's rows closer (a name's line between them, the
kernel beside each map): measured on the geometry at 16:9 and 4:3, 480p to 2160p (no GL), and on
the rendered pixels (face-on, still through the hold)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.framing import screen_axes
from nnvox.scenes.open_layer import grid_places, shown_maps
from nnvox.scenes.shots import shot_frames
from nnvox.scenes.storyboard import load_storyboard
from nnvox.viewer.theme import TITLE_SAFE

SHOT = """[[shot]]
run = "{run}"
duration = 9
timeline = "last"
sample = 9
open = ["input", "conv1"]
camera = {{ keys = [ {{ at = 0, overview = true }}, {{ at = 0.25, layer = "conv1" }}, {{ at = 1, layer = "conv1" }} ] }}
caption = "conv1's six maps side by side: each 5 × 5 filter picks out different strokes"
"""
HOLD_SECONDS = 6.0  # the maps held still at least this long, named, for the lecturer to point at them


def _board(tmp_path, run, video: str = ""):
    path = tmp_path / "board.toml"
    path.write_text(video + SHOT.format(run=run.path))
    return load_storyboard(path)


def _scene(shot, run):
    return build_scene(run, dataclasses.replace(shot.view.scene_options(), opened=frozenset(shot.open)))


def _pixels(pose, points, aspect: float, height: int) -> np.ndarray:
    """World points (n, 3) as (x, y) pixels, y down, in a frame `height` pixels tall."""
    right, up = screen_axes(np.asarray(pose.direction, float))
    rel = np.asarray(points, float) - np.asarray(pose.focal, float)
    x, y = rel @ right / (pose.scale * aspect), rel @ up / pose.scale
    return np.column_stack([(x + 1) / 2 * height * aspect, (1 - y) / 2 * height])


def _map_rectangles(block, pose, aspect: float, height: int) -> np.ndarray:
    """Each shown map's front face on screen: (maps, 4 corners: top left, top right, bottom right,
    bottom left, xy pixels)."""
    centres = grid_places(block)[: shown_maps(block)]
    w, h = block.cols * block.voxel / 2, block.rows * block.voxel / 2
    corners = [(-w, h), (w, h), (w, -h), (-w, -h)]
    points = np.array([c + np.array([dx, 0.0, dz]) for c in centres for dx, dz in corners])
    return _pixels(pose, points, aspect, height).reshape(-1, 4, 2)


@pytest.mark.parametrize("aspect, least", [(16 / 9, 0.19), (4 / 3, 0.145)])
def test_the_held_maps_are_face_on_and_large_at_any_size(lenet_run, tmp_path, aspect, least):
    """Each map at least `least` of the frame's height tall (16:9: 205 px at 1080p, were 98; 4:3,
    where the input and the grid's width bind: 158 px, 171 before the kernels beside the maps grew
    to be read from the back of a hall, watch 9 #7), upright rectangles, the grid at least half
    the frame's width at 16:9, the same share at every size from 480p to 2160p."""
    shot = _board(tmp_path, lenet_run).shots[0]
    scene = _scene(shot, lenet_run)
    pose = shot_frames(shot, scene, aspect, 30, safe=TITLE_SAFE)[-1].pose
    block = scene.block("conv1")
    assert block.opened == (2, 3)  # fewer rows than columns: at 16:9 and 4:3 a 3 x 2 grid's maps are smaller
    for height in (480, 720, 1080, 2160):
        quads = _map_rectangles(block, pose, aspect, height)
        sides = quads[:, 2] - quads[:, 0]  # (width, height) of each map, in pixels
        assert (sides[:, 1] >= least * height).all(), (height, sides[:, 1].min() / height)
        # face-on: each map's top and bottom edges level, its sides upright, its width its height
        assert np.allclose(quads[:, 0, 1], quads[:, 1, 1], atol=1e-6 * height)
        assert np.allclose(quads[:, 0, 0], quads[:, 3, 0], atol=1e-6 * height)
        assert np.allclose(sides[:, 0], sides[:, 1], rtol=1e-6)
        x0, _, _, _, z0, z1 = block.bounds
        grid = _pixels(pose, [(x0, block.bounds[2], z1), (block.bounds[1], block.bounds[2], z0)], aspect, height)
        inside = (grid >= -1e-6).all() and (grid[:, 0] <= height * aspect).all() and (grid[:, 1] <= height).all()
        assert inside and np.ptp(grid[:, 0]) >= (0.5 if aspect > 1.5 else 0.55) * height * aspect


def test_the_camera_holds_still_for_six_seconds_after_the_maps_unfold(lenet_run, tmp_path):
    """The maps open as the camera arrives on the layer (not from the first frame, while it stood
    oblique: they flew across the input), and from then the picture holds (no drift)."""
    shot = _board(tmp_path, lenet_run).shots[0]
    frames = shot_frames(shot, _scene(shot, lenet_run), 16 / 9, 30, safe=TITLE_SAFE)
    opened = next(k for k, f in enumerate(frames) if f.opened >= 1.0 and f.labels >= 1.0)
    assert frames[30].opened == 0.0  # closed through the camera's first second (its move onto the layer: 2.25 s)
    held = frames[opened:]
    assert len(held) >= HOLD_SECONDS * 30
    for f in held:
        assert np.allclose(f.pose.focal, held[-1].pose.focal) and np.isclose(f.pose.scale, held[-1].pose.scale)
        assert np.allclose(f.pose.direction, (0.0, -1.0, 0.0))


@pytest.mark.gl
def test_the_rendered_maps_are_upright_rectangles_held_still(lenet_run, tmp_path):
    """At 480p: inside each map's projected rectangle no background shows, and just above and right
    of it only background (a skewed or turned map leaves background inside its corners, or spills
    past them); the frames of the hold are one picture."""
    from nnvox.scenes.storyboard import transitions
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.storyboard_export import _opening, _Painter, _scene_key, _Scenes

    width, height, fps = 854, 480, 2
    board = _board(tmp_path, lenet_run, f'[video]\nsize = "{width}x{height}"\nfps = {fps}\n\n')
    look = RenderOptions(width=width, height=height)
    scenes, moves = _Scenes(board, look), transitions(board)
    painter = _Painter(board, scenes, look)
    shot = board.shots[0]
    try:
        images = [
            np.asarray(im)[..., :3].astype(int) for im in painter.images(shot, fps, set(), _opening(board, 0, moves[0]))
        ]
        renderer = scenes.renderer(_scene_key(shot), shot.view.hud)
        pose, block = renderer.scene_renderer.pose(), scenes.scenes[_scene_key(shot)].block("conv1")
        background = np.array(renderer.options.background[:3], float)
    finally:
        scenes.close()
        painter.close()
    hold = images[-int(HOLD_SECONDS * fps) :]
    # the picture down to the grid's bottom: the caption under it fades out over the shot's last frames
    bottom = int(_pixels(pose, [block.bounds[::2]], width / height, height)[0, 1]) + 4
    assert all(np.abs(im[:bottom] - hold[0][:bottom]).max() <= 2 for im in hold)
    ground = np.abs(hold[0] - background).max(axis=2) <= 12  # (y, x): background pixels
    for quad in _map_rectangles(block, pose, width / height, height):
        (x0, y0), (x1, y1) = np.round(quad[0]).astype(int), np.round(quad[2]).astype(int)
        assert y1 - y0 >= 0.19 * height
        # its drawn extent, from its middle out to the background: as wide as tall (a 28 x 28 map), so
        # not turned or tilted (an orthographic camera turned 20 degrees drew each map 6 px narrower)
        cy, cx = (y0 + y1) // 2, (x0 + x1) // 2
        across, down = _run(ground[cy], cx), _run(ground[:, cx], cy)
        assert abs(across - down) <= 2 and abs(down - (y1 - y0)) <= 2, (across, down, y1 - y0)
        assert ground[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2].mean() <= 0.01
        above, beside = ground[y0 - 5 : y0 - 2, x0 + 2 : x1 - 2], ground[y0 + 2 : y1 - 2, x1 + 2 : x1 + 5]
        assert above.mean() >= 0.95 and beside.mean() >= 0.95, (above.mean(), beside.mean())


def _run(ground: np.ndarray, middle: int) -> int:
    """Pixels from `middle` out either way along a line of background flags to where two background
    pixels in a row begin: a drawn map's extent across that line."""
    ends = []
    for step in (-1, 1):
        k = middle
        while 0 < k < len(ground) - 2 and not (ground[k + step] and ground[k + 2 * step]):
            k += step
        ends.append(k)
    return ends[1] - ends[0] + 1


@pytest.mark.parametrize("aspect", [16 / 9, 4 / 3])
def test_the_maps_open_without_tilted_panels_crossing_through_the_shots_camera(lenet_run, tmp_path, aspect):
    """Watch 9 #6: through the lecture's opening, conv1's maps flew as tilted panels overlapping each
    other. Now, at every frame of the opening (30 fps) as the shot's camera sees it: all maps face
    one way; two maps whose pictures overlap are parallel cards one behind the other (the turning
    deck, or cards sliding out of it, a slab's thickness apart along their facing), never crossing;
    none overlaps another 70% into the spread; and the held maps face the camera."""
    from nnvox.scenes.open_layer import TURN_SHARE, map_places, neighbour_offsets, slab_corners

    shot = _board(tmp_path, lenet_run).shots[0]
    scene = _scene(shot, lenet_run)
    block = scene.block("conv1")
    frames = shot_frames(shot, scene, aspect, 30, safe=TITLE_SAFE)
    opening = [f for f in frames if 0.0 < f.opened < 1.0]
    assert len(opening) >= 20
    for f in opening:
        places = map_places(block, f.opened)
        assert np.ptp(places.turn) == 0
        dx, dz = neighbour_offsets(scene, f.opened).get("conv1", (0.0, 0.0))
        slabs = slab_corners(block, places).reshape(block.panels, -1, 3) + np.array([dx, 0.0, dz])
        screen = _pixels(f.pose, slabs.reshape(-1, 3), aspect, 1080).reshape(block.panels, -1, 2)
        depth = slabs[..., 1]  # along the maps' facing (-y) once turned: parallel cards one behind another
        for i in range(block.panels):
            for j in range(i + 1, block.panels):
                over = np.minimum(screen[i].max(0), screen[j].max(0)) - np.maximum(screen[i].min(0), screen[j].min(0))
                if (over > 0.5).all():
                    assert f.opened < TURN_SHARE + 0.7 * (1 - TURN_SHARE), (f.opened, i, j)
                    apart = max(depth[j].min() - depth[i].max(), depth[i].min() - depth[j].max())
                    assert apart >= -1e-6 or places.turn[0] < 1.0, (f.opened, i, j, apart)
    assert np.allclose(frames[-1].pose.direction, (0.0, -1.0, 0.0))


@pytest.mark.parametrize("aspect", [16 / 9, 4 / 3])
def test_the_kernels_beside_the_held_maps_are_large_enough_to_read_from_the_back(lenet_run, tmp_path, aspect):
    """Watch 9 #7: the kernel beside each of conv1's maps had cells of 15-17 px at 1080p, so row 20
    saw colours, not the pattern. Each weight's square (its coloured part) now at least 27 px at
    1080p, a cell with its hairline at least 30 px, at 16:9 beside maps still 210 px (0.19 of the
    height); at 4:3, where the width binds, at least 0.13 of its map's side (was 0.08); each kernel
    inside the room under the heads-up and over the caption's band (the grid's), at 480p to 2160p."""
    from nnvox.scenes.framing import CAPTION_CLEAR, CAPTION_TOP, MAPS_ROOM_TOP
    from nnvox.scenes.open_kernels import kernel_plan, kernel_quads

    shot = _board(tmp_path, lenet_run).shots[0]
    scene = _scene(shot, lenet_run)
    pose = shot_frames(shot, scene, aspect, 30, safe=TITLE_SAFE)[-1].pose
    block = scene.block("conv1")
    plan = kernel_plan(lenet_run, block)
    quads = kernel_quads(block, plan)
    assert len(quads) == 6 * 25
    for height in (480, 720, 1080, 2160):
        squares = _pixels(pose, quads.reshape(-1, 3), aspect, height).reshape(-1, 4, 2)
        sides = np.abs(squares[:, 2] - squares[:, 0])  # (width, height) of each weight's square
        maps = _map_rectangles(block, pose, aspect, height)
        side = (maps[:, 2] - maps[:, 0])[:, 1].min()
        if aspect > 1.5:
            assert sides.min() >= 27 / 1080 * height, (height, sides.min())
            assert side >= 0.19 * height  # the maps not shrunk for them (210 px at 1080p)
            pitch = np.diff(np.unique(np.round(squares[:25, 0, 0], 6)))  # one kernel's columns, left to right
            assert pitch.min() >= 30 / 1080 * height, (height, pitch)
        assert sides.min() >= 0.13 * side, (height, sides.min(), side)
        ys = 1 - 2 * squares[..., 1] / height  # -1..1 up the frame
        assert ys.max() <= MAPS_ROOM_TOP and ys.min() >= CAPTION_TOP + CAPTION_CLEAR - 1e-9, (ys.min(), ys.max())


def test_the_camera_does_not_zoom_onto_the_turning_deck(lenet_run, tmp_path):
    """Framed on the turning deck alone, the camera zoomed in on it (scale 29) and back out as the
    maps spread to the held close-up (62): a pumping zoom, 19.6 grey levels a frame at 1080p. It
    frames the grid as it comes (open_framing.subject_boxes, ahead): through the opening never
    closer than 0.6 of the held scale (42 of 62, as before the deck)."""
    shot = _board(tmp_path, lenet_run).shots[0]
    frames = shot_frames(shot, _scene(shot, lenet_run), 16 / 9, 30, safe=TITLE_SAFE)
    opening = [f.pose.scale for f in frames if 0.0 < f.opened < 1.0]
    assert len(opening) >= 20 and min(opening) >= 0.6 * frames[-1].pose.scale, (min(opening), frames[-1].pose.scale)
