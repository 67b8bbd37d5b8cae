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


def _amber_cells(image: np.ndarray, box, cells: int) -> set[int]:
    """Which cells of a strip of `cells` (the input panel's box) an amber outline runs along."""
    left, top, right, bottom = (int(round(v)) for v in box)  # noqa: RUF046 (numpy < 2 rounds numpy floats to numpy floats)
    panel = image[max(top - 4, 0) : bottom + 4, left:right].astype(int)
    amber = (np.abs(panel - [250, 184, 64]).max(axis=2) < 40).any(axis=0)
    width = (right - left) / cells
    centres = [int((k + 0.5) * width) for k in range(cells)]
    return {k for k, c in enumerate(centres) if amber[c]}


@pytest.mark.parametrize(
    ("layer", "manual", "cells"),
    [
        ("qkv", False, {5}),  # before attention: its own token
        ("head", False, {0, 1, 2, 3, 4, 5}),  # after causal attention: tokens 0..5
        ("head", True, set()),  # attention computed by hand: not followed, nothing outlined
    ],
)
def test_the_voxel_figure_outlines_the_tokens_a_sequence_voxel_sees(tmp_path, layer, manual, cells):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import torch

    from nnvox.viewer.figures import _draw_voxel
    from tests.scenes.test_dependence import VOCAB, Attention, T, _record

    torch.manual_seed(0)
    run = _record(Attention(manual=manual), torch.randint(0, VOCAB, (4, T)), tmp_path)
    regions: list = []
    image = figure_image(run, "voxel", layer=layer, voxel=(5, 3), width=1280, height=720, regions=regions)
    # the outline runs along the top and bottom of exactly those cells (a cell's centre column is amber)
    assert _amber_cells(image, regions[0], T) == cells
    fig = plt.figure()
    try:
        title = _draw_voxel(fig, run, 0, layer, (5, 3), 0)
    finally:
        plt.close(fig)
    assert title.startswith(f"{layer} token 5, feature 3 = ") and "channel" not in title
    with pytest.raises(
        NnvoxError, match=rf"layer '{layer}' is tokens × features \(10 × \d+\): give --voxel TOKEN,FEATURE"
    ):
        figure_image(run, "voxel", layer=layer, voxel=(0, 5, 3))
    with pytest.raises(NnvoxError, match=rf"layer '{layer}' is tokens × features .*: give --voxel TOKEN,FEATURE"):
        figure_image(run, "voxel", layer=layer)


def test_token_strips_single_out_no_id_by_colour():
    """Ids past 9 share no colour with a few below it (id 1 drawn orange among cyan cells read as
    a highlight): such strips are one grey; ids 0..9 keep a colour each."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from nnvox.viewer.figures import _show_input

    fig, ax = plt.subplots()
    try:
        _show_input(ax, np.array([60, 23, 1, 87], dtype=np.int64))
        cells = ax.images[0].to_rgba(ax.images[0].get_array())[0, :, :3]
        assert np.allclose(cells, cells[0])  # one grey
        ax.clear()
        _show_input(ax, np.array([0, 1, 2, 1], dtype=np.int64))
        cells = ax.images[0].to_rgba(ax.images[0].get_array())[0, :, :3]
        assert not np.allclose(cells[0], cells[1]) and np.allclose(cells[1], cells[3])  # a colour an id
    finally:
        plt.close(fig)
