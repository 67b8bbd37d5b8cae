"""The mistake's close-up (lecture.toml: the push-in onto the input) keeps the answer's room right of
its subject (close_up.shot_close_up's `dock`, class_room.dock_room) and covers every block there
(shots.close_up_sides). Watch 8, finding 8 (demo26 at 150 s, 1080p): the top-5 list docked LEFT of
the input, the answer before the digit it answers; relu1's line ran off to the right into faded
blocks; the attribution map stood 120 x 210 px under the input. Measured on the projected boxes of
the held close-up at 16:9 and 4:3, 480p to 2160p."""

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


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_attribution_stands_beside_the_input_twice_the_size_with_the_answers_room_right(lenet_run, tmp_path, size):
    scene, frames, dock = _held(lenet_run, tmp_path, size)
    w, h = size
    assert 0.2 < dock < 0.4, dock  # the list's room, measured at the picture's font (516 px at 1080p, 16:9)
    plane = next(b for b in scene.blocks if b.kind == "Attribution")
    pose = frames[-1].pose
    px0, px1, py0, py1 = _box(pose, plane, size)
    ix0, ix1, iy0, iy1 = _box(pose, scene.block("input"), size)
    # side by side (left of the input: conv1 is right of it), level with it and its size
    assert px1 < ix0 and min(py1, iy1) - max(py0, iy0) >= 0.85 * (iy1 - iy0), ((px0, px1, py0, py1), (ix0, iy0))
    assert abs((px1 - px0) - (ix1 - ix0)) <= 0.02 * (ix1 - ix0) and abs((py1 - py0) - (iy1 - iy0)) <= 0.02 * (iy1 - iy0)
    scale = h / 1080
    assert py1 - py0 >= 1.9 * WATCHED[1] * scale and px1 - px0 >= 1.75 * WATCHED[0] * scale, (px1 - px0, py1 - py0)
    assert iy1 <= (fill.CAPTION_TOP - fill.CAPTION_CLEARANCE) * scale, iy1  # over the caption
    assert px0 >= TITLE_SAFE * w and ix1 <= (1 - dock) * w, (px0, ix1)  # the answer's room right of it kept


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
