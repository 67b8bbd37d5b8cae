"""Run under Xvfb by the window's panel and slider tests: opens the real window and, on each tick of
its timer, writes (when it changed) what it shows: the timeline position and whether it plays, the
slider's tick and knob places, the part of the pane the network is fitted in, each block's
projected screen rectangle (each pane's, in a comparison), the shown left panels', figure panel's
and histogram panels' rectangles and the text sizes of the panels and the slider (window pixels,
top-left origin). With panels shown it also writes OUT.xray.npy: the window drawn without its
panels, so that a test sees what lies under them.

    python -m tests.viewer.window_panels_probe RUN OUT.json WIDTH HEIGHT [compare]
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
window = Window(run, size=(width, height), pin=0 if sys.argv[5:] == ["compare"] else None)
original = window._on_timer
last: list = [None]


def rectangle(bounds, renderer=None) -> list[float]:
    """The screen rectangle (x0, y0, x1, y1; top-left origin) of a block's box's 8 corners."""
    x0, x1, y0, y1, z0, z1 = bounds
    c = vtk.vtkCoordinate()
    c.SetCoordinateSystemToWorld()
    points = []
    for corner in [(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]:
        c.SetValue(*corner)
        px, py = c.GetComputedDoubleDisplayValue(renderer or window.scene_renderer.renderer)
        points.append((px, height - py))
    xs, ys = np.array(points).T
    return [float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())]


def panel(actor) -> list[float]:
    """A left panel's rectangle: its top-left anchor and its measured text."""
    w, h = text_extent(actor.GetTextProperty(), actor.GetInput())
    x, y = actor.GetPosition()
    return [x * width, (1 - y) * height, x * width + w, (1 - y) * height + h]


def box(viewport) -> list[float]:
    """A normalised viewport box in window pixels (top-left origin)."""
    x0, y0, x1, y1 = viewport
    return [x0 * width, (1 - y1) * height, x1 * width, (1 - y0) * height]


def in_pane(pane, part) -> list[float]:
    """A part of a pane (normalised to the pane) in window pixels."""
    vx0, vy0, vx1, vy1 = pane.renderer.viewport
    x0, y0, x1, y1 = part
    w, h = vx1 - vx0, vy1 - vy0
    return box((vx0 + x0 * w, vy0 + y0 * h, vx0 + x1 * w, vy0 + y1 * h))


def panes() -> list[dict]:
    """Each pane's viewport, its blocks' rectangles and its histogram panel's (when shown)."""
    out = []
    for pane in window.panes:
        blocks = {b.name: rectangle(b.bounds, pane.renderer.renderer) for b in pane.scene.blocks}
        histogram = in_pane(pane, window.options.histogram_box) if window.selected and pane.histograms else None
        out.append({"viewport": box(pane.renderer.viewport), "blocks": blocks, "histogram": histogram})
    out[0]["figure"] = box(window.figure_panel.box) if window.figure else None  # raised over a marks' legend
    return out


def xray(path: str) -> None:
    """The window drawn without its panels (text panels, slider, figure), read back, then drawn whole again."""
    from vtk.util.numpy_support import vtk_to_numpy

    hidden = (window.panels.renderer, window.figure_panel.renderer)
    drawn = [r.GetDraw() for r in hidden]
    for r in hidden:
        r.DrawOff()
    grab = vtk.vtkWindowToImageFilter()
    grab.SetInput(window.plotter.ren_win)
    grab.ReadFrontBufferOff()
    grab.ShouldRerenderOn()
    grab.Update()
    image = grab.GetOutput()
    w, h, _ = image.GetDimensions()
    pixels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(h, w, -1)[::-1, :, :3]
    for r, d in zip(hidden, drawn):
        r.SetDraw(d)
    window.plotter.ren_win.Render()
    np.save(path + ".part.npy", pixels)
    os.replace(path + ".part.npy", path)


def chart_ticks() -> list[float]:
    """The metrics chart's snapshot ticks (window pixels), where the first pane draws one."""
    inset = window.panes[0].renderer.overlays.metrics
    return [float(x) for x in inset.chart.xs] if inset is not None else []


def state() -> dict:
    slider = window.slider
    return {
        "t": window.playback.t,
        "playing": window.playback.playing,
        "ticks": [float(x) * width for x in slider.tick_xs()],
        "chart_ticks": chart_ticks(),
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
        "panes": panes(),
        "title": window._title(),
    }


def tick(*args):
    original(*args)
    if window.switch.gliding is not None:
        return
    shown = state()
    if shown != last[0]:
        if shown["panels"] or shown["panes"][0]["figure"]:
            xray(out + ".xray.npy")  # first: the state written says the picture is there
        with open(out + ".part", "w") as f:
            json.dump(shown, f)
        os.replace(out + ".part", out)
        last[0] = shown


window._on_timer = tick
window.show()
