"""The room an output's class texts take beside its column, as a share of the picture's width, for
the overview to keep free right of the output (scenes.camera.overview's `beside`): the list of its
top classes (the wider of their two forms, label_layout.ClassTexts), measured at the font it is
drawn in, with its lead for the lines to its rows, its gap off the column and the edge margins. A
constant share was too little for the list at 16:9 and more so at 4:3 (the font is a share of the
height): the list stood left of the column over fc1's label, or was hidden. At the picture's edge it
keeps EDGE_SHARE of the width: with the pane's margin alone (then 11 px at 1080p) "top 5 of 10" ended
15 px from the frame's edge, reading as cut off."""

from __future__ import annotations

from functools import lru_cache

from nnvox.scenes.heads_up import WIDEST_PERCENT
from nnvox.viewer.label_layout import GAP, LEAD, margin
from nnvox.viewer.theme import HALL_BOLD, TITLE_SAFE

CLASS_TEXT_SCALE = 0.8  # an output's class texts, of the theme's label size (never under the lecture's least)
EDGE_SHARE = 0.02  # of the picture's width, the least kept free right of the list (38 px at 1080p)
MEASURE_FONT = 32  # the font the widest row is found at: rows' widths keep their order at any size


def widest_row(names) -> str:
    """The widest row an output's class texts may read, as drawn ("airplane  >99.9%"): its name the
    widest measured, not the longest ("mmmm" is wider than "illicit")."""
    return _widest_row(tuple(names))


@lru_cache(maxsize=16)
def _widest_row(names: tuple[str, ...]) -> str:
    rows = [f"{name}  {WIDEST_PERCENT}" for name in names] or [f"  {WIDEST_PERCENT}"]
    return max(rows, key=lambda row: text_width(row, MEASURE_FONT))


def top_count(names, layout) -> int:
    """How many of an output's class `names` its list of top classes shows: the theme `layout`'s
    top_classes at most."""
    return min(len(names), layout.top_classes)


def output_classes(scene) -> tuple[str, ...] | None:
    """The class names of the scene's output (its last block, as the overview frames it) where it
    has them; None where it has none."""
    output = scene.blocks[-1] if scene.blocks else None
    return output.class_names if output is not None and output.role == "output" and output.class_names else None


def class_list(names, k: int) -> tuple[str, str]:
    """The list of the top `k` of `names`: its heading ("top 5 of 10"; "" where it lists them all)
    and its text at its widest (the heading over `k` of the widest row, "airplane  >99.9%")."""
    heading = f"top {k} of {len(names):,}" if k < len(names) else ""
    widest = widest_row(names)
    return heading, "\n".join([heading] * bool(heading) + [widest] * k)


def class_font(options) -> int:
    """The font size (pixels) of an output's class texts in pictures drawn with `options`."""
    return options.hall_text(options.theme.fonts.label.fraction * CLASS_TEXT_SCALE)


def text_width(text: str, font: int) -> float:
    """Pixels `text` takes across at `font` pixels, on its box as class texts are drawn (padded a
    little: vtk's own measure, as the label layout's)."""
    # imported here: the overlays import visuals, which imports this
    from nnvox.viewer.overlays.hud import text_width as measured

    return measured(text, font, boxed=True, bold=HALL_BOLD)  # as a lecture draws them (the window's narrower)


def list_room(template: str, font: int, width: int, height: int, measure=text_width, edge_share=EDGE_SHARE) -> float:
    """Of a picture `width` x `height` pixels, the share of its width a list of top classes
    (`template` at its widest, drawn at `font` pixels, `measure`d across) takes right of its column:
    the gap and margin it keeps off the column, its lead (label_layout._beside), its text, the
    edge margin (`edge_share` of the width at the least), and a pixel for rounding its place."""
    edge = max(margin(height), edge_share * width)
    return (GAP + margin(height) + LEAD * font + measure(template, font) + edge + 1) / width


def class_room(scene, options, width: int, height: int) -> float:
    """The share of a picture's width (`width` x `height` pixels, drawn with `options`) the scene's
    output (its last block, as the overview frames it) takes for its class texts; 0 where it has
    none or no texts are drawn."""
    names = output_classes(scene)
    if names is None or not options.show_labels:
        return 0.0
    template, font = class_list(names, top_count(names, options.theme.layout))[1], class_font(options)
    # a lecture's picture keeps its texts title-safe (theme.TITLE_SAFE of the width at the right)
    return list_room(template, font, width, height, edge_share=TITLE_SAFE if options.hall else EDGE_SHARE)


def dock_room(scene, options, width: int, height: int) -> float:
    """Of a picture `width` x `height` pixels drawn with `options`, the share of its width from its
    right edge a mistake's close-up keeps free right of its subject for the docked answer list
    (overlays/answer_dock.py, "beside the input"): the title-safe margin (a lecture's) or twice the
    edge margin, the room the list needs there to show at full light (FREE_FADE), the list measured
    at its font (its heading and the widest row) and its gap off the input (a label's room); 0
    where the output has no class texts. Kept by shots.shot_frames (scenes/close_up.shot_close_up)."""
    from nnvox.viewer.overlays.answer_dock import DOCK_GAP, DOCK_HEADING, FREE_FADE

    names = output_classes(scene)
    if names is None or not options.show_labels:
        return 0.0
    font = class_font(options)
    lines = [DOCK_HEADING, widest_row(names)]
    side = max(2 * margin(height), (TITLE_SAFE if options.hall else 0.0) * width)
    text = max(text_width(line, font) for line in lines)
    return (side + FREE_FADE * width + text + DOCK_GAP * height + margin(height)) / width
