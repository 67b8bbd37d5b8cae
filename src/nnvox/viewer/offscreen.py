"""An off-screen render window for PNGs and video frames."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnvox.scenes.histogram import Histogram
from nnvox.scenes.scene import Frame, Scene
from nnvox.viewer.gl import prefer_offscreen
from nnvox.viewer.options import RenderOptions


def grab(window, pixels, alpha: bool) -> np.ndarray:
    """The rendered window as (height, width, 3 or 4) uint8, top row first, straight from the back
    buffer (vtkWindowToImageFilter renders the window again: 44 ms a grab at 720p against 1.4 ms)."""
    from vtk.util.numpy_support import vtk_to_numpy

    w, h = window.GetSize()
    if alpha:
        window.GetRGBACharPixelData(0, 0, w - 1, h - 1, 0, pixels, 0)
    else:
        window.GetPixelData(0, 0, w - 1, h - 1, 0, pixels, 0)
    return np.ascontiguousarray(vtk_to_numpy(pixels).reshape(h, w, -1)[::-1])


class OffscreenRenderer:
    """One scene, or several side by side (a comparison) sharing one camera."""

    def __init__(self, scene: Scene | Sequence[Scene], options: RenderOptions = RenderOptions()):
        prefer_offscreen()
        import vtk

        from nnvox.viewer.renderer import SceneRenderer

        self.window = vtk.vtkRenderWindow()
        self.window.SetOffScreenRendering(True)
        self.window.SetSize(options.width, options.height)
        self.window.SetMultiSamples(8 if options.anti_alias else 0)
        self.window.SetAlphaBitPlanes(1 if options.transparent else 0)
        scenes = [scene] if isinstance(scene, Scene) else list(scene)
        self.panes: list[SceneRenderer] = []
        for i, pane_scene in enumerate(scenes):
            renderer = vtk.vtkRenderer()
            if self.panes:
                renderer.SetActiveCamera(self.panes[0].renderer.GetActiveCamera())  # linked cameras
            self.window.AddRenderer(renderer)
            viewport = (i / len(scenes), 0.0, (i + 1) / len(scenes), 1.0)
            self.panes.append(SceneRenderer(pane_scene, renderer, options, viewport))
        self.scene_renderer = self.panes[0]
        self.renderer = self.scene_renderer.renderer
        self._pixels = vtk.vtkUnsignedCharArray()
        self.options = options

    @property
    def camera(self):
        return self.renderer.GetActiveCamera()

    def render(self, frame: Frame | Sequence[Frame], histogram: Histogram | None = None) -> np.ndarray:
        """Draw a frame (one per pane; and the selected layer's histogram) and return it as an
        (height, width, 3) uint8 image, top row first ((height, width, 4) when transparent)."""
        frames = [frame] if isinstance(frame, Frame) else list(frame)
        histograms = histogram if isinstance(histogram, (list, tuple)) else [histogram] + [None] * (len(frames) - 1)
        for pane, f, h in zip(self.panes, frames, histograms):
            pane.draw(f, h)
            pane.renderer.ResetCameraClippingRange()
        self.window.Render()
        return grab(self.window, self._pixels, self.options.transparent)

    def close(self) -> None:
        self.window.Finalize()
