"""The explained convolution's numbers and notes in a lecture's bold (watch 7, finding 4: 3-5 px
strokes in the regular at 1080p, borderline from row 20): the one rule, RenderOptions.bold, in
explain_inset.text_actor, its table laid out in the bold's widths (hud.lecture_width)."""

from __future__ import annotations

import pytest

from tests.viewer.test_text_weight import _strokes

pytestmark = pytest.mark.gl


def test_the_explained_layers_table_numbers_are_bold_in_a_lecture(lenet_run):
    """The explained convolution's numbers (the sum, the value recorded) and notes, 3-5 px strokes in
    the regular at 1080p (watch 7), in the lecture's bold; the table still fits (test_explain_*)."""
    from tests.viewer.test_explain_render import _drawn

    _, renderer, _, image = _drawn(lenet_run, "conv1", 0.5, (1920, 1080), sample=9, seconds=20)
    try:
        inset = renderer.scene_renderer.overlays.explain.inset
        numbers, words = inset.numbers.GetInput(), inset.words.GetInput()
        strokes = _strokes(renderer, image, lambda text: text in (numbers, words))
        assert strokes.keys() == {numbers, words}, strokes
        assert min(strokes.values()) >= 6, f"the explained layer's strokes: {strokes} px at 1080p"
    finally:
        renderer.close()
