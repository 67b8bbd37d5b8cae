"""Issue 17 item 6: the explaining shot's inset is its subject: its title, column heads, the
patch's printed values, the colour scale's ends and the sum's lines read at 3% of the frame's
height (theme.SUBJECT_TEXT: 33 px lines at 1080p; they were 20-24 px), the patch's 25 values
the kernel's 25 weights and their 25 products printed at least at the lecture's least size (item 3:
a student checks patch x kernel), every text inside the frame and apart, at 480p, 1080p and 2160p."""

from __future__ import annotations

import pytest

from tests.viewer.picture_policy import SIZES, check_lecture_text, drawn_texts, one_shot_board, shot_pictures

pytestmark = pytest.mark.gl

# the lecture's explaining shot (src/nnvox/storyboards/lecture.toml), three frames of it
EXPLAIN_SHOT = """duration = 3
timeline = "last"
sample = 9
explain = "conv1"
caption = "The window slides over the 9; patch × kernel, summed, plus bias, is each value of map 0"
"""


@pytest.mark.parametrize("size_name", ["480p", "1080p", "2160p"])
def test_the_inset_reads_at_the_subjects_size_with_its_values_printed(size_name, lenet_run, tmp_path):
    import vtk

    from nnvox.viewer.options import lecture_font
    from nnvox.viewer.theme import SUBJECT_TEXT

    size = SIZES[size_name]
    board = one_shot_board(tmp_path, lenet_run, size, 1, EXPLAIN_SHOT)
    for k, (_, r) in enumerate(shot_pictures(board)):
        where = f"explain {size_name} frame {k}"
        texts = [t for t in drawn_texts(r) if t["text"] not in _undrawn_labels(r)]
        check_lecture_text(where, texts, size)
        inset = r.scene_renderer.overlays.explain.inset
        if not inset.shown:
            continue
        # the patch's values, the kernel's weights and their products printed (16:9 has room for all three)
        assert sum(a.GetVisibility() for a in inset.values) == 75, where
        shown = [a for a in inset.actors if isinstance(a, vtk.vtkTextActor) and a.GetVisibility() and a.GetInput()]
        assert len(shown) >= 75 + 8, f"{where}: {len(shown)} inset texts"  # values, title, heads, scale, sum
        cells = [a for a in inset.values if a.GetVisibility()]
        for a in shown:
            text, font = a.GetInput(), a.GetTextProperty().GetFontSize()
            if a in cells:  # a grid's values: at least the lecture's least size (two grids side by side)
                assert font >= lecture_font(size[1]), f"{where}: cell {text!r} at {font} px"
                continue
            assert font >= r.options.subject_font(), f"{where}: {text!r} at {font} px"
            box = [0, 0, 0, 0]  # its lines' box as vtk lays them out (ascent to descent, as lecture_font measures)
            vtk.vtkTextRenderer().GetBoundingBox(a.GetTextProperty(), text, box, 72)
            height = (box[3] - box[2] + 1) / (text.count("\n") + 1)
            assert height >= SUBJECT_TEXT * size[1] - 1, f"{where}: {text!r} {height} px a line"


def _undrawn_labels(r) -> set[str]:
    """The labels of the blocks the explaining shot does not draw, and the explained layer's: hidden
    while it renders, their visibility put back after (SceneRenderer._restore_labels), so a
    picture's texts read later list them."""
    pane = r.scene_renderer
    labels = pane.overlays.labels.labels
    hidden = lambda name: (
        name not in pane._explained or name == pane._named
    )  # the explained layer's: named over its map
    return {a.GetInput() for name, a in labels.items() if pane._explained and hidden(name)}


def test_a_narrower_frame_prints_the_values_at_the_lecture_size(lenet_run, tmp_path):
    """At 4:3 the inset is too narrow for the values at the subject's size: it takes the lecture's
    least size (2.2%) rather than leave the patch's values out."""
    from nnvox.viewer.options import lecture_font

    size = (1440, 1080)
    board = one_shot_board(tmp_path, lenet_run, size, 1, EXPLAIN_SHOT)
    *_, (_, r) = shot_pictures(board)
    check_lecture_text("explain 4:3", [t for t in drawn_texts(r) if t["text"] not in _undrawn_labels(r)], size)
    inset = r.scene_renderer.overlays.explain.inset
    assert sum(a.GetVisibility() for a in inset.values) == 25
    assert lecture_font(size[1]) <= inset.font < r.options.subject_font(), inset.font
