"""While an open layer's maps fly out of their stack (SceneRenderer.open_to, u < 1), the block
labels, the outputs' class texts and the edges go with the blocks they belong to, instead of
vanishing: the lecture's opening hid every label for one frame and flew the maps unlabelled for a
second and a half. The label layout is told where each block stands at u, so labels keep off the
flying maps and stand over the grid as it grows; at u = 1 everything is back where the open scene
puts it."""

from __future__ import annotations

import numpy as np

from nnvox.scenes.open_framing import drawn_bounds
from nnvox.scenes.scene import Scene


def flying_bounds(scene: Scene, u: float) -> dict[str, np.ndarray]:
    """Each block's bounds as drawn u (0..1) of the way through opening, for the blocks not where
    the open scene puts them (open_framing.drawn_bounds: the box the camera keeps in the frame)."""
    return drawn_bounds(scene, u)


def label_anchor(bounds) -> tuple[float, float, float]:
    """Where a block's label is anchored: over the middle of its top (overlays/labels.BlockLabels)."""
    x0, x1, y0, y1, _, z_top = bounds
    return ((x0 + x1) / 2, (y0 + y1) / 2, z_top)


class FlightTexts:
    """An open scene's block labels and class texts (a LabelLayout's), moved with their blocks
    as the maps fly: `move(u)` each frame of an opening; u = 1 puts them back."""

    def __init__(self, scene: Scene, layout):
        self.scene, self.layout = scene, layout
        self.bounds = layout.bounds.copy()  # where the open scene puts each block
        self.rows = {c.block: (c.row_anchors.copy(), c.top_anchor) for c in layout.classes}
        self.u = 1.0

    def move(self, u: float) -> None:
        if u == self.u:
            return
        self.u = u
        moved = flying_bounds(self.scene, u) if u < 1.0 else {}
        layout = self.layout
        bounds = self.bounds.copy()
        for k, name in enumerate(layout.block_names):
            if name in moved:
                bounds[k] = moved[name]
        layout.bounds = bounds
        for label in layout.labels:
            label.anchor = label_anchor(bounds[layout.block_names.index(label.block)])
            label.actor.SetPosition(*label.anchor)
        for c in layout.classes:
            shift = self._shift(c.block, bounds)
            rows, top = self.rows[c.block]
            c.row_anchors = rows + shift
            c.top_anchor = tuple(np.asarray(top) + shift)
            for actor, at in zip(c.rows, c.row_anchors):
                actor.SetPosition(*at)
            c.top.SetPosition(*c.top_anchor)
        layout._key = None  # the blocks moved under a still camera: lay the labels out again

    def _shift(self, name: str, bounds: np.ndarray) -> np.ndarray:
        k = self.layout.block_names.index(name)
        d = bounds[k] - self.bounds[k]
        return np.array([d[0], d[2], d[4]])
