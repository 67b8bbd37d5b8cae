"""The window's scenes: one pane filling the window, or a comparison's two side by side above a
strip that holds the slider. Scenes are built once per choice of what to show and kept, so
switching back (a mode, an expanded layer) is instant."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

import vtk

from nnvox.capture.run import Run
from nnvox.scenes.build import build_scene
from nnvox.scenes.compare import build_comparison
from nnvox.scenes.grouping import group_chains
from nnvox.scenes.histogram import HistogramSource
from nnvox.scenes.scene import Scene, SceneOptions
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.renderer import SceneRenderer
from nnvox.viewer.theme import to_unit


@dataclass
class Pane:
    """One scene in the window: its renderer, its histograms and the timeline position it shows."""

    scene: Scene
    renderer: SceneRenderer
    at: Callable[[float], float]
    histograms: HistogramSource | None


def scene_options(spec: ViewSpec, *, expanded: bool, expand: frozenset[str]) -> SceneOptions:
    """What the window asks of a scene. Attribution planes and feature-space clouds show activations:
    other modes go without. `expanded`: every layer its own block, every channel at full resolution."""
    options = spec.scene_options()
    if spec.mode != "activations":
        options = dataclasses.replace(options, attribution=None, feature_space=None, clusters=None)
    elif not spec.feature_space:
        options = dataclasses.replace(options, clusters=None)
    if not expanded:
        return dataclasses.replace(options, expand=expand)
    opened = {"group": False, "fold": False, "max_channels": 10**6, "max_map": 10**6, "depth": None}
    return dataclasses.replace(options, **opened)


def window_options(size: tuple[int, int], *, comparing: bool) -> RenderOptions:
    """Two panes above a strip for the slider, insets as in exported comparisons; or one pane with
    the inset and histogram above the slider in the bottom-right corner."""
    if comparing:
        return RenderOptions.comparison(width=size[0], height=size[1])
    layout = RenderOptions().theme.layout
    return RenderOptions(
        width=size[0], height=size[1], metrics_box=layout.window_metrics_box, histogram_box=layout.window_histogram_box
    )


def toggled(expand: frozenset[str], name: str, architecture) -> frozenset[str]:
    """The layers open after a double-click on `name`: it opens (its group, its folded repeat, its
    full resolution), or what is open around it closes."""
    chains = [set(c) for c in group_chains(architecture).values() if name in c]
    container = re.match(r"^(.*?)\.\d+(?=\.|#|$)", name)
    related = {name}.union(*chains) if chains else {name}
    if container:
        related |= {n for n in expand if n.startswith(container.group(1) + ".")}
    return expand - related if expand & related else expand | {name}


class Panes:
    """`against` another run, or `pin` a snapshot, makes it a comparison."""

    def __init__(self, plotter, run: Run, options: RenderOptions, *, against: Run | None, pin: float | None):
        self.plotter, self.run, self.options = plotter, run, options
        self.against, self.pin = against, pin
        self.comparing = against is not None or pin is not None
        self.strip = self.options.theme.layout.strip
        self.panes: list[Pane] = []
        self._built: dict[SceneOptions, object] = {}
        if self.comparing:
            self._add_strip()

    def __iter__(self):
        return iter(self.panes)

    def __getitem__(self, i: int) -> Pane:
        return self.panes[i]

    def _add_strip(self) -> None:
        """The plotter's own renderer becomes a transparent top layer over both panes: it holds the
        slider and help text, and its camera (which mouse drags move) is the panes' camera. Below the
        panes, a strip in the background colour for the slider."""
        window = self.plotter.ren_win
        window.SetNumberOfLayers(3)
        self.plotter.renderer.SetLayer(2)
        strip = vtk.vtkRenderer()
        strip.SetViewport(0.0, 0.0, 1.0, self.strip)
        strip.SetBackground(*to_unit(self.options.background))
        strip.InteractiveOff()
        window.AddRenderer(strip)

    def _views(self, options: SceneOptions, difference: bool) -> list[tuple[Scene, Callable, tuple]]:
        """(scene, its timeline position from the window's, viewport) of each pane."""
        if options not in self._built:
            self._built[options] = (
                build_comparison(self.run, self.against, pin=self.pin, options=options)
                if self.comparing
                else build_scene(self.run, options)
            )
        built = self._built[options]
        if not self.comparing:
            return [(built, lambda t: t, (0.0, 0.0, 1.0, 1.0))]
        (left, left_t), (right, right_t) = built.sides(difference)
        return [(left, left_t, (0.0, self.strip, 0.5, 1.0)), (right, right_t, (0.5, self.strip, 1.0, 1.0))]

    def build(self, options: SceneOptions, difference: bool = False) -> list[Pane]:
        """Take the panes shown now out of the window and put in those of `options`."""
        views = self._views(options, difference)  # first: a scene that cannot be built leaves the window as it was
        for pane in self.panes:
            pane.renderer.remove()
            if pane.renderer.renderer is not self.plotter.renderer:
                self.plotter.ren_win.RemoveRenderer(pane.renderer.renderer)
        self.panes = []
        for scene, at, viewport in views:
            renderer = self.plotter.renderer
            if self.comparing:
                renderer = vtk.vtkRenderer()
                renderer.SetActiveCamera(self.plotter.renderer.GetActiveCamera())  # linked cameras
                self.plotter.ren_win.AddRenderer(renderer)
            histograms = None if scene.run_name == "difference" else HistogramSource(scene)
            self.panes.append(Pane(scene, SceneRenderer(scene, renderer, self.options, viewport), at, histograms))
        return self.panes
