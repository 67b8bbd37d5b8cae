"""The score chart's numbers in a scrub over training (lecturer's watches 3 and 5: the dips of the
lecture's 9, 93% -> 70% and 99% -> 91%, passed in 0.5 s, then a run-on list of 11 numbers): the
sample's score for its true class at every snapshot, the run's recorded output through softmax, as
numpy computes it; one reading of the true class for the chart and the scrub's stops."""

from __future__ import annotations

import numpy as np
import pytest

from nnvox.scenes.build import build_scene
from nnvox.scenes.view import ViewSpec


def _numpy_scores(run, key: str, sample: int, label: int) -> list[float]:
    out = []
    for i in range(len(run.snapshots)):
        z = run.read(i, [key], sample=sample)[key].astype(np.float64).ravel()
        out.append(float(np.exp(z[label] - z.max()) / np.exp(z - z.max()).sum()))
    return out


def test_the_trail_is_the_samples_recorded_score_for_its_true_class_at_each_snapshot(digits_run):
    scene = build_scene(digits_run)
    output = next(b for b in scene.blocks if b.role == "output")
    for sample in (0, 3):
        label = digits_run.sample_label(0, sample)
        expected = _numpy_scores(digits_run, output.key, sample, label)
        assert len(set(np.round(expected, 3))) > 1  # training moved it: a test that can tell snapshots apart
        for index in range(scene.n_snapshots):
            trail = scene.frame_at(index, sample=sample).scores
            assert trail.true == output.class_names[label] and trail.per == "epoch"
            np.testing.assert_allclose(trail.scores, expected, rtol=1e-6)
            assert trail.title() == f"probability of the {output.class_names[label]}, per epoch"
        # the class list beside the output rounds as the chart's value: the frame's own score, in its texts
        last = scene.frame_at(scene.n_snapshots - 1, sample=sample)
        assert last.texts[output.name][label].split()[-1] == f"{expected[-1] * 100:.0f}%"


def test_the_stops_follow_the_charts_class(digits_run):
    """scrub_stops.answer_curve and the chart read the true class one way (score_strip.true_class):
    the stops' curve is the chart's scores; a mistake's (no true class to follow) is its last answer."""
    from nnvox.scenes.score_strip import true_class
    from nnvox.scenes.scrub_stops import answer_curve

    scene = build_scene(digits_run)
    snapshots = list(range(scene.n_snapshots))
    for sample in (0, 3):
        assert true_class(scene, sample) == digits_run.sample_label(0, sample)
        chart = scene.frame_at(0, sample=sample).scores.scores
        np.testing.assert_allclose(answer_curve(scene, sample, snapshots), chart, atol=2e-3)  # (float16 values)
    mistake = digits_run.mistake_sample(1)
    assert true_class(scene, mistake) is None
    last = scene.frame_at(scene.n_snapshots - 1, sample=mistake).values
    output = next(b for b in scene.blocks if b.role == "output")
    shown = int(np.nanargmax(last[output.name].ravel()[: len(output.class_names)]))
    curve = answer_curve(scene, mistake, snapshots)
    assert curve[-1] == pytest.approx(float(last[output.name].ravel()[shown]))


def test_no_trail_where_no_one_inputs_score_is_followed(digits_run):
    last = build_scene(digits_run).n_snapshots - 1
    mistake = build_scene(digits_run).frame_at(last, sample=digits_run.mistake_sample(1))
    weights = build_scene(digits_run, ViewSpec(mode="weights").scene_options()).frame_at(last)
    assert mistake.scores is None and weights.scores is None


def test_each_class_of_one_sample_has_its_own_scores(digits_run):
    """The scores were kept per sample only: asked for a second class of the same sample, the first
    class's came back."""
    from nnvox.scenes.score_strip import true_scores

    output = next(b for b in build_scene(digits_run).blocks if b.role == "output")
    for label in (0, 1, 2):
        got = true_scores(digits_run, output.key, 5, label)
        np.testing.assert_allclose(got, _numpy_scores(digits_run, output.key, 5, label), rtol=1e-6)
