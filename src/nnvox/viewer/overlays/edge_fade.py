"""A close-up's side edges fading the network into the background (scenes/close_up.py): a band
at each side, the background's colour from opaque at the edge to clear at its inner end, drawn over
the blocks and under every text (built before the other 2D overlays, which draw after it; block
labels draw on the overlay layer, after the pane). Hidden (no band) unless `show` is given widths."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray

from nnvox.viewer.overlays.base import Shown, Stage

STEPS = 12  # strips per band: the fade eased (smoothstep), not a linear ramp's visible start


class EdgeFade:
    def __init__(self, stage: Stage):
        self.poly = vtk.vtkPolyData()
        mapper = vtk.vtkPolyDataMapper2D()
        mapper.SetInputData(self.poly)
        mapper.SetColorModeToDirectScalars()
        where = vtk.vtkCoordinate()
        where.SetCoordinateSystemToNormalizedViewport()
        mapper.SetTransformCoordinate(where)
        self.actor = vtk.vtkActor2D()
        self.actor.SetMapper(mapper)
        self.actor.SetVisibility(False)
        stage.renderer.AddViewProp(self.actor)
        self.background = np.array(stage.options.background[:3], np.uint8)
        self.bands = (0.0, 0.0)
        self.props = [self.actor]

    def show(self, left: float, right: float) -> None:
        """Bands `left` and `right` (of the pane's width) wide; (0, 0) hides them."""
        if (left, right) == self.bands:
            return
        self.bands = (left, right)
        self.actor.SetVisibility(left > 0 or right > 0)
        if left <= 0 and right <= 0:
            return
        t = np.linspace(0.0, 1.0, STEPS + 1)
        clear = t * t * (3 - 2 * t)  # 0 at the edge (opaque) to 1 at the band's inner end
        xs = np.concatenate([t * left, 1.0 - t * right])
        alpha = np.round(255 * (1 - np.concatenate([clear, clear]))).astype(np.uint8)
        points = np.zeros((4 * (STEPS + 1), 3))
        points[:, 0] = np.repeat(xs, 2)
        points[:, 1] = np.tile([0.0, 1.0], 2 * (STEPS + 1))
        colours = np.zeros((len(points), 4), np.uint8)
        colours[:, :3] = self.background
        colours[:, 3] = np.repeat(alpha, 2)
        quads = [(2 * k, 2 * k + 2, 2 * k + 3, 2 * k + 1) for side in (0, STEPS + 1) for k in range(side, side + STEPS)]
        vtk_points = vtk.vtkPoints()
        vtk_points.SetData(numpy_to_vtk(points, deep=True))
        cells = vtk.vtkCellArray()
        cells.SetData(
            numpy_to_vtkIdTypeArray(np.arange(0, 4 * len(quads) + 1, 4, dtype=np.int64), deep=True),
            numpy_to_vtkIdTypeArray(np.array(quads, dtype=np.int64).ravel(), deep=True),
        )
        self.poly.SetPoints(vtk_points)
        self.poly.SetPolys(cells)
        self.poly.GetPointData().SetScalars(numpy_to_vtk(colours, deep=True))
        self.poly.Modified()

    def update(self, shown: Shown) -> None:
        pass
