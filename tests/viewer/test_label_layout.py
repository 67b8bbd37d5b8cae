"""Block labels never pile up on screen: each is placed just outside its block's rectangle, moved
past what it meets (drawn with a line back to its block once moved), or hidden; the placement
depends on the camera alone. (The policy over the zoo, from the report: test_label_policy.py.)"""

import numpy as np
import pytest

from nnvox.viewer.label_layout import EDGE, GAP, MARGIN, block_rectangles, free_place, hits


def test_a_label_moves_just_clear_in_its_own_direction():
    taken = np.array([[0, 0, 100, 20]], dtype=float)
    up = free_place(np.array([50, 10, 150, 30], dtype=float), taken, +1, 500, 100)
    assert up == pytest.approx(20 - 10 + GAP, abs=0.01)  # up, just past the first
    lower = taken + np.array([0, 100, 0, 100])
    down = free_place(np.array([20, 95, 120, 115], dtype=float), lower, -1, 500, 100)
    assert down == pytest.approx(100 - 15 - 100 - GAP, abs=0.01)  # down, just below it


def test_a_label_with_no_room_within_reach_or_inside_the_picture_finds_none():
    stack = np.array([[0, 20 * k + 25, 100, 20 * k + 45] for k in range(6)], dtype=float)  # a column above
    label = np.array([0, 40, 100, 60], dtype=float)  # (clear of the margin: EDGE * 1000 from the bottom)
    assert free_place(label, stack, +1, 1000, 3 * 20) is None  # past reach
    assert free_place(label, stack, +1, 165, 1000) is None  # past the picture's top
    assert free_place(label, stack, +1, 1000, 1000) == pytest.approx(145 - 40 + GAP, abs=0.01)
    assert free_place(np.array([0, 1, 10, 5.0]), np.empty((0, 4)), -1, 100, 50) is None  # under MARGIN
    assert free_place(np.array([0, 8, 10, 12.0]), np.empty((0, 4)), -1, 1000, 50) is None  # inside EDGE
    assert MARGIN > 1 and EDGE * 1000 > 8


def test_block_rectangles_are_the_projected_boxes_extents():
    matrix = np.diag([0.1, 0.1, 0.1, 1.0])  # x, y in -10..10 -> the whole 200 x 100 pane
    rects = block_rectangles(np.array([[-1.0, 1.0, -2.0, 3.0, 0.0, 1.0]]), matrix, 200, 100)
    assert rects[0] == pytest.approx([90, 40, 110, 65])
    assert hits(rects[0], np.array([[111, 40, 120, 50.0]])).all()  # within GAP
    assert not hits(rects[0], np.array([[114, 40, 120, 50.0]])).any()


@pytest.mark.gl
def test_rendered_labels_keep_apart_point_back_and_stay_put(digits_run):
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.report import picture_report

    scene = build_scene(digits_run)
    r = OffscreenRenderer(scene, RenderOptions(width=960, height=540))
    layout = r.scene_renderer.label_layout
    try:
        r.scene_renderer.reset_camera(azimuth=-10)
        frame = scene.frame_at(len(digits_run.snapshots) - 1)
        r.render(frame)
        report = picture_report(r)
        assert not any(report["checks"].values())
        offsets = [a.actor.GetDisplayOffset() for a in layout.labels]
        assert layout.leaders.lines.GetNumberOfLines() > 0  # some labels moved: a line back to each

        r.scene_renderer.reset_camera(azimuth=40)  # elsewhere, then back: the same placement
        r.render(frame)
        r.scene_renderer.reset_camera(azimuth=-10)
        r.render(frame)
        assert [a.actor.GetDisplayOffset() for a in layout.labels] == offsets

        r.scene_renderer.reset_camera(zoom=1.05)  # closer: the first label would hang off the left edge
        r.render(frame)
        report = picture_report(r)
        assert not any(report["checks"].values())
        assert "input" in {lb["block"] for lb in report["labels"]}
    finally:
        r.close()


@pytest.mark.gl
def test_labels_take_the_side_their_lane_leaves_free():
    """A branch lane's block is labelled on its far side; a path block whose column has a branch above
    it, below; the rest alternate along the path. Two labels never share the gap between lanes."""
    from nnvox.capture.targets import open_target
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.scene import SceneOptions
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(open_target("seq-gpt", mode="weights"), SceneOptions(mode="weights"))
    lanes = {b.name: b.lane for b in scene.blocks}
    assert lanes["wpe"] > 0 and lanes["wte"] == 0  # the position embedding: a branch above the tokens'
    r = OffscreenRenderer(scene, RenderOptions(width=640, height=360))
    try:
        layout = r.scene_renderer.label_layout
        labelled = {b.name for b in scene.blocks if b.labelled}
        sides = {lb.block: lb.direction for lb in layout.labels if lb.block in labelled}
    finally:
        r.close()
    assert sides == {"wpe": 1, "wte": -1, "h.0.attn": 1, "h.0.mlp.0": -1, "h.0.mlp.2": 1, "head": -1}


@pytest.mark.gl
def test_block_labels_keep_clear_of_the_class_probabilities(digits_run):
    """An output's class names and probabilities stay beside its column; no block label lands on
    them (as relu3's did in the lecture video's view)."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.report import picture_report

    scene = build_scene(digits_run)
    r = OffscreenRenderer(scene, RenderOptions(width=1280, height=720))
    try:
        r.render(scene.frame_at(len(digits_run.snapshots) - 1))
        report = picture_report(r)
    finally:
        r.close()
    classes = [lb for lb in report["labels"] if lb["kind"] == "classes"]
    # fc2's ten rows, each beside its voxel, or (rows closer than a line of hall-sized text) its top 5
    assert len(classes) == 10 or (len(classes) == 1 and classes[0]["text"].startswith("top 5 of 10")), classes
    assert not any(report["checks"].values())
