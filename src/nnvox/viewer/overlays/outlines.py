"""Every block's box in one actor, coloured per block: grey, a health flag's colour, or white for
the selected layer. A flag's colour comes in with its layer as the forward pass reaches it (a red box
round a layer not reached yet would flag what is not shown). A frame only writes colours, and only
when a block's flag or its share of the forward pass changes."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk

from nnvox.capture.health import UNHEALTHY
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.edges import line_width
from nnvox.viewer.overlays.units import faded
from nnvox.viewer.visuals import outline_boxes

PAD = 0.15  # the box stands this far off the block, so it never crosses the block's faces


class Outlines:
    def __init__(self, stage: Stage):
        self.blocks = stage.scene.blocks
        self.colours = stage.colours
        poly = outline_boxes(tuple(v + (PAD if k % 2 else -PAD) for k, v in enumerate(b.bounds)) for b in self.blocks)
        self._rgb = np.tile(np.array(self.colours.outline, dtype=np.uint8), (poly.GetNumberOfCells(), 1))
        self._array = numpy_to_vtk(self._rgb, deep=False)
        self._array.SetName("health")
        poly.GetCellData().SetScalars(self._array)
        self._poly = poly
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputData(poly)
        mapper.SetColorModeToDirectScalars()
        self.actor = vtk.vtkActor()
        self.actor.SetMapper(mapper)
        self.actor.GetProperty().LightingOff()
        self.actor.GetProperty().SetLineWidth(line_width(stage))
        stage.renderer.AddActor(self.actor)
        self.props = [self.actor]
        self._flags: dict[str, tuple] = {}
        self.drawn: set[str] | None = (
            None  # the blocks drawn (an explaining shot's), None: all; the others' boxes unseen
        )

    def _flag(self, name: str, health: dict[str, float], selected: str | None) -> str | None:
        if name == selected:
            return "selected"
        return next((f for f, _ in self.colours.health if health.get(f, 0) > UNHEALTHY), None)

    def _rgb_of(self, flag: str | None, lit: float):
        if flag == "selected":
            return self.colours.selected
        return self.colours.outline if flag is None else faded(self.colours.health_rgb(flag), self.colours.outline, lit)

    def update(self, shown: Shown) -> None:
        per_block = self._rgb.shape[0] // max(len(self.blocks), 1)
        changed = False
        for i, b in enumerate(self.blocks):
            flag = self._flag(b.name, shown.frame.health.get(b.name, {}), shown.selected)
            seen = (flag, shown.frame.lit.get(b.name, 1.0) if flag not in (None, "selected") else 1.0)
            seen += (self.drawn is None or b.name in self.drawn,)
            if self._flags.get(b.name) != seen:
                self._flags[b.name] = seen
                rgb = self._rgb_of(*seen[:2]) if seen[2] else self.colours.background
                self._rgb[i * per_block : (i + 1) * per_block] = rgb
                changed = True
        if changed:
            self._array.Modified()
            self._poly.Modified()
