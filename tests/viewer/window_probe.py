"""Run under Xvfb by the window tests: opens the real window and, once it is on screen, writes where
a block is drawn (window pixels, top-left origin): a grouped block, or the one named by the third
argument, so the test can click it."""

import json
import sys

from nnvox.capture.run import open_run
from nnvox.viewer.window import Window

run, out = open_run(sys.argv[1]), sys.argv[2]
window = Window(run, size=(1280, 800))
original = window._on_timer


def tick(*args):
    original(*args)
    if not getattr(tick, "done", False):
        import vtk

        wanted = sys.argv[3] if len(sys.argv) > 3 else None
        block = next(
            b for b in window.scene.blocks if (b.name == wanted if wanted else "+" in b.title)
        )  # default: a conv+BN+ReLU group
        c = vtk.vtkCoordinate()
        c.SetCoordinateSystemToWorld()
        x0, _, y0, y1, z0, z1 = block.bounds
        c.SetValue(x0, (y0 + y1) / 2, (z0 + z1) / 2)  # the front face's centre
        x, y = c.GetComputedDisplayValue(window.plotter.renderer)
        renderers = window.plotter.ren_win.GetRenderers()
        renderers.InitTraversal()
        holder = next(r for r in iter(renderers.GetNextItem, None) if r.HasViewProp(window.health))
        with open(out, "w") as f:
            json.dump(
                {
                    "name": block.name,
                    "x": int(x),
                    "y": 800 - 1 - int(y),
                    "table_layer": holder.GetLayer(),
                    "label_layer": window.scene_renderer.overlay.GetLayer(),
                },
                f,
            )
        tick.done = True


window._on_timer = tick
window.show()
