"""The window's timeline slider: one widget over the scene, in the bottom-right corner (a
comparison: centred on the strip below the panes)."""

from __future__ import annotations

from nnvox.scenes.playback import Playback
from nnvox.viewer.options import RenderOptions


def add_slider(plotter, playback: Playback, options: RenderOptions, *, comparing: bool):
    """Seeks `playback` as it is dragged; disabled for a run of one snapshot."""
    n = playback.n_snapshots
    layout = options.theme.layout
    pointa, pointb = layout.comparison_slider if comparing else layout.slider
    slider = plotter.add_slider_widget(
        lambda v: playback.seek(v),
        rng=[0, max(n - 1, 1e-6)],
        value=playback.t,
        title="snapshot",
        pointa=pointa,
        pointb=pointb,
        interaction_event="always",
        fmt="%.1f",
        style="modern",
        title_height=layout.slider_title_height,
    )
    if n < 2:
        slider.EnabledOff()
    return slider
