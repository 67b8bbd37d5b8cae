"""Block labels never pile up on screen: overlapping ones are pushed apart, each drawn with a line back
to its block once moved, and the placement depends on the camera alone."""

import numpy as np
import pytest

from nnvox.viewer.label_layout import GAP, REACH, spread


def _area(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


def test_overlapping_labels_move_just_clear_in_their_own_direction():
    boxes = np.array([[0, 0, 100, 20], [50, 10, 150, 30], [20, -5, 120, 15]], dtype=float)
    offsets = spread(boxes, np.array([1.0, 1.0, -1.0]))
    assert offsets[0] == 0  # the first keeps its place
    assert offsets[1] == pytest.approx(20 - 10 + GAP)  # up, just past the first
    assert offsets[2] == pytest.approx(0 - 15 - GAP)  # down, just below the first
    moved = boxes + np.column_stack([0 * offsets, offsets, 0 * offsets, offsets])
    assert all(_area(moved[i], moved[j]) == 0 for i in range(3) for j in range(i))


def test_labels_keep_clear_of_fixed_text():
    fixed = np.array([[40, 0, 140, 60]], dtype=float)  # a column of class names, say
    offsets = spread(np.array([[0, 30, 100, 50]], dtype=float), np.array([-1.0]), fixed)
    assert offsets[0] == pytest.approx(0 - 50 - GAP)  # down, just below it


def test_a_label_with_no_room_its_way_tries_the_other_and_never_goes_beyond_reach():
    stack = np.array([[0, 20 * k, 100, 20 * k + 20] for k in range(6)], dtype=float)  # a column above
    label = np.array([[0, 5, 100, 25]], dtype=float)
    offsets = spread(np.vstack([stack, label]), np.array([1.0] * 7))
    assert offsets[-1] < 0  # no room up within reach: down instead
    assert abs(offsets[-1]) <= REACH * 20
    crowded = np.array([[0, 20 * k, 100, 20 * k + 20] for k in range(-6, 7)] + [[0, 5, 100, 25]], dtype=float)
    assert abs(spread(crowded, np.ones(len(crowded)))[-1]) <= REACH * 20  # nowhere free: stays within reach


@pytest.mark.gl
def test_rendered_labels_do_not_overlap_and_moved_ones_point_back(digits_run):
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(digits_run)
    r = OffscreenRenderer(scene, RenderOptions(width=960, height=540))
    layout = r.scene_renderer.label_layout
    try:

        def boxes():  # where each label is drawn (anchor plus offset), from vtk itself
            out = []
            for actor, (w, h), d in zip(layout.actors, layout._sizes, layout.directions):
                x, y = actor.GetAnchorDC()[:2]
                out.append([x - w / 2, y if d > 0 else y - h, x + w / 2, (y if d > 0 else y - h) + h])
            return out

        def overlap(b):
            return sum(_area(b[i], b[j]) for i in range(len(b)) for j in range(i))

        r.scene_renderer.reset_camera(azimuth=-10)  # a view where fc1's and fc2's labels meet
        frame = scene.frame_at(len(digits_run.snapshots) - 1)
        r.render(frame)
        placed, offsets = boxes(), [a.GetDisplayOffset()[1] for a in layout.actors]
        assert overlap(placed) == 0 and any(offsets)
        assert layout._leader_lines.GetNumberOfLines() == sum(abs(o) > 2 * GAP for o in offsets)

        r.scene_renderer.reset_camera(azimuth=40)  # elsewhere, then back: the same placement
        r.render(frame)
        r.scene_renderer.reset_camera(azimuth=-10)
        r.render(frame)
        assert [a.GetDisplayOffset()[1] for a in layout.actors] == offsets

        r.scene_renderer.reset_camera(zoom=1.2)  # closer: the first label would hang off the left edge
        r.render(frame)
        x0, _, _x1, _ = boxes()[0]
        assert x0 >= 0 and layout.actors[0].GetDisplayOffset()[0] > 0
        assert all(
            b[2] <= 960
            for b, a in zip(boxes(), layout.actors)
            if 0 <= a.GetAnchorDC()[0] - a.GetDisplayOffset()[0] <= 960
        )

        r.scene_renderer.reset_camera(azimuth=-10)
        r.scene_renderer.overlay.RemoveAllObservers()  # without the layout, they would overlap
        for actor in layout.actors:
            actor.SetDisplayOffset(0, 0)
        r.render(frame)
        assert overlap(boxes()) > 0
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
        sides = dict(zip((b.name for b in scene.blocks if b.labelled), layout.directions))
    finally:
        r.close()
    assert sides == {"wpe": 1, "wte": -1, "h.0.attn": 1, "h.0.mlp.0": -1, "h.0.mlp.2": 1, "head": -1}


@pytest.mark.gl
def test_block_labels_keep_clear_of_the_class_probabilities(digits_run):
    """An output's class names and probabilities stay put; a block label that would land on them
    (as relu3's did in the lecture video's view) moves clear."""
    from nnvox.scenes.build import build_scene
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(digits_run)
    w, h = 1280, 720
    r = OffscreenRenderer(scene, RenderOptions(width=w, height=h))
    try:
        layout = r.scene_renderer.label_layout
        assert len(layout._fixed) == 10  # fc2's ten class texts
        relu3 = [b.name for b in scene.blocks if b.labelled].index("relu3")
        layout.anchors[relu3, :3] = layout._fixed_anchors[8, :3]  # as if its block stood there
        layout.directions[relu3] = -1
        r.render(scene.frame_at(len(digits_run.snapshots) - 1))
        m = r.scene_renderer.overlay.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / h, -1, 1)
        fixed = layout._fixed_boxes(np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)]), w, h)
        x, y = layout.actors[relu3].GetAnchorDC()[:2]
        tw, th = layout._sizes[relu3]
        box = [x - tw / 2, y - th, x + tw / 2, y]
        assert layout.actors[relu3].GetDisplayOffset()[1] < 0  # moved down
        assert sum(_area(box, f) for f in fixed) <= 0.05 * tw * th  # clear of every class text
    finally:
        r.close()
