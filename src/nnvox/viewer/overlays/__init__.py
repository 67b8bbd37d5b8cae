"""What a pane draws, one small object per visual element, each built from a Stage (scene, vtk
renderers, options and theme) and updated by `update(shown)`; see base.py for the protocol.
`SceneRenderer` (viewer/renderer.py) composes them for off-screen frames and the desktop window
alike; `compose` is the one place that says which overlays a pane has, and in what order."""

from __future__ import annotations

from dataclasses import dataclass

from nnvox.viewer.overlays.base import Overlay, Shown, Stage
from nnvox.viewer.overlays.blocks import BlockVisuals
from nnvox.viewer.overlays.caption import Caption
from nnvox.viewer.overlays.class_rows import ClassRows, style_list_lines
from nnvox.viewer.overlays.clouds import Clouds
from nnvox.viewer.overlays.edge_fade import EdgeFade
from nnvox.viewer.overlays.edges import Edges
from nnvox.viewer.overlays.explain import Explained
from nnvox.viewer.overlays.field import ReceptiveField
from nnvox.viewer.overlays.histogram import HistogramPanel
from nnvox.viewer.overlays.hud import HeadsUpLine
from nnvox.viewer.overlays.labels import BlockLabels
from nnvox.viewer.overlays.legends import ColourLegends, placed_inset
from nnvox.viewer.overlays.metrics import MetricsInset, draws_inset
from nnvox.viewer.overlays.open_maps import OpenMaps
from nnvox.viewer.overlays.outlines import Outlines
from nnvox.viewer.overlays.pulses import Pulses
from nnvox.viewer.overlays.units import UnitFrames

__all__ = ["Overlay", "Overlays", "Shown", "Stage", "compose"]


@dataclass(frozen=True)
class Overlays:
    """A pane's overlays by name (those an option switched off are None); `all` in drawing order."""

    blocks: BlockVisuals
    edges: Edges
    outlines: Outlines
    labels: BlockLabels | None
    pulses: Pulses
    hud: HeadsUpLine | None
    caption: Caption
    legends: ColourLegends | None
    metrics: MetricsInset | None
    histogram: HistogramPanel
    clouds: Clouds | None
    units: UnitFrames
    field: ReceptiveField
    class_rows: ClassRows  # the output's row gaps and top-class frame
    explain: Explained  # a storyboard's explained layer: its window, pending cover and inset (hidden until shown)
    open_maps: OpenMaps  # an open layer's map labels and kernels
    edge_fade: EdgeFade  # a storyboard close-up's side edges fading the blocks out (hidden until shown)

    @property
    def all(self) -> list[Overlay]:
        return [o for o in vars(self).values() if o is not None]


def compose(stage: Stage) -> Overlays:
    """Every overlay of a pane, built in the order vtk draws them (pixels depend on it where props
    overlap: keep new ones at the end unless they must draw under others)."""
    options, scene = stage.options, stage.scene
    blocks = BlockVisuals(stage)
    edges = Edges(stage)
    outlines = Outlines(stage)
    edge_fade = EdgeFade(stage, blocks.visuals)  # over the blocks, under every text: before the other 2D overlays
    labels = BlockLabels(stage, blocks.class_texts) if options.show_labels else None
    edge_fade.labels = labels  # a leader trimmed where its label is not drawn (EdgeFade.trim_leaders)
    pulses = Pulses(stage)
    hud = HeadsUpLine(stage) if options.show_hud else None
    caption = Caption(stage)
    # its notes keep off the caption, the labels off them
    legends = ColourLegends(stage, caption, labels) if options.show_legend else None
    if legends is not None:  # a bar leaves with the blocks a cover hides whole
        legends.covers = edge_fade
    metrics = MetricsInset(stage, placed_inset(stage)) if draws_inset(stage) else None
    histogram = HistogramPanel(stage)
    clouds = Clouds(stage) if scene.clouds else None
    open_maps = OpenMaps(stage)
    open_maps.caption = caption  # its texts keep off the caption's band
    # the dock follows the lists, and the labels keep off it
    class_rows = ClassRows(
        stage, *((blocks.class_texts, labels.layout.update) if labels is not None else ()), visuals=blocks.visuals
    )
    for dock in class_rows.docks.values():  # a docked answer may stand over the blocks a cover hides
        dock.covers = edge_fade
    if labels is not None:  # the labels keep off the open layout's texts and a docked answer, which they cannot see
        labels.layout.keep_off += [open_maps.drawn_boxes, class_rows.drawn_boxes]
        style_list_lines(labels.layout.class_lines, options)  # the list's lines, wide enough for a hall
    if hud is not None:  # a scrub's score chart keeps clear of the labels and the caption, and they of it
        hud.chart.layout, hud.chart.caption = labels.layout if labels is not None else None, caption
        if labels is not None:
            labels.layout.keep_off.append(hud.chart.drawn_boxes)
    return Overlays(
        blocks,
        edges,
        outlines,
        labels,
        pulses,
        hud,
        caption,
        legends,
        metrics,
        histogram,
        clouds,
        UnitFrames(stage),
        ReceptiveField(stage),
        class_rows,
        Explained(stage),
        open_maps,
        edge_fade,
    )
