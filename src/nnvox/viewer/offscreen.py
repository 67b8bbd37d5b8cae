"""An off-screen render window for PNGs and video frames."""

from __future__ import annotations

import numpy as np

from nnvox.scenes.scene import Frame, Scene
from nnvox.viewer.gl import prefer_offscreen
from nnvox.viewer.options import RenderOptions


class OffscreenRenderer:
    def __init__(self, scene: Scene, options: RenderOptions = RenderOptions()):
        prefer_offscreen()
        import vtk

        from nnvox.viewer.renderer import SceneRenderer

        self.window = vtk.vtkRenderWindow()
        self.window.SetOffScreenRendering(True)
        self.window.SetSize(options.width, options.height)
        self.window.SetMultiSamples(8 if options.anti_alias else 0)
        self.renderer = vtk.vtkRenderer()
        self.window.AddRenderer(self.renderer)
        self.scene_renderer = SceneRenderer(scene, self.renderer, options)
        self._grab = vtk.vtkWindowToImageFilter()
        self._grab.SetInput(self.window)
        self._grab.SetInputBufferTypeToRGB()
        self._grab.ReadFrontBufferOff()
        self.options = options

    @property
    def camera(self):
        return self.renderer.GetActiveCamera()

    def render(self, frame: Frame) -> np.ndarray:
        """Draw a frame and return it as an (height, width, 3) uint8 image, top row first."""
        from vtk.util.numpy_support import vtk_to_numpy

        self.scene_renderer.draw(frame)
        self.renderer.ResetCameraClippingRange()
        self.window.Render()
        self._grab.Modified()
        self._grab.Update()
        out = self._grab.GetOutput()
        w, h, _ = out.GetDimensions()
        img = vtk_to_numpy(out.GetPointData().GetScalars()).reshape(h, w, -1)
        return np.ascontiguousarray(img[::-1, :, :3])

    def close(self) -> None:
        self.window.Finalize()
