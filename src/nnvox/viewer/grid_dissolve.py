"""A storyboard frame that dissolves from its own camera pose into a second one (shots.ShotFrame's
`dissolve`): drawn at both and mixed, so that grids the second pose frames fade in whole where a
camera move between the two would slide them in across the frame's edge, cut by it. The texts are
one pose's or the other's, never both: the grids' indices stand elsewhere in each ("filter 0 1 2 …"
twice, overlaid, at 79.1-79.8 s of the lecture when the two pictures were mixed whole)."""

from __future__ import annotations

import numpy as np

from nnvox.viewer.cross_fade import render_layers, texts_switched


def pose_dissolve(renderer, frame, histogram, pose, share: float) -> np.ndarray:
    """`frame` drawn at the pane's pose now and at `pose`, `share` (0..1) of the second: the 3D
    pictures mixed; the texts drawn alike at both poses (the heads-up line, the caption, the
    legend) stay, the others switch in two halves, the first pose's fading out, then the
    second's fading in (cross_fade.texts_switched, as a camera move's shot change does)."""
    pane = renderer.scene_renderer
    before = render_layers(renderer, frame, histogram)
    held = pane.pose()
    pane.apply_pose(pose)
    try:
        after = render_layers(renderer, frame, histogram)
    finally:
        pane.apply_pose(held)
    return texts_switched(before, after, share)
