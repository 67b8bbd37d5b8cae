"""The forward pass paced for a class and the camera that follows it (scenes/follow.py; watch 5,
findings 1 and 2: a stage lit every 1.1 s, the answer up 2.2 s, the whole network a 170-200 px band).
One schedule drives the light and the camera: each stage lit, held and framed close while it is read,
the answer held still at the end. Measured as projected sizes at 1080p on a LeNet and a ResNet."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import torch

from nnvox.models.zoo import digits_resnet
from nnvox.scenes.build import build_scene
from nnvox.scenes.follow import ANSWER_SECONDS, STEP_SECONDS, pass_schedule, projected, reveal_at
from nnvox.scenes.frames import lit_at, pulses
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.shots import camera_move, shot_frames
from nnvox.scenes.storyboard import CameraMove, Shot, ViewSpec
from nnvox.viewer.theme import TITLE_SAFE
from tests.scenes.test_layout_graphs import run_of

ASPECT, FPS, HEIGHT = 16 / 9, 30, 1080
BESIDE = 0.14  # the class texts' room beside the output (about the lecture's at 1080p)
CAPTION = "The 9 flows left to right"


def test_the_lectures_pass_gives_each_stage_three_seconds_and_the_answer_four():
    schedule = pass_schedule(10, 33)  # mnist-lenet: the input and nine stages, in the lecture's 33 s shot
    assert list(schedule.steps) == [(k, k) for k in range(1, 10)]
    # each stage lit over 0.8 s, then held 2.2 s still (watch 6: 1 s a stage was a fly-through)
    assert schedule.step == pytest.approx(3.0) and schedule.travel == pytest.approx(0.8)
    assert schedule.duration - schedule.answer_start >= ANSWER_SECONDS + schedule.pull - 1e-9
    reveals = [reveal_at(schedule, t) for t in np.linspace(0, 33, 991)]
    assert all(b >= a for a, b in itertools.pairwise(reveals)) and reveals[-1] == 1.0
    for k, (first, last) in enumerate(schedule.steps):  # when stage k is lit, the next is still dark
        reveal = reveal_at(schedule, schedule.lit_time(k))
        assert lit_at(reveal, last, 10) == pytest.approx(1.0) and lit_at(reveal, last + 1, 10) == pytest.approx(0.0)
        held = [reveal_at(schedule, t) for t in np.linspace(schedule.lit_time(k), schedule.lit_time(k) + 2.2, 9)]
        assert max(held) - min(held) < 1e-9, f"stage {first} not held"


def test_a_deep_network_steps_through_runs_of_levels_no_shorter_than_a_class_can_read():
    schedule = pass_schedule(80, 23)
    levels = [level for first, last in schedule.steps for level in range(first, last + 1)]
    assert levels == list(range(1, 80))
    assert schedule.step >= STEP_SECONDS and len(schedule.steps) < 79


@pytest.fixture(scope="module")
def resnet_scene(tmp_path_factory):
    torch.manual_seed(0)
    run = run_of(digits_resnet(), torch.randn(2, 1, 8, 8), tmp_path_factory.mktemp("resnet") / "run")
    return build_scene(run, SceneOptions(group=True))


def _frames(scene, duration=24.0):
    shot = Shot(1, duration, Path("run"), forward=True, camera=CameraMove(move="follow"), caption=CAPTION)
    return shot, shot_frames(shot, scene, ASPECT, FPS, beside=BESIDE, safe=TITLE_SAFE)


def _heights(pose, boxes) -> np.ndarray:
    extent = projected(pose, boxes, ASPECT)
    return (extent[:, 3] - extent[:, 2]) / 2 * HEIGHT


def _check_follow(scene, least_px: float, least_growth: float, typical_growth: float):
    shot, frames = _frames(scene)
    schedule = pass_schedule(scene.levels, shot.duration)
    boxes = np.array([b.bounds for b in scene.blocks])
    orders = np.array([b.order for b in scene.blocks])
    growth = []
    overview = camera_move(CameraMove(), scene, ASPECT, True, BESIDE, TITLE_SAFE)(0.0)
    for k, (first, last) in enumerate(schedule.steps):
        f = _at(frames, schedule, schedule.lit_time(k) + 0.05)
        stage = (orders >= first) & (orders <= last)
        extent = projected(f.pose, boxes[stage], ASPECT)
        inside = 1 - 2 * TITLE_SAFE
        assert (extent[:, :2] >= -inside).all() and (extent[:, :2] <= inside).all(), f"stage {first} leaves the frame"
        assert (extent[:, 2:] >= -inside).all() and (extent[:, 2:] <= inside).all(), f"stage {first} leaves the frame"
        tallest = _heights(f.pose, boxes[stage]).max()
        assert tallest >= least_px, f"stage {first}: {tallest:.0f} px"
        growth.append(tallest / _heights(overview, boxes[stage]).max())
        assert growth[-1] >= least_growth, f"stage {first} not closer: x{growth[-1]:.2f}"
        hold = schedule.step - schedule.travel
        held = {_at(frames, schedule, schedule.lit_time(k) + d).pose for d in (0.05, hold / 2, hold - 0.05)}
        assert len(held) == 1, f"the camera slides while stage {first} is read"
    assert np.median(growth) >= typical_growth, growth
    _check_smooth(frames)
    # the neighbours a close frame's side edges cut fade there (close_up.fade_bands); none on the answer's overview
    # (each block's cover given with them, eased in time: follow.follow_covers; none left at the end)
    assert max(max(f.sides[:2]) for f in frames[: len(frames) // 2]) > 0.05
    assert frames[-1].sides[:2] == (0.0, 0.0) and not frames[-1].sides[2]
    end = [f.pose for f in frames[-round(4.0 * FPS) :]]
    assert len(set(end)) == 1 and frames[-1].reveal == 1.0  # the answer held still over the last 4 s
    output = projected(end[0], boxes[orders == scene.levels - 1], ASPECT)
    assert (output[:, 1] <= 1 - 2 * BESIDE + 1e-6).all(), "no room for the class rows"  # (its edge margin included)


def _at(frames, schedule, seconds: float):
    """The first frame at or after `seconds` into the shot."""
    return next(f for f in frames if f.progress * schedule.duration >= seconds)


def _on_screen(a, b) -> float:
    """How far the picture moves between poses `a` and `b`, in `a`'s frame heights (along the view: nothing)."""
    moved = np.subtract(b.focal, a.focal)
    moved -= np.asarray(a.direction) * float(np.dot(moved, a.direction))
    return float(np.linalg.norm(moved)) / (2 * a.scale)


