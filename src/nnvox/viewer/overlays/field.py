"""What a clicked voxel sees: its rows and columns outlined in the accent colour on the input plane
(the block keyed "probe"), on the overlay layer. Hidden until the window shows a field."""

from __future__ import annotations

import vtk

from nnvox.viewer.overlays.base import Shown, Stage

MARGIN = 0.3  # the outline stands this far in front of and behind the plane


class ReceptiveField:
    def __init__(self, stage: Stage):
        self.source = next((b for b in stage.scene.blocks if b.key == "probe"), None)
        self.outline = vtk.vtkOutlineSource()
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputConnection(self.outline.GetOutputPort())
        self.actor = vtk.vtkActor()
        self.actor.SetMapper(mapper)
        self.actor.GetProperty().SetColor(*stage.colours.accent)
        self.actor.GetProperty().SetLineWidth(max(2.0, stage.options.height / 300))
        self.actor.GetProperty().LightingOff()
        self.actor.SetVisibility(False)
        stage.overlay.AddActor(self.actor)
        self.props: list[vtk.vtkProp] = []  # on the overlay layer

    def show(self, box: tuple[tuple[int, int], ...] | None) -> None:
        """Outline the rows and columns (first, last) in `box`; None (or no input plane) hides it."""
        source = self.source
        if box is None or source is None or len(box) != 2:
            self.actor.SetVisibility(False)
            return
        (r0, r1), (c0, c1) = box
        v, (x, y, z) = source.voxel, source.origin
        left, top = y + source.cols * v / 2, z + source.rows * v / 2
        self.outline.SetBounds(
            x - MARGIN,
            x + source.thickness + MARGIN,
            left - (c1 + 1) * v,
            left - c0 * v,
            top - (r1 + 1) * v,
            top - r0 * v,
        )
        self.actor.SetVisibility(True)

    def update(self, shown: Shown) -> None:
        pass
