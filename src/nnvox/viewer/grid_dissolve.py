"""A storyboard frame that changes from its own camera pose to a second one (shots.ShotFrame's
`dissolve`): drawn at both, so that grids the second pose frames come in whole where a camera move
between the two would slide them in across the frame's edge, cut by it. It dips: the first pose's
picture fades to the background, then the second's up from it, never both at once (mixed, conv1's
grid framed alone and framed beside conv2 stood as two ghosts, one over the other, at 79.1-79.8 s of
the lecture); the texts are one pose's or the other's, never both (the grids' indices stand
elsewhere in each: "filter 0 1 2 …" twice, overlaid, when the two pictures were mixed whole)."""

from __future__ import annotations

import numpy as np

from nnvox.viewer.cross_fade import Layers, render_layers, texts_switched


def pose_dissolve(renderer, frame, histogram, pose, share: float) -> np.ndarray:
    """`frame` drawn at the pane's pose now and at `pose`, `share` (0..1) of the way to the second:
    the first pose's 3D picture towards the background until halfway, then the second's back from
    it; the texts drawn alike at both poses (the heads-up line, the caption, the legend) stay, the
    others switch in two halves, the first pose's fading out, then the second's fading in
    (cross_fade.texts_switched, as a camera move's shot change does)."""
    pane = renderer.scene_renderer
    before = render_layers(renderer, frame, histogram)
    held = pane.pose()
    pane.apply_pose(pose)
    try:
        after = render_layers(renderer, frame, histogram)
    finally:
        pane.apply_pose(held)
    shown = before if share < 0.5 else after
    ground = np.array([*renderer.options.background, 0][: shown.picture.shape[2]], np.float32)
    picture = ground + abs(1 - 2 * share) * (shown.picture - ground)
    return texts_switched(Layers(picture, before.ink, before.cover), Layers(picture, after.ink, after.cover), share)
