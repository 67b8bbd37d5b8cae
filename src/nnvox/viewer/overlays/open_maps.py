"""What an open layer shows beside its maps (scenes/open_layer.py): a "map k" label over each map
where there are few enough to read, and an open convolution's kernels, one beside each map, in
weights mode's colours at the timeline position shown (scenes/open_kernels.py). Built once per
scene; a frame recolours the kernels when the timeline moved. Shown only while the layer stands
open (`show(True)`), not while its maps fly."""

from __future__ import annotations

import numpy as np
import vtk
from vtk.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray

from nnvox.scenes.colour import lut
from nnvox.scenes.open_kernels import KernelPlan, kernel_plan, kernel_quads, kernel_values
from nnvox.scenes.open_layer import LABELLED_MAPS, grid_places, shown_maps
from nnvox.viewer.overlays.base import Shown, Stage


def _kernel_actor(stage: Stage, corners: np.ndarray) -> tuple[vtk.vtkActor, np.ndarray, vtk.vtkDataArray]:
    """Quads of direct RGB cell colours: the colours array is written in place each frame."""
    poly = vtk.vtkPolyData()
    points = vtk.vtkPoints()
    points.SetData(numpy_to_vtk(corners.reshape(-1, 3).astype(np.float32), deep=True))
    poly.SetPoints(points)
    cells = vtk.vtkCellArray()
    n = len(corners)
    cells.SetData(
        numpy_to_vtkIdTypeArray(np.arange(0, 4 * n + 1, 4, dtype=np.int64), deep=True),
        numpy_to_vtkIdTypeArray(np.arange(4 * n, dtype=np.int64), deep=True),
    )
    poly.SetPolys(cells)
    colours = np.zeros((n, 3), np.uint8)
    scalars = numpy_to_vtk(colours, deep=False)
    poly.GetCellData().SetScalars(scalars)
    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputData(poly)
    mapper.SetScalarModeToUseCellData()
    mapper.SetColorModeToDirectScalars()
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    actor.GetProperty().LightingOff()  # a cell's colour is exactly its weight's
    stage.renderer.AddActor(actor)
    return actor, colours, scalars


class _Kernels:
    def __init__(self, stage: Stage, block, plan: KernelPlan):
        self.run, self.plan, self.t = stage.scene.source.run, plan, None
        self.actor, self.colours, self.scalars = _kernel_actor(stage, kernel_quads(block, plan))
        self.table = lut(plan.scale.cmap)

    def paint(self, t: float) -> None:
        if t == self.t:
            return
        self.t = t
        values = kernel_values(self.run, self.plan, t)
        self.colours[:] = self.table[self.plan.scale.quantise(values.reshape(-1))]
        self.scalars.Modified()


class OpenMaps:
    def __init__(self, stage: Stage):
        from nnvox.viewer.visuals import make_billboard

        self.props: list[vtk.vtkProp] = []
        self.labels: list[vtk.vtkProp] = []
        self.kernels: list[_Kernels] = []
        for block in stage.scene.blocks:
            if block.opened is None:
                continue
            plan = kernel_plan(stage.scene.source.run, block) if stage.scene.source is not None else None
            if plan is not None:
                self.kernels.append(_Kernels(stage, block, plan))
            notes = (
                [f"the first {shown_maps(block)} of {block.panels} maps"] if shown_maps(block) < block.panels else []
            )
            if plan is not None and plan.hidden_inputs:
                notes.append(f"kernels of the first {plan.inputs} of {plan.inputs + plan.hidden_inputs} input maps")
            if notes:  # level of detail, said over the grid
                note = make_billboard(stage.options, " · ".join(notes), scale=0.8, below=True)
                x0, x1, y0, _, z0, _ = block.bounds
                note.SetPosition((x0 + x1) / 2, y0, z0 - 0.2 * block.gap)
                stage.overlay.AddActor(note)
                self.labels.append(note)
            if block.panels > LABELLED_MAPS or block.panels == 1:  # one map: the layer's own label names it
                continue
            places = grid_places(block)
            top = places[:, 2] + block.rows * block.voxel / 2 + 0.08 * block.gap
            names = block.channels if block.channels is not None else range(block.panels)
            for (x, y, _), z, channel in zip(places, top, names):
                label = make_billboard(stage.options, f"map {channel}", scale=0.8)
                label.SetPosition(x, y, z)
                stage.overlay.AddActor(label)
                self.labels.append(label)
        self.props = [k.actor for k in self.kernels]

    def show(self, shown: bool) -> None:
        for prop in (*self.props, *self.labels):
            prop.SetVisibility(shown)

    def update(self, shown: Shown) -> None:
        for k in self.kernels:
            k.paint(shown.frame.t)
