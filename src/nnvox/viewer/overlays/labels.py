"""Block labels: name and shape above or below each block, on the overlay layer; a LabelLayout
pushes apart labels that still overlap from where the camera looks. They dim with their block in
the forward pass."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.scenes.colour import ColourScale
from nnvox.scenes.scene import Block
from nnvox.viewer.label_layout import LabelLayout
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.theme import to_unit
from nnvox.viewer.visuals import make_billboard

RISE = 0.8  # a label's anchor above the block's top (or below its bottom), in scene units


def range_text(scale: ColourScale) -> str:
    if scale.diverging:
        return f"±{scale.hi:.3g}"
    return f"{scale.lo:.3g} … {scale.hi:.3g}"


def label_sides(blocks: list[Block]) -> dict[str, bool]:
    """Which labels go above their block (True) or below. A branch lane's blocks are labelled on
    their far side (above the lane above the path, below the one below), a path block on the side
    its column leaves free, else alternating with its neighbours: two labels never share the gap
    between lanes. Attribution planes under the network are labelled below and leave the
    alternation alone (the network's labels sit where they would without them); the blocks above
    them, above."""
    chain = [b for b in blocks if b.labelled and b.kind != "Attribution"]
    planes = [b.bounds[:2] for b in blocks if b.kind == "Attribution"]
    over_plane = {b.name for b in chain if any(x0 < b.bounds[1] and b.bounds[0] < x1 for x0, x1 in planes)}
    lanes_at: dict[float, set[float]] = {}  # column (x of the front face) -> its blocks' lanes
    for b in blocks:
        lanes_at.setdefault(b.origin[0], set()).add(np.sign(b.lane))
    above_of, last = {}, False  # the path's last label side
    for b in chain:
        if b.lane or b.name in over_plane:
            above_of[b.name] = b.lane >= 0
            continue
        taken = lanes_at[b.origin[0]]
        last = above_of[b.name] = (1 not in taken) if (1 in taken) != (-1 in taken) else not last
    return above_of


class BlockLabels:
    """`fixed`: text beside blocks that stays put (an output's class names), which labels keep clear of."""

    def __init__(self, stage: Stage, fixed: list[vtk.vtkBillboardTextActor3D] = ()):
        self.labels: dict[str, vtk.vtkBillboardTextActor3D] = {}
        self._lit: dict[str, float] = {}
        above_of = label_sides(stage.scene.blocks)
        placed = []
        for b in (b for b in stage.scene.blocks if b.labelled):
            x0, x1, y0, y1, z_bottom, z_top = b.bounds
            text = f"{b.title}\n{b.subtitle}"
            if b.role not in ("input", "output"):
                text += f"   {range_text(b.scale)}"
            above = above_of.get(b.name, False)
            actor = make_billboard(stage.options, text, below=not above)
            # Anchor on the far top edge or the near bottom edge: outside the block's silhouette.
            anchor = ((x0 + x1) / 2, y1 if above else y0, z_top + RISE if above else z_bottom - RISE)
            actor.SetPosition(*anchor)
            stage.overlay.AddActor(actor)
            self.labels[b.name] = actor
            placed.append((actor, anchor, 1 if above else -1))
        pinned = [(actor, actor.GetPosition(), f"{actor.GetInput()}  100%") for actor in fixed]
        self.layout = LabelLayout(stage.overlay, placed, to_unit(stage.colours.text), pinned)
        self.props: list[vtk.vtkProp] = []  # all on the overlay layer

    def update(self, shown: Shown) -> None:
        lit = shown.frame.lit
        for name, label in self.labels.items():
            if self._lit.get(name) != lit[name]:
                self._lit[name] = lit[name]
                label.GetTextProperty().SetOpacity(0.3 + 0.7 * lit[name])
                label.GetTextProperty().SetBackgroundOpacity(0.65 * lit[name])
