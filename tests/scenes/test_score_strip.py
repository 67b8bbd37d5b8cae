"""The heads-up line's score line in a scrub over training (lecturer's watch 3, finding 5: the
epoch-7 dip of the lecture's 9, 99% -> 91%, passed in 0.5 s): the sample's score for its true class
at each snapshot so far, the run's recorded output through softmax, as numpy computes it."""

from __future__ import annotations

import numpy as np

from nnvox.scenes.build import build_scene
from nnvox.scenes.heads_up import ScoreTrail
from nnvox.scenes.view import ViewSpec


def _numpy_scores(run, key: str, sample: int, label: int) -> list[float]:
    out = []
    for i in range(len(run.snapshots)):
        z = run.read(i, [key], sample=sample)[key].astype(np.float64).ravel()
        out.append(float(np.exp(z[label] - z.max()) / np.exp(z - z.max()).sum()))
    return out


def test_the_trail_is_the_samples_recorded_score_for_its_true_class_at_each_snapshot_so_far(digits_run):
    scene = build_scene(digits_run)
    output = next(b for b in scene.blocks if b.role == "output")
    for sample in (0, 3):
        label = digits_run.sample_label(0, sample)
        expected = _numpy_scores(digits_run, output.key, sample, label)
        assert len(set(np.round(expected, 3))) > 1  # training moved it: a test that can tell snapshots apart
        for index in range(scene.n_snapshots):
            trail = scene.frame_at(index, sample=sample).scores
            assert trail.true == output.class_names[label] and trail.per == "epoch"
            np.testing.assert_allclose(trail.scores, expected[: index + 1], rtol=1e-6)
            numbers = trail.line().split(": ", 1)[1].split(", ")
            assert numbers == [f"{s * 100:.0f}" for s in expected[: index + 1]]
    # the class list beside the output rounds as the line does: the frame's own score, in its texts
    last = scene.frame_at(scene.n_snapshots - 1, sample=0)
    label = digits_run.sample_label(0, 0)
    assert last.texts[output.name][label].split()[-1] == last.scores.line().split(", ")[-1] + "%"


def test_no_trail_where_no_one_inputs_score_is_followed(digits_run):
    last = build_scene(digits_run).n_snapshots - 1
    mistake = build_scene(digits_run).frame_at(last, sample=digits_run.mistake_sample(1))
    weights = build_scene(digits_run, ViewSpec(mode="weights").scene_options()).frame_at(last)
    assert mistake.scores is None and weights.scores is None


def test_the_line_leaves_out_its_oldest_scores_and_keeps_the_frames_last():
    trail = ScoreTrail("9", "epoch", (0.104, 0.512, 0.762, 0.933, 0.696, 0.988, 0.992, 0.909))
    assert trail.line() == "Score for 9 by epoch (%): 10, 51, 76, 93, 70, 99, 99, 91"
    assert trail.line(dropped=5) == "Score for 9 by epoch (%): … 99, 99, 91"
    assert trail.line(dropped=50) == "Score for 9 by epoch (%): … 91"  # the frame's own always
    assert trail.line(start=6) == "Score for 9 by epoch (%): 99, 91"  # a scrub from epoch 6
    assert trail.line(start=9) is None


def test_each_class_of_one_sample_has_its_own_scores(digits_run):
    """The scores were kept per sample only: asked for a second class of the same sample, the first
    class's came back."""
    from nnvox.scenes.score_strip import true_scores

    output = next(b for b in build_scene(digits_run).blocks if b.role == "output")
    for label in (0, 1, 2):
        got = true_scores(digits_run, output.key, 5, label)
        np.testing.assert_allclose(got, _numpy_scores(digits_run, output.key, 5, label), rtol=1e-6)
