"""The lecture's heads-up line says the accuracy is held-out, and reads from the back of a hall: its
capitals theme.HEADS_UP_TEXT of the frame's height as drawn (37 px at 1080p), in at most two lines
across the frame's top edge, its last parts left out where even two do not hold it (a portrait frame);
the window's line keeps its own size (a label's)."""

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.heads_up import SEPARATOR


def _render(lenet_run, size, **options):
    """The mistake's frame (the demo's longest line: a snapshot, the held-out accuracy and the most
    confident mistake) drawn at `size`: its heads-up line's lines, its box and the image."""
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions

    scene = build_scene(lenet_run)
    frame = scene.frame_at(scene.n_snapshots - 1, sample=lenet_run.mistake_sample(1))
    assert " held-out accuracy " in frame.hud and "most confident mistake: true " in frame.hud
    w, h = size
    r = OffscreenRenderer(scene, RenderOptions(width=w, height=h, show_labels=False, show_legend=False, **options))
    try:
        image = r.render(frame)
        hud = r.scene_renderer.overlays.hud
        box = [0.0] * 4
        hud.actor.GetBoundingBox(hud.stage.renderer, box)  # about its position
        x, y = hud.actor.GetPositionCoordinate().GetComputedDisplayValue(hud.stage.renderer)
        box = [box[0] + x, box[1] + x, box[2] + y, box[3] + y]
        return frame.hud, hud.actor.GetInput().split("\n"), box, hud.room, image
    finally:
        r.close()


def _first_capital(image: np.ndarray, box) -> int:
    """The ink height of the line's first glyph (the "E" of "Epoch"): its run of columns from the
    left of the line's box (vtk's: x0, x1, y0, y1 in pixels from the bottom left)."""
    h = image.shape[0]
    x0, y1 = round(box[0]), round(box[3])
    patch = image[h - y1 : h - y1 + int(0.12 * h), x0 : x0 + int(0.05 * h)].astype(int)
    ink = np.abs(patch[..., :3] - image[2, -3, :3].astype(int)).max(axis=2) > 100
    columns = np.flatnonzero(ink.any(axis=0))
    first = columns[: np.argmax(np.diff(np.r_[columns, columns[-1] + 9]) > 1) + 1]  # the first glyph's columns
    rows = np.flatnonzero(ink[:, first].any(axis=1))
    return int(rows[-1] - rows[0] + 1)


@pytest.mark.gl
@pytest.mark.parametrize(("width", "height"), [(854, 480), (640, 480), (1920, 1080)])
def test_the_held_out_accuracy_reads_whole_at_the_heads_up_size(lenet_run, width, height):
    from nnvox.viewer.theme import HEADS_UP_TEXT

    text, lines, box, room, image = _render(lenet_run, (width, height))
    # whole, not cut short: broken at a separator onto two lines (the mistake's line is the longest)
    assert SEPARATOR.join(lines) == text and len(lines) == 2, lines
    assert box[1] - box[0] <= room
    # drawn at the heads-up size: the "E" of "Epoch" HEADS_UP_TEXT of the height (a pixel's rounding)
    assert _first_capital(image, box) >= round(HEADS_UP_TEXT * height) - 1, _first_capital(image, box)


@pytest.mark.gl
def test_a_portrait_frame_leaves_the_lines_last_part_out_rather_than_take_three_lines(lenet_run):
    text, lines, box, room, _ = _render(lenet_run, (480, 854))
    parts = text.split(SEPARATOR)
    assert len(lines) <= 2 and lines[0] == parts[0], lines  # where in training it is, first
    assert "most confident mistake" not in " ".join(lines)  # the last part out, not cut short
    assert box[1] - box[0] <= room


@pytest.mark.gl
def test_the_windows_heads_up_line_keeps_its_own_size(lenet_run):
    from nnvox.viewer.options import RenderOptions, hall_font
    from nnvox.viewer.theme import DEFAULT_THEME, WINDOW_HALL_TEXT

    options = RenderOptions(width=1280, height=820, hall=False)
    assert options.hud_font(DEFAULT_THEME.fonts.hud.fraction) == max(
        options.text_size(DEFAULT_THEME.fonts.hud.fraction), hall_font(820, WINDOW_HALL_TEXT)
    )
    _, lines, _, _, _ = _render(lenet_run, (1280, 820), hall=False)
    assert len(lines) == 1  # the window's smaller line: one at 16:10


@pytest.mark.gl
@pytest.mark.parametrize("hall", [True, False])
def test_a_lectures_line_gives_the_explained_layers_heading_the_top_edge(lenet_run, hall):
    """While a layer is explained a lecture's picture draws no heads-up line (it ran through the
    explained map's heading, "map 0 of conv1", and under the inset's backing); the window's keeps it.
    Read off the frame: the line's first glyph's corner holds ink only where the line is drawn."""
    from nnvox.scenes.explain import Explanation, focused
    from nnvox.scenes.shots import explain_pose
    from nnvox.viewer.offscreen import OffscreenRenderer
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.theme import DEFAULT_THEME

    scene = build_scene(lenet_run)
    explained = Explanation(lenet_run, scene, "conv1", 0, 3, seconds=1.0)
    r = OffscreenRenderer(scene, RenderOptions(width=1280, height=720, hall=hall))
    try:
        pane = r.scene_renderer
        pane.apply_pose(explain_pose(scene, ["conv1", explained.source], pane.aspect, explained.reach))
        inked = []
        for moment in (None, explained.at(0.3, 1.0)):
            pane.show_explain(moment)
            image = r.render(
                focused(scene.frame_at(1.0, sample=3), moment) if moment else scene.frame_at(1.0, sample=3)
            )
            hud = pane.overlays.hud.actor
            x, y = hud.GetPositionCoordinate().GetComputedDisplayValue(pane.renderer)
            corner = image[720 - y : 720 - y + 40, x : x + 12].astype(int)  # the "E" of "Epoch"'s stem
            ink = bool((np.abs(corner - DEFAULT_THEME.colours.background).max(axis=2) > 100).any())
            # (a lecture's explaining heading now starts at the same title-safe corner: read the line's
            # own words off the frame's text instead, where the corner holds another's ink)
            inked.append(ink and bool(hud.GetVisibility()) and hud.GetInput().startswith("Epoch"))
    finally:
        r.close()
    assert inked == [True, not hall], inked