def _check_smooth(frames):
    """No jump: between two frames the picture moves under 6% of the frame's height and the zoom
    changes under 5% (measured on the lecture's LeNet: at most 4.5% and 3.2%, eased over 0.8 s; a cut
    between two stages' framings moves it 50-80%)."""
    for a, b in itertools.pairwise(frames):
        moved = _on_screen(a.pose, b.pose)
        assert moved < 0.06 and abs(np.log(b.pose.scale / a.pose.scale)) < 0.05, (a.progress, moved)


def test_the_camera_follows_lenets_pass_stage_by_stage_close_up(lenet_run):
    scene = build_scene(lenet_run, ViewSpec(sample=9).scene_options())
    _check_follow(scene, least_px=120, least_growth=1.6, typical_growth=1.9)


def test_the_camera_follows_a_resnets_pass_with_its_side_branch(resnet_scene):
    # its downsampling branch lights with the main path, a lane apart: that stage frames both lanes
    _check_follow(resnet_scene, least_px=25, least_growth=1.1, typical_growth=1.8)


@pytest.mark.parametrize("case", ["thirty", "wrapped", "branched"])  # ("long" marks a slow variant)
def test_a_long_wrapped_or_branched_chain_is_followed_close_and_inside_the_frame(case):
    """Chains like the zoo's (test_camera_framing): 30 blocks, two rows, a side branch over conv2."""
    from types import SimpleNamespace

    from nnvox.scenes.camera import network_boxes, overview
    from nnvox.scenes.follow import follow_move
    from nnvox.scenes.shots import CAPTIONED
    from tests.scenes.test_camera_framing import CASES

    chain = np.array(CASES["long" if case == "thirty" else case], dtype=float)
    orders = np.arange(len(chain))
    if case == "branched":  # the branch (index 5) at conv2's level, beside it
        orders = np.array([0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9])
    blocks = [
        SimpleNamespace(name=f"b{i}", order=int(o), bounds=tuple(b)) for i, (o, b) in enumerate(zip(orders, chain))
    ]
    bounds = tuple(float(f(chain[:, i])) for i, f in zip(range(6), (np.min, np.max) * 3))
    wrapped = case == "wrapped"
    scene = SimpleNamespace(blocks=blocks, levels=int(orders.max()) + 1, bounds=bounds, wrapped=wrapped, edge_paths=[])
    room = {**CAPTIONED, "boxes": network_boxes(scene), "beside": BESIDE, "safe": TITLE_SAFE}
    schedule = pass_schedule(scene.levels, 24)
    move = follow_move(scene, schedule, ASPECT, room, wrapped)
    whole = overview(bounds, ASPECT, wrapped=wrapped, **room)
    inside = 1 - 2 * TITLE_SAFE
    for k, (first, last) in enumerate(schedule.steps):
        stage = chain[(orders >= first) & (orders <= last)]
        extent = projected(move.pose((schedule.lit_time(k) + 0.05) / 24), stage, ASPECT)
        assert (np.abs(extent) <= inside).all(), (case, first, extent)
        growth = (extent[:, 3] - extent[:, 2]).max() / np.ptp(projected(whole, stage, ASPECT)[:, 2:], axis=1).max()
        assert growth >= 1.5, (case, first, growth)


