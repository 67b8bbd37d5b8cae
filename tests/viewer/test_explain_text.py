"""Issue 17 item 6, at a hall's sizes (theme.py): the explaining shot's inset is its subject. Its
title reads at the subject's size where its widest line fits the inset (theme.SUBJECT_TEXT: 44 px
capitals at 1080p), never under the labels' (HALL_TEXT: 40 px; the inset keeps title-safe); its column heads,
the 25 values of each of the kernel and the products, the colour scale's ends and the sum's lines
at one size, the largest up to a label's (HALL_TEXT) at which the printed grids fit beside the
blocks, never under a note's (NOTE_TEXT, 28 px capitals at 1080p) in a 16:9 frame; the patch's 25
values printed too where that costs no size, else the patch in colour only (a lecturer asked for
the table's numbers at 36-40 px, "show fewer cells if needed": all 75 fit 29 px capitals at
1080p, the kernel's and products' 50 fit 32); every text inside the frame and apart, at 480p,
1080p and 2160p."""

from __future__ import annotations

import pytest

from tests.viewer.picture_policy import SIZES, check_lecture_text, drawn_texts, one_shot_board, shot_pictures

pytestmark = pytest.mark.gl

# the lecture's explaining shot (src/nnvox/storyboards/lecture.toml), three frames of it
EXPLAIN_SHOT = """duration = 3
timeline = "last"
sample = 9
explain = "conv1"
caption = "A 5 × 5 window slides over the 9: patch × kernel, summed, plus bias"
"""


@pytest.mark.parametrize("size_name", ["480p", "1080p", "2160p"])
def test_the_inset_reads_at_the_subjects_size_with_its_values_printed(size_name, lenet_run, tmp_path):
    import vtk

    from nnvox.viewer.options import cap_height
    from nnvox.viewer.theme import EXPLAIN_TEXT, HALL_TEXT, NOTE_TEXT

    size = SIZES[size_name]
    board = one_shot_board(tmp_path, lenet_run, size, 1, EXPLAIN_SHOT)
    placed = told = 0  # frames whose window's note says where it stands; ... what is done already
    for k, (_, r) in enumerate(shot_pictures(board)):
        where = f"explain {size_name} frame {k}"
        texts = [t for t in drawn_texts(r) if t["text"] not in _undrawn_labels(r)]
        check_lecture_text(where, texts, size)
        inset = r.scene_renderer.overlays.explain.inset
        if not inset.shown:
            continue
        # the patch's values, the kernel's weights and their products printed (watch 6: the patch in
        # colour only left no product checkable), with no zero before the point (".34")
        printed = [a for a in inset.values if a.GetVisibility() and a.GetInput()]
        assert len(printed) == 75 and inset.first == 0, where
        s = inset._shown[0].step
        weights = [round(float(w), 2) for w in s.weights.ravel()]
        assert [_value(a.GetInput()) for a in printed[25:50]] == pytest.approx(weights), where  # the kernel's
        assert not any(a.GetInput().startswith(("0.", "−0.")) for a in printed), where
        _check_the_sum_reads_honestly(inset, printed, where)
        placed += _check_the_notes_stand_apart(inset, where)
        before = inset._shown[0].before  # the first position: which values are done already (watch 9 #10)
        if before is not None:
            assert inset.aside.GetVisibility() and before in inset.aside.GetInput().split("\n"), where
            told += 1
        shown = [a for a in inset.actors if isinstance(a, vtk.vtkTextActor) and a.GetVisibility() and a.GetInput()]
        assert len(shown) >= 50 + 8, f"{where}: {len(shown)} inset texts"  # values, title, heads, scale, sum
        note, hall = r.options.text_size(0.0), r.options.hall_text(0.0)
        assert note <= inset.font <= hall, f"{where}: the grids' and sum's font {inset.font}"
        # the numbers at theme.EXPLAIN_TEXT's capitals at least (37 px at 1080p)
        assert cap_height(inset.font) >= round(EXPLAIN_TEXT * size[1]), f"{where}: {cap_height(inset.font)} px capitals"
        for a in shown:
            text, font = a.GetInput(), a.GetTextProperty().GetFontSize()
            least = r.options.hall_text(0.0) if a is inset.title else note  # the title: a label's at least
            assert font >= least, f"{where}: {text!r} at {font} px"
            box = [0, 0, 0, 0]  # its lines' box as vtk lays them out (ascent to descent, as lecture_font measures)
            vtk.vtkTextRenderer().GetBoundingBox(a.GetTextProperty(), text, box, 72)
            height = (box[3] - box[2] + 1) / (text.count("\n") + 1)
            assert height >= NOTE_TEXT * size[1], f"{where}: {text!r} {height} px a line"
            assert cap_height(font) >= round((HALL_TEXT if a is inset.title else NOTE_TEXT) * size[1]), where
    assert placed, f"explain {size_name}: no frame says where the window stands"
    assert told, f"explain {size_name}: no frame says what is done already"


