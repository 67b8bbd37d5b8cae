"""The window's text panels: help, the hint line, a clicked voxel's story and the layer health
table, on a layer of their own over the scene, its block labels included (on the scene's overlay
layer, they would cross a table opened over them); only the figure panel goes higher."""

from __future__ import annotations

import textwrap

import vtk

from nnvox.viewer.desktop.gliding import WHOLE
from nnvox.viewer.options import RenderOptions
from nnvox.viewer.overlays.hud import text_extent
from nnvox.viewer.theme import Box

# the hint line: beside the legends of one pane; in a comparison, left of the slider in its strip
HINT = "h: all keys   space: play   Left/Right: snapshot   m: mode   click: a layer"
COMPARISON_HINT = "h: all keys   d: difference"


def voxel_text(v, width: int = 90) -> str:
    """A clicked voxel's story (scenes.inspect.Voxel): where, its value, its channel, what it sees."""
    lines = [f"{v.layer}  {v.where}", f"value {v.value:.4g}"]
    if v.channel_stats:
        s = v.channel_stats
        lines.append(f"{v.group}: min {s['min']:.3g}  mean {s['mean']:.3g}  max {s['max']:.3g}")
    if v.seen.note:  # what it sees (outlined in amber on a map input), or why no region is shown
        outlined = v.field is not None and len(v.field) == 2
        lines += textwrap.wrap(v.seen.note + (" (amber)" if outlined else ""), width)
    if v.product is not None:
        p = v.product
        lines.append(f"patch x kernel: {p.terms.sum():.3g} + bias {p.bias:.3g} = {p.total:.4g}")
    return "\n".join(lines)


def health_text(frame, scene, run) -> str:
    """The health table of `frame`: each layer's dead, active and saturated shares, then which units."""
    rows = list(frame.health.items())
    if not rows:
        return "layer health: no ReLU, tanh or sigmoid layers in this mode"
    width = max(len(n) for n, _ in rows)
    lines = [f"{'layer'.ljust(width)}   dead   active   saturated"]
    for name, h in rows:
        dead = f"{h['dead'] * 100:4.0f}%" if "dead" in h else "    -"
        active = f"{h['active'] * 100:6.0f}%" if "active" in h else "      -"
        sat = f"{h['saturated'] * 100:6.0f}%" if "saturated" in h else "       -"
        lines.append(f"{name.ljust(width)}   {dead}   {active}   {sat}")
    keys = {b.key: b.name for b in scene.blocks}
    stuck = (
        (run.dead_units(frame.snapshot), "dead units (never active on the probe set, red)"),
        (run.saturated_units(frame.snapshot), "saturated units (at a limit for the whole probe set, orange)"),
    )
    table = len(lines[0])  # what follows wraps to the table's width: the column stays narrow
    for units, what in stuck:
        listed = [
            f"{keys[k]}: {', '.join(map(str, u[:12]))}" + (" ..." if len(u) > 12 else "")
            for k, u in (units or {}).items()
            if u and k in keys
        ]
        if listed:
            wrapped = [line for text in listed[:8] for line in textwrap.wrap(text, table, subsequent_indent="  ")]
            lines += ["", *textwrap.wrap(what, table), *wrapped]
    return "\n".join(lines)


def free_room(panels: TextPanels, figure: str | None, selected: str | None) -> tuple[float, float]:
    """The columns (normalised x from, to) beside the panels shown: the left column's, the figure
    panel's and the selected layer's histogram's."""
    from nnvox.viewer.figure_panel import BOX

    gap = panels.theme.layout.panel_gap
    right = [box[0] for box, shown in ((BOX, figure), (panels.options.histogram_box, selected)) if shown]
    return panels.left_edge(), min(right, default=1.0 + gap) - gap


def figure_floor(panes, gap: float) -> float:
    """Where the figure panel's bottom goes (normalised window height): `gap` over the marks'
    legend of any pane where it sits under the panel's column (above the histogram panel, it
    reached into the figure), else 0 (the panel where the theme puts it)."""
    from nnvox.viewer.figure_panel import BOX

    floor = 0.0
    for pane in panes:
        legends = pane.renderer.overlays.legends
        if legends is None or legends.marks.box is None:
            continue
        vx0, vy0, vx1, vy1 = pane.renderer.viewport
        x0, _, x1, top = legends.marks.box
        if vx0 + x0 * (vx1 - vx0) < BOX[2] and vx0 + x1 * (vx1 - vx0) > BOX[0]:
            floor = max(floor, vy0 + top * (vy1 - vy0) + gap)
    return floor


