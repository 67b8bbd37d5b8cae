"""The scene as the browser draws it: one JSON-able description (blocks, edges, labels, colour
tables, legends, camera) and the quantised frames of one sample. The HTML export embeds both (the
frames compressed); `nnvox serve` and the notebook widget send the description, then each
snapshot's piece (frames.SnapshotPiece) when the page asks for it.

Everything computed lives here, from the same scene, colour maps, label policy inputs and camera
as the desktop; the JavaScript only draws these numbers and handles input."""

from __future__ import annotations

import numpy as np

from nnvox.scenes.camera import CameraPose, network_boxes, overview
from nnvox.scenes.colour import LEVELS, lut
from nnvox.scenes.frames import lit_span, pulse_span
from nnvox.scenes.histogram import NOTE_SEPARATOR
from nnvox.scenes.open_layer import grid_places, map_places, slab_corners
from nnvox.scenes.open_weights import TEXT_SCALE, grid_texts, kernel_grid
from nnvox.scenes.playback import Playback
from nnvox.scenes.scene import MODE_TEXT, Block, Scene
from nnvox.scenes.training_chart import training_chart
from nnvox.viewer.class_room import class_list, list_room, output_classes, top_count
from nnvox.viewer.label_layout import EDGE, GAP, LEAD, MARGIN, REACH
from nnvox.viewer.overlays import training_chart as chart_lines
from nnvox.viewer.overlays.class_rows import frame_edges, gap_loops
from nnvox.viewer.overlays.histogram import panel_places
from nnvox.viewer.overlays.hud import GLYPH
from nnvox.viewer.overlays.labels import label_sides, label_texts, ranks
from nnvox.viewer.overlays.legends import (
    MARKS,
    NOTES,
    NOTES_LEAST_HEIGHT,
    SHORT_MARKS,
    SHORT_NOTES,
    bar_width,
    colour_bars,
    drawn_notes,
    mark_swatches,
)
from nnvox.viewer.overlays.metrics import LABEL_DROP, curves_height
from nnvox.viewer.overlays.outlines import PAD
from nnvox.viewer.overlays.units import KINDS
from nnvox.viewer.theme import DEFAULT_THEME, LECTURE_FONT, Theme
from nnvox.viewer.visuals import CLASS_TEXT_FROM, UNLIT_ENTRY, lit_strength
from nnvox.viewer.web.clouds import describe_clouds
from nnvox.viewer.web.frame_packing import pack_frames
from nnvox.viewer.web.frames import SnapshotPiece, atlas_shape
from nnvox.viewer.web.histograms import describe_histograms
from nnvox.viewer.web.view_numbers import ViewNumbers, numbers_for

FORMAT = 1  # the payload's layout; the page refuses another
ASPECT = 16 / 9  # the camera's framing is fitted to this width over height; the page refits on resize
# a page narrower than ASPECT keeps the framing's width (stage.js resize), its fonts a share of its
# height: its output's class texts take the largest share of the width at the narrowest page it
# is drawn at, 4:3 (the tests' and a small window's 640 x 480), and the overview keeps that room
NARROWEST_PAGE = (640, 480)


def _floats(values, digits: int = 5) -> list[float]:
    return [round(float(v), digits) for v in values]


def _block(b: Block, above: bool, rank: int, text: str, offset: int, levels: int) -> dict:
    """One block: its grid, where it sits, its colour scale, its label (`text`, as the desktop's),
    where its atlas starts and the stretch of the forward pass over which it lights (`lit`)."""
    gr, gc, h, w = atlas_shape(b)
    x0, x1, y0, y1, z0, z1 = b.bounds
    return {
        "name": b.name,
        "kind": b.kind,
        "role": b.role,
        "order": b.order,
        "lit": _floats(lit_span(b.order, levels), 6),
        "panels": b.panels,
        "rows": b.rows,
        "cols": b.cols,
        "grid": [gr, gc],
        "atlas": [h, w],
        "offset": offset,
        "origin": _floats(b.origin),
        "slabs": _slabs(b),
        "pitch": b.pitch,
        "pool": b.pool,
        "voxel": b.voxel,
        "thickness": b.thickness,
        "bounds": _floats(b.bounds),
        "outline": _floats(v + (PAD if k % 2 else -PAD) for k, v in enumerate(b.bounds)),
        "scale": {"lo": b.scale.lo, "hi": b.scale.hi, "cmap": b.scale.cmap, "diverging": b.scale.diverging},
        "channels": None if b.channels is None else list(b.channels),
        "class_names": None if b.class_names is None else list(b.class_names),
        "classes": _classes(b),
        **(_tiles(b) if b.kernels is not None and b.opened is not None else {}),
        "label": {
            "text": text,
            "anchor": _floats(((x0 + x1) / 2, (y0 + y1) / 2, z1 if above else z0)),
            "side": 1 if above else -1,
            "rank": rank,
            "end": b.role in ("input", "output"),  # placed first where the usual order hides it (Label.end)
        },
    }


