"""A followed forward pass's holds (watch 8: findings 1 and 7). Each stage's hold is still: the camera,
the light, the side covers and the caption change only within the step's first RISE_LEAD + travel, so
the lecture's 5 s stages hold still 4 s or more (the covers' ease from 0.5 s before a step to 0.4 s
after its travel left 3.3 s: the watcher saw the camera moving for 1.2-1.5 s of each 3 s step). And
while a stage is held, every block drawn (lit, the greyed next one, or fading) stands inside the frame,
else is covered whole (pool2, greyed, ran off the right edge at 24 s). Measured on the shot's frames
(poses and covers, as the export draws them) at 16:9 and 4:3, a LeNet in the lecture's 51 s pass."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest

from nnvox.scenes.follow import RISE_LEAD, pass_schedule, projected
from nnvox.scenes.shots import shot_frames
from nnvox.scenes.storyboard import CameraMove, Shot
from nnvox.viewer.theme import TITLE_SAFE
from tests.scenes.test_follow_covers import _covers

FPS, BESIDE, DURATION = 30, 0.14, 51.0  # the lecture's pass: a 1 s lead, nine 5 s stages, the answer


def _frames(scene, aspect: float, duration: float = DURATION):
    before = Shot(0, 7, Path("run"), camera=CameraMove(move="overview"))
    carried = shot_frames(before, scene, aspect, FPS, beside=BESIDE, safe=TITLE_SAFE)[-1].pose
    shot = Shot(1, duration, Path("run"), forward=True, camera=CameraMove(move="follow"), caption="The 9 flows")
    stages = tuple((b.name, f"{b.name}: on screen") for b in scene.blocks if b.order > 0)
    shot = dataclasses.replace(shot, stage_captions=stages)
    return shot_frames(shot, scene, aspect, FPS, carried=carried, beside=BESIDE, safe=TITLE_SAFE)


@pytest.fixture(scope="module")
def lenet_scene(lenet_run):
    from nnvox.scenes.build import build_scene

    return build_scene(lenet_run)


def _drawn_from(f) -> tuple:
    """All a frame is drawn from (export's _still): two frames alike draw the same picture."""
    pose = np.round(np.hstack(dataclasses.astuple(f.pose)), 7).tobytes()
    return pose, f.reveal, f.dimmed, repr(f.sides), f.caption, f.caption_shown, f.opened


def _longest_still(frames, first: int, end: int) -> float:
    """Seconds of the longest run of frames in [first, end) drawn alike."""
    keys = [_drawn_from(f) for f in frames[first:end]]
    best = run = 1
    for a, b in itertools.pairwise(keys):
        run = run + 1 if a == b else 1
        best = max(best, run)
    return best / FPS


@pytest.mark.parametrize("aspect", [16 / 9, 4 / 3])
@pytest.mark.parametrize("duration", [DURATION, 33.0])
def test_each_stage_holds_still_for_all_but_its_travel(lenet_scene, aspect, duration):
    frames = _frames(lenet_scene, aspect, duration)
    schedule = pass_schedule(lenet_scene.levels, duration)
    held = []
    for k in range(len(schedule.steps)):
        start = schedule.lead + k * schedule.step
        held.append(_longest_still(frames, round(start * FPS), round((start + schedule.step) * FPS)))
    least = schedule.step - schedule.travel - RISE_LEAD - 1.5 / FPS  # (the first step's: the carried dive's end)
    assert min(held) >= least, (least, held)
    if duration == DURATION:
        assert min(held) >= 4.0, held  # of each 5 s stage: a sentence said over a still picture


@pytest.mark.parametrize("aspect", [16 / 9, 4 / 3])
def test_every_block_drawn_while_a_stage_is_held_is_inside_the_frame(lenet_scene, aspect):
    frames = _frames(lenet_scene, aspect)
    schedule = pass_schedule(lenet_scene.levels, DURATION)
    covers = _covers(lenet_scene, frames, given=True)
    bounds = np.array([b.bounds for b in lenet_scene.blocks], float)
    outside = []
    for k in range(len(schedule.steps)):
        start, end = schedule.lit_time(k), schedule.lead + (k + 1) * schedule.step - RISE_LEAD
        for i in range(round(start * FPS), round(end * FPS)):
            extent = projected(frames[i].pose, bounds, aspect)  # left, right, bottom, top: -1..1 of the frame
            beyond = (extent[:, 0] < -1) | (extent[:, 1] > 1) | (extent[:, 2] < -1) | (extent[:, 3] > 1)
            visible = (extent[:, 1] > -1) & (extent[:, 0] < 1) & (extent[:, 3] > -1) & (extent[:, 2] < 1)
            for j in np.flatnonzero(beyond & visible & (covers[i] < 0.99)):
                outside.append((round(i / FPS, 1), lenet_scene.blocks[j].name, np.round(extent[j], 2).tolist()))
    assert not outside, outside[:: max(1, len(outside) // 12)]


@pytest.mark.parametrize("aspect", [16 / 9, 4 / 3])
def test_no_block_is_drawn_cut_by_a_side_edge_as_the_camera_travels_between_stages(lenet_scene, aspect):
    """From the first stage lit to the answer, a block a side edge cuts is covered whole: one the step
    brings in stays covered until it is inside (pool2, the greyed next block, slid in over the right
    edge uncovered for 0.5 s into relu2's step), one it leaves out is covered before it reaches it."""
    frames = _frames(lenet_scene, aspect)
    schedule = pass_schedule(lenet_scene.levels, DURATION)
    covers = _covers(lenet_scene, frames, given=True)
    bounds = np.array([b.bounds for b in lenet_scene.blocks], float)
    cut = []
    for i in range(round(schedule.lit_time(0) * FPS), round(schedule.answer_start * FPS)):
        extent = projected(frames[i].pose, bounds, aspect)
        edge = ((extent[:, 0] < -1) & (extent[:, 1] > -1)) | ((extent[:, 1] > 1) & (extent[:, 0] < 1))
        for j in np.flatnonzero(edge & (covers[i] < 0.95)):
            cut.append((round(i / FPS, 2), lenet_scene.blocks[j].name, round(float(covers[i, j]), 2)))
    assert not cut, cut[:: max(1, len(cut) // 12)]
