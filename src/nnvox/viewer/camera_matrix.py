"""The camera's projection of a pane, as the overlays that place or clip things on the picture read
it (edges, open maps' texts, the docked answer, the window's report): one definition of the matrix
they project points with (label_layout.project)."""

from __future__ import annotations

import numpy as np
import vtk


def camera_matrix(renderer: vtk.vtkRenderer) -> tuple[np.ndarray, int, int]:
    """The active camera's composite projection (4 x 4, world to normalised device coordinates) at the
    pane's aspect, and the pane's size in pixels."""
    w, h = renderer.GetSize()
    m = renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / max(h, 1), -1, 1)
    return np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)]), w, h