def rooms(
    panels: TextPanels, figure: str | None, selected: str | None, *, comparing: bool
) -> tuple[tuple[float, float], tuple[Box, ...]]:
    """The window's columns the panes share, and the parts of each pane (normalised x0, y0, x1, y1)
    its network may be fitted in: the window chooses the one it is largest in. One pane fills the
    window and makes room for every panel beside it (or the left column's over it); a comparison's
    two panes move beside the left column and the figure panel, and inside each the network goes
    beside or above the selected layer's histogram (drawn in the pane)."""
    if not comparing:  # beside the left column, or under it down to the hint line (a voxel's story: a few lines)
        x0, x1 = free_room(panels, figure, selected)
        under = (0.0, panels.bottom, x1, panels.left_foot())
        return (0.0, 1.0), ((x0, 0.0, x1, 1.0), *((under,) if panels.column else ()))
    if not selected:
        return free_room(panels, figure, None), (WHOLE,)
    box, gap = panels.options.histogram_box, panels.theme.layout.panel_gap
    return free_room(panels, figure, None), ((0.0, 0.0, box[0] - gap, 1.0), (0.0, box[3] + gap, 1.0, 1.0))


def keep_labels_off(panes, room: Box) -> None:
    """Block labels kept out of the panels' parts of the pane too (after each draw: a draw resets them)."""
    x0, y0, x1, y1 = room
    parts = ((0.0, 0.0, x0, 1.0), (x1, 0.0, 1.0, 1.0), (0.0, 0.0, 1.0, y0), (0.0, y1, 1.0, 1.0))
    held = tuple(c for c in parts if c[2] > c[0] and c[3] > c[1])
    for pane in panes:
        if pane.renderer.label_layout is not None:
            pane.renderer.label_layout.panels += held


def fitted(font: vtk.vtkTextProperty, text: str, height: float) -> str:
    """`text`'s first lines that fit `height` pixels, the last of them saying how many more there
    are (the most that fit, found by bisection: the table is stacked again on every frame)."""
    if text_extent(font, text)[1] <= height:
        return text
    lines = text.split("\n")

    def cut(keep: int) -> str:
        return "\n".join([*lines[:keep], f"... {len(lines) - keep} more lines"])

    low, high = 0, len(lines) - 1  # cut(low) fits (or low is 0), cut(high + 1) is the whole text
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if text_extent(font, cut(mid))[1] <= height else (low, mid - 1)
    return cut(low)


