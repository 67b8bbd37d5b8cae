"""The window's text panels: help, the hint line, a clicked voxel's story and the layer health
table, on a layer of their own over the scene, its block labels included (on the scene's overlay
layer, they would cross a table opened over them); only the figure panel goes higher."""

from __future__ import annotations

import textwrap

import vtk

from nnvox.viewer.options import RenderOptions

HINT = (
    "h: help   space: play   Left/Right: snapshot   Up/Down: sample   m: mode   g: forward pass   "
    "click: histogram   x: expand   -/+: depth"
)


def voxel_text(v) -> str:
    """A clicked voxel's story (scenes.inspect.Voxel): where, its value, its channel, what it sees."""
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
    for units, what in stuck:
        listed = [
            f"{keys[k]}: {', '.join(map(str, u[:12]))}" + (" ..." if len(u) > 12 else "")
            for k, u in (units or {}).items()
            if u and k in keys
        ]
        if listed:
            lines += ["", what, *listed[:8]]
    return "\n".join(lines)


class TextPanels:
    """`keys`: (key, what it does) rows of the help. `comparing`: the window shows two panes above
    the slider's strip."""

    def __init__(self, render_window, options: RenderOptions, keys: list[tuple[str, str]], *, comparing: bool):
        self.options = options
        self.theme = options.theme
        self.renderer = vtk.vtkRenderer()
        self.renderer.SetLayer(2)
        self.renderer.InteractiveOff()
        render_window.SetNumberOfLayers(3)
        render_window.AddRenderer(self.renderer)
        layout, fonts = self.theme.layout, self.theme.fonts
        width = max(len(k) for k, _ in keys)
        self.help = self._panel(fonts.help, layout.help_position, courier=True)
        self.help.SetInput("keys\n" + "\n".join(f"{k.ljust(width)}   {v}" for k, v in keys))
        self.hint = self._hint(self._hint_y(comparing))
        self.voxel = self._panel(fonts.voxel, layout.voxel_position)  # under the heads-up line
        self.health = self._panel(fonts.health, layout.health_position, courier=True)

    def _hint_y(self, comparing: bool) -> float:
        """Above the colour legends: in a comparison, the panes' legends over the slider's strip."""
        layout = self.theme.layout
        above = layout.legend_top + 0.01
        return layout.strip + (1 - layout.strip) * above if comparing else above

    def _hint(self, y: float) -> vtk.vtkTextActor:
        """One line of what the keys do, clear of a heads-up line of any length; messages replace it."""
        hint = vtk.vtkTextActor()
        hint.SetInput(HINT)
        tp = hint.GetTextProperty()
        tp.SetFontSize(self.options.font(self.theme.fonts.hint, scaled=False))
        tp.SetColor(*self.theme.colours.hint)
        hint.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        hint.SetPosition(self.theme.layout.hint_x, y)
        self.renderer.AddViewProp(hint)
        return hint

    def _panel(self, size, position: tuple[float, float], *, courier: bool = False) -> vtk.vtkTextActor:
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
        actor.SetPosition(*position)
        actor.SetVisibility(False)
        self.renderer.AddViewProp(actor)
        return actor

    def say(self, text: str) -> None:
        """A message in the hint line (a saved view, a figure that cannot be drawn)."""
        self.hint.SetInput(text)

    def show_voxel(self, voxel) -> None:
        """A clicked voxel's story; None hides it."""
        self.voxel.SetVisibility(voxel is not None)
        if voxel is not None:
            self.voxel.SetInput(voxel_text(voxel))

    def show_health(self, frame, scene, run) -> None:
        """The health table's text for `frame`, when the table is open."""
        if self.health.GetVisibility():
            self.health.SetInput(health_text(frame, scene, run))

    @staticmethod
    def toggle(actor: vtk.vtkTextActor) -> None:
        actor.SetVisibility(not actor.GetVisibility())
