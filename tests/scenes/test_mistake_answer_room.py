"""The mistake's close-up (lecture.toml: the push-in onto the input) keeps the answer's room right of
its subject (close_up.shot_close_up's `dock`, class_room.dock_room) and covers every block there
(shots.close_up_sides). Watch 8, finding 8 (demo26 at 150 s, 1080p): the top-5 list docked LEFT of
the input, the answer before the digit it answers; relu1's line ran off to the right into faded
blocks; the attribution map stood 120 x 210 px under the input. Watch 9, finding 4: beside the input
and level with it, the map read as a layer before the input. Measured on the projected boxes of the
held close-up (and every picture of the shot) at 16:9 and 4:3, 480p to 2160p."""

import numpy as np
import pytest

import tests.scenes.test_close_up_fill as fill
from nnvox.scenes.shots import shot_frames
from nnvox.viewer.theme import TITLE_SAFE

WATCHED = (120, 210)  # px at 1080p: the attribution map in demo26 (watch 8)
SIZES = [(1920, 1080), (1440, 1080), (854, 480), (640, 480), (3840, 2160)]


def _held(lenet_run, tmp_path, size):
    """The scene, the held frame and the dock's share of the width for the lecture's mistake shot at `size`."""
    from nnvox.viewer.class_room import dock_room
    from nnvox.viewer.options import RenderOptions

    shot, scene = fill._shot(tmp_path, lenet_run, fill.MISTAKE)
    dock = dock_room(scene, RenderOptions(width=size[0], height=size[1]), *size)
    frames = shot_frames(shot, scene, size[0] / size[1], 10, safe=TITLE_SAFE, dock=dock)
    return scene, frames, dock


def _box(pose, block, size) -> tuple[float, float, float, float]:
    """The block's projected box (x0, x1, y0, y1; pixels, y down) on a picture of `size`."""
    fill_height, fill.HEIGHT = fill.HEIGHT, size[1]
    try:
        x, y = fill._pixels(pose, fill._corners(block.bounds), size[0] / size[1])
    finally:
        fill.HEIGHT = fill_height
    return x.min(), x.max(), y.min(), y.max()


def _over_the_line(pose, scene, plane, size) -> float:
    """Pixels the `plane`'s projected box stands over the chain's line (through the input's and the
    first layer's projected middles, run on past the input both ways) across the box's width: its
    bottom's least height over the line (< 0: the line crosses the box or passes over it)."""
    fill_height, fill.HEIGHT = fill.HEIGHT, size[1]
    try:
        chain = [b for b in scene.blocks if b.kind != "Attribution"]
        first = chain[[b.name for b in chain].index("input") + 1]
        middles = [fill._corners(b.bounds).mean(axis=0) for b in (scene.block("input"), first)]
        (ax, bx), (ay, by) = fill._pixels(pose, np.array(middles), size[0] / size[1])
    finally:
        fill.HEIGHT = fill_height
    x0, x1, _, y1 = _box(pose, plane, size)
    line = lambda x: ay + (by - ay) * (x - ax) / (bx - ax)  # pixels down from the top
    return float(min(line(x0), line(x1)) - y1)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_explanation_stands_beside_the_input_off_the_chains_line_with_the_answers_room_right(
    lenet_run, tmp_path, size
):
    """Watch 9, finding 4 (demo27 172.5-177 s): the map stood level with the input, one more slab
    left of it in the chain's line, and read as a layer before the input. Held close-up: beside the
    input (left of it, a gap under a tenth of its width, overlapping its height), its bottom over
    the chain's line, as large as the input, larger than watch 8's map."""
    scene, frames, dock = _held(lenet_run, tmp_path, size)
    w, h = size
    assert 0.2 < dock < 0.4, dock  # the list's room, measured at the picture's font (516 px at 1080p, 16:9)
    plane = next(b for b in scene.blocks if b.kind == "Attribution")
    pose = frames[-1].pose
    px0, px1, py0, py1 = _box(pose, plane, size)
    ix0, ix1, iy0, iy1 = _box(pose, scene.block("input"), size)
    assert px1 < ix0 < px1 + 0.1 * (px1 - px0) and py0 < iy0 < py1, ((px0, px1, py0, py1), (ix0, iy0))
    assert _over_the_line(pose, scene, plane, size) >= 0.02 * h, _over_the_line(pose, scene, plane, size)
    assert abs((px1 - px0) - (ix1 - ix0)) <= 0.02 * (ix1 - ix0) and abs((py1 - py0) - (iy1 - iy0)) <= 0.02 * (iy1 - iy0)
    # 141 x 263 px at 1080p (both aspects): the room between the label row and the caption is about
    # 440 px tall, and a plane off the input's line shares it with the input's lower part
    scale = h / 1080
    assert py1 - py0 >= 1.2 * WATCHED[1] * scale and px1 - px0 >= 1.1 * WATCHED[0] * scale, (px1 - px0, py1 - py0)
    assert iy1 <= (fill.CAPTION_TOP - fill.CAPTION_CLEARANCE) * scale, iy1  # over the caption
    assert px0 >= TITLE_SAFE * w and ix1 <= (1 - dock) * w, (px0, ix1)  # the answer's room right of it kept


@pytest.mark.parametrize("size", [(1920, 1080), (1440, 1080)], ids=["16:9", "4:3"])
def test_the_explanation_is_off_the_chains_line_in_every_picture_of_the_shot(lenet_run, tmp_path, size):
    """From the overview (azimuth 20, then 8) through the push-in to the held close-up, the map's
    box stands over the chain's line, clear of the input's box: never a slab in the chain's line."""
    scene, frames, _ = _held(lenet_run, tmp_path, size)
    plane = next(b for b in scene.blocks if b.kind == "Attribution")
    over = [_over_the_line(f.pose, scene, plane, size) for f in frames]
    assert min(over) >= 0.01 * size[1], [round(v) for v in over]
    for f in frames:
        px0, px1, py0, py1 = _box(f.pose, plane, size)
        ix0, ix1, iy0, iy1 = _box(f.pose, scene.block("input"), size)
        assert px1 < ix0 or py1 < iy0, (f.progress, (px0, px1, py0, py1), (ix0, ix1, iy0, iy1))


@pytest.mark.parametrize("size", [(1920, 1080), (1440, 1080)], ids=["16:9", "4:3"])
def test_every_block_right_of_the_input_is_covered_once_the_camera_is_on_it(lenet_run, tmp_path, size):
    """Covered whole (1) from the held close-up on, each block right of the input, so no line runs from a
    drawn block into a faded one; none covered in the overview at the start."""
    scene, frames, _ = _held(lenet_run, tmp_path, size)
    names = [b.name for b in scene.blocks if b.kind != "Attribution"]  # (the plane: beside the input)
    right_of = names[names.index("input") + 1 :]
    assert len(right_of) >= 8 and "relu1" in right_of
    for f in frames:
        levels = {n: b for n, _, b in (f.sides[2] if len(f.sides) == 3 else ())}
        if f.progress >= 0.5:  # held on the input (keys at 0.4 and 1; the covers eased over 0.4 s)
            open_ = {n: levels.get(n, 0.0) for n in right_of if levels.get(n, 0.0) < 0.999}
            assert not open_, (f.progress, open_)
        if f.progress <= 0.15:  # the overview (the covers ease in over close_up.COVER_SECONDS about the move)
            assert not any(levels.values()), (f.progress, levels)
