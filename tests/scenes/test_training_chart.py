"""The training chart's content: the held-out loss over the training loss, a run split where a
snapshot has no value, each scale from 0 to a round top, a tick label per snapshot."""

import numpy as np
import pytest

from nnvox.scenes.training_chart import every_kth, round_top, snapshot_ticks, training_chart

NAN = float("nan")
LABELS = tuple(f"epoch {i}" for i in range(5))


def test_the_held_out_loss_is_drawn_where_recorded_from_snapshot_0():
    metrics = {
        "loss": np.array([NAN, 0.7, 0.3, 0.2, 0.1]),
        "held-out loss": np.array([2.3, 0.4, 0.3, 0.25, 0.2]),
        "held-out accuracy": np.array([0.1, 0.9, 0.95, 0.96, 0.97]),
        "learning rate": np.full(5, 3e-3),
    }
    chart = training_chart(metrics, LABELS)
    accuracy, loss = chart.curves
    assert (accuracy.title, accuracy.side, accuracy.ends) == ("held-out accuracy", "left", ("0%", "100%"))
    assert (loss.title, loss.side, loss.ends, loss.dashed) == ("held-out loss", "right", ("0", "2.5"), True)
    assert len(loss.runs) == 1 and loss.runs[0][0] == pytest.approx([0.0, 2.3 / 2.5])  # from snapshot 0
    assert accuracy.runs[0][:, 1] == pytest.approx(metrics["held-out accuracy"])  # 0 to 100%: as recorded


def test_an_old_run_draws_its_training_loss_from_its_first_value_titled_so():
    metrics = {"accuracy": np.array([0.13, 0.93, 0.95]), "loss": np.array([NAN, 0.69, 0.18])}
    accuracy, loss = training_chart(metrics, LABELS[:3]).curves
    assert accuracy.title == "accuracy" and loss.title == "training loss"
    (run,) = loss.runs
    assert run[:, 0] == pytest.approx([0.5, 1.0])  # starts at epoch 1: no line from before training
    assert loss.ends == ("0", "0.8")


def test_a_missing_value_leaves_a_gap():
    metrics = {"held-out loss": np.array([1.0, 0.5, NAN, 0.3, 0.2])}
    (curve,) = training_chart(metrics, LABELS).curves
    assert [len(r) for r in curve.runs] == [2, 2]
    assert curve.runs[1][0, 0] == pytest.approx(0.75)


def test_other_metrics_are_drawn_when_neither_loss_nor_accuracy_is_recorded():
    metrics = {"reward": np.array([-3.0, 1.0, 4.0]), "entropy": np.array([1.0, 0.8, 0.5]), "x": np.ones(3)}
    reward, entropy = training_chart(metrics, LABELS[:3]).curves
    assert reward.ends == ("-3", "4") and reward.runs[0][0, 1] == pytest.approx(0.0)
    assert entropy.side == "right" and not entropy.dashed


@pytest.mark.parametrize(("value", "top"), [(0.691, 0.8), (2.30, 2.5), (1.0, 1.0), (11.0, 12.0), (0.0, 1.0)])
def test_round_tops(value, top):
    assert round_top(value) == pytest.approx(top)


def test_ticks_name_before_training_and_what_is_counted():
    assert snapshot_ticks(LABELS) == ("before", "1", "2", "3", "epoch 4")
    assert snapshot_ticks(("step 0", "step 500", "step 1000")) == ("before", "500", "step 1,000")
    assert snapshot_ticks(("snapshot 0", "snapshot 1")) == ("1", "2")


def test_every_kth_label_keeps_apart_and_shows_the_last():
    centres = np.arange(11) * 20.0
    widths = np.array([40.0] + [12.0] * 9 + [60.0])
    lefts = centres - widths / 2
    shown = every_kth(lefts, lefts + widths, 6.0)
    at = np.flatnonzero(shown)
    assert shown[0] and shown[-1] and 2 < len(at) < 11
    assert (lefts[at[1:]] >= (lefts + widths)[at[:-1]] + 6.0).all()  # no two shown labels closer than the gap
    steps = np.diff(at[:-1])
    assert (steps == steps[0]).all()  # every k-th (the last apart)