def _check_the_sum_reads_honestly(inset, printed, where: str) -> None:
    """Watch 7: the 25 printed products (of the printed values, 2 decimals) added to 2.95 where the
    sum printed 2.984, the exact one, and nothing said so; watch 8: with "rounded" over them, 4.00
    against "exact sum 4.027" still asked a student to notice. The products' head says they are
    rounded, the sum's first line what the drawn cells add to (exactly, to their 2 decimals) and its
    next that the products' exact sum (to the printed 3 decimals, within the recorded value's half
    precision) is another number."""
    import numpy as np

    s = inset._shown[0].step
    # of what (watch 10): the printed values, where that fits over the grid (at 16:9 "the cells")
    assert inset.heads[2].GetInput() in ("= products of printed values", "= products of the cells"), where
    words, numbers = inset.words.GetInput().split("\n"), inset.numbers.GetInput().split("\n")
    # watch 9: the first line says its cells are the rounded ones, the next is not called exact (it
    # is the recorded half-precision value less the bias: within 0.0025 of the products' float sum)
    assert words[:2] == ["rounded cells sum", "sum before bias"], (where, words)
    cells = sum(round(_value(a.GetInput()) * 100) for a in printed[50:75])
    exact = float(np.sum(s.products, dtype=np.float64))
    if numbers[0] != "–":  # (sweeping: no number)
        assert round(_value(numbers[0]) * 100) == cells, (where, numbers[0], cells)  # the cells' own sum
        assert _value(numbers[1]) == pytest.approx(exact, abs=0.0025), (where, numbers[1], exact)
    assert abs(cells / 100 - exact) <= 25 * 0.005 + 0.0025, (where, cells, exact)


def _check_the_notes_stand_apart(inset, where: str) -> int:
    """Watch 8: "black = −0.43, normalised" over "starts at the ink's edge" read as one sentence.
    The input's note and the window's stand apart: each its own line, the window's in the window's
    colour (not the text's) and a gap under the input's. Returns 1 where the window's note is shown."""
    said, placed = inset.note, inset.aside
    assert said.GetInput().split("\n")[0].startswith("normalised: black = −"), where
    if not (placed.GetVisibility() and placed.GetInput()):
        return 0
    colour = placed.GetTextProperty().GetColor()
    assert colour == pytest.approx(inset.stage.colours.accent) and colour != said.GetTextProperty().GetColor()
    before = inset._shown[0].before  # the first position: what is done already (watch 9 finding 10)
    for line in placed.GetInput().split("\n"):
        assert line in ("padding reads 0", "padding = 0", before) or line.startswith("on a stroke's "), (where, line)
    if not inset.banded:  # under the input's note, a gap between (a band's: beside it on its line)
        size = said.GetTextProperty().GetFontSize()
        bottom = said.GetPosition()[1] - size * 0.96 * len(said.GetInput().split("\n"))
        assert placed.GetPosition()[1] <= bottom - 0.3 * size, (where, placed.GetPosition(), said.GetPosition())
    return 1


def _value(text: str) -> float:
    """A printed cell's number ("−.43", "2.70", "0")."""
    return float(text.replace("−", "-"))


