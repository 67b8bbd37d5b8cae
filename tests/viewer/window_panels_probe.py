"""Run under Xvfb by the window's panel and slider tests: opens the real window and, on each tick of
its timer, writes (when it changed) what it shows: the timeline position and whether it plays, the
slider's tick and knob places, the columns the network is fitted in, each block's projected screen
rectangle, the shown left panels' rectangles and the text sizes of the panels and the slider (window
pixels, top-left origin).

    python -m tests.viewer.window_panels_probe RUN OUT.json WIDTH HEIGHT
"""

import json
import os
import sys

import numpy as np
import vtk

from nnvox.capture.run import open_run
from nnvox.viewer.overlays.metrics import text_extent
from nnvox.viewer.window import Window

run, out, width, height = open_run(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
window = Window(run, size=(width, height))
original = window._on_timer
last: list = [None]


def rectangle(bounds) -> list[float]:
    """The screen rectangle (x0, y0, x1, y1; top-left origin) of a block's box's 8 corners."""
    x0, x1, y0, y1, z0, z1 = bounds
    c = vtk.vtkCoordinate()
    c.SetCoordinateSystemToWorld()
    points = []
    for corner in [(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]:
        c.SetValue(*corner)
        px, py = c.GetComputedDoubleDisplayValue(window.scene_renderer.renderer)
        points.append((px, height - py))
    xs, ys = np.array(points).T
    return [float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())]


def panel(actor) -> list[float]:
    """A left panel's rectangle: its top-left anchor and its measured text."""
    w, h = text_extent(actor.GetTextProperty(), actor.GetInput())
    x, y = actor.GetPosition()
    return [x * width, (1 - y) * height, x * width + w, (1 - y) * height + h]


def state() -> dict:
    slider = window.slider
    return {
        "t": window.playback.t,
        "playing": window.playback.playing,
        "ticks": [float(x) * width for x in slider.tick_xs()],
        "bar_y": (1 - slider.y) * height,
        "room": list(window.switch.room),
        "blocks": {b.name: rectangle(b.bounds) for b in window.scene.blocks},
        "panels": [panel(a) for a in window.panels.column],
        "font_sizes": {
            "help": window.panels.help.GetTextProperty().GetFontSize(),
            "health": window.panels.health.GetTextProperty().GetFontSize(),
            "hint": window.panels.hint.GetTextProperty().GetFontSize(),
            "tick labels": slider.labels[0].GetTextProperty().GetFontSize(),
            "position": slider.value.GetTextProperty().GetFontSize(),
        },
        "tick_labels": [a.GetInput() for a in slider.labels if a.GetVisibility()],
    }


def tick(*args):
    original(*args)
    if window.switch.gliding is not None:
        return
    shown = state()
    if shown != last[0]:
        with open(out + ".part", "w") as f:
            json.dump(shown, f)
        os.replace(out + ".part", out)
        last[0] = shown


window._on_timer = tick
window.show()
