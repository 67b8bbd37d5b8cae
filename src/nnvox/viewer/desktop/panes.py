"""The window's scenes: one pane filling the window, or a comparison's two side by side above a
strip that holds the slider (beside the panels shown: `Panes.place`). Scenes are built once per
choice of what to show and kept, so switching back (a mode, an expanded layer) is instant."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

import vtk

from nnvox.capture.run import Run
from nnvox.scenes.build import build_scene
from nnvox.scenes.compare import build_comparison
from nnvox.scenes.folding import fold_modules
from nnvox.scenes.grouping import group_chains
from nnvox.scenes.hierarchy import ModuleTree
from nnvox.scenes.histogram import HistogramSource
from nnvox.scenes.playback import Playback
from nnvox.scenes.scene import Frame, Scene, SceneOptions
from nnvox.scenes.selection import select
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.renderer import SceneRenderer
from nnvox.viewer.theme import to_unit

EVERY_LEVEL = 10**6  # a depth below every module: each layer its own block (selection clamps it)


@dataclass
class Pane:
    """One scene in the window: its renderer, its histograms and the timeline position it shows."""

    scene: Scene
    renderer: SceneRenderer
    at: Callable[[float], float]
    histograms: HistogramSource | None


def scene_options(
    spec: ViewSpec, *, expanded: bool, expand: frozenset[str], opened: frozenset[str] = frozenset()
) -> SceneOptions:
    """What the window asks of a scene. Attribution planes and feature-space clouds show activations:
    other modes go without. `expanded`: every layer its own block, every channel at full resolution;
    `opened`: layers open into their maps (scenes/open_layer.py)."""
    options = dataclasses.replace(spec.scene_options(), opened=opened)
    if spec.mode != "activations":
        options = dataclasses.replace(options, attribution=None, feature_space=None, clusters=None)
    elif not spec.feature_space:
        options = dataclasses.replace(options, clusters=None)
    if not expanded:
        return dataclasses.replace(options, expand=expand)
    opened = {"group": False, "fold": False, "max_channels": 10**6, "max_map": 10**6, "depth": EVERY_LEVEL}
    return dataclasses.replace(options, **opened)


def window_options(size: tuple[int, int], *, comparing: bool) -> RenderOptions:
    """Two panes above a strip for the slider, insets as in exported comparisons; or one pane with
    the inset and histogram above the slider in the bottom-right corner."""
    if comparing:
        return RenderOptions.comparison(width=size[0], height=size[1], label_ranges=True, hall=False)
    layout = RenderOptions().theme.layout
    return RenderOptions(
        width=size[0],
        height=size[1],
        metrics_box=layout.window_metrics_box,
        histogram_box=layout.window_histogram_box,
        label_ranges=True,  # the engineer's: each label's colour range
        hall=False,  # read from a desk: the window's own text sizes (theme.WINDOW_HALL_TEXT)
    )


def toggled(
    expand: frozenset[str], name: str, architecture, depth: int | None, opens: str | None = None
) -> frozenset[str]:
    """What is open after a double-click on block `name`: what an open entry opened around it
    closes, or else `opens` opens (default `name`): a collapsed module's path opens it into its
    children; a layer's name opens its group or repeat into its layers, itself at full resolution.
    `depth`: the module depth drawn."""
    around = {e for e in expand if name in opened_by(e, architecture, depth)}
    return expand - around if around else expand | {opens or name}


def opened_by(entry: str, architecture, depth: int | None) -> set[str]:
    """The layers that opening `entry` brings into view: a module's (with the repeats folded with
    it); a layer's chain, the module drawn as one block at `depth` that holds it and the repeats
    folded with it (by structure; by name in a run recorded without its module tree)."""
    tree = ModuleTree.of(architecture)
    if tree.nested and tree.children.get(entry):
        out, inside = set(tree.members.get(entry, [])), {entry}
    else:
        out = {entry}.union(*(c for c in group_chains(architecture).values() if entry in c))
        module = tree.at_level(entry, depth) if depth and tree.nested else None
        out.update(tree.members.get(module, []) if module else ())
        inside = {p for p in tree.kinds if entry in tree.members.get(p, ())} if tree.nested else set()
    if not tree.nested:
        container = re.match(r"^(.*?)\.\d+(?=\.|#|$)", entry)
        if container:
            out |= {n.name for n in architecture.nodes if n.name.startswith(container.group(1) + ".")}
        return out
    for run in fold_modules(architecture, tree).runs.values():
        if inside.intersection(run):
            out |= {m for p in run for m in tree.members.get(p, [])}
    return out


def pinned_depth(spec: ViewSpec, architecture) -> ViewSpec:
    """`spec` with its depth said: the default (the deepest within the block budget) found once, so
    that opening a module or changing the mode does not choose another depth under the reader."""
    if spec.depth is not None:
        return spec
    depth = select(architecture, scene_options(spec, expanded=False, expand=frozenset())).depth
    return dataclasses.replace(spec, depth=depth) if depth else spec  # 0: no module tree, drawn flat


class Panes:
    """`against` another run, or `pin` a snapshot, makes it a comparison."""

    def __init__(self, plotter, run: Run, options: RenderOptions, *, against: Run | None, pin: float | None):
        self.plotter, self.run, self.options = plotter, run, options
        self.against, self.pin = against, pin
        self.comparing = against is not None or pin is not None
        self.strip = self.options.theme.layout.strip
        self.columns = (0.0, 1.0)  # a comparison's: the window's columns its two panes share
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
        slider and help text, and its camera (which mouse drags move) is the panes' camera. Under
        the panes, the whole window in the background colour: the slider's strip below them, and
        the columns beside them that the panels hold once the panes make room."""
        window = self.plotter.ren_win
        window.SetNumberOfLayers(3)
        self.plotter.renderer.SetLayer(2)
        backdrop = vtk.vtkRenderer()
        backdrop.SetBackground(*to_unit(self.options.background))
        backdrop.InteractiveOff()
        window.AddRenderer(backdrop)

    def place(self, columns: tuple[float, float]) -> bool:
        """A comparison's two panes side by side in the window's `columns` (normalised x from, to:
        beside the panels shown); True where they move (`build` then places them there). Both keep
        one size, so that the camera they share shows them alike."""
        if not self.comparing or columns == self.columns:
            return False
        self.columns = columns
        return True

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
        x0, x1 = self.columns
        middle = (x0 + x1) / 2
        return [(left, left_t, (x0, self.strip, middle, 1.0)), (right, right_t, (middle, self.strip, x1, 1.0))]

    def draw(self, playback: Playback, selected: str | None) -> list[Frame]:
        """Each pane's frame at the timeline's place (returned), with `selected`'s histogram."""
        p, frames = playback, []
        for pane in self.panes:
            t = pane.at(p.t)
            frames.append(pane.scene.frame_at(t, sample=p.sample, reveal=p.reveal))
            histogram = pane.histograms.at(selected, t, sample=p.sample) if selected and pane.histograms else None
            pane.renderer.draw(frames[-1], histogram)
        return frames

    def scene_for(self, options: SceneOptions, difference: bool = False) -> Scene:
        """The first pane's scene for `options`, built (once) without changing what is shown."""
        return self._views(options, difference)[0][0]

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
            pane = SceneRenderer(scene, renderer, self.options, viewport)
            if pane.overlays.legends is not None:  # the timeline changes the epoch: the legend says the scales stay
                pane.overlays.legends.show_notes(epochs=scene.n_snapshots > 1)
            self.panes.append(Pane(scene, pane, at, histograms))
        return self.panes
