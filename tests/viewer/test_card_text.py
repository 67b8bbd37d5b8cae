"""A title card's subtitle (the end card's source line) is read from the back of a hall: its capitals
at least 36 px tall at 1080p (29 px before a lecturer's watch)."""

import numpy as np
import pytest

pytestmark = pytest.mark.gl


def _ink_rows(image: np.ndarray, below: int) -> np.ndarray:
    """Rows under `below` holding text ink (bright against the dark card)."""
    bright = image[below:].astype(int).sum(axis=2) > 3 * 120
    return np.flatnonzero(bright.any(axis=1)) + below


def test_the_subtitles_capitals_are_hall_sized_at_1080p():
    from nnvox.viewer.cards import CardRenderer
    from nnvox.viewer.options import RenderOptions

    cards = CardRenderer(RenderOptions(width=1920, height=1080))
    image = cards.render("TITLE", "HHHH")
    rows = _ink_rows(image, 1080 // 2 + 20)  # under the accent rule (at half height)
    assert rows.size and rows.max() - rows.min() + 1 >= 36, rows.max() - rows.min() + 1
