"""Per-frame cost (new values + render + grab) of nnvox's renderer against the obvious baseline:
one ImageData slab per channel, each its own actor (what `plotter.add_mesh(pv.ImageData)` gives)."""

from __future__ import annotations

import numpy as np
from common import median_time


class SlabBaseline:
    """One thin vtkImageData slab per channel with cell scalars, through vtkDataSetMapper."""

    def __init__(self, scene, width: int, height: int):
        import vtk
        from vtk.util.numpy_support import numpy_to_vtk

        from nnvox.scenes.colour import lut
        from nnvox.viewer.visuals import vtk_lut

        self.window = vtk.vtkRenderWindow()
        self.window.SetOffScreenRendering(True)
        self.window.SetSize(width, height)
        self.renderer = vtk.vtkRenderer()
        self.window.AddRenderer(self.renderer)
        self.slabs = []
        table = vtk_lut("viridis")
        del lut
        for block in scene.blocks:
            for k, (x, y, z) in enumerate(block.panel_centres()):
                img = vtk.vtkImageData()
                img.SetDimensions(2, block.cols + 1, block.rows + 1)
                img.SetSpacing(0.2, block.voxel, block.voxel)
                img.SetOrigin(x, y - block.cols * block.voxel / 2, z - block.rows * block.voxel / 2)
                values = np.zeros(block.rows * block.cols, np.float32)
                arr = numpy_to_vtk(values, deep=False)
                img.GetCellData().SetScalars(arr)
                mapper = vtk.vtkDataSetMapper()
                mapper.SetInputData(img)
                mapper.SetLookupTable(table)
                mapper.SetScalarRange(block.scale.lo, block.scale.hi)
                actor = vtk.vtkActor()
                actor.SetMapper(mapper)
                self.renderer.AddActor(actor)
                self.slabs.append((block.name, k, values, arr, img))
        self.renderer.ResetCamera()
        self.grab = vtk.vtkWindowToImageFilter()
        self.grab.SetInput(self.window)

    def render(self, frame) -> None:
        for name, k, values, arr, img in self.slabs:
            values[:] = frame.values[name][k].ravel()
            arr.Modified()
            img.Modified()
        self.window.Render()
        self.grab.Modified()
        self.grab.Update()


def frame_costs(run_path, sizes, baseline_repeat: int, repeat: int) -> list[dict]:
    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.scene import SceneOptions
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    run = open_run(run_path)
    # Same content for both: every channel at full resolution (level of detail is measured apart).
    scene = build_scene(run, SceneOptions(max_channels=10**6, max_map=10**6, group=False, fold=False))
    lod = build_scene(run)
    frames = [scene.frame_at(0), scene.frame_at(1)]  # alternate, so every frame writes new values
    rows = []
    for width, height in sizes:
        small = OffscreenRenderer(lod, RenderOptions(width=width, height=height))
        flip = {"i": 0}

        def lod_frame():
            flip["i"] += 1
            small.render(lod.frame_at(flip["i"] % 2))

        t_lod = median_time(lod_frame, repeat)
        small.close()
        ours = OffscreenRenderer(scene, RenderOptions(width=width, height=height))
        state = {"i": 0}

        def ours_frame():
            state["i"] += 1
            ours.render(frames[state["i"] % 2])

        t_ours = median_time(ours_frame, repeat)
        t_interp = median_time(
            lambda: ours.render(scene.frame_at(0.5 + 0.01 * state.setdefault("j", 0))), max(3, repeat // 3)
        )
        ours.close()
        base = SlabBaseline(scene, width, height)
        t_base = median_time(lambda: base.render(frames[state.setdefault("k", 0) % 2]), baseline_repeat)
        rows.append(
            {
                "run": run.name,
                "size": f"{width}x{height}",
                "nnvox_ms": 1000 * t_ours,
                "nnvox_lod_ms": 1000 * t_lod,
                "nnvox_interpolated_ms": 1000 * t_interp,
                "baseline_ms": 1000 * t_base,
                "speedup": t_base / t_ours,
            }
        )
    return rows


if __name__ == "__main__":
    from common import digits_run, synthetic_vgg16_run

    for row in frame_costs(digits_run(), [(1280, 720), (1920, 1080)], 5, 20) + frame_costs(
        synthetic_vgg16_run(), [(1280, 720), (1920, 1080)], 2, 5
    ):
        print(row)
