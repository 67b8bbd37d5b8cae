"""The attribution's method in print a label's size: in a shot of a mistake, under the explanation plane drawn
beside the input (scenes/attribution_planes.py), the words of the captum method that made it
("integrated gradients"), where the frame leaves it room (MethodNote). Its label says what
the plane is; this says how it was computed, for the student who asks."""

from __future__ import annotations

import numpy as np
import vtk

from nnvox.viewer.overlays.base import Stage
from nnvox.viewer.theme import HALL_LINE_SPACING, TITLE_SAFE, to_unit

NOTE_GAP = 0.012  # of the pane's height: between the plane's bottom edge and the note's top


def method_words(block) -> str:
    """The small print for an attribution plane: its method as words (the plane's subtitle: the
    method asked of capture/attributions.py, "integrated gradients" for captum's IntegratedGradients);
    no "method:" before it, which took it past a 4:3 frame's title-safe edge."""
    return block.subtitle


def note_forms(text: str) -> list[str]:
    """The note's forms, widest first: one line, then broken at its last space into two (at a label's
    size one line of "integrated gradients" ran past a 4:3 frame's title-safe edge under the map)."""
    head, _, tail = text.rpartition(" ")
    return [text, f"{head}\n{tail}"] if head else [text]


def note_boxes(plane: np.ndarray, size: tuple[float, float], h: float) -> list[tuple[float, float, float, float]]:
    """The note's places (x0, y0, x1, y1; pixels, y up) by the plane's screen rectangle `plane`,
    the first free one taken: under it, then over it, each ending an edge margin twice short of its
    right edge (the input stands a few pixels right of the plane and lower, OFF_AXIS: the note keeps
    a margin off it), then left of it, level with its bottom, as far off it. Under it first: the
    plane's label usually stands over it. Left of it: at 4:3 the caption's three lines left the
    two-line note no room under the map, its label none over it."""
    from nnvox.viewer.label_layout import margin

    tw, th = size
    gap, right, left = NOTE_GAP * h, plane[2] - 2 * margin(h), plane[0] - 2 * margin(h)
    return [
        (right - tw, plane[1] - gap - th, right, plane[1] - gap),
        (right - tw, plane[3] + gap, right, plane[3] + gap + th),
        (left - tw, plane[1], left, plane[1] + th),
    ]


def overlaps(box, boxes: np.ndarray, gap: float) -> bool:
    """Whether `box` (x0, y0, x1, y1) comes within `gap` pixels of any of `boxes` (n, 4)."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    boxes = boxes[np.isfinite(boxes).all(axis=1)]
    if not len(boxes):
        return False
    b = np.asarray(box, dtype=float)
    apart = np.max([boxes[:, 0] - b[2], b[0] - boxes[:, 2], boxes[:, 1] - b[3], b[1] - boxes[:, 3]], axis=0)
    return bool((apart < gap).any())


class MethodNote:
    """The small print by an attribution plane: shown where its box stands inside the frame's
    title-safe part (a lecture's) clear of every block, label, list and reserved part of the pane
    by an edge margin, its light rising over a few pictures as room opens (the push-in) and
    out as soon as it closes. It moves nothing: the labels and the docked list keep their places."""

    def __init__(self, stage: Stage, plane: int | None):
        self.stage, self.plane = stage, plane  # the plane's index among the scene's blocks (None: none)
        blocks = stage.scene.blocks
        self.text = method_words(blocks[plane]) if plane is not None else ""
        self.actor = vtk.vtkTextActor()
        tp = self.actor.GetTextProperty()
        # a label's size (capitals theme.HALL_TEXT in a lecture's, 40 px at 1080p): at the least a
        # picture draws (NOTE_TEXT, 28 px) a lecturer's watch 10 could not read it from row 20
        tp.SetFontSize(stage.options.hall_text(0.0))
        tp.SetBold(stage.options.bold)
        tp.SetLineSpacing(HALL_LINE_SPACING)  # a label's: at vtk's 1.1 descenders meet the line under
        tp.SetColor(*to_unit(stage.options.text_colour))
        tp.SetJustificationToRight()
        tp.SetVerticalJustificationToTop()
        self.actor.SetInput(self.text)
        self.actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.actor.SetVisibility(False)
        stage.overlay.AddViewProp(self.actor)
        self.light, self.box = 0.0, None  # its light and box (pixels, y up) in the last picture
        self.where: int | None = None  # which of note_boxes' places it stands at

    def place(self, rects: np.ndarray, keep_clear: np.ndarray, shown: bool, rise: float) -> None:
        """Stand the note by the plane's rectangle (note_boxes) among the blocks' screen `rects` (n, 4,
        pixels, y up; NaN: out of the picture), lit where its box is inside the frame and clear of
        `rects` and `keep_clear` (labels, lists, reserved parts: pixels); `shown`: the shot shows
        it at all; `rise`: the most its light rises from one picture to the next."""
        from nnvox.viewer.label_layout import margin
        from nnvox.viewer.overlays.hud import text_extent

        w, h = self.stage.renderer.GetSize()
        if not shown or self.plane is None or not w or not h or not np.isfinite(rects[self.plane]).all():
            self.where, self.box = None, None
            self._show(0.0)
            return
        inside = lambda b: b[0] >= safe * w and b[2] <= (1 - safe) * w and b[1] >= safe * h and b[3] <= (1 - safe) * h
        safe = TITLE_SAFE if self.stage.options.hall else 0.0
        others = np.vstack([np.delete(np.asarray(rects, dtype=float).reshape(-1, 4), self.plane, axis=0), keep_clear])
        prop, forms = self.actor.GetTextProperty(), note_forms(self.text)
        places = [(form, b) for form in forms for b in note_boxes(rects[self.plane], text_extent(prop, form), h)]
        free = [k for k, (_, b) in enumerate(places) if inside(b) and not overlaps(b, others, margin(h))]
        if self.where not in free:  # keeps its place while that stays free; at another, fades in anew
            self.where, self.light = (free[0] if free else None), 0.0
        if self.where is None:
            self.box = None
            self._show(0.0)
            return
        text, self.box = places[self.where]
        self.actor.SetInput(text)
        self.actor.SetPosition(self.box[2] / w, self.box[3] / h)
        self._show(min(1.0, self.light + rise))

    def _show(self, light: float) -> None:
        self.light = light
        self.actor.SetVisibility(light > 0)
        self.actor.GetTextProperty().SetOpacity(light)
