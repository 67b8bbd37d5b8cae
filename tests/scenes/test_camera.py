"""Camera poses and moves, as numbers: what is in view, how moves start, end and pass their keys."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.camera import (
    BAND,
    EASINGS,
    CameraPath,
    CameraPose,
    Key,
    blend,
    ease,
    flythrough,
    focus,
    orbit,
    overview,
    rotated,
)

SCENE = (0.0, 40.0, -3.0, 3.0, -4.0, 4.0)
BLOCK = (10.0, 14.0, -2.0, 2.0, -3.0, 3.0)
ASPECT = 16 / 9


def in_view(pose: CameraPose, box, aspect=ASPECT) -> float:
    """How much of the view the box's corners reach: <= 1 means inside (1 = touching an edge)."""
    d = np.asarray(pose.direction)
    up = np.asarray(pose.up)
    right = np.cross(-d, up)
    x0, x1, y0, y1, z0, z1 = box
    corners = np.array([[x, y, z] for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]) - pose.focal
    return max(np.abs(corners @ up).max() / pose.scale, np.abs(corners @ right).max() / (pose.scale * aspect))


@pytest.mark.parametrize("name", sorted(EASINGS))
def test_easings_start_at_0_end_at_1_and_never_go_back(name):
    us = np.linspace(0, 1, 101)
    values = [ease(name, u) for u in us]
    assert values[0] == pytest.approx(0) and values[-1] == pytest.approx(1)
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(values))
    with pytest.raises(NnvoxError, match="unknown easing 'bouncy'"):
        ease("bouncy", 0.5)


def test_the_overview_shows_the_whole_network_with_room_for_labels_and_legend():
    pose = overview(SCENE, ASPECT)
    labelled = (*SCENE[:4], SCENE[4] - 3, SCENE[5] + 3)
    assert 0.7 < in_view(pose, labelled) <= 0.95  # filling the band or the width's margin, not more
    assert np.dot(pose.direction, pose.up) == pytest.approx(0, abs=1e-9)
    half = overview(SCENE, ASPECT, zoom=2.0)
    assert half.scale == pytest.approx(pose.scale / 2)
    # a wide image: the network is limited by the height band, not the width
    wide = overview(SCENE, 4.0)
    corners_up = in_view(wide, (SCENE[0], SCENE[1], SCENE[2], SCENE[3], SCENE[4] - 3, SCENE[5] + 3), 4.0)
    assert corners_up <= BAND + 0.06 + 1e-6  # the band, shifted up 6% to clear the legend


def test_focus_frames_one_block_closer_than_the_overview():
    whole, close = overview(SCENE, ASPECT), focus(BLOCK, SCENE, ASPECT)
    assert close.scale < whole.scale * 0.6
    assert in_view(close, BLOCK) <= 1.0
    assert in_view(close, SCENE) > 1.5  # the rest of the network runs out of the picture
    assert np.allclose(np.asarray(close.focal)[0], 12.0, atol=1.0)


def test_blend_runs_from_one_pose_to_the_other_with_an_even_zoom():
    a, b = overview(SCENE, ASPECT), focus(BLOCK, SCENE, ASPECT)
    assert np.allclose(blend(a, b, 0.0).focal, a.focal) and blend(a, b, 0.0).scale == pytest.approx(a.scale)
    end = blend(a, b, 1.0)
    assert (
        np.allclose(end.focal, b.focal)
        and np.allclose(end.direction, b.direction)
        and end.scale == pytest.approx(b.scale)
    )
    mid = blend(a, b, 0.5)
    assert mid.scale == pytest.approx(math.sqrt(a.scale * b.scale))
    assert np.linalg.norm(mid.direction) == pytest.approx(1.0)


def test_an_orbit_keeps_one_zoom_and_turns_by_its_degrees():
    swing = orbit(SCENE, ASPECT, 60.0)
    start, middle, end = swing(0.0), swing(0.5), swing(1.0)
    assert start.scale == middle.scale == end.scale
    assert np.allclose(middle.direction, overview(SCENE, ASPECT).direction)
    turn = math.degrees(
        math.atan2(end.direction[1], end.direction[0]) - math.atan2(start.direction[1], start.direction[0])
    )
    assert turn % 360 == pytest.approx(60.0, abs=1e-6)
    for s in np.linspace(0, 1, 7):
        assert in_view(swing(s), SCENE) <= 1.0 + 1e-9  # every angle fits
    assert np.allclose(rotated(start, 60.0).direction, end.direction)


def test_a_keyframed_path_passes_its_keys_in_order():
    a, b, c = overview(SCENE, ASPECT), focus(BLOCK, SCENE, ASPECT), overview(SCENE, ASPECT, azimuth=30)
    for spline in (False, True):
        path = CameraPath((Key(0.0, a), Key(0.4, b, "linear"), Key(1.0, c, "smooth")), spline=spline)
        assert np.allclose(path.at(0.0).focal, a.focal) and np.allclose(path.at(0.4).focal, b.focal)
        assert np.allclose(path.at(1.0).direction, c.direction) and path.at(1.0).scale == pytest.approx(c.scale)
    with pytest.raises(NnvoxError, match="in order from 0 to 1"):
        CameraPath((Key(0.5, a), Key(0.2, b)))
    with pytest.raises(NnvoxError, match="unknown easing"):
        CameraPath((Key(0.0, a), Key(1.0, b, "wobble")))


def test_a_flythrough_travels_forward_along_the_network():
    blocks = [(x, x + 3.0, -2.0, 2.0, -2.0, 2.0) for x in range(0, 40, 5)]
    path = flythrough(blocks, SCENE, ASPECT, waypoints=5)
    xs = [path.at(s).focal[0] for s in np.linspace(0, 1, 41)]
    assert all(b >= a - 1e-6 for a, b in itertools.pairwise(xs))
    assert xs[0] < 6 and xs[-1] > 32
    assert max(path.at(s).scale for s in np.linspace(0, 1, 11)) < overview(SCENE, ASPECT).scale * 0.6


def test_a_flythrough_of_a_wrapped_network_stays_close_at_row_changes():
    rows = [(x, x + 3.0, -2.0, 2.0, z - 2.0, z + 2.0) for z in (8.0, -8.0) for x in range(0, 40, 5)]
    scene = (0.0, 40.0, -3.0, 3.0, -12.0, 12.0)
    path = flythrough(rows, scene, ASPECT, waypoints=16)
    scales = [path.at(s).scale for s in np.linspace(0, 1, 161)]
    assert max(scales) < 1.5 * min(scales)  # no waypoint frames the end of one row and the start of the next


def test_saved_views_read_back_and_bad_ones_are_named():
    pose = focus(BLOCK, SCENE, ASPECT)
    again = CameraPose.from_dict(pose.to_dict())
    assert np.allclose(again.focal, pose.focal, atol=1e-5) and again.scale == pytest.approx(pose.scale, rel=1e-5)
    import tomllib

    from nnvox.scenes.camera import view_file_text

    written = CameraPose.from_dict(tomllib.loads(view_file_text(pose, "a test view"))["camera"])
    assert np.allclose(written.direction, pose.direction, atol=1e-5) and written.scale == pytest.approx(
        pose.scale, rel=1e-5
    )
    with pytest.raises(NnvoxError, match="scale missing"):
        CameraPose.from_dict({"focal": [0, 0, 0], "direction": [1, 0, 0], "up": [0, 0, 1]})
    with pytest.raises(NnvoxError, match="positive number"):
        CameraPose.from_dict({"focal": [0, 0, 0], "direction": [1, 0, 0], "up": [0, 0, 1], "scale": -1})