def _slabs(b: Block) -> list[float]:
    """Each panel's slab as the desktop draws it (scenes/open_layer.slab_corners: an open block's maps
    in their grid): panels x 6 faces (front, back, top, bottom, left, right) x 4 corners x (x, y, z),
    flat. The page reads its geometry here and lays the atlas over the faces."""
    corners = slab_corners(b, map_places(b, 1.0 if b.opened is not None else 0.0))
    return _floats(corners.ravel(), 4)


def _tiles(b: Block) -> dict:
    """An open weight's texts (filter and input channel numbers, what the grid leaves out) where the
    window puts them (scenes/open_weights.grid_texts): [x, y, z, text, where] each, and their font
    as the window's billboards size it (TEXT_SCALE of a label, never under the lecture minimum); and
    its grid's columns (one a filter: a clicked tile's filter and input channel)."""
    items = [[*_floats(point, 4), text, where] for point, text, where in grid_texts(b, grid_places(b))]
    font = [max(DEFAULT_THEME.fonts.label.fraction * TEXT_SCALE, LECTURE_FONT), 8]
    return {"grid_texts": {"items": items, "font": font}, "tile_columns": kernel_grid(b)[1]}


def _classes(b: Block) -> dict | None:
    """An output's class texts, placed as the desktop's OutputVisual places them: right of its
    column, one per row (`rows`: each row's middle; a column only), and the top-classes list from
    the column's top (`top`), which the page shows where the rows are too close to read; they show
    from `text_from` of the output's light (visuals.class_text_opacity)."""
    if b.role != "output" or not b.class_names:
        return None
    x, y, z = b.origin
    right, top = y - b.cols * b.voxel / 2 - 0.4 * b.voxel, z + b.rows * b.voxel / 2
    rows = [_floats((x, right, top - (r + 0.5) * b.voxel)) for r in range(len(b.class_names))] if b.cols == 1 else []
    heading = class_list(b.class_names, top_count(b.class_names, DEFAULT_THEME.layout))[0]
    marks = {"gaps": _paths(gap_loops(b)), "frame": _paths(frame_edges(b))}  # as overlays/class_rows.py draws
    return {"rows": rows, "top": _floats((x, right, top)), "heading": heading, "text_from": CLASS_TEXT_FROM, **marks}


def _paths(paths) -> list:
    return [[_floats(p, 4) for p in path] for path in paths]


