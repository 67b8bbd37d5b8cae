"""Issue 17 item 6: the overview reads left to right and fills the frame. Its angle is chosen from
the blocks (camera.framing_angle): the chain within MAX_SLOPE of level, every map face in sight
with room around it, the blocks as large as the width allows. Checked as numbers on chains like
the zoo's: a long one, a short one, one wrapped into rows, one with a side branch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnvox.scenes import camera
from nnvox.scenes.camera import CLEAR, FACE_SEEN, MAX_SLOPE, Network, overview
from nnvox.scenes.framing import chain_slope, sight

ASPECT = 16 / 9


def _towards(azimuth: float, elevation: float) -> np.ndarray:
    """A direction (focal point to eye) `azimuth` degrees from the front (-y) towards -x, `elevation` up."""
    a, e = math.radians(azimuth), math.radians(elevation)
    return np.array([-math.cos(e) * math.sin(a), -math.cos(e) * math.cos(a), math.sin(e)])


def _chain(sides, gap: float = 1.0, x: float = 0.0, z: float = 0.0) -> list[tuple]:
    """Blocks along x (length, square face side), each `gap` x its face past the one before, as the
    layout spaces them (a gap as wide as the face, for the side face seen from the front-left)."""
    out = []
    for length, side in sides:
        out.append((x, x + length, -side / 2, side / 2, z - side / 2, z + side / 2))
        x += length + 4 + gap * side
    return out


LENET_LIKE = _chain([(1, 24), (14, 24), (14, 24), (16, 14), (38, 10), (38, 10), (19, 5), (1, 12), (1, 12), (4, 36)])
LONG = _chain([(8, 20)] * 30)
SHORT = _chain([(1, 8), (6, 8), (3, 12)])
WRAPPED = _chain([(2, 16)] * 8, z=30.0) + _chain([(2, 16)] * 8, z=-30.0)
BRANCHED = [*LENET_LIKE[:5], (60.0, 64.0, -2.0, 2.0, 20.0, 24.0), *LENET_LIKE[5:]]  # a squeeze above conv2

CASES = {"lenet-like": LENET_LIKE, "long": LONG, "short": SHORT, "wrapped": WRAPPED, "branched": BRANCHED}


def _network(blocks) -> tuple[tuple, Network]:
    b = np.array(blocks, dtype=float)
    bounds = (b[:, 0].min(), b[:, 1].max(), b[:, 2].min(), b[:, 3].max(), b[:, 4].min(), b[:, 5].max())
    return bounds, Network(b, np.zeros((0, 6)))


def test_a_chains_slope_on_screen_is_that_of_its_axis():
    for azimuth, elevation in ((45, 16), (30, 5), (60, 0), (20, -10)):
        expected = math.degrees(math.atan(math.tan(math.radians(azimuth)) * math.sin(math.radians(elevation))))
        assert chain_slope(_towards(azimuth, elevation)) == pytest.approx(expected, abs=1e-9)


def test_sight_sees_a_face_whole_half_hidden_or_edge_on():
    face_on = sight(np.array([(0.0, 1.0, 0.0, 4.0, 0.0, 2.0)]), np.array([-1.0, 0.0, 0.0]), rays=200)
    assert face_on.faces[0] == pytest.approx(1.0) and face_on.covered == pytest.approx(8.0, rel=0.03)
    # a second box straight behind the first, half as high again: its face shows above the first only
    behind = sight(np.array([(0.0, 1.0, 0.0, 4.0, 0.0, 2.0), (3.0, 4.0, 0.0, 4.0, 0.0, 4.0)]), np.array([-1.0, 0, 0]))
    assert behind.faces[0] == pytest.approx(1.0) and behind.faces[1] == pytest.approx(0.5, abs=0.03)
    edge_on = sight(np.array([(0.0, 1.0, 0.0, 4.0, 0.0, 2.0)]), np.array([0.0, -1.0, 0.0]))
    assert np.isnan(edge_on.faces[0])  # no map face to see from straight in front
    # side by side with a gap of 0.4 (10% of the face): in sight, but not with 20% clear around each
    apart = np.array([(0.0, 1.0, 0.0, 4.0, 0.0, 4.0), (0.0, 1.0, 4.4, 8.4, 0.0, 4.0)])
    assert sight(apart, np.array([-1.0, 0, 0]), clear=0.05).faces.min() == pytest.approx(1.0)
    assert sight(apart, np.array([-1.0, 0, 0]), clear=0.2).faces.min() < 0.95


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_overview_reads_left_to_right_with_every_map_face_in_sight(name):
    bounds, boxes = _network(CASES[name])
    pose = overview(bounds, ASPECT, boxes=boxes, wrapped=name == "wrapped")
    d = np.asarray(pose.direction)
    assert abs(chain_slope(d)) <= MAX_SLOPE + 1e-9, name  # the old angle: 16-18 degrees, a rising diagonal
    assert np.nanmin(sight(boxes.blocks, d, clear=CLEAR).faces) >= FACE_SEEN, name
    assert abs(d[0]) >= math.sin(math.radians(25)) - 1e-9, name  # the faces turned to the camera, not edge-on
    corners = camera._corners(boxes.blocks, camera.LABEL_ROOM) - np.asarray(pose.focal)
    right = np.cross(-d, pose.up)
    across, high = np.abs(corners @ right) / (pose.scale * ASPECT), np.abs(corners @ np.asarray(pose.up)) / pose.scale
    assert across.max() <= 1.0 and high.max() <= 1.0, name  # nothing, labels' room included, past an edge
    if name in ("lenet-like", "long"):  # a row of blocks longer than 16:9 is fitted by the width
        signed = corners @ right / (pose.scale * ASPECT)
        assert (signed.max() - signed.min()) / 2 >= camera.WIDTH_FILL - 1e-9, name


@pytest.mark.parametrize("aspect", [16 / 9, 4 / 3])
@pytest.mark.parametrize("name", ["lenet-like", "long", "short"])
def test_the_overview_keeps_room_beside_the_output_for_its_class_texts(name, aspect):
    """`beside` (of the frame's width) is free right of the output (the last block), whatever the
    network's shape or the frame's, every block still in the picture; none asked, the network is
    centred (it sat LEAN = 4% left of centre, too little room for the list of top classes)."""
    bounds, boxes = _network(CASES[name])
    for beside in (0.0, 0.1, 0.2):
        pose = overview(bounds, aspect, boxes=boxes, beside=beside, azimuth=-10.0, elevation=-3.0)
        d, up = np.asarray(pose.direction), np.asarray(pose.up)
        right = np.cross(-d, up)
        # -1..1: the frame's edges
        across = (camera._corners(boxes.blocks, 0.0) - np.asarray(pose.focal)) @ right / (pose.scale * aspect)
        output, network = across[-8:], across  # the last block's eight corners
        assert network.min() >= -1.0 and network.max() <= 1.0, (name, beside)
        if beside:
            assert output.max() <= 1.0 - 2 * beside + 1e-9, (name, beside)  # its room free to the right edge
            if name != "short":  # a long row fills the rest (a short one is fitted by the height)
                assert network.min() == pytest.approx(-1.0 + 2 * camera.INPUT_SIDE), (name, beside)
        else:
            assert network.min() + network.max() == pytest.approx(0.0, abs=1e-9), name


def test_turning_further_along_the_chain_would_fill_more_but_stack_the_blocks():
    """The rule is what stops the turn: past the chosen angle the blocks would cover more of the
    picture, but a block's face would go behind its neighbour."""
    bounds, boxes = _network(LONG)
    chosen = overview(bounds, ASPECT, boxes=boxes)
    turned = overview(bounds, ASPECT, boxes=boxes, azimuth=-20.0)  # 20 degrees more towards the input's end
    assert turned.scale < chosen.scale * 0.9  # the blocks larger ...
    assert np.nanmin(sight(boxes.blocks, np.asarray(turned.direction), clear=CLEAR).faces) < FACE_SEEN  # ... stacked


def test_a_tall_network_is_seen_level_and_a_long_one_from_a_little_above():
    """Elevation lengthens the picture upwards: a network limited by the frame's height (rows) is
    seen level, one limited by its width a little from above, its blocks' tops in sight."""
    bounds, boxes = _network(WRAPPED)
    assert overview(bounds, ASPECT, boxes=boxes, wrapped=True).direction[2] == pytest.approx(0.0, abs=1e-9)
    bounds, boxes = _network(LONG)
    assert math.degrees(math.asin(overview(bounds, ASPECT, boxes=boxes).direction[2])) > 2.0


def test_framing_is_weighed_once_per_network_and_frame(monkeypatch):
    """A camera move asks for the overview at every frame: the angles are weighed once."""
    calls = []
    monkeypatch.setattr(camera, "sight", lambda *a, **k: calls.append(1) or sight(*a, **k))
    bounds, boxes = _network(SHORT)
    first = camera.framing_angle(bounds, 1.2345, long=False, boxes=boxes)
    weighed = len(calls)
    assert weighed == 2 * len(camera.FRAMING_AZIMUTHS)  # level and a little above, at each azimuth
    again = camera.framing_angle(bounds, 1.2345, long=False, boxes=Network(boxes.blocks.copy(), boxes.routes))
    assert again == first and len(calls) == weighed
