"""A colour bar per colour map the layers use (titled by which layers: their kinds) and one per
attribution plane's, words under it that say what its ends (and middle) mean and
its title over it (vtk's own title would share their side and run into them), the title kept inside
the frame's edge margin; all below the theme's legend_top; a layer's colour scale is
fixed over the run, so they never change. Beside them, an entry for each mark the frame draws
(dead and saturated unit frames, NaN magenta, unused layout gaps), above the metrics inset: only those on screen."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

import numpy as np
import vtk

from nnvox.scenes.colour import NO_VALUE_RGB, NONFINITE_RGB, ColourScale
from nnvox.scenes.colour import lut as colour_table
from nnvox.scenes.heads_up import significant
from nnvox.scenes.open_kernels import kernel_plan
from nnvox.scenes.open_layer import has_kernels
from nnvox.scenes.per_architecture import per_object
from nnvox.scenes.scene import Frame
from nnvox.viewer.camera_matrix import camera_matrix
from nnvox.viewer.label_layout import block_rectangles, project
from nnvox.viewer.options import hall_font
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.hud import safe_edges, sized_extent
from nnvox.viewer.overlays.legend_focus import (
    KERNEL_FORMS,
    Focused,
    clipped_ends,
    focus_of,
    focused_form,
    pass_front,
    recorded_range,
    scale_key,
    shared_form,
)
from nnvox.viewer.overlays.legend_pace import change_step, strip_goal, swapped, texts_steady
from nnvox.viewer.overlays.metrics import InsetLayout, fitted_inset, text_extent
from nnvox.viewer.overlays.units import KINDS, drawn_kinds
from nnvox.viewer.theme import Box, to_unit

SPANS = {"viridis": (0.0, 1.0), "diverging": (-1.0, 1.0), "difference": (-1.0, 1.0)}
# What a mode's voxels are, in words a student reads; colours are scaled per layer (scenes/colour.py)
QUANTITIES = {
    "activations": "activation",
    "weights": "weight",
    "change": "weight change since the previous snapshot",
    "change-from-start": "weight change since the start",
    "distance-from-start": "how far each weight moved since the start",
    "update-ratio": "size of each weight's update",
    "gradients": "gradient",
}


# Under each bar, what its ends (and middle) mean, read left to right: each layer's colours span its
# own range, so a number under a bar that colours several layers would read as a value it is not (a
# lecturer asked "low ... high of what?": each layer's own)
TICK_WORDS = {
    "viridis": ("each layer's low", "its high"),
    # a signed bar's ends as signs in every picture and pane: "negative / positive" where the long
    # words fitted without their 0 and "− 0 +" elsewhere read as two scales (a sixth watch)
    "diverging": ("−", "0", "+"),
    "difference": ("left lower", "same", "left higher"),
}
# A mode whose one scale every layer shares (scenes/run_scales.distance_scale): its title says what
# the colours are and that every layer shares the scale, in a student's words ("weight units, all
# layers" read as jargon to a lecturer), its bar's ends are that scale's numbers (0 ... "≥ the shared
# maximum", AT_LEAST, in the weights' own units), which a student can check a claim against; the note
# beside it (NOTES["epochs"]) says the one scale holds for every layer and epoch. Longest title
# first, the first that fits over the bar (no "|w − w₀|": the legend's font draws no "|")
SHARED_SCALE_TITLES = {
    "distance-from-start": (
        "how far each weight moved since the start, same scale for all layers",
        "distance moved, same scale for all layers",
        "distance each weight moved",
        "distance moved",
    )
}
# The same ends in a narrow pane, where the long words would meet (a diverging bar's ends are its sign)
SHORT_WORDS = {
    "each layer's low": "low",
    "each stage's low": "low",
    "its high": "high",
    "left lower": "−",
    "left higher": "+",
    "against": "−",
    "towards": "+",
}
# A metrics inset raised over the legends (placed_inset) reaches left to here at least (pane fractions):
# its chart keeps a readable width in a tall frame
RAISED_LEFT = 0.5
BAR_HEIGHT = 0.025  # of the pane's height: the colour bar's thickness, at most
# The strip from the bottom up, in fonts of the legends' words: the words under a bar take WORDS_LINE
# from the strip's bottom (legend_bottom, or the frame's edge margin where higher: their box keeps it)
# and hang WORDS_GAP below the bar; the bar's title takes TITLE_LINE under legend_top (at 1.3, 0.25
# and 1.25 a lecture's 32 px words left the bar 14 px thick at 1080p)
WORDS_LINE, WORDS_GAP, TITLE_LINE = 1.15, 0.12, 1.15
HEADING_GAP = 0.008  # of the pane's height, between the title's baseline and the bar's top

# Each mark a picture may draw, in words a student reads (capture/health.py decides dead and saturated)
MARKS = {
    "dead": "dead unit: never active on the probe inputs",
    "saturated": "saturated unit: at its limit on every probe input",
    "nonfinite": "NaN or ±Inf: not a number",
    "padding": "unused (no value)",  # a layout gap in a block: not a convolution's padding
}
# The same in a narrow pane (a comparison's beside the window's panels); where even these do not
# fit, the pane shows no marks' legend rather than one cut at its edge
SHORT_MARKS = {"dead": "dead unit", "saturated": "saturated unit", "nonfinite": "NaN or ±Inf", "padding": "unused"}


# Notes, stacked with the marks' entries (nearest the inset): what the picture's form means where
# students asked ("what are the stripes? where are the other five maps?"; "is the fainter conv1 of
# epoch 0 on a new scale?"), each only while what it explains is drawn (drawn_notes). A closed block
# shows its first map (a weight's first filter) on its front face, the others as the stripes of
# their edges behind it (scenes/scene.Block: panel k is k pitches behind the front)
# Where the epoch changes on screen, that the scales stay (the epoch-0 conv1 is fainter, not
# rescaled) and whose they are (scope: the bars' titles say it where it fits)
NOTES = {
    "maps": "block: map 0 in front, the other maps behind it",
    "filters": "block: filter 0 in front, the other filters behind it",
    "per layer, epochs": "colours: each block its own scale, the same every epoch",
    "per stage, epochs": "colours: each stage its own scale, the same every epoch",
    "epochs": "colours: one scale for every block and every epoch",
    "per layer": "colours: each block its own scale, compare within a block only",
    "per stage": "colours: each stage its own scale, compare within a stage only",
}
# A lecture's (captioned) pictures draw these, at the labels' size in the strip's right part, each
# line within 0.44 of a 16:9 frame's width at 40 px capitals (831 of 840 px at 1080p, 557 of 560 at
# 720p): one pattern from shot to shot, "compare colours ...", saying what a student may compare in
# that shot (a fifth watch: four wordings, "each stage its own scale", "one scale per stage, all
# epochs", ... never said that colours do not compare between blocks). One line where the faces'
# note stands too (three lines did not fit under a two-line caption); a "\n" parts a note's lines
SHORT_NOTES = {
    "maps": "map 0 in front, the rest behind",
    "filters": "filter 0 in front, the rest behind",
    "per layer, epochs": "compare colours over epochs",
    "per stage, epochs": "compare colours over epochs",
    # (not "compare colours across every block and every epoch": tiles of 10 px cells, which no one
    # compares from row 20 (an eighth watch); what holds is that one scale does, the bar's numbers)
    "epochs": "compare colours: one scale\nfor every block and epoch",
    "per layer": "compare colours within a block",
    "per stage": "compare colours within a stage",
}
# The notes that say whose scale the colours are on: where the blocks in view share one scale (the
# kernels shot's conv1 alone), they say nothing a student needs (MarkEntries.update)
SCOPE_NOTES = ("per layer", "per stage")
# A lecture's last resort before leaving a note out: the same said in fewer words, where the short
# form is wider than the colour bars it stands beside (MarkEntries.room)
TERSE_NOTES = {
    "maps": "map 0 in front",
    "filters": "filter 0 in front",
    "per layer, epochs": "same colours every epoch",
    "per stage, epochs": "same colours every epoch",
    # (at 36 px "one scale for every block and epoch" was 857 px at 1080p over the distance shot's
    # 729 px bar: left out; its bar's title says "distance moved", the scale's numbers under it)
    "epochs": "one scale throughout",
    "per layer": "compare within a block",
    "per stage": "compare within a stage",
}
NOTE_JOIN = "  ·  "  # between a lecture's notes on their one line
# The least step on screen (pixels at 1080 high) from one map of a closed block to the next, for the
# face note ("map 0 in front, the rest behind") to be said: in the lecture's overview the step is
# 14 px and the maps behind read as 2-3 px slivers (watch 9, finding 8), a note about what no one in
# the room can see; in its stage close-ups 40 px and more, each map a stripe
SLIVER_LEAST = 24.0
FACE_NOTES = ("maps", "filters")  # what a closed block's front face shows
# The blocks whose panels are maps (an image's channels, a feature layer's maps) or a weight's
# filters: a dense layer's panels are one vector's values cut in columns, with no map 0 in front
# (watch 10, finding 5: "map 0 in front" was said over fc1's 120 values and fc2's 10)
FACE_ROLES = ("input", "feature", "weights")
# A lecture's notes' capitals, a share of the frame's height: 3.34%, 36 px at 1080p (watch 10,
# finding 1: at theme.NOTE_TEXT's 28 px they read to row 10, row 20 needs about 34-36 px; at 37 px
# "map 0 in front" was 6 px wider than a close-up's one bar); one line of them at most, never wider
# than the colour bars' strip: a note that does not fit at this size is left out, never drawn
# smaller (MarkEntries)
LECTURE_NOTE_CAPS = 0.0334


def note_lines(words: str) -> list[str]:
    """An entry's lines (a lecture's notes take two: SHORT_NOTES)."""
    return words.split("\n")


def drawn_notes(blocks, epochs: bool, scoped: bool = False) -> tuple[str, ...]:
    """The notes a picture of `blocks` shows: what a closed block of several maps (or of a weight's
    several filters) shows of them, where one is drawn and no layer stands open; where the
    snapshots drawn change (`epochs`: a shot over several epochs, the window's timeline) that the
    scales stay, and whose they are where a bar colours several (per stage where layers share one
    by stage); `scoped`: whose they are in a picture of one snapshot too (a lecture's, whose bars'
    titles at the labels' size say only "activation": layer_titles' plain forms)."""
    layers = [b for b in blocks if b.kind != ATTRIBUTION]
    # not while a layer's maps stand side by side (an open shot): "front: map 0, others behind" read
    # as about the open layer, whose maps are all in front
    opened = any(b.opened is not None for b in layers)
    closed = {
        b.role == "weights" for b in layers if b.panels > 1 and b.role in FACE_ROLES and b.opened is None and not opened
    }
    scopes = {scope([b for b in layers if b.scale.cmap == cmap]) for cmap in {b.scale.cmap for b in layers}}
    per = next((p for p in ("per stage", "per layer") if p in scopes), "")
    scales = ", ".join([p for p in (per, "epochs" * epochs) if p])
    return (
        *("maps",) * (False in closed),
        *("filters",) * (True in closed),
        *(scales,) * (epochs or bool(scoped and per)),
    )


def mark_swatches(colours) -> dict[str, tuple]:
    """Each mark's swatch, (edge, fill or None): a frame's outline, or a voxel's colour (padding's
    is near the background, so its edge shows where it is). The browser page's entries read these."""
    return {
        "dead": (colours.health_rgb("dead"), None),
        "saturated": (colours.health_rgb("saturated"), None),
        "nonfinite": (NONFINITE_RGB, NONFINITE_RGB),
        "padding": (colours.outline, NO_VALUE_RGB),
    }


