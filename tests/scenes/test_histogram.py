"""The histogram panel's contents: known answers for binning, the whole layer, interpolation."""

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.histogram import BINS, Histogram, HistogramSource, bin_values, notes, steady
from nnvox.scenes.scene import SceneOptions


def test_bin_values_known_answer():
    values = np.array([-2.0, 0.05, 0.15, 0.16, 0.95, 5.0, np.nan, np.inf], dtype=np.float32)
    fractions, below, above, nonfinite = bin_values(values, np.linspace(0.0, 1.0, 11))
    assert nonfinite == 2 and below == pytest.approx(1 / 6) and above == pytest.approx(1 / 6)
    assert fractions.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(fractions[[0, 1, 9]], [2 / 6, 2 / 6, 2 / 6])  # out-of-range values sit in the end bins


def test_histogram_covers_the_whole_layer_and_moves_between_snapshots(digits_run):
    scene = build_scene(digits_run, SceneOptions(max_channels=4))  # only 4 channels drawn: the histogram has all
    source = HistogramSource(scene)
    block = scene.block("relu2")
    h1 = source.at("relu2", 1.0, sample=3)
    assert h1.count == 16 * 4 * 4 and h1.fractions.shape == (BINS,)
    values = digits_run.read(1, ["act/relu2"])["act/relu2"][3].ravel()
    expected = bin_values(values, np.linspace(block.scale.lo, block.scale.hi, BINS + 1))[0]
    np.testing.assert_allclose(h1.fractions, expected)
    np.testing.assert_allclose(h1.reference, source.at("relu2", 0.0, sample=3).fractions)
    h2 = source.at("relu2", 2.0, sample=3)
    np.testing.assert_allclose(source.at("relu2", 1.25, sample=3).fractions, 0.75 * h1.fractions + 0.25 * h2.fractions)
    assert not np.allclose(source.at("relu2", 1.0, sample=4).fractions, h1.fractions)  # another sample
    assert "relu2" in h1.title and "sample 4" in h1.title


def test_change_modes_compare_with_the_first_change(digits_run):
    scene = build_scene(digits_run, SceneOptions(mode="change"))
    h = HistogramSource(scene).at("fc1", 3.0)
    assert h.reference_label == scene.snapshot_labels[1]  # snapshot 0 has no change: all zeros
    w = (
        digits_run.read(1, ["param/fc1.weight"])["param/fc1.weight"]
        - digits_run.read(0, ["param/fc1.weight"])["param/fc1.weight"]
    )
    np.testing.assert_allclose(h.reference, bin_values(w.ravel(), h.edges)[0])


def test_one_towering_bar_is_clipped_so_the_rest_shows():
    fractions = np.zeros(BINS)
    fractions[0], fractions[5], fractions[9] = 0.7, 0.2, 0.1
    h = Histogram("x", "x", np.linspace(0, 1, BINS + 1), fractions, fractions / 2, "epoch 0", 0, 0, 0, 10, None)
    assert h.peak == 0.7 and h.axis_top == pytest.approx(1.3 * 0.2)
    fractions[0] = 0.5  # not far above the others: the axis spans it
    assert Histogram("x", "x", h.edges, fractions, fractions, "", 0, 0, 0, 10, None).axis_top == 0.5


def test_the_reference_is_named_as_the_heads_up_line_counts(digits_run):
    h = HistogramSource(build_scene(digits_run)).at("relu2", 1.0)
    assert h.reference_label == "before training"  # snapshot 0 (was "epoch 0")
    assert "grey: before training" in notes(h)


def test_a_shot_keeps_one_axis_and_one_wording_however_the_bars_move(digits_run):
    """A storyboard's scrub: the panel's note changed wording mid-shot (a bar clipped or not, values
    off the scale or not, so a narrow panel left out other parts): one note per shot now."""
    scene = build_scene(digits_run)
    source = HistogramSource(scene)
    last = scene.n_snapshots - 1
    for layer in ("conv1", "relu1", "fc2"):
        hists = [source.at(layer, last * k / 40, sample=3) for k in range(41)]
        held = steady(hists)
        assert {tuple(notes(h)) for h in held} == {tuple(notes(held[0]))}, layer
        assert all(h.axis_top == held[0].axis_top >= raw.axis_top for h, raw in zip(held, hists))
        np.testing.assert_array_equal(held[7].fractions, hists[7].fractions)  # the bars themselves still move
        assert notes(held[0])[-1] == "grey: before training"  # last: the part a narrow panel keeps
    moving = {tuple(notes(source.at("relu1", last * k / 40, sample=3))) for k in range(41)}
    assert len(moving) > 1  # what the shot's frames said without it
