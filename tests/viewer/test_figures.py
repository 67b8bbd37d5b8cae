"""2D figures of a snapshot: each one draws, and asks for what it needs by name."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from nnvox.errors import NnvoxError
from nnvox.viewer.figures import FIGURES, figure_image, render_figure


@pytest.mark.parametrize("figure", FIGURES)
def test_every_figure_draws_the_snapshot(digits_run, figure):
    where = {"layer": "conv1", "voxel": (3, 4, 5)} if figure == "voxel" else {}
    first = figure_image(digits_run, figure, t=0, width=640, height=360, **where)
    last = figure_image(digits_run, figure, width=640, height=360, **where)
    assert first.shape == (360, 640, 3)
    assert (np.abs(last.astype(int) - [24, 24, 30]).max(axis=2) > 40).mean() > 0.02  # something drawn
    assert not np.array_equal(first, last)  # a different snapshot, a different figure


def test_figures_to_png_and_their_errors(digits_run, tmp_path):
    out = render_figure(digits_run, tmp_path / "filters.png", "filters", layer="conv2", width=640, height=360)
    assert np.asarray(Image.open(out)).shape[:2] == (360, 640)
    with pytest.raises(NnvoxError, match="unknown figure 'filterz'"):
        figure_image(digits_run, "filterz")
    with pytest.raises(NnvoxError, match="layer 'relu1' has no recorded weights"):
        figure_image(digits_run, "correlation", layer="relu1")
    with pytest.raises(NnvoxError, match="the voxel figure needs a layer and a voxel"):
        figure_image(digits_run, "voxel")
    with pytest.raises(NnvoxError, match=r"t = 9 is outside the timeline: the run has snapshots 0..3"):
        figure_image(digits_run, "confusion", t=9)
