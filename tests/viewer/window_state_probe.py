"""Run under Xvfb by the window tests that double-click blocks (depth, open layers): opens the real
window and, on each tick of its timer once no glide is under way, writes (when it changed) what it
shows: where to double-click each block (window pixels, top-left origin: a closed block's front
face's centre, an open one's first map), the depth, the layers open into their maps, the camera's
zoom and how many ticks a glide (or maps flying) was seen under way so far.

    python -m tests.viewer.window_state_probe RUN OUT.json WIDTH HEIGHT
"""

import json
import os
import sys

import vtk

from nnvox.capture.run import open_run
from nnvox.scenes.open_layer import grid_places
from nnvox.viewer.window import Window

run, out, width, height = open_run(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
window = Window(run, size=(width, height))
original = window._on_timer
state = {"glide_ticks": 0, "last": None}


def where(block) -> list[int]:
    x0, _, y0, y1, z0, z1 = block.bounds
    point = grid_places(block)[0] if block.opened else (x0, (y0 + y1) / 2, (z0 + z1) / 2)
    c = vtk.vtkCoordinate()
    c.SetCoordinateSystemToWorld()
    c.SetValue(*point)
    x, y = c.GetComputedDisplayValue(window.scene_renderer.renderer)
    return [int(x), height - 1 - int(y)]


def tick(*args):
    state["glide_ticks"] += window.switch.gliding is not None
    original(*args)
    if window.switch.gliding is not None:
        return
    shown = {
        "depth": window.spec.depth,
        "blocks": {b.name: where(b) for b in window.scene.blocks},
        "glide_ticks": state["glide_ticks"],
        "open": sorted(b.name for b in window.scene.blocks if b.opened),
        "scale": round(window.scene_renderer.pose().scale, 3),  # the camera's zoom: what the maps' size follows
    }
    if shown != state["last"]:
        with open(out + ".part", "w") as f:
            json.dump(shown, f)
        os.replace(out + ".part", out)
        state["last"] = shown


window._on_timer = tick
window.show()
