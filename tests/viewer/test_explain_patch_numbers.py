"""Watch 6 finding 4: the convolution shot's numbers were right, but "patch × kernel" was not shown
as numbers (the patch in grey squares only: 0.92 = 2.70 × 0.34 could not be checked on screen).
In a 16:9 lecture the patch's 25 values print as the kernel's do, at theme.EXPLAIN_TEXT at least,
every printed product is the printed patch value times the printed weight (to its two places),
and the grey scale key is titled "input pixel value"; at 480p, 1080p and 2160p, every text inside
the frame and apart (a 4:3 frame: test_explain_text's narrower frame)."""

from __future__ import annotations

import pytest

from tests.viewer.picture_policy import SIZES, check_lecture_text, drawn_texts, one_shot_board, shot_pictures
from tests.viewer.test_explain_text import EXPLAIN_SHOT

pytestmark = pytest.mark.gl


def _number(text: str) -> float:
    """A cell's printed value as a student reads it ("−.43", "2.70", "0")."""
    return float(text.replace("−", "-"))


@pytest.mark.parametrize("size_name", ["480p", "1080p", "2160p"])
def test_the_patch_prints_its_values_and_each_product_checks(size_name, lenet_run, tmp_path):
    from nnvox.viewer.options import cap_height
    from nnvox.viewer.theme import EXPLAIN_TEXT

    size = SIZES[size_name]
    board = one_shot_board(tmp_path, lenet_run, size, 1, EXPLAIN_SHOT)
    checked = 0
    for k, (_, r) in enumerate(shot_pictures(board)):
        where = f"explain {size_name} frame {k}"
        inset = r.scene_renderer.overlays.explain.inset
        if not inset.shown or inset.sweeping:
            continue
        cells = [a for a in inset.values if a.GetVisibility()]
        assert len(cells) == 75 and inset.first == 0, (
            f"{where}: {len(cells)} printed, the patch's from grid {inset.first}"
        )
        texts = [a.GetInput() for a in cells]
        if "" in texts:  # numbers still coming in as the window arrives
            continue
        patch, kernel, products = texts[:25], texts[25:50], texts[50:]
        for a, w, p in zip(patch, kernel, products):  # padding prints 0, its product 0
            assert abs(_number(a) * _number(w) - _number(p)) <= 0.005 + 1e-9, f"{where}: {a} × {w} printed {p}"
        for a in cells:  # every number at EXPLAIN_TEXT's capitals at least
            font = a.GetTextProperty().GetFontSize()
            assert cap_height(font) >= round(EXPLAIN_TEXT * size[1]), f"{where}: {a.GetInput()!r} at {font} px"
        title = inset.scale_title
        assert title.GetVisibility() and title.GetInput() == "input pixel value", where
        lo = inset.ends[0]  # the title over the scale's ends, from its low end's left
        assert title.GetPosition()[1] > lo.GetPosition()[1] + 0.9 * inset.font, where
        shown = [
            t for t in drawn_texts(r) if t["text"] not in {a.GetInput() for a in r.scene_renderer.undrawn_labels()}
        ]
        check_lecture_text(where, shown, size)  # inside the frame, none over another
        checked += 1
    assert checked >= 1


def test_a_narrower_frame_titles_the_scale_too(lenet_run, tmp_path):
    """At 4:3 the patch stands in colour only (its values would fit only smaller): its grey scale
    is titled "input pixel value" over the bar, the sum's lines under it, every text apart."""
    size = (1440, 1080)
    board = one_shot_board(tmp_path, lenet_run, size, 1, EXPLAIN_SHOT)
    checked = 0
    for k, (_, r) in enumerate(shot_pictures(board)):
        inset = r.scene_renderer.overlays.explain.inset
        if not inset.shown:
            continue
        title, lo = inset.scale_title, inset.ends[0]
        assert title.GetVisibility() and title.GetInput() == "input pixel value", k
        assert title.GetPosition()[1] > lo.GetPosition()[1] + 0.9 * inset.font > inset.words.GetPosition()[1], k
        hidden = {a.GetInput() for a in r.scene_renderer.undrawn_labels()}
        check_lecture_text(f"4:3 frame {k}", [t for t in drawn_texts(r) if t["text"] not in hidden], size)
        checked += 1
    assert checked >= 1