def _undrawn_labels(r) -> set[str]:
    """The labels the explaining shot leaves out (SceneRenderer.undrawn_labels: of the blocks it does
    not draw, the explained layer's, and at 16:9 the input's): hidden while it renders, their
    visibility put back after (SceneRenderer._restore_labels), so a picture's texts read later list them."""
    return {a.GetInput() for a in r.scene_renderer.undrawn_labels()}


def test_a_narrower_frame_prints_the_values_at_the_lecture_size(lenet_run, tmp_path):
    """At 4:3 the inset is too narrow for the printed grids' values at a note's size: they take a
    smaller one, never under the lecture's least (2.2%), rather than leave them out."""
    from nnvox.viewer.options import lecture_font

    size = (1440, 1080)
    board = one_shot_board(tmp_path, lenet_run, size, 1, EXPLAIN_SHOT)
    *_, (_, r) = shot_pictures(board)
    check_lecture_text("explain 4:3", [t for t in drawn_texts(r) if t["text"] not in _undrawn_labels(r)], size)
    inset = r.scene_renderer.overlays.explain.inset
    assert sum(a.GetVisibility() and bool(a.GetInput()) for a in inset.values) == 50
    head = inset.heads[2].GetInput()  # (the patch colour only: its products not of printed values)
    assert head.endswith("products, rounded") and "printed" not in head and "cells" not in head, head
    assert lecture_font(size[1]) <= inset.font < r.options.text_size(0.0), inset.font


def _tallest_glyph(image, box) -> int:
    """The tallest glyph's ink (pixels) of a text drawn in `box` (x0, y0, x1, y1 from the bottom
    left): connected parts of the pixels far from the box's commonest colour (its cell's or the
    backing's), as a lecturer measures a frame."""
    import numpy as np
    from scipy import ndimage

    h = image.shape[0]
    x0, y0, x1, y1 = (round(float(v)) for v in box)
    crop = image[max(h - y1, 0) : h - y0, max(x0, 0) : x1, :3].astype(int)
    colours, counts = np.unique(crop.reshape(-1, 3), axis=0, return_counts=True)
    ground = colours[np.argmax(counts)]
    ink = np.abs(crop - ground).max(axis=-1) > 64  # (half the contrast of dark text on a light cell)
    parts = ndimage.find_objects(ndimage.label(ink)[0])
    return max((p[0].stop - p[0].start for p in parts), default=0)


@pytest.mark.parametrize("height", [480, 720, 1080, pytest.param(2160, marks=pytest.mark.long)])
def test_the_explained_numbers_and_notes_read_from_row_20(lenet_run, tmp_path, height):
    """Issue 17, a third lecturer's watch (findings 3 and 5): the kernel's and products' numbers,
    the sum's, the colour scale's ends and the notes ("black = −0.43, normalised", "not yet
    computed") were 27-34 px at 1080p, marginal or unreadable from row 20 of a 200-seat hall. Now
    every text of the inset, the note under the sum and "not yet computed" included, is drawn at a
    font whose capitals are theme.EXPLAIN_TEXT of the height (37 px at 1080p; the note's were 28),
    the same at each size; at 1080p each number's tallest digit measures that on the frame (34 px
    before; at 480p and 720p a digit's ink loses a row or two to smoothing on the frame; a number
    of flat-topped digits only, "−.17" (16:9 prints no zero before the point), two rows less than
    a round digit's overshoot: the frame's tallest that, each two rows under at most)."""
    import vtk

    from nnvox.viewer.options import cap_height
    from nnvox.viewer.theme import EXPLAIN_TEXT

    size = (round(height * 16 / 9 / 2) * 2, height)
    board = one_shot_board(tmp_path, lenet_run, size, 1, EXPLAIN_SHOT)
    least = round(EXPLAIN_TEXT * height)
    measured, tallest_of_all = 0, 0
    for k, (image, r) in enumerate(shot_pictures(board)):
        explain = r.scene_renderer.overlays.explain
        inset = explain.inset
        if not inset.shown or inset._shown[0].legible < 1.0:
            continue
        overlay = r.scene_renderer.overlay
        numbers = [a for a in (*inset.values, inset.numbers, *inset.ends) if a.GetVisibility() and a.GetInput()]
        assert len(numbers) >= 50 + 3, f"{height}p frame {k}"
        for a in numbers:
            assert cap_height(a.GetTextProperty().GetFontSize()) >= least, f"{height}p: {a.GetInput()!r}"
            if height != 1080:
                continue
            box = [0.0] * 4
            a.GetBoundingBox(overlay, box)  # about its position
            x, y = a.GetPositionCoordinate().GetComputedDisplayValue(overlay)
            tallest = _tallest_glyph(image, (x + box[0], y + box[2], x + box[1], y + box[3]))
            assert tallest >= least - 2, f"{height}p frame {k}: {a.GetInput()!r} {tallest} px digits, want {least}"
            tallest_of_all = max(tallest_of_all, tallest)
        words = [inset.words, inset.note, *inset.heads, explain.pending, explain.key]
        for a in [a for a in words if a is not None and a.GetVisibility() and a.GetInput()]:
            font = a.GetTextProperty().GetFontSize()
            assert cap_height(font) >= least, f"{height}p frame {k}: {a.GetInput()!r} at {cap_height(font)} px"
            assert a.GetTextProperty().GetLineSpacing() >= 1.0  # normal line spacing
        assert "−0.00" not in [a.GetInput() for a in inset.values]  # never a signed zero
        assert isinstance(inset.title, vtk.vtkTextActor)
        measured += 1
    assert measured, f"{height}p: no frame with the inset's numbers shown"
    assert height != 1080 or tallest_of_all >= least, tallest_of_all


