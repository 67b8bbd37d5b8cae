"""The heads-up styles and the legend titles as drawn: the lecture's short line by default, the
developer's longer one where asked; titles in words, the same on the desktop and in the browser."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from nnvox.scenes.build import build_scene
from nnvox.scenes.view import ViewSpec
from nnvox.viewer.export import render_png
from nnvox.viewer.overlays.legends import TICK_WORDS, legends

pytestmark = pytest.mark.gl


def _text_columns(path, height: int) -> int:
    """How far right the heads-up line's text reaches (columns with light pixels in its band)."""
    band = np.asarray(Image.open(path).convert("L"))[round(0.05 * height) : round(0.1 * height)]  # under title-safe
    return int(np.flatnonzero((band > 150).any(axis=0)).max())


def test_the_lecture_line_is_the_default_and_detail_is_asked_for(digits_run, tmp_path):
    lecture = render_png(digits_run, tmp_path / "lecture.png", size="854x480")
    detail = render_png(digits_run, tmp_path / "detail.png", size="854x480", hud="detail")
    short, long = _text_columns(lecture, 480), _text_columns(detail, 480)
    # the lecture's line is drawn larger (theme.HEADS_UP_TEXT, the detail's a note's size, broken over
    # lines across the pane's width): widths per pixel of font, "Epoch 3 of 3 · accuracy 82.0% · true
    # 0, predicted 0" the shorter
    from nnvox.viewer.options import RenderOptions
    from nnvox.viewer.theme import DEFAULT_THEME

    options, fraction = RenderOptions(width=854, height=480), DEFAULT_THEME.fonts.hud.fraction
    big, small = options.hud_font(fraction), options.hud_font(fraction, detail=True)
    # (0.8: the detail's long line breaks inside title-safe, theme.TITLE_SAFE, its longest part shorter)
    assert big > small and short > 100 and short / big < 0.8 * long / small, (short, big, long, small)


def test_legend_titles_say_what_the_colours_are_in_words(digits_run):
    assert legends("activations")["viridis"][0] == "activation, per layer"
    assert legends("weights")["diverging"][0] == "weight, per layer"
    assert TICK_WORDS["viridis"] == ("each layer's low", "its high")  # under the bar: what its ends mean
    assert TICK_WORDS["diverging"] == ("−", "0", "+")
    from nnvox.viewer.web.payload import describe

    scene = build_scene(digits_run, ViewSpec(mode="weights").scene_options())
    page = describe(scene, t=0, sample=0)["legends"]
    assert page and all(entry["title"] == legends("weights")[entry["cmap"]][0] for entry in page)
