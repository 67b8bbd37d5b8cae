"""The interactive window: rotate/zoom/pan, an epoch slider, keys, help overlay, HUD and legend."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nnvox.capture.run import Run, open_run
from nnvox.errors import NnvoxError, NnvoxTypeError
from nnvox.scenes.build import build_scene
from nnvox.scenes.compare import build_comparison
from nnvox.scenes.histogram import HistogramSource
from nnvox.scenes.playback import Playback, check_position
from nnvox.scenes.presets import check_size
from nnvox.scenes.scene import MODES, Scene, SceneOptions
from nnvox.viewer.figure_panel import FigurePanel, available_figures
from nnvox.viewer.options import RenderOptions

if TYPE_CHECKING:
    from nnvox.viewer.renderer import SceneRenderer

STRIP = 0.11  # comparisons: the height of the slider's strip below the two panes

KEYS = [
    ("space", "play / pause the training timeline"),
    ("Right / Left", "next / previous snapshot"),
    ("Up / Down", "next / previous probe sample, then the snapshot's most confident mistakes"),
    ("m", "next mode: activations, weights, change since previous / first, update ratio, gradients"),
    ("g", "run the forward pass, layer by layer"),
    ("x", "expand every layer / back to the overview (grouped, folded, level of detail)"),
    ("click", "select a layer (its histogram, a white outline) and inspect the voxel: value, channel, what it sees"),
    ("[ / ]", "select the previous / next layer"),
    ("double-click", "expand that layer (ungroup, unfold, full resolution) / collapse it again"),
    ("c", "reset the camera"),
    ("k", "save the camera as a view file (nnvox-view-N.toml) for storyboards and keyframes"),
    ("d", "comparisons: the right side shows left − right / the right run or snapshot again"),
    ("t", "show / hide the layer health table (dead and saturated units)"),
    ("f", "a 2D figure of the snapshot: the clicked voxel, confusion, mistakes, filters, histograms, correlation, health"),
    ("h", "show / hide this help"),
    ("mouse", "left drag rotate, right drag or wheel zoom, middle drag pan"),
    ("q", "quit"),
]


def _voxel_text(v) -> str:
    import textwrap

    lines = [f"{v.layer}  {v.where}", f"value {v.value:.4g}"]
    if v.channel_stats:
        s = v.channel_stats
        lines.append(f"{v.group}: min {s['min']:.3g}  mean {s['mean']:.3g}  max {s['max']:.3g}")
    if v.seen.note:  # what it sees (outlined in amber on a map input), or why no region is shown
        outlined = v.field is not None and len(v.field) == 2
        lines += textwrap.wrap(v.seen.note + (" (amber)" if outlined else ""), 90)
    if v.product is not None:
        p = v.product
        lines.append(f"patch x kernel: {p.terms.sum():.3g} + bias {p.bias:.3g} = {p.total:.4g}")
    return "\n".join(lines)


def show(
    run: Run | str | Path,
    *,
    mode: str = "activations",
    sample: int = 0,
    size: tuple[int, int] = (1400, 820),
    sizing: str = "capped",
    against: Run | str | Path | None = None,
    pin: float | None = None,
    difference: bool = False,
    t: float | None = None,
    histogram: str | None = None,
    attribution: str | None = None,
    feature_space: str | None = None,
    clusters: int | str | None = None,
) -> None:
    """Open the desktop window on a run (needs a display); `t` the snapshot to start at, `histogram`
    a layer to select, `attribution` a recorded attribution to draw under the input plane. `against` another run, or `pin` a
    snapshot, shows a comparison side by side with linked cameras (`d`: the difference)."""
    from nnvox.viewer.gl import display_problem

    # the arguments first: a wrong one is told as such with or without a display
    run = run if isinstance(run, Run) else open_run(run)
    if mode not in MODES:
        raise NnvoxError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    if against is not None and not isinstance(against, Run):
        against = open_run(against)
    if t is not None:
        check_position(t, min(len(r.snapshots) for r in (run, against) if r is not None))
    if not (isinstance(size, (tuple, list)) and len(size) == 2):
        raise NnvoxTypeError(f"the window's size is (width, height), got {size!r}")
    check_size(*size)
    if problem := display_problem():
        raise NnvoxError(f"{problem}; use `nnvox export` to render PNG or MP4 instead")
    window = Window(run, mode=mode, sample=sample, size=size, sizing=sizing, against=against, pin=pin, difference=difference,
                    attribution=attribution, feature_space=feature_space, clusters=clusters)
    if histogram is not None:
        if histogram not in {b.name for b in window.scene.blocks}:
            raise NnvoxError(f"layer {histogram!r} is not drawn in {mode} mode; `nnvox info` lists the layers")
        window.select(histogram)
    if t is not None:
        window.playback.seek(t)
    window.show()


@dataclass
class Pane:
    """One scene in the window: its renderer, its histograms and the timeline position it shows."""

    scene: Scene
    renderer: SceneRenderer
    at: Callable[[float], float]
    histograms: HistogramSource | None


class Window:
    def __init__(self, run: Run, *, mode: str, sample: int, size: tuple[int, int], sizing: str = "capped",
                 against: Run | None = None, pin: float | None = None, difference: bool = False,
                 attribution: str | None = None, feature_space: str | None = None, clusters: int | str | None = None):
        import pyvista as pv
        import vtk

        self.run = run
        self.attribution = attribution
        self.feature_space, self.clusters = feature_space, clusters
        self.against, self.pin = against, pin
        self.comparing = against is not None or pin is not None
        self.difference = difference
        self.mode = mode
        self.expanded = False
        self.expand: frozenset[str] = frozenset()  # layers double-clicked open
        self.sizing = sizing
        if self.comparing:  # two panes above a strip for the slider; insets as in exported comparisons
            self.options = RenderOptions(width=size[0], height=size[1], text_scale=0.72, show_metrics=False,
                                         histogram_box=(0.5, 0.14, 0.98, 0.34))
        else:  # the inset sits above the slider in the bottom-right corner
            self.options = RenderOptions(width=size[0], height=size[1], metrics_box=(0.7, 0.13, 0.98, 0.26),
                                         histogram_box=(0.7, 0.3, 0.98, 0.52))
        self.selected: str | None = None  # the layer whose histogram is shown
        self.voxel = None  # the clicked voxel (scenes.inspect.Voxel), if any
        self.figure: str | None = None  # the 2D figure shown over the top right (key f)
        self.views_dir = Path.cwd()  # where k saves camera views
        self._press: tuple[int, int] | None = None
        n = min(len(run.snapshots), len(against.snapshots)) if against is not None else len(run.snapshots)
        # Up/Down walks the probe samples, then the snapshot's recorded mistakes (one run's: not when comparing)
        self.playback = Playback(n, run.probe_count if self.comparing else run.sample_count, t=float(n - 1))
        run.check_sample(sample, mistakes=not self.comparing)
        self.playback.sample = sample
        self.plotter = pv.Plotter(window_size=list(size), title=self._title())
        self.plotter.disable_anti_aliasing()
        self.figure_panel = FigurePanel()
        # Text panels (help, health table, voxel) on a layer of their own over the scene, its block
        # labels included (on the scene's overlay layer, they would cross a table opened over them);
        # only the figure panel goes higher.
        self._panels = vtk.vtkRenderer()
        self._panels.SetLayer(2)
        self._panels.InteractiveOff()
        self.plotter.ren_win.SetNumberOfLayers(3)
        self.plotter.ren_win.AddRenderer(self._panels)
        self.panes: list[Pane] = []
        self._scenes = {}
        self._build_scene()
        self._add_slider()
        self._add_help()
        self._bind_keys()
        self.playback.listeners.append(lambda _: self._redraw())
        self._last_tick = time.perf_counter()

    def _title(self) -> str:
        view = " — expanded" if self.expanded else (f" — {len(self.expand)} opened" if self.expand else "")
        view += f" — selected {self.selected}" if self.selected else ""
        if getattr(self, "voxel", None) is not None:
            view += f" — voxel {self.voxel.layer}[{self.voxel.channel}]{tuple(self.voxel.position) if self.voxel.position else ''}"
        if self.run.is_mistake(self.playback.sample):
            view += f" — mistake {self.playback.sample - self.run.probe_count + 1}"
        if self.comparing:
            other = self.against.name if self.against is not None else self.run.snapshots[round(self.pin)].label
            view += f" — against {other}" + (" — difference" if self.difference else "")
        return f"nnvox — {self.run.name} — {self.run.snapshots[round(self.playback.t)].label} — {self.mode}{view}"

    def _scene_options(self) -> SceneOptions:
        if not self.expanded:
            return SceneOptions(mode=self.mode, sizing=self.sizing, expand=self.expand, attribution=self._attribution(),
                                feature_space=self._feature_space(), clusters=self._clusters())
        # Every layer its own block, every channel at full resolution.
        return SceneOptions(mode=self.mode, sizing=self.sizing, group=False, fold=False, max_channels=10**6, max_map=10**6,
                            attribution=self._attribution(), feature_space=self._feature_space(), clusters=self._clusters())

    def _attribution(self) -> str | None:
        """The attribution plane in activations mode only (other modes show weights)."""
        return self.attribution if self.mode == "activations" else None

    def _feature_space(self) -> str | None:
        return self.feature_space if self.mode == "activations" else None

    def _clusters(self) -> int | str | None:
        return self.clusters if self._feature_space() else None

    def _build_scene(self) -> None:
        import vtk

        from nnvox.viewer.renderer import SceneRenderer

        key = (self.mode, self.expanded, self.expand)
        if key not in self._scenes:
            options = self._scene_options()
            self._scenes[key] = (build_comparison(self.run, self.against, pin=self.pin, options=options)
                                 if self.comparing else build_scene(self.run, options))
        for pane in self.panes:
            pane.renderer.remove()
            if pane.renderer.renderer is not self.plotter.renderer:
                self.plotter.ren_win.RemoveRenderer(pane.renderer.renderer)
        if self.comparing:
            # The plotter's own renderer becomes a transparent top layer over both panes: it holds the
            # slider and help text, and its camera (which mouse drags move) is the panes' camera.
            window = self.plotter.ren_win
            window.SetNumberOfLayers(3)
            self.plotter.renderer.SetLayer(2)
            if not hasattr(self, "_strip"):  # the slider's strip below the panes, in the background colour
                self._strip = vtk.vtkRenderer()
                self._strip.SetViewport(0.0, 0.0, 1.0, STRIP)
                self._strip.SetBackground(*(c / 255 for c in self.options.background))
                self._strip.InteractiveOff()
                window.AddRenderer(self._strip)
        built = self._scenes[key]
        if self.comparing:
            (left, left_t), (right, right_t) = built.sides(self.difference)
            views = [(left, left_t, (0.0, STRIP, 0.5, 1.0)), (right, right_t, (0.5, STRIP, 1.0, 1.0))]
        else:
            views = [(built, lambda t: t, (0.0, 0.0, 1.0, 1.0))]
        self.scene = views[0][0]
        if self.selected is not None and self.selected not in {b.name for b in self.scene.blocks}:
            self.selected = None  # not drawn in this view (a weights-only mode, or grouped away)
        self.panes = []
        for scene, at, viewport in views:
            renderer = self.plotter.renderer
            if self.comparing:
                renderer = vtk.vtkRenderer()
                renderer.SetActiveCamera(self.plotter.renderer.GetActiveCamera())  # linked cameras
                self.plotter.ren_win.AddRenderer(renderer)
            histograms = None if scene.run_name == "difference" else HistogramSource(scene)
            self.panes.append(Pane(scene, SceneRenderer(scene, renderer, self.options, viewport), at, histograms))
        self.scene_renderer = self.panes[0].renderer
        self.figure_panel.place(self.plotter.ren_win)
        self.plotter.camera_set = True  # keep our fitted overview: pyvista would reset it on show()
        self._redraw()

    def _redraw(self) -> None:
        p = self.playback
        frames = []
        for pane in self.panes:
            t = pane.at(p.t)
            frames.append(pane.scene.frame_at(t, sample=p.sample, reveal=p.reveal))
            histogram = pane.histograms.at(self.selected, t, sample=p.sample) if self.selected and pane.histograms else None
            pane.renderer.draw(frames[-1], histogram)
        if self.voxel is not None:  # the clicked voxel follows the timeline and the sample
            from nnvox.scenes.inspect import inspect_voxel

            v = self.voxel
            try:
                self.voxel = inspect_voxel(self.run, round(p.t), v.layer, v.channel, v.position, sample=p.sample)
                self.voxel_text.SetInput(_voxel_text(self.voxel))
                self.scene_renderer.show_field(self.voxel.field)
            except NnvoxError:
                pass
        try:
            v = self.voxel
            if self.figure == "voxel" and v is None:  # the voxel was let go: on to the next figure
                self.figure = available_figures(self.run)[0]
            self.figure_panel.show(self.run, self.figure, round(p.t), v.layer if self.figure == "voxel" else self.selected,
                                   tuple(self.plotter.ren_win.GetSize()), voxel=(v.channel, *v.position) if v else None,
                                   sample=p.sample)
        except NnvoxError as exc:  # said in the hint line, never a crash
            self.hint.SetInput(f"no {self.figure} figure: {exc}")
            self.figure = None
        frame = frames[0]  # the health table is the left side's
        if hasattr(self, "health") and self.health.GetVisibility():
            self.health.SetInput(self._health_text(frame))
        if hasattr(self, "slider"):
            self.slider.GetRepresentation().SetValue(p.t)
        self.plotter.ren_win.SetWindowName(self._title())
        self.plotter.render()

    def _add_slider(self) -> None:
        n = self.playback.n_snapshots
        self.slider = self.plotter.add_slider_widget(
            lambda v: self.playback.seek(v),
            rng=[0, max(n - 1, 1e-6)],
            value=self.playback.t,
            title="snapshot",
            pointa=(0.3, 0.065) if self.comparing else (0.70, 0.07),
            pointb=(0.7, 0.065) if self.comparing else (0.97, 0.07),
            interaction_event="always",
            fmt="%.1f",
            style="modern",
            title_height=0.022,
        )
        if n < 2:
            self.slider.EnabledOff()

    def _add_help(self) -> None:
        import vtk

        width = max(len(k) for k, _ in KEYS)
        text = "keys\n" + "\n".join(f"{k.ljust(width)}   {v}" for k, v in KEYS)
        self.help = self._panel_text(0.02, (0.012, 0.9), courier=True)
        self.help.SetInput(text)
        self.hint = vtk.vtkTextActor()
        self.hint.SetInput("h: help   space: play   Left/Right: snapshot   Up/Down: sample   m: mode   g: forward pass   "
                           "click: histogram   x: expand")
        hp = self.hint.GetTextProperty()
        hp.SetFontSize(max(9, round(self.options.height * 0.016)))
        hp.SetColor(0.7, 0.7, 0.75)
        self.hint.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        # above the colour legends (in a comparison, the panes' legends over the slider's strip),
        # clear of a heads-up line of any length
        from nnvox.viewer.renderer import LEGEND_TOP

        above = LEGEND_TOP + 0.01
        self.hint.SetPosition(0.012, STRIP + (1 - STRIP) * above if self.comparing else above)
        self._panels.AddViewProp(self.hint)
        # the clicked voxel's story, under the heads-up line (the network runs diagonally below)
        self.voxel_text = self._panel_text(0.018, (0.012, 0.89))
        self.health = self._panel_text(0.02, (0.012, 0.55), courier=True)

    def _panel_text(self, size: float, position: tuple[float, float], *, courier: bool = False):
        """A hidden block of white text on a dark band (help, health table, voxel), top-left anchored."""
        import vtk

        actor = vtk.vtkTextActor()
        tp = actor.GetTextProperty()
        if courier:  # tables line up in a fixed-width font
            tp.SetFontFamilyToCourier()
        tp.SetFontSize(max(10, round(self.options.height * size)))
        tp.SetColor(1, 1, 1)
        tp.SetBackgroundColor(0.05, 0.05, 0.08)
        tp.SetBackgroundOpacity(0.95)
        tp.SetVerticalJustificationToTop()
        actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        actor.SetPosition(*position)
        actor.SetVisibility(False)
        self._panels.AddViewProp(actor)
        return actor

    def _health_text(self, frame) -> str:
        rows = [(name, h) for name, h in frame.health.items()]
        if not rows:
            return "layer health: no ReLU, tanh or sigmoid layers in this mode"
        width = max(len(n) for n, _ in rows)
        lines = [f"{'layer'.ljust(width)}   dead   active   saturated"]
        for name, h in rows:
            dead = f"{h['dead'] * 100:4.0f}%" if "dead" in h else "    -"
            active = f"{h['active'] * 100:6.0f}%" if "active" in h else "      -"
            sat = f"{h['saturated'] * 100:6.0f}%" if "saturated" in h else "       -"
            lines.append(f"{name.ljust(width)}   {dead}   {active}   {sat}")
        keys = {b.key: b.name for b in self.scene.blocks}
        for units, what in ((self.run.dead_units(frame.snapshot), "dead units (never active on the probe set, red)"),
                            (self.run.saturated_units(frame.snapshot), "saturated units (at a limit for the whole probe set, orange)")):
            listed = [f"{keys[k]}: {', '.join(map(str, u[:12]))}" + (" ..." if len(u) > 12 else "")
                      for k, u in (units or {}).items() if u and k in keys]
            if listed:
                lines += ["", what, *listed[:8]]
        return "\n".join(lines)

    def _next_figure(self) -> None:
        """The next 2D figure of the snapshot under the cursor (filters, correlation: of the selected layer)."""
        choices = (*available_figures(self.run, voxel=self.voxel is not None), None)
        at = choices.index(self.figure) if self.figure in choices else -1
        self.figure = choices[(at + 1) % len(choices)]
        self._redraw()

    def _toggle_health(self) -> None:
        self.health.SetVisibility(not self.health.GetVisibility())
        self._redraw()

    def _toggle_help(self) -> None:
        self.help.SetVisibility(not self.help.GetVisibility())
        self.plotter.render()

    def _switch_mode(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self._build_scene()

    def toggle_layer(self, name: str) -> None:
        """Open a layer (its group, its folded repeat, its full resolution), or close what is open
        around it."""
        import re

        from nnvox.scenes.grouping import group_chains

        chains = [set(c) for c in group_chains(self.run.architecture).values() if name in c]
        container = re.match(r"^(.*?)\.\d+(?=\.|#|$)", name)
        related = {name}.union(*chains) if chains else {name}
        if container:
            related |= {n for n in self.expand if n.startswith(container.group(1) + ".")}
        self.expand = self.expand - related if self.expand & related else self.expand | {name}
        self._build_scene()

    def select(self, name: str | None) -> None:
        self.selected = name
        self._redraw()

    def _select_next(self, delta: int) -> None:
        names = [b.name for b in self.scene.blocks]
        i = names.index(self.selected) + delta if self.selected in names else (0 if delta > 0 else -1)
        self.select(names[i % len(names)])

    def _on_press(self, *_) -> None:
        iren = self.plotter.iren.interactor
        x, y = iren.GetEventPosition()
        if iren.GetRepeatCount() < 1:  # a single click selects on release, if the mouse did not drag
            self._press = (x, y)
            return
        self._press = None
        name = self._block_at(x, y)
        if name is not None:
            self.toggle_layer(name)

    def _block_at(self, x: int, y: int) -> str | None:
        return next((name for pane in self.panes if (name := pane.renderer.block_at(x, y)) is not None), None)

    def _toggle_difference(self) -> None:
        if self.comparing:
            self.difference = not self.difference
            self._build_scene()

    def _on_release(self, *_) -> None:
        x, y = self.plotter.iren.interactor.GetEventPosition()
        if self._press is not None and abs(x - self._press[0]) + abs(y - self._press[1]) <= 3:
            if self.figure == "mistakes" and (rank := self.figure_panel.plot_at(x, y)) is not None:
                self._choose_mistake(rank)
            else:
                self._inspect(x, y)
                self.select(self._block_at(x, y))
        self._press = None

    def _choose_mistake(self, rank: int) -> None:
        """A mistake clicked in the mistakes figure: the whole scene shows it, when its activations
        were recorded (the run keeps each snapshot's first few)."""
        recorded = min(len(self.run.mistakes(round(self.playback.t))), self.run.mistake_rows)
        if self.comparing or rank >= recorded:
            self.hint.SetInput(f"mistake {rank + 1}: only the first {recorded} of each snapshot have recorded activations")
            self.plotter.render()
            return
        self.playback.choose_sample(self.run.probe_count + rank)

    def _inspect(self, x: int, y: int) -> None:
        """A clicked voxel: its value, channel statistics, what it sees on the input (outlined in
        amber) and, for a convolution, its patch x kernel sum; empty space clears it."""
        from nnvox.scenes.inspect import inspect_voxel, voxel_at

        self.voxel = None
        hit = self.scene_renderer.point_at(x, y) if self.mode == "activations" and not self.comparing else None
        block = self.scene.block(hit[0]) if hit else None
        shape = None
        if block is not None and block.key.startswith("act/"):
            try:
                shape = self.run.architecture.node(block.key[len("act/"):]).shape
            except KeyError:
                shape = None
        where = voxel_at(block, hit[1], shape) if hit else None
        if where is not None:
            try:
                self.voxel = inspect_voxel(self.run, round(self.playback.t), *where, sample=self.playback.sample)
            except NnvoxError:
                self.voxel = None
        self.scene_renderer.show_field(self.voxel.field if self.voxel else None)
        self.voxel_text.SetVisibility(self.voxel is not None)
        if self.voxel is not None:
            self.voxel_text.SetInput(_voxel_text(self.voxel))

    def _toggle_expanded(self) -> None:
        self.expanded = not self.expanded
        self._build_scene()

    def _reset_camera(self) -> None:
        self.scene_renderer.reset_camera()
        self.plotter.render()

    def _save_view(self) -> None:
        """The camera as it is, to the next free nnvox-view-N.toml in the working folder."""
        from nnvox.files import atomic_write_bytes
        from nnvox.scenes.camera import view_file_text
        from nnvox.viewer.outputs import write_error

        n = 1
        while (path := self.views_dir / f"nnvox-view-{n}.toml").exists():
            n += 1
        note = f"a view of {self.run.name} ({self.mode}) saved by the nnvox window"
        try:  # whole or not at all; a folder that takes no file is said in the window, not a crash
            atomic_write_bytes(path, view_file_text(self.scene_renderer.pose(), note).encode())
        except OSError as exc:
            error = write_error(path, exc)
            self.hint.SetInput(str(error))
            print(f"nnvox: error: {error}")
        else:
            self.hint.SetInput(f"saved the camera to {path.name}: in a storyboard, camera = {{ view = \"{path.name}\" }}")
            print(f"saved the camera to {path}")
        self.plotter.render()

    def _bind_keys(self) -> None:
        p = self.playback
        bindings = {
            "space": p.toggle_play,
            "Right": lambda: p.step(+1),
            "Left": lambda: p.step(-1),
            "Up": lambda: p.change_sample(+1),
            "Down": lambda: p.change_sample(-1),
            "m": self._switch_mode,
            "g": p.start_forward_pass,
            "x": self._toggle_expanded,
            "c": self._reset_camera,
            "k": self._save_view,
            "d": self._toggle_difference,
            "t": self._toggle_health,
            "f": self._next_figure,
            "h": self._toggle_help,
            "bracketright": lambda: self._select_next(+1),
            "bracketleft": lambda: self._select_next(-1),
        }
        for key, fn in bindings.items():
            self.plotter.add_key_event(key, fn)

    def _on_timer(self, *_) -> None:
        now = time.perf_counter()
        dt, self._last_tick = now - self._last_tick, now
        self.playback.tick(min(dt, 0.1))

    def _on_char(self, style, _event) -> None:
        """VTK's own keys would fight ours (f flies the camera, w turns every voxel to wireframe,
        j changes how dragging turns it): of them only q, which ends the window, is kept."""
        if self.plotter.iren.interactor.GetKeyCode() == "q":
            style.OnChar()

    def show(self) -> None:
        iren = self.plotter.iren
        iren.add_observer("TimerEvent", self._on_timer)
        iren.add_observer("LeftButtonPressEvent", self._on_press)
        iren.add_observer("LeftButtonReleaseEvent", self._on_release)
        iren.style.AddObserver("CharEvent", self._on_char)  # an observer replaces the style's own OnChar
        iren.create_timer(33)  # one repeating timer: several trigger each other's callbacks (pyvista #7962)
        self.plotter.show()