def test_the_printed_numbers_are_the_runs_own_read_from_its_files(lenet_run, tmp_path):
    """Every number the inset prints is the run's, as a lecturer checked them (watch 3): read
    straight from the run's safetensors files here, not through nnvox's reader, the kernel's 25
    weights (param/conv1.weight[0, 0] of the last snapshot), the 25 products of the probe's padded
    28 x 28 patch with them (padding printing 0), the bias and the value recorded (act/conv1 of
    sample 9, map 0, where the window stands), and a products' sum within 0.002 of theirs (the
    recorded value is stored to half precision)."""
    from pathlib import Path

    import numpy as np
    from safetensors.numpy import load_file

    folder = Path(lenet_run.path)
    last = load_file(sorted(folder.glob("snapshot-*.safetensors"))[-1])
    image = np.pad(load_file(folder / "probe.safetensors")["inputs"][9, 0], 2)  # conv1: 5 x 5, padding 2
    inside = np.pad(np.ones((28, 28), bool), 2)
    weight, bias = last["param/conv1.weight"][0, 0], float(last["param/conv1.bias"][0])
    board = one_shot_board(tmp_path, lenet_run, (1920, 1080), 1, EXPLAIN_SHOT)
    checked = 0
    for _, r in shot_pictures(board):
        inset = r.scene_renderer.overlays.explain.inset
        if not inset.shown or inset.sweeping:
            continue
        _, row, col = inset._shown[0].step.position
        patch, reads = image[row : row + 5, col : col + 5], inside[row : row + 5, col : col + 5]
        products = patch * weight
        cells = [_value(a.GetInput()) for a in inset.values if a.GetVisibility()]
        assert cells[:25] == pytest.approx(
            [round(float(v), 2) if k else 0.0 for v, k in zip(patch.ravel(), reads.ravel())]
        )
        assert cells[25:50] == pytest.approx([round(float(w), 2) for w in weight.ravel()])
        # each product the printed patch value times the printed weight, within 0.02 of the run's
        assert cells[50:] == pytest.approx(np.where(reads, products, 0).ravel(), abs=0.02)
        assert np.abs(np.multiply(cells[:25], cells[25:50]) - cells[50:]).max() <= 0.005 + 1e-9
        added, total, shown_bias, value = (float(n.replace("−", "-")) for n in inset.numbers.GetInput().split("\n"))
        assert added == pytest.approx(sum(cells[50:]), abs=1e-9)  # the printed cells, added, to their 2 decimals
        recorded = float(last["act/conv1"][9, 0, row, col])
        assert (shown_bias, value) == (round(bias, 3), round(recorded, 3)), (row, col)
        assert abs(total - float(products.sum())) <= 0.002 and round(total + shown_bias, 3) == value
        checked += 1
    assert checked >= 2