def _metrics(scene: Scene, colours) -> dict | None:
    """The training chart as the desktop draws it (overlays/metrics.py, overlays/training_chart.py):
    its box (the picture's, beside the legends: the page's controls have their own strip below the
    3D view; normalised, y up), the titles' band, each curve's runs (x a snapshot over the last, y
    its height in its own scale; a missing snapshot splits them), its scale's named ends and side,
    its titles (`forms`: the full title, then the bare kind where two do not fit side by side),
    dashed or not, and colours; the ticks' labels in their forms (scenes/training_chart.py); its
    spacings, of a text line's height, as overlays/training_chart.py's (`lines`)."""
    if not scene.metrics:
        return None
    chart = training_chart(scene.metrics, scene.snapshot_labels)
    eight = lambda rgb: [round(v * 255) for v in rgb]
    return {
        "box": list(DEFAULT_THEME.layout.metrics_box),
        "snapshots": chart.snapshots,
        "curves_height": curves_height(DEFAULT_THEME.layout.metrics_box),
        "label_drop": LABEL_DROP,
        "lines": {
            "tick": chart_lines.TICK,
            "gap": chart_lines.GAP,
            "dash": list(chart_lines.DASH),
            "dot": chart_lines.DOT,
            "half": chart_lines.HALF,
            "drop": chart_lines.labels_drop(1.0),
        },
        "curves": [
            {
                "name": curve.name,
                "label": curve.title,
                "forms": [curve.title, curve.kind if curve.kind != "other" else curve.title],
                "colour": eight(colours.curve_rgb(curve.kind)),
                "runs": [[_floats(p, 4) for p in run] for run in curve.runs],
                "ends": list(curve.ends),
                "side": curve.side,
                "dashed": curve.dashed,
            }
            for curve in chart.curves
        ],
        "ticks": [list(form) for form in chart.tick_forms],
        "tick": eight(colours.slider_tick),
        "frame": eight(colours.panel_frame),
        "cursor": eight(colours.cursor),
    }


def _histogram_panel(scene: Scene, sample: int, colours, numbers: ViewNumbers, selected: str | None) -> dict:
    """The histogram panel a clicked block shows, as the desktop window's (overlays/histogram.py):
    its box (normalised, y up) and where its parts sit, its text size (a fraction of the page's
    height and its least pixels), colours, each block's numbers (histograms.py) and the
    block whose panel shows when the page opens (`selected`: --histogram; None: none until a click),
    the separator its note's parts are joined with."""
    box = DEFAULT_THEME.layout.window_histogram_box
    eight = lambda rgb: [round(v * 255) for v in rgb]
    room = (0.0, box[0] - DEFAULT_THEME.layout.panel_gap)  # the network beside the panel (desktop/panels.free_room)
    return {
        **describe_histograms(scene, sample, numbers.histograms),
        "selected": selected,
        "box": list(box),
        "room": list(room),
        "camera": page_camera(
            overview(
                scene.bounds,
                ASPECT * (room[1] - room[0]),
                wrapped=scene.wrapped,
                boxes=network_boxes(scene),
                beside=page_class_room(scene) / (room[1] - room[0]),
            )
        ),
        **{part: list(where) for part, where in panel_places(box).items()},
        "font": page_fonts()["panel"],
        "separator": NOTE_SEPARATOR,
        "colours": {
            "frame": eight(colours.panel_frame),
            "title": eight(colours.panel_title),
            "muted": eight(colours.muted),
            "bar_tops": eight(colours.bar_tops),
        },
    }


PAGE_TEXTS = ("hud", "label", "legend", "panel", "voxel", "hint")  # the theme's fonts the page draws with


def page_fonts(theme=DEFAULT_THEME) -> dict[str, list]:
    """The page's text sizes as the desktop's (viewer/theme.py Fonts): per text, [fraction of the
    page's height, least pixels], never under LECTURE_FONT of it (the desktop's text_size also steps
    a pixel up where vtk draws that font's line short of LECTURE_TEXT, a vtk measure: at 820 px high
    20 px there, 19 px here)."""
    sizes = {name: getattr(theme.fonts, name) for name in PAGE_TEXTS}
    return {name: [max(size.fraction, LECTURE_FONT), size.minimum] for name, size in sizes.items()}


def page_class_room(scene: Scene, theme: Theme = DEFAULT_THEME) -> float:
    """Of the page's width, the room its output's class texts take beside the column
    (viewer/class_room.py) at NARROWEST_PAGE, in the page's label font (fonts.js fontPx)."""
    names = output_classes(scene)
    if names is None:
        return 0.0
    w, h = NARROWEST_PAGE
    fraction, least = page_fonts(theme)["label"]
    template = class_list(names, top_count(names, theme.layout))[1]
    # the same share of the framing's width; the browser's font is its own: font-derived, not vtk's
    return list_room(template, max(least, round(h * fraction)), w, h, _page_text_width)


