"""Text stays readable on any background: over a light one (a slide's white) every colour drawn
straight onto the background turns to its dark counterpart; a dark one keeps the theme's colours."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.viewer.options import RenderOptions
from nnvox.viewer.theme import DEFAULT_THEME, relative_luminance


def _contrast(a, b) -> float:
    """WCAG's contrast ratio of two sRGB colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("background", [(255, 255, 255), (240, 238, 230), (24, 24, 30), (0, 0, 0), (60, 70, 90)])
def test_text_has_contrast_on_every_background(background):
    colours = RenderOptions(background=background).theme.colours
    assert colours.background == background
    assert _contrast(colours.text, background) >= 7  # WCAG AAA for body text


def test_a_dark_background_keeps_the_theme():
    assert RenderOptions().theme is DEFAULT_THEME
    assert RenderOptions(background=(0, 0, 0)).theme.colours.text == DEFAULT_THEME.colours.text


@pytest.mark.gl
def test_the_heads_up_line_is_dark_on_white(digits_run, tmp_path):
    import imageio.v3 as iio

    import nnvox

    out = nnvox.render_png(digits_run, tmp_path / "white.png", spec=nnvox.ViewSpec(background="#ffffff"))
    image = iio.imread(out)[..., :3].astype(int)
    # the heads-up line's band: the line stands inside title-safe (its top 5% of the height down,
    # its ascenders from 52 px at 1080p), one line tall; the top twentieth held only those ascenders
    top = image[: image.shape[0] // 10]
    assert (top.sum(axis=2) < 3 * 80).sum() > 2000  # dark text strokes, not light text lost on white
    assert np.median(top.reshape(-1, 3), axis=0).tolist() == [255, 255, 255]
