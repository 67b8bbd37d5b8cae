"""A storyboard frame that dissolves from its own camera pose into a second one (shots.ShotFrame's
`dissolve`): drawn at both and mixed, so that grids the second pose frames fade in whole where a
camera move between the two would slide them in across the frame's edge, cut by it."""

from __future__ import annotations

import numpy as np


def pose_dissolve(renderer, frame, histogram, pose, share: float) -> np.ndarray:
    """`frame` drawn at the pane's pose now and at `pose`, `share` (0..1) of the second: the texts
    and panels drawn over the picture are the same in both, so only the 3D picture and the labels
    that go with it change."""
    pane = renderer.scene_renderer
    before = renderer.render(frame, histogram).astype(np.float32)
    held = pane.pose()
    pane.apply_pose(pose)
    try:
        after = renderer.render(frame, histogram).astype(np.float32)
    finally:
        pane.apply_pose(held)
    return np.clip(before + share * (after - before) + 0.5, 0, 255).astype(np.uint8)