def _fraction_on(path: np.ndarray, point: np.ndarray) -> float | None:
    """How far (0..1 of its length) `point` lies along the polyline `path`; None where it is off it."""
    seg = np.diff(path, axis=0)
    lengths = np.linalg.norm(seg, axis=1)
    walked = 0.0
    for start, d, length in zip(path[:-1], seg, lengths):
        u = float(np.clip(np.dot(point - start, d) / max(length**2, 1e-12), 0.0, 1.0))
        if np.linalg.norm(start + u * d - point) < 1e-6:
            return (walked + u * length) / lengths.sum()
        walked += length
    return None


def _check_pulses(scene):
    """F's note on the follow camera's pass: each dot stood still a third of the way along its wire
    through every 1.2 s hold (its travel was tied to the pass's progress, which holds). Now no dot is in the same
    place for more than STILL frames, and as each stage is lit every wire into it has its dot near
    the stage's end of it (measured on the frames' own reveal, as shot_frames gives it)."""
    shot, frames = _frames(scene)
    schedule = pass_schedule(scene.levels, shot.duration)
    dots = [pulses(scene, f.reveal) for f in frames]
    for i in range(len(dots) - STILL):
        still = [
            p
            for p in dots[i]
            if all(np.isclose(later, p, atol=1e-9).all(1).any() for later in dots[i + 1 : i + STILL + 1])
        ]
        assert not still, f"a dot stands still from {frames[i].progress * shot.duration:.2f} s"
    order = {b.name: b.order for b in scene.blocks}
    for (s, d), path in zip(scene.edges, scene.edge_paths):
        dark = [i for i, f in enumerate(frames) if lit_at(f.reveal, order[d], scene.levels) < 1.0]
        along = [f for p in dots[dark[-1]] if (f := _fraction_on(np.asarray(path), p)) is not None]
        assert along and max(along) >= 0.8, f"{s} -> {d}: dots at {along} the frame before {d} is lit"
    held = [
        len(dots[frames.index(_at(frames, schedule, schedule.lit_time(k) + 0.1))]) for k in range(len(schedule.steps))
    ]
    assert held == [0] * len(held), held  # the holds are the lecturer's: nothing travels in them


STILL = 3  # frames (0.1 s at 30 fps) a dot may stand in one place: a pass easing in or out


def test_lenets_dots_travel_as_each_stage_lights_and_never_stand_mid_wire(lenet_run):
    _check_pulses(build_scene(lenet_run, ViewSpec(sample=9).scene_options()))


def test_a_resnets_dots_travel_its_skip_wires_too_and_never_stand_mid_wire(resnet_scene):
    _check_pulses(resnet_scene)