def _page_text_width(text: str, font: int) -> float:
    """Pixels a text of the page takes across at `font` pixels, estimated (the browser measures its
    own system font: "top 5 of 10" 77 px at 14 px in DejaVu Sans, 85 estimated) with its box's
    padding (classes.js: 3 px a side)."""
    return GLYPH * font * max(len(line) for line in text.split("\n")) + 2 * 3


def detail_line(scene: Scene) -> str:
    """What level of detail left out (scenes/level_of_detail.py: a block's strongest channels, its maps
    pooled), in one line for the page; "" when every block is whole."""
    chosen = [b for b in scene.blocks if b.channels is not None]
    pooled = [b for b in scene.blocks if b.pool > 1]
    if not chosen and not pooled:
        return ""
    parts = []
    if chosen:
        most = max(len(b.channels) for b in chosen)
        parts.append(f"{len(chosen)} block{'s' * (len(chosen) > 1)} show at most their {most} strongest channels")
    if pooled:
        lo, hi = min(b.pool for b in pooled), max(b.pool for b in pooled)
        parts.append(f"{len(pooled)} pooled {lo}×" + (f" to {hi}×" if hi > lo else ""))
    return f"level of detail: {'; '.join(parts)} (each block's label says what of its layer it shows)"


def _mark_entries(colours) -> dict:
    """The legend's entry for each mark a snapshot may draw (overlays/legends.py): words, their short
    form (a narrow page's), swatch edge and fill (None: an outline only)."""
    return {
        kind: {
            "text": MARKS[kind],
            "short": SHORT_MARKS[kind],
            "edge": list(edge),
            "fill": None if fill is None else list(fill),
        }
        for kind, (edge, fill) in mark_swatches(colours).items()
    }


def _marks_legend(scene: Scene, layout) -> dict:
    """The marks' entries stand on the metrics inset (`above`), in the legends' text size; with them
    the notes the desktop stacks there (overlays/legends.py drawn_notes: what a closed block's face
    and stripes are; that the colour scales are the same every epoch, where the timeline has several
    snapshots), each [its words, their short form for a narrow page], and the least page height
    that shows them (lower, the page leaves them out, as the desktop's pane)."""
    kinds = drawn_notes(scene.blocks, epochs=scene.n_snapshots > 1)
    return {
        "above": list(layout.metrics_box),
        "font": page_fonts()["legend"],
        "notes": [[NOTES[k], SHORT_NOTES[k]] for k in kinds],
        "notes_least_height": NOTES_LEAST_HEIGHT,
    }


def _legend_layout(layout, count: int) -> dict:
    """Where the `count` colour legends sit in a full-width pane, as legends.py's ColourLegends places
    them (theme.py's Layout): the page lays its legends out by these, in fractions of its 3D pane."""
    keys = ("left", "gap", "bottom")
    return {"width": bar_width(layout, count)} | {key: getattr(layout, f"legend_{key}") for key in keys}


def _edges(scene: Scene) -> list[dict]:
    """Each edge: its blocks, whether it skips layers, its route and when its forward-pass dot travels."""
    return [
        {
            "from": s,
            "to": d,
            "skip": bool(skip),
            "path": [_floats(p, 4) for p in np.asarray(path)],
            "pass": _floats(pulse_span(scene, d), 6),  # when its forward-pass dot travels
        }
        for (s, d), path, skip in zip(scene.edges, scene.edge_paths, scene.skips)
    ]


def _legends(scene: Scene) -> list[dict]:
    """Each colour bar the scene needs: its title (the longest: the page wraps it over its bar) and
    the words under its ends and middle, as the desktop's (overlays/legends.py colour_bars)."""
    return [
        {"cmap": b.cmap, "title": b.titles[0], "words": list(b.words)} for b in colour_bars(scene.mode, scene.blocks)
    ]


def page_camera(pose: CameraPose) -> dict:
    """A camera pose as the page sets it (stage.js setPose), its framing fitted to ASPECT."""
    return {
        "focal": _floats(pose.focal),
        "direction": _floats(pose.direction),
        "up": _floats(pose.up),
        "scale": round(pose.scale, 5),
        "aspect": ASPECT,
    }


