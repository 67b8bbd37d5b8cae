"""Watch 5, 54.1 s: fc1's label stood 25 px right of relu2's shape line at 54 px capitals, and the
two read as one line: "16 × 10 × 10 fc1 · Linear". Two labels side by side (their boxes level
over some height) keep SPACE of a font size between them (label_layout: 0.6, was a word space, 0.3),
over LeNet's overviews at the lecture's angles."""

import numpy as np
import pytest

pytestmark = pytest.mark.gl

SIZE = (1920, 1080)
ANGLES = [(-10, 3), (0, 3), (12, 3), (-10, -15), (20, -5)]  # (azimuth, elevation) of the lecture's wide shots and more


def _closest_beside(layout) -> tuple[float, str]:
    """The smallest gap (in font sizes) between two labels shown side by side, and which."""
    font = {lb.block: lb.actor.GetTextProperty().GetFontSize() for lb in layout.labels}
    shown = [(b, np.asarray(box, float)) for kind, b, _, box in layout.placement.shown if kind == "block"]
    best = (np.inf, "")
    for i, (a, ab) in enumerate(shown):
        for b, bb in shown[i + 1 :]:
            level = min(ab[3], bb[3]) - max(ab[1], bb[1]) > 0
            gap = max(bb[0] - ab[2], ab[0] - bb[2])
            if level and gap >= 0:
                best = min(best, (gap / max(font[a], font[b]), f"{a} and {b} {gap:.0f} px apart"))
    return best


def test_labels_side_by_side_stand_apart_not_as_one_line(lenet_run):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.camera import overview
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    r = OffscreenRenderer(scene, RenderOptions(width=SIZE[0], height=SIZE[1]))
    try:
        pane = r.scene_renderer
        for azimuth, elevation in ANGLES:
            pane.apply_pose(
                overview(scene.bounds, pane.aspect, beside=pane.class_room(), azimuth=azimuth, elevation=elevation)
            )
            r.render(scene.frame_at(scene.n_snapshots - 1, sample=9))
            gap, which = _closest_beside(pane.label_layout)
            assert gap >= 0.6, f"at azimuth {azimuth}, elevation {elevation}: {which}, {gap:.2f} of a font size"
    finally:
        r.close()