def drawn_marks(frame: Frame, options, in_view: Collection[str] | None = None) -> tuple[str, ...]:
    """The marks a picture of `frame` shows: unit frames the options draw, and voxels coloured as
    non-finite data (±Inf in a frame) or as padding (NaN in a frame: scenes/colour.py); of the
    blocks `in_view` only (their names; None: every block, as the browser page, whose camera
    moves freely, lists them): the kernel shot's "unused" entry stood for conv2's closed gaps,
    off the frame."""
    nonfinite = padding = False
    for name, values in frame.values.items():
        if (in_view is None or name in in_view) and values.size and not np.isfinite(values).all():
            nonfinite = nonfinite or bool(np.isinf(values).any())
            padding = padding or bool(np.isnan(values).any())
    if in_view is not None:  # unit frames of blocks in view only
        frame = replace(frame, **{k: {n: u for n, u in getattr(frame, k).items() if n in in_view} for k in KINDS})
    return (*drawn_kinds(frame, options), *("nonfinite",) * nonfinite, *("padding",) * padding)


# The least of a block a pane shows for it to count as in view, a share of the pane's height in each
# direction (or all of the block, where it is thinner): a few pixels of fc2 at the frame's edge, as a
# camera moves in on conv1, kept the "probability" bar on screen (a fifth watch, 24-30 s)
LEAST_SEEN = 0.025


def blocks_in_view(stage: Stage) -> frozenset[str]:
    """The blocks of which the pane shows a part now, LEAST_SEEN of its height across or all of
    the block (a block wholly behind the camera is not): label_layout's screen rectangles."""
    matrix, w, h = camera_matrix(stage.renderer)
    bounds = np.array([b.bounds for b in stage.scene.blocks], dtype=float)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all corners behind the camera: NaN, not in view
        rects = block_rectangles(bounds, matrix, w, h)
        shown = np.minimum(rects[:, 2:], (w, h)) - np.maximum(rects[:, :2], 0.0)
        least = np.minimum(rects[:, 2:] - rects[:, :2], LEAST_SEEN * h)
        seen = (shown > 0).all(axis=1) & (shown >= least - 1e-6).all(axis=1)
    return frozenset(b.name for b, s in zip(stage.scene.blocks, seen) if s)


# What each block kind is called in a bar's title (scenes' kinds are module class names), matched on
# the kind's lowercased start; a kind not here is named as it is
KIND_WORDS = (("conv", "conv"), ("linear", "linear"), ("relu", "ReLU"), ("maxpool", "pooling"), ("avgpool", "pooling"))
# What every value a per-layer bar colours shares, by its colour map (ColourScale.robust: viridis when
# the recorded range never goes below 0)
NATURE = {"viridis": ("never negative", "≥ 0"), "diverging": ("signed", "±")}
# An attribution plane's bar (scenes/attribution_planes.py: its method's run-wide scale; the target is
# each sample's predicted class, capture/attributions.py): longest title first, the first that fits
ATTRIBUTION_TITLES = (
    "input pixels' push on the model's answer",
    "pixels' push on the answer",
    "push on the answer",
    "pixels' push",
)
ATTRIBUTION_WORDS = {"diverging": ("against", "0", "towards"), "viridis": ("none", "strong")}
ATTRIBUTION = "Attribution"  # the kind of an attribution plane's block
# The kernels an open convolution draws beside its maps (scenes/open_kernels.py: weights mode's
# diverging scale, centred on 0): their own bar while such a block is in view, so the small
# coloured grids read as weights, not as more activations (the lecture's six maps shot had only
# "activation" under them: a sixth watch); longest title first, the first that fits
KERNEL_TITLES = ("kernel weights", "kernels")


@dataclass(frozen=True)
class Bar:
    """One colour bar: its colour map, its titles (longest first: the first that fits is drawn), the
    words under its ends (and middle) and the span of its lookup table."""

    cmap: str
    titles: tuple[str, ...]
    words: tuple[str, ...]
    span: tuple[float, float]


def kind_words(kind: str, role: str) -> str:
    """A block's kind as its bar's title names it: the output layer as "answer"."""
    if role == "output":
        return "answer"
    return next((words for start, words in KIND_WORDS if kind.lower().startswith(start)), kind)


