"""The interactive window: rotate/zoom/pan, an epoch slider, keys, help overlay, HUD and legend.
Its scenes draw through the same overlays as off-screen rendering; its own parts (panes, text
panels, saved views) are in viewer/desktop/."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from nnvox.capture.run import Run, open_run
from nnvox.errors import NnvoxError, NnvoxTypeError
from nnvox.scenes.playback import Playback, check_position
from nnvox.scenes.presets import check_size
from nnvox.scenes.scene import MODES, SceneOptions
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.desktop.mouse import MouseHandlers
from nnvox.viewer.figure_panel import FigurePanel, available_figures

KEYS = [  # each one line of the left column at the lecture size (wrapped where a window is narrower)
    ("space", "play / pause the timeline"),
    ("Right / Left", "next / previous snapshot"),
    ("Up / Down", "next sample, then mistakes"),
    ("m", "next mode: weights, ..."),
    ("g", "the forward pass"),
    ("- / +", "one module level up / down"),
    ("x", "every layer / the overview"),
    ("click", "select a layer and a voxel"),
    ("[ / ]", "the previous / next layer"),
    ("double-click", "open a block / close it"),
    ("c", "reset the camera"),
    ("k", "save the camera as a view"),
    ("d", "comparisons: left − right"),
    ("t", "layer health: dead units"),
    ("f", "next figure: confusion, ..."),
    ("h", "show / hide these keys"),
    ("drag", "turn (left), pan (middle)"),
    ("wheel", "zoom (or right drag)"),
    ("q", "quit"),
]


def show(
    run: Run | str | Path,
    *,
    spec: ViewSpec | None = None,
    size: tuple[int, int] = (1400, 820),
    against: Run | str | Path | None = None,
    pin: float | None = None,
    difference: bool = False,
    **options,
) -> None:
    """Open the desktop window on a run (needs a display), showing `spec` (a ViewSpec; its fields may
    be given as keywords: `mode`, `sample` or `mistake`, `t` the snapshot to start at, `histogram` a
    layer to select, `attribution`, `feature_space`, ...). `against` another run, or `pin` a
    snapshot, shows a comparison side by side with linked cameras (`d`: the difference)."""
    from nnvox.scenes.view import check_applies, specs_from
    from nnvox.viewer.gl import display_problem, windowless_fix

    # the arguments first: a wrong one is told as such with or without a display
    spec, _ = specs_from(spec, None, options, where="show", output_fields=False)
    check_applies("the window", spec)
    run = run if isinstance(run, Run) else open_run(run)
    if against is not None and not isinstance(against, Run):
        against = open_run(against)
    if spec.t is not None:
        check_position(spec.t, min(len(r.snapshots) for r in (run, against) if r is not None))
    if not (isinstance(size, (tuple, list)) and len(size) == 2):
        raise NnvoxTypeError(f"the window's size is (width, height), got {size!r}")
    check_size(*size)
    sample = spec.sample_in(run)
    if problem := display_problem():
        raise NnvoxError(f"{problem}; {windowless_fix()}")
    window = Window(run, spec=spec, sample=sample, size=size, against=against, pin=pin, difference=difference)
    if spec.histogram is not None:
        if spec.histogram not in {b.name for b in window.scene.blocks}:
            raise NnvoxError(
                f"layer {spec.histogram!r} is not drawn in {spec.mode} mode; `nnvox info` lists the layers"
            )
        window.select(spec.histogram)
    if spec.t is not None:
        window.playback.seek(spec.t)
    window.show()


class Window(MouseHandlers):
    """The desktop window on one run (or a comparison): `spec` is what it shows at first; keys change
    its mode, and double-clicks open layers, from there."""

    def __init__(
        self,
        run: Run,
        *,
        spec: ViewSpec = ViewSpec(),
        sample: int = 0,
        size: tuple[int, int],
        against: Run | None = None,
        pin: float | None = None,
        difference: bool = False,
    ):
        import pyvista as pv

        from nnvox.viewer.desktop.panels import TextPanels
        from nnvox.viewer.desktop.panes import Panes, window_options
        from nnvox.viewer.desktop.scene_switch import SceneSwitch
        from nnvox.viewer.desktop.slider import TimelineSlider, chart_ends

        self.run, self.against, self.pin = run, against, pin
        self.comparing = against is not None or pin is not None
        from nnvox.viewer.desktop.panes import pinned_depth

        self.spec, self.difference = pinned_depth(spec, run.architecture), difference
        self.expanded = False
        self.expand: frozenset[str] = frozenset()  # layers double-clicked open
        self.opened: frozenset[str] = frozenset()  # feature-map layers double-clicked open into their maps
        self.options = window_options(size, comparing=self.comparing)
        self.selected: str | None = None  # the layer whose histogram is shown
        self._hovered: str | None = None  # the block under the cursor: its label shows
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
        self.panels = TextPanels(self.plotter.ren_win, self.options, KEYS, comparing=self.comparing)
        self.help, self.health = self.panels.help, self.panels.health
        self.panes = Panes(self.plotter, run, self.options, against=against, pin=pin)
        self.switch = SceneSwitch(self.panes, run)  # which scene is shown, and blocks gliding to another
        self._build_scene(redraw=False)
        shown = run.snapshots[:n]
        iren, top = self.plotter.iren.interactor, self.panels.renderer  # the slider over the scene
        self.slider = TimelineSlider(
            iren, top, self.playback, self.options, shown, comparing=self.comparing, ends=chart_ends(self.panes)
        )
        self._bind_keys()
        self.playback.listeners.append(lambda _: self._redraw())
        self._last_tick = time.perf_counter()
        self._redraw()

    def _title(self) -> str:
        view = f" — depth {self.spec.depth} of {self._levels}" if self.spec.depth and not self.expanded else ""
        view += " — expanded" if self.expanded else (f" — {len(self.expand)} opened" if self.expand else "")
        view += f" — {', '.join(sorted(self.opened))} open into maps" if self.opened else ""
        view += f" — selected {self.selected}" if self.selected else ""
        view += f" — figure {self.figure}" if self.figure else ""  # what tests wait on, not the screen
        if self.voxel is not None:
            where = tuple(self.voxel.position) if self.voxel.position else ""
            view += f" — voxel {self.voxel.layer}[{self.voxel.channel}]{where}"
        if self.run.is_mistake(self.playback.sample):
            view += f" — mistake {self.playback.sample - self.run.probe_count + 1}"
        if self.comparing:
            other = self.against.name if self.against is not None else self.run.snapshots[round(self.pin)].label
            view += f" — against {other}" + (" — difference" if self.difference else "")
        return f"nnvox — {self.run.name} — {self.run.snapshots[round(self.playback.t)].label} — {self.mode}{view}"

    @property
    def mode(self) -> str:
        return self.spec.mode

    @property
    def _levels(self) -> int:
        """The depth of the run's module tree (0: recorded without one)."""
        from nnvox.scenes.hierarchy import ModuleTree

        tree = ModuleTree.of(self.run.architecture)
        return tree.max_level if tree.nested else 0

    def _scene_options(self) -> SceneOptions:
        from nnvox.viewer.desktop.panes import scene_options

        return scene_options(self.spec, expanded=self.expanded, expand=self.expand, opened=self.opened)

    def _build_scene(self, redraw: bool = True, opening: bool | None = None) -> None:
        """Show the scene of what is asked now; `opening` True or False (a module opened or closed, a
        depth change): its blocks glide there from where they were. Layers open into their maps close."""
        self._end_glide()
        self.opened = frozenset()
        if opening is not None and not self.comparing:
            self.switch.glide_to(self._scene_options(), opening)
        else:
            self.switch.show(self._scene_options(), self.difference)
        self._shown()
        if redraw:
            self._redraw()

    def _shown(self) -> None:
        """After the panes changed."""
        self.scene, self.scene_renderer = self.switch.scene, self.switch.renderer
        if self.selected is not None and self.selected not in {b.name for b in self.scene.blocks}:
            self.selected = None  # not drawn in this view (a weights-only mode, or grouped away)
        self.figure_panel.place(self.plotter.ren_win)
        self.plotter.camera_set = True  # keep our fitted overview: pyvista would reset it on show()

    def _end_glide(self) -> None:
        """A glide under way jumps to its end (a closing's new scene is shown then)."""
        if self.switch.end_glide():
            self._shown()
            self._redraw()

    def _redraw(self) -> None:
        p = self.playback
        frames = self.panes.draw(p, self.selected)
        self._follow_voxel()
        self._show_figure()
        self.panels.show_health(frames[0], self.scene, self.run)  # the health table is the left side's
        self.slider.update(p.t)
        self.plotter.ren_win.SetWindowName(self._title())
        self._make_room()
        self.plotter.render()

    def _make_room(self) -> None:
        """The network in the columns no panel holds (the 3D view narrows beside a panel and widens
        back); a comparison's panes move over beside them, side by side (desktop/panels.rooms)."""
        from nnvox.viewer.desktop.panels import keep_labels_off, rooms

        columns, choices = rooms(self.panels, self.figure, self.selected, comparing=self.comparing)
        if self.switch.make_room(choices, columns):  # the panes built again where they now go
            self._shown()
            self.panes.draw(self.playback, self.selected)
        self._focus_labels()
        keep_labels_off(self.panes, self.switch.room)

    def _focus_labels(self) -> None:
        """The selected block's and the hovered one's labels first (shown even where the label
        policy leaves them out)."""
        focus = tuple(n for n in (self.selected, self._hovered) if n is not None)
        for pane in self.panes:
            if pane.renderer.label_layout is not None:
                pane.renderer.label_layout.focus = focus

    def _follow_voxel(self) -> None:
        """The clicked voxel follows the timeline and the sample."""
        from nnvox.viewer.desktop.voxel import followed

        if self.voxel is not None:
            self.voxel = followed(self.voxel, self.run, t=self.playback.t, sample=self.playback.sample)
            self.panels.show_voxel(self.voxel)
            self.scene_renderer.show_field(self.voxel.field)

    def _show_figure(self) -> None:
        from nnvox.viewer.desktop.panels import figure_floor

        v = self.voxel
        try:
            if self.figure == "voxel" and v is None:  # the voxel was let go: on to the next figure
                self.figure = available_figures(self.run)[0]
            self.figure_panel.show(
                self.run,
                self.figure,
                round(self.playback.t),
                v.layer if self.figure == "voxel" else self.selected,
                tuple(self.plotter.ren_win.GetSize()),
                voxel=(v.channel, *v.position) if v else None,
                sample=self.playback.sample,
                floor=figure_floor(self.panes, self.options.theme.layout.panel_gap),  # over the marks' legend
            )
        except NnvoxError as exc:  # said in the hint line, never a crash
            self.panels.say(f"no {self.figure} figure: {exc}")
            self.figure = None

    def _next_figure(self) -> None:
        """The next 2D figure of the snapshot under the cursor (filters, correlation: of the selected layer)."""
        choices = (*available_figures(self.run, voxel=self.voxel is not None), None)
        at = choices.index(self.figure) if self.figure in choices else -1
        self.figure = choices[(at + 1) % len(choices)]
        self._redraw()

    def _toggle_panel(self, panel) -> None:
        """The help or the health table shown or hidden: the network makes room or widens back."""
        self.panels.toggle(panel)
        self._redraw()

    def _switch_mode(self) -> None:
        self.spec = dataclasses.replace(self.spec, mode=MODES[(MODES.index(self.mode) + 1) % len(MODES)])
        self._build_scene()

    def toggle_layer(self, name: str) -> None:
        """Open block `name` (a collapsed module into its children, a group or a repeat into its
        layers, a layer at full resolution), or close what an earlier double-click opened around it."""
        from nnvox.scenes.selection import select
        from nnvox.viewer.desktop.panes import toggled

        before, module = self.expand, select(self.run.architecture, self.switch.shown).collapsed.get(name)
        depth = None if self.expanded else self.spec.depth
        self.expand = toggled(before, name, self.run.architecture, depth, module.module if module else None)
        self._build_scene(opening=len(self.expand) > len(before))

    def _change_depth(self, delta: int) -> None:
        """One module level shallower (-1) or deeper (+1), the camera, selection, timeline and mode kept."""
        if not self._levels:
            self.panels.say("this run was recorded without its module tree: one depth")
            self.plotter.render()
            return
        depth = min(max(self.spec.depth + delta, 1), self._levels)
        if depth == self.spec.depth and not self.expanded:
            return
        self.spec, self.expanded = dataclasses.replace(self.spec, depth=depth), False
        self._build_scene(opening=delta > 0)

    def _select_next(self, delta: int) -> None:
        names = [b.name for b in self.scene.blocks]
        i = names.index(self.selected) + delta if self.selected in names else (0 if delta > 0 else -1)
        self.select(names[i % len(names)])

    def _toggle_difference(self) -> None:
        if self.comparing:
            self.difference = not self.difference
            self._build_scene()

    def _toggle_expanded(self) -> None:
        self.expanded = not self.expanded
        self._build_scene()

    def _reset_camera(self) -> None:
        self.scene_renderer.apply_pose(self.switch.overview)  # the overview beside the panels shown
        self.plotter.render()

    def _save_view(self) -> None:
        """The camera as it is, to the next free nnvox-view-N.toml in the working folder."""
        from nnvox.viewer.desktop.views import save_view

        note = f"a view of {self.run.name} ({self.mode}) saved by the nnvox window"
        self.panels.say(save_view(self.scene_renderer.pose(), self.views_dir, note))
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
            "minus": lambda: self._change_depth(-1),
            "KP_Subtract": lambda: self._change_depth(-1),
            "plus": lambda: self._change_depth(+1),
            "equal": lambda: self._change_depth(+1),
            "KP_Add": lambda: self._change_depth(+1),
            "c": self._reset_camera,
            "k": self._save_view,
            "d": self._toggle_difference,
            "t": lambda: self._toggle_panel(self.health),
            "f": self._next_figure,
            "h": lambda: self._toggle_panel(self.help),
            "bracketright": lambda: self._select_next(+1),
            "bracketleft": lambda: self._select_next(-1),
        }
        for key, fn in bindings.items():
            self.plotter.add_key_event(key, fn)

    def _on_timer(self, *_) -> None:
        now = time.perf_counter()
        dt, self._last_tick = now - self._last_tick, now
        if self.switch.gliding is not None:
            if not self.switch.tick(now):
                self._end_glide()
            self.plotter.render()
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
        iren.add_observer("MouseMoveEvent", self._on_move)
        iren.style.AddObserver("CharEvent", self._on_char)  # an observer replaces the style's own OnChar
        iren.create_timer(33)  # one repeating timer: several trigger each other's callbacks (pyvista #7962)
        self.plotter.show()
