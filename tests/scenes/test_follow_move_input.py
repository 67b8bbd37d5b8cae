"""What a follow move (scenes/follow.py) does with what a storyboard gives it: a network of one level
(it raised ValueError framing a first stage that is not there), the move's azimuth, elevation and
zoom (dropped: every follow shot was seen from the overview's default angle), and a shot's frames
building the move once (camera_move and follow_sides each built it)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from nnvox.scenes import shots
from nnvox.scenes.camera import network_boxes, overview
from nnvox.scenes.follow import follow_covers, follow_move, pass_schedule, reveal_at
from nnvox.scenes.shots import CAPTIONED, camera_move
from nnvox.scenes.storyboard import CameraMove
from nnvox.viewer.theme import TITLE_SAFE
from tests.scenes.test_camera_framing import CASES

ASPECT = 16 / 9


def _chain(boxes) -> SimpleNamespace:
    chain = np.array(boxes, dtype=float).reshape(-1, 6)
    blocks = [SimpleNamespace(name=f"b{i}", order=i, bounds=tuple(b), kind="Conv2d") for i, b in enumerate(chain)]
    bounds = tuple(float(f(chain[:, i])) for i, f in zip(range(6), (np.min, np.max) * 3))
    return SimpleNamespace(blocks=blocks, levels=len(blocks), bounds=bounds, wrapped=False, edge_paths=[])


def _room(scene) -> dict:
    return {**CAPTIONED, "boxes": network_boxes(scene), "beside": 0.14, "safe": TITLE_SAFE}


def test_a_network_of_one_level_is_held_on_its_overview():
    scene = _chain(CASES["long"][:1])
    schedule = pass_schedule(scene.levels, 24)
    assert schedule.steps == () and schedule.answer_start == schedule.lead
    move = follow_move(scene, schedule, ASPECT, _room(scene))
    whole = overview(scene.bounds, ASPECT, **_room(scene))
    for p in np.linspace(0, 1, 7):
        assert np.allclose(move.pose(p).focal, whole.focal) and move.pose(p).scale == whole.scale
    boxes = np.array([b.bounds for b in scene.blocks])
    assert not follow_covers(move, boxes, ASPECT, TITLE_SAFE)(0.5).any(), "nothing covered"
    assert reveal_at(schedule, 0.0) == 0.0 and reveal_at(schedule, 12.0) == 1.0


def test_a_follow_move_is_seen_from_the_storyboards_angle():
    scene = _chain(CASES["lenet-like"])
    plain = camera_move(CameraMove(move="follow"), scene, ASPECT, True, 0.14, TITLE_SAFE, 24)
    turned = camera_move(CameraMove(move="follow", azimuth=30, elevation=15), scene, ASPECT, True, 0.14, TITLE_SAFE, 24)
    asked = overview(scene.bounds, ASPECT, azimuth=30, elevation=15, **_room(scene)).direction
    for p in np.linspace(0, 1, 9):
        assert np.allclose(turned(p).direction, asked), p  # every step, and the answer, from that angle
        assert not np.allclose(plain(p).direction, asked)
    zoomed = camera_move(CameraMove(move="follow", zoom=0.5), scene, ASPECT, True, 0.14, TITLE_SAFE, 24)
    assert zoomed(1.0).scale > 1.5 * plain(1.0).scale, "the answer held on the zoomed-out overview"


def test_a_follow_shots_frames_build_its_move_once(monkeypatch):
    from nnvox.scenes.storyboard import Shot

    scene = _chain(CASES["lenet-like"])
    built = []
    real = shots.follow_move
    monkeypatch.setattr(shots, "follow_move", lambda *a, **k: built.append(1) or real(*a, **k))
    shot = Shot(1, 24, Path("run"), forward=True, camera=CameraMove(move="follow"), caption="The 9 flows")
    camera = shots.camera_move(shot.camera, scene, ASPECT, True, 0.14, TITLE_SAFE, shot.duration)
    sides = shots.follow_sides(shot, scene, ASPECT, camera, 0.14, TITLE_SAFE, False)
    assert len(built) == 1 and sides(0.5)[0] > 0