def joined(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def stage_heads(blocks) -> list:
    """The first block (in network order) of each scale `blocks` use: a stage's own layer, before
    the ReLU and pooling that share its scale."""
    return list({b.scale: b for b in reversed(blocks)}.values())[::-1]


def tick_words(cmap: str, per: str) -> tuple[str, ...]:
    """The words under a bar of several scales (`per`: scope), TICK_WORDS[cmap] with a sequential
    bar's low end said to be each stage's where the layers share their scales by stage."""
    words = TICK_WORDS[cmap]
    return ("each stage's low", *words[1:]) if per == "per stage" and cmap == "viridis" else words


def scope(blocks) -> str:
    """Whose range a bar's colours span, from the scales of the `blocks` it colours: "per layer"
    (each its own), "per stage" (a layer shares its scale with the ReLU and pooling after it,
    scenes/run_scales.activation_scale) or "" (one scale: its numbers are under the bar, scale_ends)."""
    scales = {b.scale for b in blocks}
    return "" if len(scales) == 1 else "per layer" if len(scales) == len(blocks) else "per stage"


# The classifier's bar (its probabilities on the fixed scale 0 ... 1, scenes/block_spec.py): one word
# for one thing in every shot and frame (the lecture's mistake shot, with three bars, drew "class
# probability" where every other shot drew "probability": a fifth watch)
ANSWER_TITLES = ("probability",)


def layer_titles(cmap: str, blocks) -> tuple[str, ...]:
    """An activations bar's titles, longest first: the layers it colours, by kind, in the order the
    network meets them, what their values share, and whose range the colours span (scope)."""
    if cmap != "difference" and {b.role for b in blocks} == {"output"}:
        return ANSWER_TITLES
    names, per = joined(list(dict.fromkeys(kind_words(b.kind, b.role) for b in blocks))), scope(blocks)
    if cmap == "difference":  # a comparison's: what it shows comes first, the layers' names where there is room
        return (
            f"{names}: left − right, per layer",
            f"{names}: left − right",
            "left − right, per layer",
            "left − right",
        )
    if cmap not in NATURE:
        return (f"{names}, {per}", names) if per else (names,)
    long, short = NATURE[cmap]
    # the last, the values' sign alone, for a pane too narrow for any layer's name
    if not per:
        return (f"{names} ({long})", f"{names} ({short})", names, short)
    # whose range (per layer, per stage) before the values' sign, which the words under the bar say too;
    # stages named by their first layers' kinds where the layers' kinds do not fit
    heads = joined(list(dict.fromkeys(kind_words(b.kind, b.role) for b in stage_heads(blocks))))
    staged = (f"{heads} stages ({short})", f"{heads} stages") if per == "per stage" else ()
    full = (f"{names} ({long}), {per}", f"{names} ({short}), {per}", f"{names}, {per}")
    return (*full, *staged[:1], f"{names} ({short})", *staged[1:], names, *plain_titles(per), short)


# A bar's last titles, where no layer's name fits over it: what its colours are in a student's
# words, with whose range they span where that fits ("± per stage" read as a code at 40 px
# capitals), before the sign alone (a narrow pane's last resort)
PLAIN_TITLES = {
    "per stage": ("activation, each stage its own scale", "activation, own scale per stage"),
    "per layer": ("activation, each layer its own scale", "activation, own scale per layer"),
}


def plain_titles(per: str) -> tuple[str, ...]:
    """The plain forms of an activations bar's title of scope `per`, longest first, "activation" last."""
    return (*PLAIN_TITLES.get(per, ()), "activation")


def legends(mode: str) -> dict[str, tuple[str, tuple[float, float]]]:
    """Every layer colour map's legend in `mode`, whatever the scene: its title (what the mode's voxels
    are) and its ticks' span. A scene's own bars, titled by its layers, are `colour_bars`."""
    return {cmap: (titles[0], SPANS[cmap]) for cmap, titles in quantity_titles(mode).items()}


def quantity_titles(mode: str) -> dict[str, tuple[str, ...]]:
    """Each colour map's title in `mode` without the blocks: what its voxels are."""
    if mode in SHARED_SCALE_TITLES:
        return dict.fromkeys(("viridis", "diverging"), SHARED_SCALE_TITLES[mode])
    quantity = QUANTITIES[mode]
    # what the bar's ends and middle mean is said under it (TICK_WORDS)
    return {
        "viridis": (f"{quantity}, per layer",),
        "diverging": (f"{quantity}, per layer",),
        "difference": ("left − right, per layer",),
    }


def colour_bars(mode: str, blocks) -> list[Bar]:
    """The bars a scene of `blocks` in `mode` draws, left to right: one per colour map its layers use
    (in activations mode titled by the kinds of the layers it colours), then one per attribution
    plane's colour map. The desktop and the browser page (viewer/web/payload.py) both read these."""
    layers = [b for b in blocks if b.kind != ATTRIBUTION]
    bars = []
    for cmap, span in SPANS.items():
        using = [b for b in layers if b.scale.cmap == cmap]
        if not using:
            continue
        titles = layer_titles(cmap, using) if mode == "activations" else quantity_titles(mode)[cmap]
        one = mode in SHARED_SCALE_TITLES or (cmap != "difference" and len({b.scale for b in using}) == 1)
        words = scale_ends(using) if one else tick_words(cmap, scope(using))
        bars.append(Bar(cmap, titles, words, span))
    planes = {b.scale.cmap for b in blocks if b.kind == ATTRIBUTION and b.scale.cmap in ATTRIBUTION_WORDS}
    bars += [Bar(c, ATTRIBUTION_TITLES, ATTRIBUTION_WORDS[c], SPANS[c]) for c in sorted(planes)]
    if any(shows_kernels(b) for b in blocks):
        bars.append(Bar("diverging", KERNEL_TITLES, TICK_WORDS["diverging"], SPANS["diverging"]))
    return bars


def focusable_scales(bar: Bar, scene) -> tuple[list, dict[str, ColourScale]]:
    """The blocks whose one scale `bar` may show as numbers (legend_focus.py), in network order, and
    each one's scale, the one its colours use: an open convolution's kernels' (the weights' scale,
    open_kernels.kernel_plan) on the kernels' bar, each layer's own on a bar of several layers'
    scales; none on a bar whose words are numbers already (one scale, the answer's), a comparison's
    or an attribution plane's."""
    if bar.titles == KERNEL_TITLES:
        run = getattr(scene.source, "run", None)
        plans = [(b, kernel_plan(run, b)) for b in scene.blocks if shows_kernels(b)] if run is not None else []
        return [b for b, p in plans if p is not None], {b.name: p.scale for b, p in plans if p is not None}
    if bar.titles == ATTRIBUTION_TITLES or bar.cmap not in NATURE or scene.mode in SHARED_SCALE_TITLES:
        return [], {}
    blocks = [b for b in scene.blocks if b.kind != ATTRIBUTION and b.scale.cmap == bar.cmap]
    if len({b.scale for b in blocks}) < 2:
        return [], {}
    return blocks, {b.name: b.scale for b in blocks}


def focus_titles(bar: Bar, mode: str) -> tuple[str, ...]:
    """A bar's titles where it shows one layer's scale, longest first, "{name}" for the layer's: the
    layer's name alone where no longer form fits over a bar beside another (two bars at 1080p
    leave 310 px a title), the kernels' bar's own title there (one open layer's kernels)."""
    if bar.titles == KERNEL_TITLES:
        return (*KERNEL_FORMS, *KERNEL_TITLES)
    quantity = QUANTITIES[mode]
    if mode in ("activations", "weights", "gradients"):
        return (f"{quantity} of {{name}}", f"{{name}} {quantity}", "{name}")
    return (f"{{name}}: {quantity}", "{name}")


def in_drawn_order(words: tuple[str, ...]) -> tuple[str, ...]:
    """A bar's words in the order its texts stand (ColourLegends._legend): the ends, then the middle."""
    return (words[0], words[-1], *words[1:-1])


def shows_kernels(block) -> bool:
    """Whether `block` draws kernels beside its maps: an open convolution (open_kernels.py)."""
    return block.opened is not None and has_kernels(block)


# Before a robust scale's top, the bar's right end: the scale ends at the layers' 99th percentile
# (run_scales.scale_from_stats), so by construction some values lie above it and are drawn in its top
# colour (in the demo the distance scale's 0.26 against weights that moved 0.30 in conv2, 0.34 in
# fc1). The scale keeps the percentile rather than the maximum: to the maximum, the bulk of the
# weights (most moved under 0.1) would sit in the bar's dark third and the layers would not compare
AT_LEAST, AT_MOST = "≥ ", "≤ "


def scale_ends(blocks) -> tuple[str, ...]:
    """The ends (and a diverging scale's middle) of the one scale `blocks` share as numbers, to two
    significant digits ("0", "≥ 0.26"; "≤ −1.3", "0", "≥ 1.3"; the largest should one differ): past
    a robust end some values lie (AT_LEAST), past the classifier's 0 ... 1 none."""
    lo, hi = min(b.scale.lo for b in blocks), max(b.scale.hi for b in blocks)
    exact = {b.role for b in blocks} == {"output"}
    return range_words(lo, hi, any(b.scale.diverging for b in blocks), exact)


def range_words(
    lo: float,
    hi: float,
    diverging: bool,
    exact: bool = False,
    clips: tuple[bool, bool] | None = None,
    tight: bool = False,
) -> tuple[str, ...]:
    """A colour scale's ends (and a diverging one's middle) as the bar prints them, each end marked
    (AT_MOST, AT_LEAST) where values lie past it: `clips` (low, high) as the run recorded them, else
    a robust end's default (its percentile has values past it; a sequential scale's low end not),
    none where `exact` (the classifier's 0 ... 1). `tight`: the marks against the numbers for a
    narrow bar ("≤−4.8", "0", "≥4.8"); never the marks dropped for a "+" (a ninth watch: "+4.8"
    over conv1's 5.61 hid the clipped cells, while the opened layer's bar said "≥ 4.8")."""
    low, top = significant(lo, 2).replace("-", "−"), f"{hi:g}" if exact else significant(hi, 2)
    marks = (False, False) if exact else clips if clips is not None else (diverging, True)
    at_most, at_least = (m.strip() if tight else m for m in (AT_MOST, AT_LEAST))
    low = (at_most if marks[0] else "") + low
    top = at_least + top if marks[1] else top if exact or not diverging else "+" + top
    return (low, top) if not diverging else (low, "0", top)


def bar_width(
    layout,
    count: int,
    pane_share: float = 1.0,
    inset_left: float | None = None,
    *,
    whole: bool = False,
    left: float | None = None,
    lone: bool = False,
) -> float:
    """A bar's width (pane fractions): as wide as at full width in a narrower pane (`pane_share`: its
    share of the window's width), so the title fits over it; narrower when `count` bars would reach
    the metrics inset (its left edge `inset_left`: the theme's unless the pane widened it). `whole`:
    the bars take the strip's whole width (the inset raised over them), each up to legend_max_width.
    `left`: where the first starts (bars_left; the theme's legend_left by default). `lone`: a lecture's
    one bar, up to legend_max_width (its title at the labels' size says in plain words what the
    colours are and that every layer shares them: "distance moved, same scale for all layers")."""
    left = layout.legend_left if left is None else left
    wide = layout.legend_max_width if whole or (lone and count == 1) else layout.legend_width / pane_share
    wide = min(layout.legend_max_width, wide)
    right = 1.0 - left + layout.legend_gap if whole else inset_left
    right = layout.metrics_box[0] if right is None else right
    room = right - layout.legend_gap - left - (count - 1) * layout.legend_gap
    return min(wide, room / max(count, 1))


def side_share(stage: Stage) -> float:
    """What every legend text keeps from the pane's left and right edges, a share of its width: the
    frame's edge margin, title-safe in a lecture's picture (hud.safe_edges)."""
    return safe_edges(stage)[0] / stage.pane_width


def strip_floor(stage: Stage) -> float:
    """The lowest a legend text stands (pane fractions): legend_bottom, or the frame's edge margin
    where higher, title-safe in a lecture's picture (hud.safe_edges)."""
    return max(stage.layout.legend_bottom, safe_edges(stage)[1] / stage.pane_height)


def bars_left(stage: Stage) -> float:
    """Where the first bar starts (pane fractions): the theme's legend_left, or the frame's edge
    margin where that is wider (a tall frame's 2% of its width was 12 px: its words under the bar
    stand at its ends)."""
    return max(stage.layout.legend_left, side_share(stage))


def title_rooms(stage: Stage, width: float, count: int) -> list[float]:
    """Each of `count` bars' title's room (pane fractions): its bar and half the gap each side, less
    where that would pass the frame's edge margin (the first's and the last's titles are centred
    over their bars, so they never need moving onto their neighbours')."""
    left, gap, edge = bars_left(stage), stage.layout.legend_gap, side_share(stage)
    centres = [left + (width + gap) * i + width / 2 for i in range(count)]
    return [2 * min(width / 2 + gap / 2, c - edge, 1.0 - edge - c) for c in centres]


def words_that_fit(words: tuple[str, ...], width: float, measure: Callable[[str], float], gap: float):
    """The words under a bar `width` wide, as `measure` finds them (both pane fractions): all of them
    where each stands clear of the next (`gap` apart), else the ends' short forms (SHORT_WORDS) with
    the middle one, else the ends alone (long, then short); None where none fits. The middle one
    ("0") stays wherever a form with it fits: bars side by side read alike ("− 0 +", "against 0
    towards"), not one with its 0 and one without."""
    short = tuple(SHORT_WORDS.get(w, w) for w in words)
    forms = [words, short, (words[0], words[-1]), (short[0], short[-1])] if len(words) == 3 else [words, short]
    for form in forms:
        w = [measure(word) for word in form]
        if len(form) == 2 and w[0] + gap + w[1] <= width:
            return form
        if len(form) == 3 and max(w[0], w[2]) + gap + w[1] / 2 <= width / 2:
            return form
    return None


def text_measure(stage: Stage, font: int) -> Callable[[str], float]:
    """Words' width in a text of `font` pixels, a fraction of the pane's width."""
    window = stage.renderer.GetRenderWindow()
    dpi = window.GetDPI() if window is not None else 72
    bold = stage.options.bold  # a lecture's legends: theme.HALL_BOLD
    return lambda words: sized_extent(words, font, bold=bold, dpi=dpi)[0] / stage.pane_width


def first_fitting(forms: tuple[str, ...], room: float, measure: Callable[[str], float]) -> int:
    """The index of the first (longest) of `forms` that `measure` finds no wider than `room`; their
    count where none is."""
    return next((i for i, form in enumerate(forms) if measure(form) <= room), len(forms))


def titled(stage: Stage, inset_left: float, size: int) -> bool:
    """Whether each colour bar left of `inset_left` (pane fractions) has a title that fits over it
    at `size` (bar_forms)."""
    bars = colour_bars(stage.scene.mode, stage.scene.blocks)
    return all(i < len(b.titles) for b, (i, _) in zip(bars, bar_forms(stage, inset_left, size=size), strict=True))


@per_object
def legend_size(stage: Stage) -> int:
    """The font size of the pane's legends (options.legend_font: capitals of theme.LEGEND_TEXT in a
    lecture's picture), or in a lecture's frame too narrow for every bar's title at that size (a
    portrait 9:16's three titles ran into each other at 40 px capitals) the largest down to a
    note's at which each bar has a title that fits over it; a note's where none does."""
    size = stage.options.legend_font()
    if not stage.options.hall:
        return size
    least, inset = stage.options.text_size(0.0), fitted_inset(stage)
    for font in range(size, least, -1):
        if titled(stage, inset.box[0] if inset is not None else notes_corner(stage, font)[0], font):
            return font
    return min(size, least)


def bar_forms(
    stage: Stage, inset_left: float, whole: bool = False, size: int | None = None
) -> list[tuple[int, tuple[str, ...] | None]]:
    """Each of the pane's colour bars, left of an inset from `inset_left` (or across the strip's
    `whole` width: bar_width): which of its titles is the first that fits over it and half the gap
    each side (its count where none does) and the form of its words that fits under it (None: none
    does), at `size` (legend_size by default). What ColourLegends draws and what placed_inset weighs:
    the one place a title's form is chosen."""
    layout, size = stage.layout, size or legend_size(stage)
    bars = colour_bars(stage.scene.mode, stage.scene.blocks)
    share = stage.viewport[2] - stage.viewport[0]
    width = bar_width(layout, len(bars), share, inset_left, whole=whole, left=bars_left(stage), lone=stage.options.hall)
    title, word, gap = (
        text_measure(stage, title_font(size, stage.options.hall)),
        text_measure(stage, size),
        0.5 * size / stage.pane_width,
    )
    rooms = title_rooms(stage, width, len(bars))
    # two neighbours' titles each as wide as its room met at the gap's middle (a portrait frame's
    # "activation" touched "probability"): each keeps half `gap` from it
    return [
        (first_fitting(b.titles, room - gap, title), words_that_fit(b.words, width, word, gap))
        for b, room in zip(bars, rooms, strict=True)
    ]


def title_font(size: int, hall: bool = False) -> int:
    """A bar's title's font size, from its words' `size`: a tenth larger in the window's; the same in
    a lecture's picture (`hall`), whose words are already the labels' size and whose strip has no
    room for a larger title over its bar."""
    return size if hall else round(size * 1.1)


@per_object
def placed_inset(stage: Stage) -> InsetLayout | None:
    """The metrics inset as the pane draws it (None: none): fitted to its titles (metrics.inset_layout)
    and raised over the legends, which then take the strip's width, where the colour bars left of it
    would be too narrow for their words (a portrait frame's large text, a square one's three bars) or,
    in a frame taller than wide (height to spare), would take a shorter title or words than under it;
    raised, it takes the strip's right half at least (RAISED_LEFT). The window's own box stays.
    Laid out once a pane (a Stage is frozen): the caption, the labels, the legends and the inset
    itself each ask for it as a pane is built, and each measured every title again."""
    inset, layout = fitted_inset(stage), stage.layout
    if inset is None or not stage.options.show_legend or stage.options.metrics_box != layout.metrics_box:
        return inset
    beside = bar_forms(stage, inset.box[0])
    bars = colour_bars(stage.scene.mode, stage.scene.blocks)
    # a title fits in a form before its last (the last, a sign or a word alone, is a last resort)
    fit = all(i < max(len(b.titles) - 1, 1) and words is not None for b, (i, words) in zip(bars, beside, strict=True))
    if fit and (stage.pane_height <= stage.pane_width or beside == bar_forms(stage, inset.box[0], whole=True)):
        return inset
    x0, y0, x1, y1 = inset.box
    bottom = layout.legend_top + layout.caption_gap
    # its titles laid out again in the wider box: side by side where they now fit
    return replace(fitted_inset(stage, (min(x0, RAISED_LEFT), bottom, x1, bottom + y1 - y0)), raised=True)


def notes_corner(stage: Stage, size: int | None = None) -> Box:
    """Where the marks' entries and the notes stack from in a pane without the metrics inset (the
    bars keep left of it): the inset's box in the window's; in a lecture's picture (which leaves the
    chart out) the strip's bottom right of lecture_notes_left, under the caption, which spans the
    frame's width there; where no short note fits there, the bars take the strip's width."""
    box, layout = stage.options.metrics_box, stage.layout
    if not stage.options.hall:
        return box
    size = size or legend_size(stage)
    measure = text_measure(stage, size)
    widest = max(measure(line) for note in SHORT_NOTES.values() for line in note_lines(note))
    room = 1.0 - side_share(stage) - 1.5 * size / stage.pane_width - layout.lecture_notes_left
    # a frame narrower than 16:9 has no room there for them, nor the bars left of them for each a
    # title (the mistake shot's three at 40 px capitals): the bars take the strip's width
    notes = widest <= room and titled(stage, layout.lecture_notes_left, size)
    left = layout.lecture_notes_left if notes else 1.0 - side_share(stage)
    return (left, strip_floor(stage), box[2], strip_floor(stage))


def strip_top(stage: Stage) -> float:
    """The legends' strip's top (pane fractions; the caption sits on it, the labels keep under it):
    the theme's legend_top, or in a lecture's picture as high as its words, bar and title at the
    legends' size need over the title-safe bottom margin (0.2 of the height: 40 px capitals and a
    54 px margin at 1080p did not fit under 0.142, and the bar was left out)."""
    layout = stage.layout
    if not stage.options.hall:
        return layout.legend_top
    size, h = legend_size(stage), stage.pane_height
    floor = strip_floor(stage)
    needed = floor + (WORDS_LINE + TITLE_LINE) * title_font(size, True) / h + BAR_HEIGHT + HEADING_GAP
    return max(layout.legend_top, needed)


def lookup_table(cmap: str, lo: float, hi: float) -> vtk.vtkLookupTable:
    table = colour_table(cmap)[1:]
    lut = vtk.vtkLookupTable()
    lut.SetNumberOfTableValues(len(table))
    lut.SetTableRange(lo, hi)
    for k, (r, g, b) in enumerate(table):
        lut.SetTableValue(k, r / 255, g / 255, b / 255, 1.0)
    lut.Build()
    return lut


class ColourLegends:
    """The colour bars, and over the metrics inset the marks' entries and the notes (MarkEntries,
    kept off `caption`'s band where given; `labels`' block labels kept off them, where given)."""

    def __init__(self, stage: Stage, caption=None, labels=None):
        layout = stage.layout
        self.stage = stage
        self.size = legend_size(stage)
        self.bars = colour_bars(stage.scene.mode, stage.scene.blocks)
        inset = placed_inset(stage)  # the bars keep left of it (or take the width under it), the marks sit over it
        inset_box = inset.box if inset is not None else notes_corner(stage)
        whole = inset is not None and inset.raised
        share, self.left = stage.viewport[2] - stage.viewport[0], bars_left(stage)
        self.right = 1.0 - self.left + layout.legend_gap if whole else inset_box[0]  # the strip's room's right end
        self.width = bar_width(
            layout, len(self.bars), share, inset_box[0], whole=whole, left=self.left, lone=stage.options.hall
        )
        # The title's line, then the bar with its ticks in what is left (less in a thumbnail, where
        # text has a minimum size); the caption sits just above.
        title_room = TITLE_LINE * title_font(self.size, stage.options.hall) / stage.pane_height
        top = strip_top(stage)
        self.heading_y = top - title_room if stage.options.hall else min(layout.legend_heading_max, top - title_room)
        forms = bar_forms(stage, inset_box[0], whole)
        self.parts = [self._legend(i, bar, *forms[i]) for i, bar in enumerate(self.bars)]
        self.strip = [prop for part in self.parts for prop in part]
        self.props = list(self.strip)
        self.away = False  # the strip hidden while a lecture's picture explains a layer (make_way)
        self.covers = None  # the side covers (overlays/edge_fade.EdgeFade), set by overlays.compose
        self.seen: tuple[int, ...] = tuple(range(len(self.bars)))  # the bars drawn, left to right
        # each bar's light (0..1, eased when drawn) and place (in slots from the strip's left), each
        # moved a `step` a picture towards what the blocks in view ask: instant until paced (pace)
        self.levels = np.ones(len(self.bars))
        self.slots = np.arange(len(self.bars), dtype=float)
        self.step, self.fresh, self.fps = 1.0, True, 0.0
        self.ahead: tuple[frozenset[str], float] | None = None  # the view the camera stops at (head_for)
        # the notes: none until show_notes; in a lecture's corner never over the bars
        self.marks = MarkEntries(stage, inset_box, caption, cornered=inset is None and stage.options.hall)
        self.labels = labels
        self.props += self.marks.props
        # where the picture is about one layer, a bar shows its scale's numbers (legend_focus.py)
        self.plain = [[prop.GetInput() for prop in part[1:]] for part in self.parts]  # the bars' own texts
        # each bar's texts as drawn, as wanted (a change fades the old out, then the new in) and their light
        self.drawn, self.wanted = [list(p) for p in self.plain], [list(p) for p in self.plain]
        self.lights = [np.ones(len(p)) for p in self.plain]
        self.focusable = [self._focusable(i, bar) for i, bar in enumerate(self.bars)]
        self.showing: list[tuple | None] = [None] * len(self.bars)  # the layer each bar names now, and if alone
        for prop in self.props:
            stage.renderer.AddViewProp(prop)

    def _legend(self, i: int, legend: Bar, title: int, words: tuple[str, ...] | None) -> list[vtk.vtkProp]:
        """The bar, its title over it (`title`: the index of its longest form that fits over it and
        half the gap each side, bar_forms; the shortest where none does; kept inside the frame's
        margin) and its `words` under it (None: none fit, the ends' short forms)."""
        layout, pane_h = self.stage.layout, self.stage.pane_height
        cmap, (lo, hi) = legend.cmap, legend.span
        x = self.left + (self.width + layout.legend_gap) * i
        top = self.heading_y - HEADING_GAP
        floor = strip_floor(self.stage)
        bottom = max(top - BAR_HEIGHT, floor + WORDS_LINE * self.size / pane_h)
        bar = vtk.vtkScalarBarActor()
        bar.SetLookupTable(lookup_table(cmap, lo, hi))
        bar.SetOrientationToHorizontal()
        bar.DrawTickLabelsOff()  # numbers under a per-layer scale read as values: words say what the ends mean
        bar.SetNumberOfLabels(0)
        bar.SetBarRatio(1.0)
        bar.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        bar.SetPosition(x, bottom)
        bar.SetWidth(self.width)
        bar.SetHeight(top - bottom)
        heading = self._text(
            legend.titles[min(title, len(legend.titles) - 1)],
            title_font(self.size, self.stage.options.hall),
            "centre",
            "bottom",
        )
        heading.SetPosition(self._inside(x + self.width / 2, heading), self.heading_y)
        words = words or tuple(SHORT_WORDS.get(w, w) for w in (legend.words[0], legend.words[-1]))
        under = bottom - WORDS_GAP * self.size / pane_h
        ends = [self._text(words[0], self.size, "left", "top"), self._text(words[-1], self.size, "right", "top")]
        ends[0].SetPosition(x, under)
        ends[1].SetPosition(x + self.width, under)
        if len(words) == 3:
            ends.append(self._text(words[1], self.size, "centre", "top"))
            ends[-1].SetPosition(x + self.width / 2, under)
        return [bar, heading, *ends]

    def _text(self, words: str, font: int, across: str, down: str) -> vtk.vtkTextActor:
        """A legend text in the theme's colour, placed by its `across` (left, centre, right) and
        `down` (top, bottom) edge in the pane's fractions."""
        actor = vtk.vtkTextActor()
        actor.SetInput(words)
        actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        tp = actor.GetTextProperty()
        tp.SetColor(*to_unit(self.stage.colours.text))
        tp.SetFontSize(font)
        tp.ShadowOff()
        tp.ItalicOff()
        tp.SetBold(self.stage.options.bold)  # a lecture's legends: theme.HALL_BOLD
        {
            "left": tp.SetJustificationToLeft,
            "centre": tp.SetJustificationToCentered,
            "right": tp.SetJustificationToRight,
        }[across]()
        tp.SetVerticalJustificationToTop() if down == "top" else tp.SetVerticalJustificationToBottom()
        return actor

    def _width(self, text: vtk.vtkTextActor, words: str) -> float:
        """`words`' width in `text`'s font, a fraction of the pane's width."""
        dpi = self.stage.renderer.GetRenderWindow().GetDPI()
        return text_extent(text.GetTextProperty(), words, dpi)[0] / self.stage.pane_width

    def _inside(self, centre: float, text: vtk.vtkTextActor) -> float:
        """`centre` (a fraction of the pane's width) moved as little as keeps the centred text
        inside the frame's edge margin: a title wider than its bar is never cut at the edge."""
        half = self._width(text, text.GetInput()) / 2
        edge = side_share(self.stage)
        return float(np.clip(centre, edge + half, max(edge + half, 1.0 - edge - half)))

    def make_way(self, explaining: bool) -> None:
        """Hidden in a lecture's picture while a layer is explained (`explaining`): the inset prints
        the values and draws its own colour scale, the answer's bar named a column not drawn, and
        the strip's room goes to the caption and the inset (its numbers at the largest size that
        fits); the window's stay."""
        self.away = explaining and self.stage.options.hall
        self._show_bars()
        self.marks.away = self.away  # the marks' entries and notes too: the inset's note stands there

    def show_notes(self, epochs: bool, shown: bool = True) -> None:
        """The notes from now on: `epochs`, whether the snapshots drawn change (a shot over several
        epochs, the window's timeline: the notes then say the colour scales stay the same every
        epoch); none where not `shown` (an explaining shot, whose inset covers where they stand)
        nor in a pane lower than NOTES_LEAST_HEIGHT."""
        shown = shown and self.stage.pane_height >= NOTES_LEAST_HEIGHT
        notes = drawn_notes(self.stage.scene.blocks, epochs, scoped=self.stage.options.hall)
        self.marks.set_notes(notes if shown else ())

    def pace(self, fps: float) -> None:
        """The pictures a second a shot is drawn at, from its next picture on: a bar (its title, words
        and all) comes and goes, the bars beside it slide a slot, a title or numbers change out then
        in, each over legend_pace's phases, where one appeared or vanished in one picture as its block
        entered or left the view (the lecture's flow shot: "probability" gone 0.5 s in and back in one
        picture 16 s in). The shot's first picture draws its bars as they stand (a cut, or a
        cross-fade of the pictures)."""
        self.fps, self.fresh, self.ahead = fps, True, None
        self.step = change_step(fps, 0.0)

    def head_for(self, seconds: float) -> None:
        """The camera as it stands is where the next picture's camera stops, `seconds` on
        (legend_pace.camera_stops): that picture's update changes the strip for the view there,
        its phases done by then."""
        self.ahead = (self._visible(), seconds)

    def _visible(self) -> frozenset[str]:
        """blocks_in_view, less those the side covers hide whole (`covers`: the mistake's close-up
        faded every block right of the input, yet its strip kept "conv1 activation")."""
        return blocks_in_view(self.stage) - (self.covers.hidden if self.covers is not None else set())

    @property
    def steady(self) -> bool:
        """Whether no bar is fading or sliding and no text changing: a picture drawn again now draws
        the same strip."""
        lit, slots = self._targets()
        still = np.allclose(self.levels, lit) and np.allclose(self.slots, slots)
        return bool(still and texts_steady(self.drawn, self.wanted, self.lights))

    def _targets(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each bar's light and place are going (legend_pace.strip_goal)."""
        return strip_goal(self.seen, self.levels, self.slots)

    def _move(self) -> None:
        """Each bar's light, place and texts a step through a change's phases (legend_pace.py): out
        (bars leaving, old words), then the slide, then in (bars coming, new words); all the way in a
        shot's first picture, or unpaced (the window)."""
        lit, slots = self._targets()
        for i in range(len(self.bars)):
            if self.levels[i] <= 0 and lit[i] > 0:  # coming in: it fades in at its place, not sliding there
                self.slots[i] = slots[i]
        fresh = self.fresh or self.fps <= 0  # (the window, unpaced: its bars as they stand at each draw)
        step = 1.0 if fresh else self.step
        self.fresh = False
        if fresh:
            self.levels = lit
            self.lights = [np.zeros(len(p)) for p in self.plain]  # every text swapped, then drawn whole
        self.levels = np.where(lit < self.levels, np.maximum(self.levels - step, lit), self.levels)
        swaps = swapped(self.drawn, self.wanted, self.lights, self.levels, step)
        for i, j, words in swaps:
            self.parts[i][1 + j].SetInput(words)
            self.drawn[i][j] = words
        if np.any((lit <= 0) & (self.levels > 0)) or self.drawn != self.wanted or (swaps and not fresh):
            return  # still going out (a text gone out stays out a picture: never its old and new words at once)
        slots = self._targets()[1]
        self.slots = slots if fresh else self.slots + np.clip(slots - self.slots, -step, step)
        if fresh or np.allclose(self.slots, slots):  # then in: a bar coming, the new words
            self.levels += np.clip(lit - self.levels, 0.0, step)
            self.lights = [np.minimum(light + step, 1.0) for light in self.lights]

    def _show_bars(self) -> None:
        """The bars at their light and places, side by side from the strip's left (all hidden while
        away): a bar's colours, title and words faded as one: where a text changes, the whole bar
        goes out and back with the new words (watch 10 #10: a bare bar stood 0.1-0.2 s a stage)."""
        gap = self.stage.layout.legend_gap
        for i, part in enumerate(self.parts):
            light = float(self.levels[i]) * float(np.min(self.lights[i], initial=1.0))
            for prop in part:
                prop.SetVisibility(not self.away and light > 0)
                if isinstance(prop, vtk.vtkTextActor):
                    prop.GetTextProperty().SetOpacity(light)
                else:
                    prop.GetProperty().SetOpacity(light)
            x = self.left + (self.width + gap) * float(self.slots[i])
            bar, heading, *ends = part
            bar.SetPosition(x, bar.GetPosition()[1])
            heading.SetPosition(self._inside(x + self.width / 2, heading), heading.GetPosition()[1])
            for end, at in zip(ends, (x, x + self.width, x + self.width / 2)):
                end.SetPosition(at, end.GetPosition()[1])

    def _focusable(self, i: int, bar: Bar) -> tuple[list, dict[tuple[str, bool], Focused], dict[str, tuple]]:
        """The blocks whose one scale `bar` may show, in network order, the title and words it then
        takes for each (where they fit it), beside other bars and alone in the strip (its title may
        then reach over the strip's room: (name, alone) -> Focused), and each one's scale (scale_key)."""
        blocks, scales = focusable_scales(bar, self.stage.scene)
        stage, gap = self.stage, 0.5 * self.size / self.stage.pane_width
        title = text_measure(stage, title_font(self.size, stage.options.hall))
        word = text_measure(stage, self.size)
        beside = min(title_rooms(stage, self.width, len(self.bars))) - gap  # whichever slot it slides to
        rooms = {False: beside, True: max(beside, self.right - stage.layout.legend_gap - self.left)}
        # the run's recorded extremes say whether a layer's activations pass its scale's ends (a
        # kernels bar's or a weight mode's scale: a percentile's ends, marked as such)
        # (a comparison's difference source has no run: its values are not the run's)
        known = stage.scene.mode == "activations" and bar.titles != KERNEL_TITLES
        run = getattr(stage.scene.source, "run", None) if known else None
        tries = {b.name: self._word_forms(scales[b.name], run, b.key, gap) for b in blocks}
        # one form of the words and one wording of the title for every layer the bar names in a shot
        fitted = [[words_that_fit(w, self.width, word, g) == w for w, g in t] for t in tries.values()]
        level = next((k for k in range(3) if all(f[k] for f in fitted)), None)
        forms, names = {}, [b.name for b in blocks]
        for block, alone in ((b, alone) for b in blocks for alone in (False, True)):
            fits = [w for (w, _), f in zip(tries[block.name], fitted[blocks.index(block)], strict=True) if f]
            form = focused_form(
                shared_form(focus_titles(bar, stage.scene.mode), names, lambda t, room=rooms[alone]: title(t) <= room),
                block.name,
                [tries[block.name][level][0]] if level is not None else fits[:1],
                lambda t, room=rooms[alone]: title(t) <= room,
                lambda w: True,  # (the words: the first of _word_forms that fits every layer, else its own)
            )
            if form is not None and len(form.words) == len(self.plain[i]) - 1:  # as many as it draws
                forms[block.name, alone] = form
        return blocks, forms, {name: scale_key(s) for name, s in scales.items()}

    @staticmethod
    def _word_forms(scale: ColourScale, run, key: str, gap: float) -> tuple[tuple[tuple[str, ...], float], ...]:
        """A layer's scale's words in the forms a bar tries, each with the gap it keeps from the "0":
        spaced marks, tight marks, tight marks without the 0; each end marked where the
        run recorded values past it (`run`: None where unknown, a robust end's default marks)."""
        clips = clipped_ends(scale, recorded_range(run, key) if run is not None else None)
        spaced, tight = (range_words(scale.lo, scale.hi, scale.diverging, clips=clips, tight=t) for t in (False, True))
        # last, a narrow bar's marked ends without the 0 between them (a blank middle: the bar draws
        # three texts): "≤−4.8  0  ≥4.8" left the 0 8 px from "≤−4.8" under a 326 px bar at 1080p,
        # read "≤−4.80"; the marks are never dropped for a "+" (a ninth watch: clipped cells unsaid)
        return (spaced, gap), (tight, gap), ((tight[0], "", tight[-1]) if len(tight) == 3 else tight, 0.0)

    def _focus(self, frame, seen: Collection[str]) -> bool:
        """Each bar's words and title for the layer it shows now (legend_focus.py): the forward
        pass's stage, else the shot's subject, else the blocks in view, where the bar colours them on
        one scale; its own words elsewhere. Whether any changed. The shot's subject is the labels'
        (renderer.set_subject: those drawn at the subject's size); without labels, the blocks in view."""
        about = picture_about(self.stage, self.labels, frame)
        changed = False
        for i, (blocks, forms, keys) in enumerate(self.focusable):
            block = focus_of(blocks, about, seen, keys) if forms else None
            key = None if block is None else (block.name, self.seen == (i,))  # alone: a longer title fits
            key = key if key in forms else None
            if key == self.showing[i]:
                continue
            self.showing[i], changed = key, True
            texts = self.plain[i] if key is None else [forms[key].title, *in_drawn_order(forms[key].words)]
            self.wanted[i] = list(texts)  # drawn by _move: the old out, then these in
        return changed

    def update(self, shown: Shown) -> None:
        # the view where a moving camera stops (head_for), else as it stands
        names, left = self.ahead if self.ahead is not None else (self._visible(), 0.0)
        self.ahead = None
        seen = bars_seen(
            self.bars, self.stage.scene.blocks, names - not_reached(shown.frame.lit, self.stage.scene.blocks)
        )
        was = (self.seen, [list(w) for w in self.wanted])
        if seen:  # (none in view: the camera between pictures; the last kept)
            self.seen = seen
        focused = self._focus(shown.frame, names)
        if self.fps > 0 and (self.seen, self.wanted) != was:  # a change starts: its phases fit the camera's move
            self.step = change_step(self.fps, left)
        if focused or not self.steady or self.fresh:
            self._move()
            self._show_bars()
        self.marks.room = strip_width(self)
        self.marks.about = picture_about(self.stage, self.labels, shown.frame)
        self.marks.update(shown)
        if self.labels is not None and self.marks.box is not None:  # (the labels' update set its panels)
            self.labels.layout.panels = (*self.labels.layout.panels, self.marks.box)


def picture_about(stage: Stage, labels, frame) -> frozenset[str]:
    """The blocks a picture of `frame` is about: the forward pass's front, else the shot's subject
    (`labels`' drawn at the subject's size); none where neither is."""
    front = pass_front(frame.lit, stage.scene.blocks)
    subject = labels.subject if labels is not None else ()
    return frozenset((front,) if front is not None else subject)


def strip_width(legends: ColourLegends) -> float:
    """The colour bars' strip as drawn (pane fractions): the bars in view side by side, or the widest
    title over them where wider; a lecture's notes beside it are never wider (MarkEntries.room)."""
    n = len(legends.seen)
    titles = [legends._width(legends.parts[i][1], legends.parts[i][1].GetInput()) for i in legends.seen]
    return max(n * legends.width + (n - 1) * legends.stage.layout.legend_gap, *titles)


def not_reached(lit: dict[str, float], blocks) -> set[str]:
    """The blocks a forward pass has not reached yet (after its front, pass_front): no bar for them
    while they stand dark (a ninth watch: "probability 0-1" stood under pool2, fc1 and relu3 with fc2
    unlit, and the activations bar beside it dropped "activation of" from its title for those)."""
    front = pass_front(lit, blocks)
    order = {b.name: b.order for b in blocks}
    return set() if front is None else {b.name for b in blocks if b.order > order[front]}


def bars_seen(bars: list[Bar], blocks, seen: Collection[str]) -> tuple[int, ...]:
    """The indices of the `bars` (colour_bars') that colour a block in view (`seen`: their names):
    a legend only for what a class can see (the "probability" bar stood under conv1's close-up)."""
    layers = {b.scale.cmap for b in blocks if b.name in seen and b.kind != ATTRIBUTION}
    planes = {b.scale.cmap for b in blocks if b.name in seen and b.kind == ATTRIBUTION}
    kernels = any(shows_kernels(b) for b in blocks if b.name in seen)
    return tuple(
        i
        for i, bar in enumerate(bars)
        if (
            kernels
            if bar.titles == KERNEL_TITLES
            else bar.cmap in (planes if bar.titles == ATTRIBUTION_TITLES else layers)
        )
    )


def swatch_actor(size: int, edge, fill=None) -> vtk.vtkActor2D:
    """A square `size` pixels a side, centred on its position's height: an outline in `edge` round a
    fill (a voxel's colour; padding's is near the background, so its edge shows where it is)."""
    points = vtk.vtkPoints()
    for x, y in ((0, 0), (size, 0), (size, size), (0, size)):
        points.InsertNextPoint(x, y - size / 2, 0)
    poly = vtk.vtkPolyData()
    poly.SetPoints(points)
    colours = vtk.vtkUnsignedCharArray()
    colours.SetNumberOfComponents(3)
    poly.SetLines(vtk.vtkCellArray())
    poly.GetLines().InsertNextCell(5, [0, 1, 2, 3, 0])
    colours.InsertNextTuple3(*edge)  # (a polydata's cells number its lines before its polygons)
    if fill is not None:
        poly.SetPolys(vtk.vtkCellArray())
        poly.GetPolys().InsertNextCell(4, [0, 1, 2, 3])
        colours.InsertNextTuple3(*fill)
    poly.GetCellData().SetScalars(colours)
    mapper = vtk.vtkPolyDataMapper2D()
    mapper.SetInputData(poly)
    mapper.SetColorModeToDirectScalars()
    mapper.SetScalarModeToUseCellData()
    actor = vtk.vtkActor2D()
    actor.SetMapper(mapper)
    actor.GetProperty().SetLineWidth(max(2.0, size / 6))
    return actor


# The highest the notes reach (pane fractions) where they stand over the caption: higher, in a tall
# frame, they ran over the network itself (9:16); there they are left out
NOTES_TOP = 0.4
# A pane lower than this (pixels: a thumbnail, a preview) has no room for the notes: its text is at
# its least size, a larger share of it, and the notes would crowd the caption and the labels
NOTES_LEAST_HEIGHT = 360
NOTE_LINE_SPACING = 1.25  # of vtk's line height (about 1.2 font sizes): the entries' 1.5 font sizes
ENTRY_FORMS = ({**MARKS, **NOTES}, {**SHORT_MARKS, **SHORT_NOTES})  # the entries' words, then their short form
TERSE_FORM = {**SHORT_MARKS, **TERSE_NOTES}  # a lecture's last form


def entry_stack(
    stage: Stage,
    kinds: tuple[str, ...],
    below,
    measure: Callable[[str], float] | None = None,
    clear_of=None,
    forms=ENTRY_FORMS,
    least: float | None = None,
    size: int | None = None,
    room: float | None = None,
):
    """Where the entries of `kinds` (MARKS' and NOTES' keys) stack over the box `below` (pane
    fractions), as MarkEntries draws them: their left edge (the box's, or further left where the
    widest would reach the frame's edge margin, never left of `least` where given: the colour bars'
    end in a lecture's corner), their words (the first of `forms` that fits between the margins,
    and off the box `clear_of` where given: kind -> words) and the box they take; None where no
    form fits; at `size` (the legends' by default), no entry's words wider than `room` where given."""
    size = size or legend_size(stage)
    measure = measure or text_measure(stage, size)
    gap, edge = 1.5 * size / stage.pane_width, side_share(stage)
    for form in forms:
        widest = max(measure(line) for k in kinds for line in note_lines(form[k]))
        if room is not None and widest > room + 1e-9:
            continue
        x = min(below[0], 1.0 - edge - gap - widest)
        # up to the first entry's words (the last stands just above the box), a line for each of their lines
        lines = sum(len(note_lines(form[k])) for k in kinds)
        top = below[3] + 1.5 * size / stage.pane_height * (lines - 0.3) + 0.5 * size / stage.pane_height
        box = (x, below[3], x + gap + widest, top)
        if x >= max(edge, least or 0.0) - 1e-9 and not (clear_of is not None and overlapping(box, clear_of)):
            return x, form, box
    return None


def entry_tries(marks: tuple[str, ...], notes: tuple[str, ...], below, over, band, lecture: bool = False):
    """The entries MarkEntries tries, in order, each (kinds, the box they stack over, the box they keep
    off, their forms): all the notes, then without the block faces' note, then with it alone (the
    colours' note is the one a fifth watch asked for), each beside the caption, then over its band;
    the marks alone last. A captioned picture (a storyboard's) always takes the short form (one
    wording from shot to shot: a move's dissolve blended a long form into a short one, garbled for
    0.3 s). A `lecture`'s picture's notes take a terse form last, a form with each note on one line
    first, and all of them on one line before that (watch 9: two lines of notes took a quarter of the
    frame's bottom). A lecture's notes take one line in all (watch 10: at LECTURE_NOTE_CAPS): the
    forms of a note in two lines, and stacks of several notes, are not tried."""
    forms = (ENTRY_FORMS[1],) if band is not None else ENTRY_FORMS
    if lecture:  # the short, then the terse: those with each of these notes on one line
        forms = tuple(f for f in (*forms, TERSE_FORM) if all(len(note_lines(f[n])) == 1 for n in notes))
    scales = tuple(n for n in notes if n not in FACE_NOTES)
    faces = tuple(n for n in notes if n in FACE_NOTES)
    tries = []
    for some in dict.fromkeys(s for s in (notes, scales, faces) if s):
        if lecture and len(some) > 1:
            joined = tuple({**f, some[0]: NOTE_JOIN.join(f[n] for n in some)} for f in forms)
            tries += [((*marks, some[0]), below, band, joined), ((*marks, some[0]), over, None, joined)]
            continue
        tries += [((*marks, *some), below, band, forms), ((*marks, *some), over, None, forms)]
    return [*tries, (marks, below, None, forms)]


def maps_seen_behind(stage: Stage, seen: Collection[str]) -> bool:
    """Whether a closed block of several maps (or filters) among `seen` shows the ones behind its
    front: one step from a map to the next is SLIVER_LEAST pixels or more on screen (at 1080 high)."""
    matrix, w, h = camera_matrix(stage.renderer)
    for b in stage.scene.blocks:
        if b.name not in seen or b.panels < 2 or b.opened is not None or b.kind == ATTRIBUTION:
            continue
        if b.role not in FACE_ROLES:  # a dense layer's columns: no maps
            continue
        x0, _, y0, y1, z0, z1 = b.bounds
        ends = np.array(
            [[x0, (y0 + y1) / 2, (z0 + z1) / 2], [x0 + (b.panels - 1) * b.pitch, (y0 + y1) / 2, (z0 + z1) / 2]]
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            a, z = project(ends, matrix, w, h)
        if np.hypot(*(z - a)) / (b.panels - 1) >= SLIVER_LEAST * h / 1080:
            return True
    return False


def overlapping(a, b) -> bool:
    """Whether two boxes (x0, y0, x1, y1) overlap."""
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


class MarkEntries:
    """A swatch and its words for each mark kind, and the words of each note (NOTES), built once and
    shown only while the frame draws that mark (the notes: those set_notes was last
    given), stacked upwards from above the metrics inset (or the histogram panel, when shown), from
    its left edge, or further left where the words would reach the frame's edge margin; in their
    short form (SHORT_MARKS, SHORT_NOTES) where the pane is too narrow for them, and not at all where
    it is too narrow for those. `box`: where the shown entries are (pane fractions), None when none."""

    def __init__(self, stage: Stage, inset_box=None, caption=None, cornered: bool = False):
        self.stage, self.options, self.caption = stage, stage.options, caption
        self.inset_box = inset_box or stage.options.metrics_box  # as the pane draws it
        self.cornered = cornered  # in a lecture's corner (notes_corner): the colour bars end left of it
        # a lecture's entries at LECTURE_NOTE_CAPS (36 px capitals at 1080p), under its legends'
        # words' 40 px, on one line (watch 9, finding 8: two lines of notes at 40 px took a quarter
        # of the frame's bottom; watch 10, finding 1: at 28 px they were not read from row 20)
        size = legend_size(stage)
        notes = hall_font(stage.options.height, LECTURE_NOTE_CAPS)
        self.size = notes if stage.options.hall else size
        # a frame whose bars' words are smaller (a tall one's: legend_size) shows no notes, rather
        # than notes drawn smaller than LECTURE_NOTE_CAPS or larger than the words they explain
        self.quiet = stage.options.hall and size < notes
        # the widest an entry's words may be in a lecture's picture (pane fractions): the colour bars'
        # strip beside them (strip_width, set by ColourLegends); None: as wide as the pane allows
        self.room: float | None = None
        # the blocks the picture is about (picture_about): the faces' note is theirs where
        # they are in view
        self.about: frozenset[str] = frozenset()
        swatches = mark_swatches(stage.colours)
        self.entries = {kind: self._entry(kind, *swatches.get(kind, (None, None))) for kind in (*MARKS, *NOTES)}
        self.props = [prop for entry in self.entries.values() for prop in entry if prop is not None]
        self.notes: tuple[str, ...] = ()
        self.away = False  # none shown while a lecture's picture explains a layer (ColourLegends.make_way)
        self._shown: tuple | None = None
        self.box: tuple[float, float, float, float] | None = None
        self._widths: dict[str, float] = {}

    def _width(self, words: str) -> float:
        """An entry's words' width, a fraction of the pane's width (measured once)."""
        if words not in self._widths:
            _, text = next(iter(self.entries.values()))
            dpi = self.stage.renderer.GetRenderWindow().GetDPI()
            self._widths[words] = text_extent(text.GetTextProperty(), words, dpi)[0] / self.stage.pane_width
        return self._widths[words]

    def _entry(self, kind: str, edge, fill) -> tuple[vtk.vtkActor2D | None, vtk.vtkTextActor]:
        """A square swatch one text line high (a frame's outline, or a voxel's colour; a note's:
        None, `edge` None) and the words."""
        swatch = None if edge is None else swatch_actor(self.size, edge, fill)
        words = vtk.vtkTextActor()
        words.SetInput({**MARKS, **NOTES}[kind])
        tp = words.GetTextProperty()
        tp.SetFontSize(self.size)
        tp.SetColor(*to_unit(self.stage.colours.text))
        tp.SetVerticalJustificationToCentered()
        tp.SetLineSpacing(NOTE_LINE_SPACING)  # a two-line note's lines as far apart as the entries' lines
        tp.ShadowOff()
        tp.SetBold(self.options.bold)
        for prop in (swatch, words)[swatch is None :]:
            prop.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
            prop.SetVisibility(False)
        return swatch, words

    def _caption_band(self) -> tuple[float, ...] | None:
        """The band of the caption's last words (pane fractions), None where it had none: shown or
        not (hidden while it fades through 0, and while a cross-fade draws the picture without its
        texts), so the notes do not jump as it shows."""
        band = self.caption.band() if self.caption is not None else None
        if band is None:
            return None
        w, h = self.stage.pane_width, self.stage.pane_height
        return (band[0] / w, band[1] / h, band[2] / w, band[3] / h)

    def set_notes(self, notes: tuple[str, ...]) -> None:
        """The notes (NOTES' keys) shown from the next update on."""
        self.notes, self._shown = notes, None

    def in_view(self) -> frozenset[str]:
        """The blocks the pane shows now (blocks_in_view): the entries are for their marks only."""
        return blocks_in_view(self.stage)

    def _drawn(self, shown: Shown) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The marks and the notes to draw now: those of the blocks in view, and a note of whose
        scales the colours are (SCOPE_NOTES) only where those blocks use more than one."""
        seen = self.in_view()
        scales = {b.scale for b in self.stage.scene.blocks if b.name in seen and b.kind != ATTRIBUTION}
        notes = tuple(n for n in self.notes if (n not in SCOPE_NOTES or len(scales) > 1) and not self.quiet)
        # the faces' note of the blocks the picture is about where in view (a neighbour's maps at
        # the frame's edge are not what it shows: pool2's and relu2's beside fc1, watch 10 #5)
        faces = (seen & self.about) or seen
        if self.options.hall and not maps_seen_behind(self.stage, faces):  # (the window's: as before)
            notes = tuple(n for n in notes if n not in FACE_NOTES)
        return drawn_marks(shown.frame, self.options, seen), notes

    def update(self, shown: Shown) -> None:
        marks, notes = ((), ()) if self.away else self._drawn(shown)
        below = self.options.histogram_box if shown.histogram is not None else self.inset_box
        band = self._caption_band()
        room = self.room if self.options.hall else None
        if ((*marks, *notes), below, band, room) == self._shown:
            return
        self._shown = ((*marks, *notes), below, band, room)
        # with the notes beside the caption (their short form where the long reaches it), else over its
        # band (not up into the network: NOTES_TOP), else without them, as where the pane is too narrow
        over = below if band is None else (*below[:3], max(below[3], band[3]))
        kinds, fitting = (), None
        for entries, base, off, tried in entry_tries(marks, notes, below, over, band, self.options.hall):
            least = base[0] if self.cornered and base[:3] == self.inset_box[:3] else None
            placed = (
                entry_stack(self.stage, entries, base, self._width, off, tried, least, self.size, room)
                if entries
                else None
            )
            if placed is not None and (base is below or placed[2][3] <= NOTES_TOP):
                kinds, fitting = entries, placed
                break
        for entry in self.entries.values():
            for prop in entry[entry[0] is None :]:
                prop.SetVisibility(False)
        self.box = None
        if fitting is None:
            return
        x, form, self.box = fitting
        line = 1.5 * self.size / self.stage.pane_height
        gap = 1.5 * self.size / self.stage.pane_width
        counts = [len(note_lines(form[kind])) for kind in kinds]
        for k, kind in enumerate(kinds):  # top down in MARKS order, then the notes, the last just above the inset
            swatch, words = self.entries[kind]
            # centred on its lines' middle, the entries under it taking theirs
            y = self.box[1] + line * (sum(counts[k + 1 :]) + 0.7 + (counts[k] - 1) / 2)
            words.SetInput(form[kind])
            words.SetPosition(x + gap, y)  # a note's words in line with the marks' words
            words.SetVisibility(True)
            if swatch is not None:
                swatch.SetPosition(x, y)
                swatch.SetVisibility(True)