def _colours(theme: Theme, background: tuple[int, int, int] | None) -> dict:
    c = theme.colours.on(background) if background else theme.colours  # dark text on a light page
    eight = lambda rgb: [round(v * 255) for v in rgb]
    return {
        "background": list(background or c.background),
        "text": list(c.text),
        "edge": eight(c.edge),
        "accent": eight(c.accent),
        "pulse": eight(c.pulse),
        "outline": list(c.outline),
        "health": {kind: list(c.health_rgb(kind)) for kind in KINDS},  # dead and saturated units' frames
        "marks": _mark_entries(c),
        # how much of its colours a block (and its marks) shows before the forward pass reaches it
        "unlit_strength": lit_strength(0.0),
        "unlit_entry": UNLIT_ENTRY,
        "label_box_opacity": theme.layout.label_box_opacity,
    }


def describe(
    scene: Scene,
    *,
    t: float,
    sample: int,
    pose: CameraPose | None = None,
    background: tuple[int, int, int] | None = None,
    histogram: str | None = None,
    numbers: ViewNumbers | None = None,
) -> dict:
    """The page's scene description: everything but the snapshots' pieces; `histogram` the block
    whose panel shows at first, `numbers` the view's (view_numbers.py) where its pieces share them."""
    above, rank = label_sides(list(scene.blocks)), ranks(list(scene.blocks))
    texts = label_texts(
        list(scene.blocks)
    )  # a stage's first block (rank 0) names the stage, as the desktop's first label
    blocks, offset = [], 0
    for b in scene.blocks:
        text = texts[b.name][rank[b.name] == 0]
        blocks.append(_block(b, above.get(b.name, True), rank[b.name], text, offset, scene.levels))
        offset += blocks[-1]["atlas"][0] * blocks[-1]["atlas"][1]
    cmaps = sorted({b.scale.cmap for b in scene.blocks})
    boxes = network_boxes(scene)
    pose = pose or overview(scene.bounds, ASPECT, wrapped=scene.wrapped, boxes=boxes, beside=page_class_room(scene))
    layout = DEFAULT_THEME.layout
    numbers = numbers_for(scene, numbers)
    panel_colours = DEFAULT_THEME.colours.on(background) if background else DEFAULT_THEME.colours
    return {
        "format": FORMAT,
        "run": scene.run_name,
        "mode": scene.mode,
        "mode_text": MODE_TEXT[scene.mode],
        "sample": sample,
        "t": t,
        "snapshots": list(scene.snapshot_labels),
        "blocks": blocks,
        "frame_bytes": offset,
        "edges": _edges(scene),
        "luts": {c: lut(c).tolist() for c in cmaps},
        "levels": LEVELS,
        "label_policy": {"gap": GAP, "margin": MARGIN, "edge": EDGE, "reach": REACH, "lead": LEAD},
        "legends": _legends(scene),
        "legend_layout": _legend_layout(layout, len(colour_bars(scene.mode, scene.blocks))),
        "bounds": _floats(scene.bounds),
        "camera": page_camera(pose),
        "colours": _colours(DEFAULT_THEME, background),
        "metrics": _metrics(scene, panel_colours),
        "detail": detail_line(scene),
        "forward": {"seconds": Playback.forward_seconds},
        "play": {"speed": Playback.speed},  # snapshots a second, as the window's play
        "histograms": _histogram_panel(scene, sample, panel_colours, numbers, histogram),
        "statistics": numbers.statistics,  # what a clicked voxel's channel statistics are over
        "clouds": describe_clouds(scene, panel_colours, layout),
        "fonts": page_fonts(),
        "marks_legend": _marks_legend(scene, layout),
        "interpolate": scene.source.blends(sample),  # between snapshots, blend (not for a recorded mistake)
    }


def embedded(description: dict, pieces: list[SnapshotPiece]) -> tuple[dict, str]:
    """The description with every snapshot's header inside (`headers`), and every snapshot's indices
    packed (frame_packing.py: zlib for the browser's DecompressionStream("deflate"), in base64)."""
    return {**description, "headers": [p.header() for p in pieces]}, pack_frames([p.indices for p in pieces])