class TextPanels:
    """`keys`: (key, what it does) rows of the help. `comparing`: the window shows two panes above
    the slider's strip. The voxel story, the help and the health table stack down the left column
    (the help and the table one at a time: together they would not fit a laptop's window); the
    window keeps the network clear of the column (`left_edge`)."""

    def __init__(self, render_window, options: RenderOptions, keys: list[tuple[str, str]], *, comparing: bool):
        self.options = options
        self.theme = options.theme
        self.renderer = vtk.vtkRenderer()
        self.renderer.SetLayer(2)
        self.renderer.InteractiveOff()
        render_window.SetNumberOfLayers(3)
        render_window.AddRenderer(self.renderer)
        fonts, layout = self.theme.fonts, self.theme.layout
        self.comparing = comparing
        self.texts: dict[vtk.vtkTextActor, str] = {}  # each panel's whole text: `stack` shows what fits
        self.voxel = self._panel(fonts.voxel)  # under the heads-up line
        self.help = self._panel(fonts.help, courier=True)
        self.texts[self.help] = self._help_text(keys)
        self.health = self._panel(fonts.health, courier=True)
        self.hint = self._hint(comparing)
        # the column's foot: clear of the hint line over the legends, or of a comparison's strip
        hint_top = self.hint.GetPosition()[1] + self.hint.GetTextProperty().GetFontSize() / 2 / options.height
        self.bottom = (layout.strip if comparing else hint_top) + layout.panel_gap
        # the hint line's width: up to the metrics inset, or a comparison's slider
        end = layout.comparison_slider[0][0] if comparing else options.metrics_box[0]
        self.hint_width = (end - layout.hint_x - layout.panel_gap) * options.width

    def _columns(self, actor: vtk.vtkTextActor) -> int:
        """Characters of `actor`'s font that fit the left column's width."""
        one = text_extent(actor.GetTextProperty(), "m" * 10)[0] / 10
        return max(int(self.theme.layout.left_panels_width * self.options.width / one) - 1, 30)

    def _help_text(self, keys: list[tuple[str, str]]) -> str:
        """The keys' rows, each description wrapped to the column beside its key."""
        width = max(len(k) for k, _ in keys)
        room = self._columns(self.help) - width - 3
        lines = ["keys"]
        for key, what in keys:
            wrapped = textwrap.wrap(what, room) or [""]
            lines += [f"{(key if i == 0 else '').ljust(width)}   {text}" for i, text in enumerate(wrapped)]
        return "\n".join(lines)

    def _hint(self, comparing: bool) -> vtk.vtkTextActor:
        """One line of what the keys do, clear of a heads-up line of any length; messages replace
        it. Above the colour legends; in a comparison, in the slider's strip left of the bar."""
        layout = self.theme.layout
        hint = vtk.vtkTextActor()
        hint.SetInput(COMPARISON_HINT if comparing else HINT)
        tp = hint.GetTextProperty()
        tp.SetFontSize(self.options.font(self.theme.fonts.hint, scaled=False))
        tp.SetColor(*self.theme.colours.hint)
        tp.SetVerticalJustificationToCentered()
        hint.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        y = (
            layout.comparison_slider[0][1]
            if comparing
            else layout.legend_top + 0.01 + tp.GetFontSize() / 2 / self.options.height
        )
        hint.SetPosition(layout.hint_x, y)
        self.renderer.AddViewProp(hint)
        return hint

    def _panel(self, size, *, courier: bool = False) -> vtk.vtkTextActor:
        """A hidden block of white text on a dark band, top-left anchored."""
        actor = vtk.vtkTextActor()
        tp = actor.GetTextProperty()
        if courier:  # tables line up in a fixed-width font
            tp.SetFontFamilyToCourier()
        tp.SetFontSize(self.options.font(size, scaled=False))
        tp.SetColor(*self.theme.colours.panel_text)
        tp.SetBackgroundColor(*self.theme.colours.panel_band)
        tp.SetBackgroundOpacity(0.95)
        tp.SetVerticalJustificationToTop()
        actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        actor.SetVisibility(False)
        self.renderer.AddViewProp(actor)
        return actor

    @property
    def column(self) -> list[vtk.vtkTextActor]:
        """The left column's panels shown now, top to bottom."""
        return [a for a in (self.voxel, self.help, self.health) if a.GetVisibility()]

    def stack(self) -> None:
        """The shown panels one under the other from the column's top, a gap between, each cut to
        the lines that fit above the column's foot (the last line says how many more there are)."""
        layout, height = self.theme.layout, self.options.height
        y = layout.left_panels_top
        for actor in self.column:
            actor.SetInput(fitted(actor.GetTextProperty(), self.texts.get(actor, ""), (y - self.bottom) * height))
            actor.SetPosition(layout.hint_x, y)
            y -= text_extent(actor.GetTextProperty(), actor.GetInput())[1] / height + layout.panel_gap

    def left_foot(self) -> float:
        """Where the left column ends (normalised y, a gap under its last panel, as `stack` puts
        them); 1 when empty."""
        layout, y = self.theme.layout, self.theme.layout.left_panels_top
        for actor in self.column:
            y -= text_extent(actor.GetTextProperty(), actor.GetInput())[1] / self.options.height + layout.panel_gap
        return y if self.column else 1.0

    def left_edge(self) -> float:
        """Where the left column ends (normalised x, a gap after its widest panel); 0 when empty."""
        widths = [text_extent(a.GetTextProperty(), a.GetInput())[0] for a in self.column]
        layout = self.theme.layout
        return layout.hint_x + max(widths) / self.options.width + layout.panel_gap if widths else 0.0

    def say(self, text: str) -> None:
        """A message in the hint line (a saved view, a figure that cannot be drawn), wrapped to its
        width (at most three lines: a comparison's strip holds them)."""
        one = text_extent(self.hint.GetTextProperty(), text)[0] / max(len(text), 1)
        self.hint.SetInput("\n".join(textwrap.wrap(text, max(int(self.hint_width / one), 20), max_lines=3)))

    def show_voxel(self, voxel) -> None:
        """A clicked voxel's story; None hides it."""
        self.voxel.SetVisibility(voxel is not None)
        if voxel is not None:
            self.texts[self.voxel] = voxel_text(voxel, self._columns(self.voxel))
        self.stack()

    def show_health(self, frame, scene, run) -> None:
        """The health table's text for `frame`, when the table is open."""
        if self.health.GetVisibility():
            self.texts[self.health] = health_text(frame, scene, run)
        self.stack()

    def toggle(self, actor: vtk.vtkTextActor) -> None:
        """Show or hide the help or the health table (showing one hides the other)."""
        showing = not actor.GetVisibility()
        for panel in (self.help, self.health):
            panel.SetVisibility(showing and panel is actor)
        self.stack()
