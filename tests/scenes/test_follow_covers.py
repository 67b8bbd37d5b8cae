"""A follow shot's side covers (watch 6, finding 2): found at each frame from the camera then, a
block was covered in one frame as the camera's subject switched to the next stage (the cover's
reach jumping past it) or as its end crossed the edge's approach at the camera's speed (the
lecture's conv1 at 16.4 s, relu1 at 18.3 s, pool1 at 22.0 s). Each block's cover is now eased in
time between the steps' holds (follow.follow_covers): measured per block from the shot's sides, as
overlays/edge_fade.py draws them (close_up.level_strips, cover_alpha), a block wholly off the frame
counted as covered (it must fade out before it slides off, and in after it slides in)."""

from pathlib import Path

import numpy as np
import pytest

from nnvox.scenes.close_up import cover_alpha, level_strips, side_strips
from nnvox.scenes.follow import projected
from nnvox.scenes.shots import shot_frames
from nnvox.scenes.storyboard import CameraMove, Shot
from nnvox.viewer.theme import TITLE_SAFE

ASPECT, FPS, BESIDE = 16 / 9, 30, 0.14
WITHIN = 3  # frames at 30 fps: no block's cover goes from under 0.1 to over 0.9 (or back) within these


def _covers(scene, frames, given: bool) -> np.ndarray:
    """(frames, blocks): each block's cover, from the sides' per-block covers (`given`) or, as
    before, from the reaches alone (side_strips at each frame)."""
    names = [b.name for b in scene.blocks]
    bounds = np.array([b.bounds for b in scene.blocks], float)
    out = []
    for f in frames:
        spans = (projected(f.pose, bounds, ASPECT)[:, :2] + 1) / 2
        levels = {n: (a, b) for n, a, b in f.sides[2]}
        strips = []
        for side, flip in ((1, False), (0, True)):
            across = 1.0 - spans[:, ::-1] if flip else spans
            if given:
                strip, _ = level_strips(across, [levels.get(n, (0.0, 0.0))[side] for n in names])
            else:
                strip, _ = side_strips(across, f.sides[side], TITLE_SAFE)
            strips += [(1 - x1, 1 - x0, a1, a0) for x0, x1, a0, a1 in strip] if flip else strip
        seen = (spans[:, 1] > 0) & (spans[:, 0] < 1)
        out.append(np.where(seen, cover_alpha(spans, strips), 1.0))
    return np.array(out)


def _snaps(covers: np.ndarray) -> list[tuple[int, int]]:
    """(frame, block) where a block's cover goes from < 0.1 to > 0.9, or back, within WITHIN frames."""
    found = []
    for j in range(1, WITHIN + 1):
        a, b = covers[:-j], covers[j:]
        found += list(zip(*np.nonzero(((a < 0.1) & (b > 0.9)) | ((a > 0.9) & (b < 0.1)))))
    return sorted(set(found))


@pytest.fixture(scope="module")
def follow(lenet_run):
    from nnvox.scenes.build import build_scene

    scene = build_scene(lenet_run)
    before = Shot(0, 7, Path("run"), camera=CameraMove(move="overview"))
    carried = shot_frames(before, scene, ASPECT, FPS, beside=BESIDE, safe=TITLE_SAFE)[-1].pose
    shot = Shot(1, 33, Path("run"), forward=True, camera=CameraMove(move="follow"), caption="The 9 flows")
    return scene, shot_frames(shot, scene, ASPECT, FPS, carried=carried, beside=BESIDE, safe=TITLE_SAFE)


def test_no_block_of_a_follow_shot_is_covered_or_uncovered_in_a_frame(follow):
    scene, frames = follow
    covers = _covers(scene, frames, given=True)
    assert not _snaps(covers), [(k / FPS, scene.blocks[i].name) for k, i in _snaps(covers)]
    assert len(_snaps(_covers(scene, frames, given=False))) >= 5, "the reaches alone snapped (else this shows nothing)"
    # the covers do cover: each hold leaves some blocks out whole, and the answer's end none
    assert (covers[: int(10 * FPS)] > 0.99).any() and (covers[-1] < 0.01).all()
    names = [b.name for b in scene.blocks]
    # stage by stage, the stage lit is never covered
    for k, level in ((int(6.5 * FPS), "relu1"), (int(9.5 * FPS), "pool1"), (int(12.5 * FPS), "conv2")):
        assert covers[k, names.index(level)] < 0.01, (level, covers[k, names.index(level)])


def test_no_block_stands_cut_by_a_side_edge_while_the_camera_holds_a_stage(follow):
    """Through each step's hold (the camera still), every block a side edge cuts (or that reaches
    into the title-safe margin) is covered whole: side_strips gave pool1, cut at the left edge in
    relu2's hold, the gradient band, which a follow shot's given covers do not draw."""
    from nnvox.scenes.follow import RISE_LEAD, pass_schedule

    scene, frames = follow
    covers = _covers(scene, frames, given=True)
    bounds = np.array([b.bounds for b in scene.blocks], float)
    schedule = pass_schedule(scene.levels, 33)
    standing = []
    for k in range(len(schedule.steps)):
        start, end = schedule.lit_time(k) + 0.2, schedule.lead + (k + 1) * schedule.step - RISE_LEAD
        for f in range(int(start * FPS), int(end * FPS)):
            spans = (projected(frames[f].pose, bounds, ASPECT)[:, :2] + 1) / 2
            cut = (spans[:, 0] < TITLE_SAFE) & (spans[:, 1] > 0) | (spans[:, 1] > 1 - TITLE_SAFE) & (spans[:, 0] < 1)
            standing += [(round(f / FPS, 2), scene.blocks[i].name) for i in np.flatnonzero(cut & (covers[f] < 0.99))]
    assert not standing, standing[::10]
