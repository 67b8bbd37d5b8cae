"""Block labels: name and shape above or below each block, on the overlay layer, kept to the label
policy (viewer/label_layout.py) from where the camera looks: never overlapping, never on another
block, never off the picture; the least important hidden when not all fit."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.scenes.block_text import names_its_kind, short_names, stage_label, stage_of
from nnvox.scenes.build import OUTPUT_NOTE
from nnvox.scenes.colour import ColourScale
from nnvox.scenes.scene import Block
from nnvox.viewer.label_layout import ClassTexts, Label, LabelLayout
from nnvox.viewer.overlays.base import Shown, Stage
from nnvox.viewer.overlays.legends import placed_inset, strip_top
from nnvox.viewer.theme import TITLE_SAFE, to_unit
from nnvox.viewer.visuals import make_billboard


def range_text(scale: ColourScale) -> str:
    if scale.diverging:
        return f"±{scale.hi:.3g}"
    return f"{scale.lo:.3g} … {scale.hi:.3g}"


def label_sides(blocks: list[Block]) -> dict[str, bool]:
    """Which labels go above their block (True) or below. A branch lane's blocks are labelled on
    their far side (above the lane above the path, below the one below), a path block on the side
    its column leaves free, else alternating with its neighbours: two labels never share the gap
    between lanes. Attribution planes under the network are labelled below and leave the
    alternation alone (the network's labels sit where they would without them); the blocks above
    them, above."""
    chain = [b for b in blocks if b.labelled and b.kind != "Attribution"]
    planes = [b.bounds[:2] for b in blocks if b.kind == "Attribution"]
    over_plane = {b.name for b in chain if any(x0 < b.bounds[1] and b.bounds[0] < x1 for x0, x1 in planes)}
    lanes_at: dict[float, set[float]] = {}  # column (x of the front face) -> its blocks' lanes
    for b in blocks:
        lanes_at.setdefault(b.origin[0], set()).add(np.sign(b.lane))
    above_of, last = {}, False  # the path's last label side
    for b in chain:
        if b.lane or b.name in over_plane:
            above_of[b.name] = b.lane >= 0
            continue
        taken = lanes_at[b.origin[0]]
        last = above_of[b.name] = (1 not in taken) if (1 in taken) != (-1 in taken) else not last
    return above_of


def ranks(blocks: list[Block]) -> dict[str, int]:
    """Each block's label importance (label_layout.Label.rank): 0 the input, the output and the
    first block of each stage (a stage boundary: "layer2" of "layer2.0.conv1", see
    block_text.stage_of), 1 the other labelled blocks, 2 the other blocks, parallel lanes' among
    them (BERT's query, key and value: their labels show where there is room beside their block),
    3 a closed side branch's blocks (Block.side_branch: their labels show when their block is
    focused)."""
    out, named = {}, set()
    stages = {name: stage for name, (stage, _, _) in short_titles(blocks).items()}
    for b in blocks:
        if b.role in ("input", "output") or (stages[b.name] not in named and b.kind != "Attribution"):
            out[b.name] = 0
        else:
            out[b.name] = 1 if b.labelled else 3 if b.side_branch else 2
        named.add(stages[b.name])
    return out


def reserved(stage: Stage) -> list[tuple[float, float, float, float]]:
    """The parts of the pane (fractions) where the heads-up line, the legends and the metrics inset
    sit: labels keep off them. The heads-up line is given two lines."""
    options, layout = stage.options, stage.layout
    out = []
    if options.show_hud:
        line = 1.3 * options.hud_font(stage.fonts.hud.fraction) / stage.pane_height
        out.append((0.0, layout.hud_position[1] - 2 * line, 1.0, 1.0))
    if options.show_legend:
        out.append((0.0, 0.0, 1.0, strip_top(stage)))  # as high as a lecture's legends stand
    if options.hall:  # a lecture's labels stay title-safe (the frame's edges clipped by a projector)
        s = TITLE_SAFE
        out += [(0.0, 0.0, s, 1.0), (1 - s, 0.0, 1.0, 1.0), (0.0, 0.0, 1.0, s), (0.0, 1 - s, 1.0, 1.0)]
    inset = placed_inset(stage)  # as the pane draws it: widened (raised) where its titles (the legends) need it
    if inset is not None:
        out.append(inset.box)
    return out


def label_text(b: Block, title: str | None = None, ranges: bool = True) -> str:
    """The block's label: its title (`title`, else the block's), shape and, with `ranges` and but
    for the input and output, its colour range (its colour scale's ends: `±4.19`, `0 … 4.19`)."""
    title, subtitle = title or b.title, b.subtitle
    if b.role == "output" and subtitle.endswith(OUTPUT_NOTE["output"]):  # drawn as its softmax
        # the name says so, as the shape line may be left off: "fc2 · Linear" read as the raw
        # scores beside a column coloured by probability
        title, subtitle = f"{title.split(' · ')[0]} · softmax", subtitle.removesuffix(OUTPUT_NOTE["output"])
    text = f"{title}\n{subtitle}"
    return text if b.role in ("input", "output") or not ranges else f"{text}   {range_text(b.scale)}"


def label_texts(blocks: list[Block], ranges: bool = True, terse: bool = False) -> dict[str, tuple[str, str]]:
    """Each block's label text, and the same when it is the label that names its stage
    (short_titles): one definition for the desktop and the browser page. `ranges`: each with its
    colour range (RenderOptions.label_ranges); `terse`: a lecture's, each thing said once (the
    kind left out where the name says it, block_text.names_its_kind)."""
    titles = short_titles(blocks, terse)
    return {
        b.name: (label_text(b, titles[b.name][1], ranges), label_text(b, titles[b.name][2], ranges)) for b in blocks
    }


def _head(b: Block) -> str:
    """The module name a title starts with (a collapsed block's module, a fold's first)."""
    return b.title.split(" · ")[0].split("  × ")[0]


def short_titles(blocks: list[Block], terse: bool = False) -> dict[str, tuple[str, str, str]]:
    """Each block's (stage, title, title naming the stage): the title with its module named relative
    to its stage (block_text.short_names: `blocks.5 · EfficientNetBlock  × 6` for
    `efficientnet.encoder.blocks.5`), and the same led by the stage (`encoder: blocks.5 · ...`) for
    the label that says where a stage is. Block.title keeps the full name (hover, selection, report).
    `terse`: the kind left out wherever the name says it (`conv1`, not `conv1 · Conv2d`)."""
    heads = {b.name: _head(b) for b in blocks}
    stages = stage_of(list(heads.values()))
    short = short_names(list(dict.fromkeys(heads.values())), stages)
    out = {}
    for b in blocks:
        head, rest = heads[b.name], b.title[len(heads[b.name]) :]
        stage = stages[head]
        said = names_its_kind(short[head], b.kind) if terse else short[head].split("#")[0] == b.kind.lower()
        if said:  # `add  × 12`, not `add · add  × 12`
            rest = rest.removeprefix(f" · {b.kind}")
        out[b.name] = (stage, short[head] + rest, stage_label(stage, short[head]) + rest)
    return out


class BlockLabels:
    """Every block's label on the overlay layer (those the policy leaves out hidden), kept to the
    label policy by a LabelLayout, with the outputs' class texts (`classes`) which stay beside
    their columns. Labels dim with their block in the forward pass."""

    def __init__(self, stage: Stage, classes: list[ClassTexts] = ()):
        self.labels: dict[str, vtk.vtkBillboardTextActor3D] = {}
        self._lit: dict[str, tuple[float, float]] = {}  # each label's light and window light, as last set
        self._box_opacity = stage.layout.label_box_opacity
        above_of, rank = label_sides(stage.scene.blocks), ranks(stage.scene.blocks)
        stages, texts = (
            short_titles(stage.scene.blocks),
            label_texts(stage.scene.blocks, stage.options.label_ranges, terse=stage.options.hall),
        )
        placed = []
        for b in stage.scene.blocks:
            x0, x1, y0, y1, _, z_top = b.bounds
            actor = make_billboard(stage.options, texts[b.name][0], hall=True)
            actor.SetPosition((x0 + x1) / 2, (y0 + y1) / 2, z_top)
            stage.overlay.AddActor(actor)
            self.labels[b.name] = actor
            side = 1 if above_of.get(b.name, True) else -1
            placed.append(
                Label(
                    actor,
                    b.name,
                    actor.GetPosition(),
                    side,
                    rank[b.name],
                    stages[b.name][0],
                    texts[b.name],
                    end=b.role in ("input", "output"),
                )
            )
        blocks = [(b.name, b.bounds) for b in stage.scene.blocks]
        colour = to_unit(stage.colours.text)
        self.layout = LabelLayout(stage.overlay, placed, colour, blocks, classes, reserved(stage))
        self.layout.safe = (TITLE_SAFE, TITLE_SAFE) if stage.options.hall else (0.0, 0.0)
        # a lecture's shot: its labels all with their shapes or all without (the window's each in its own form)
        self.layout.one_form = stage.options.hall
        self.props: list[vtk.vtkProp] = []  # all on the overlay layer
        self._histogram_box = stage.options.histogram_box  # kept clear while the panel shows
        self._sizes = (stage.options.hall_text(stage.fonts.label.fraction), stage.options.subject_font())
        self.subject: tuple[str, ...] = ()

    def set_subject(self, names) -> None:
        """Draw the labels of `names` (the layers a shot is about, scenes/shot_subject.py) at the
        subject's size (theme.SUBJECT_TEXT) and place them first; the others at the label size."""
        subject = tuple(n for n in self.labels if n in set(names))
        if subject == self.subject:
            return
        self.subject = subject
        for name, actor in self.labels.items():
            actor.GetTextProperty().SetFontSize(self._sizes[name in subject])
        self.layout.focus = subject
        self.layout.measure_again()

    def update(self, shown: Shown) -> None:
        showing = shown.histogram is not None and self._histogram_box is not None
        self.layout.panels = (tuple(self._histogram_box),) if showing else ()
        lit = shown.frame.lit
        for name, label in self.labels.items():
            light = self.layout.window_light(name)  # a label shown for part of a shot fades in and out
            if self._lit.get(name) != (lit[name], light):
                self._lit[name] = (lit[name], light)
                label.GetTextProperty().SetOpacity((0.3 + 0.7 * lit[name]) * light)
                label.GetTextProperty().SetBackgroundOpacity(self._box_opacity * (0.5 + 0.5 * lit[name]) * light)
