"""A camera key on a layer frames what is drawn with it: the input with the attribution plane
under it (the mistake shot's subject), above a caption where the shot has one."""

from __future__ import annotations

import dataclasses

import numpy as np

from nnvox.scenes.build import build_scene
from nnvox.scenes.camera import CameraPose
from nnvox.scenes.scene import SceneOptions
from nnvox.scenes.shot_subject import shot_subject
from nnvox.scenes.shots import camera_move, focused_bounds
from nnvox.scenes.storyboard import CameraKey, CameraMove, Shot
from nnvox.scenes.view import ViewSpec

ASPECT = 16 / 9
CAPTION_TOP = -0.55  # of the half height: the caption band and legends sit below (shots.CAPTIONED's lift and band)


def _screen(pose: CameraPose, bounds) -> np.ndarray:
    """A box's eight corners in the view's units: x across, y up, each -1..1 at the frame's edges."""
    corners = np.array([(x, y, z) for x in bounds[:2] for y in bounds[2:4] for z in bounds[4:]]) - pose.focal
    direction, up = np.asarray(pose.direction), np.asarray(pose.up)
    right = np.cross(up, direction)
    return np.c_[corners @ right / (pose.scale * ASPECT), corners @ up / pose.scale]


def test_a_key_on_the_input_frames_its_attribution_plane_above_the_caption(lenet_run):
    scene = build_scene(lenet_run, SceneOptions(attribution="integrated-gradients"))
    plane = next(b for b in scene.blocks if b.kind == "Attribution")
    framed = focused_bounds(scene)["input"]
    assert framed[4] <= plane.bounds[4] and framed[5] >= scene.blocks[0].bounds[5]  # both, top to bottom
    move = CameraMove(
        move="keys", keys=(CameraKey(at=0.0, target="layer:input", azimuth=0.0, elevation=0.0, zoom=1.0),)
    )
    pose = camera_move(move, scene, ASPECT, captioned=True)(0.5)
    for box in (plane.bounds, scene.blocks[0].bounds):
        seen = _screen(pose, box)
        assert np.all(np.abs(seen) <= 1.0), "the input and its plane are inside the frame"
        assert seen[:, 1].min() > CAPTION_TOP, "and above the caption"


def test_the_plane_under_a_focused_input_is_the_shots_subject():
    shot = Shot(line=1, duration=5.0, camera=CameraMove(move="keys", keys=(CameraKey(0.0, "layer:input"),)))
    assert "integrated-gradients" not in shot_subject(shot)
    shot = dataclasses.replace(shot, view=ViewSpec(attribution="integrated-gradients"))
    assert "integrated-gradients" in shot_subject(shot)


def test_a_close_up_on_the_input_centres_its_subject(lenet_run):
    """The mistake's last close-up: the input with its attribution plane whole and centred across
    the frame (within a tenth of its half width), their box at least half the frame's height."""
    scene = build_scene(lenet_run, SceneOptions(attribution="integrated-gradients"))
    move = CameraMove(move="keys", keys=(CameraKey(at=0.0, target="layer:input"),))
    pose = camera_move(move, scene, ASPECT, captioned=True)(1.0)
    seen = _screen(pose, focused_bounds(scene)["input"])
    assert np.all(np.abs(seen) <= 1.0)
    assert abs(seen[:, 0].min() + seen[:, 0].max()) / 2 <= 0.1
    assert np.ptp(seen[:, 1]) >= 1.0  # of the frame's height 2
