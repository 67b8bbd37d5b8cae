"""Errors and weight pictures with known answers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import nnvox
from nnvox.errors import NnvoxError
from nnvox.scenes.evaluation import confident_mistakes, confusion
from nnvox.scenes.weight_pictures import filter_tiles, neuron_correlation


def test_confusion_and_the_most_confident_mistakes():
    probs = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.05, 0.05, 0.9], [0.1, 0.8, 0.1]])
    labels = np.array([0, 1, 1, 2, 2])
    assert confusion(probs, labels).tolist() == [[1, 0, 0], [1, 1, 0], [0, 1, 1]]
    mistakes = confident_mistakes(probs, labels)
    assert [(m.index, m.true, m.predicted) for m in mistakes] == [(4, 2, 1), (2, 1, 0)]  # 0.8 before 0.6
    assert mistakes[0].confidence == pytest.approx(0.8)


def test_filters_become_pictures_and_alike_units_correlate():
    conv = np.zeros((2, 1, 3, 3), np.float32)
    conv[1, 0, 1, :] = 1.0  # a horizontal bar
    tiles = filter_tiles(conv)
    assert tiles.shape == (2, 3, 3) and tiles[1, 1].tolist() == [1, 1, 1] and tiles[1, 0].sum() == 0
    assert filter_tiles(np.zeros((4, 3, 5, 5))).shape == (4, 5, 5, 3)  # RGB kernels stay in colour
    dense = np.arange(2 * 64, dtype=np.float32).reshape(2, 64)
    assert filter_tiles(dense, (1, 8, 8))[1, 7, 7] == 127  # rows as the 8 x 8 input images
    with pytest.raises(NnvoxError, match="not filters over the input"):
        filter_tiles(np.zeros((3, 10)), (1, 8, 8))
    w = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 2.0, 1.0], [5.0, 5.0, 5.0]])
    corr = neuron_correlation(w)
    assert corr[0, 1] == pytest.approx(1.0) and corr[0, 2] == pytest.approx(-1.0) and corr[3, 0] == 0.0


def test_the_recorder_keeps_the_held_out_predictions(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3))
    x_eval, y_eval = torch.randn(20, 4), torch.randint(0, 3, (20,))
    with nnvox.Recorder(
        model,
        (torch.randn(3, 4), torch.zeros(3, dtype=torch.long)),
        tmp_path / "run",
        background=False,
        evaluation=(x_eval, y_eval),
    ) as rec:
        rec.snapshot(epoch=0)
    run = nnvox.open_run(tmp_path / "run")
    inputs, labels = run.evaluation
    assert np.array_equal(labels, y_eval.numpy()) and np.allclose(inputs, x_eval.numpy())
    with torch.no_grad():
        expected = torch.softmax(model(x_eval), 1).numpy()
    assert np.allclose(run.probabilities(0), expected, atol=1e-3)  # fp16 storage


@pytest.mark.parametrize("background", [True, False], ids=["writer-process", "inline"])
def test_each_snapshot_records_its_most_confident_mistakes_activations(tmp_path, background):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 64, 3))
    x_eval, y_eval = torch.randn(40, 1, 8, 8), torch.randint(0, 3, (40,))
    with nnvox.Recorder(
        model,
        (torch.randn(3, 1, 8, 8), [0, 1, 2]),
        tmp_path / "run",
        background=background,
        evaluation=(x_eval, y_eval),
        mistakes=4,
        attributions=("saliency",),
    ) as rec:
        rec.snapshot(epoch=0)
        with torch.no_grad():
            model[3].bias.copy_(torch.tensor([9.0, 0.0, 0.0]))  # now everything is called class 0
        rec.snapshot(epoch=1)
    run = nnvox.open_run(tmp_path / "run")
    assert run.mistake_rows == 4 and run.sample_count == 3 + 4
    for index in (0, 1):
        expected = [m.index for m in confident_mistakes(run.probabilities(index), y_eval.numpy(), 4)]
        assert run.mistakes(index).tolist() == expected
    first = run.mistakes(1)[0]
    sample = run.mistake_sample(1)
    assert (
        np.array_equal(run.sample_input(1, sample), x_eval[first].numpy())
        and run.sample_label(1, sample) == y_eval[first]
    )
    got = run.read(1, ["act/0", "act/3", "attr/saliency"], sample=sample)
    with torch.no_grad():
        conv = model[0](x_eval[first : first + 1])
        logits = model(x_eval[first : first + 1])
    np.testing.assert_allclose(got["act/0"], conv[0].numpy(), atol=2e-3)  # its activations, not a probe's
    np.testing.assert_allclose(got["act/3"], logits[0].numpy(), atol=1e-2)
    assert int(np.argmax(got["act/3"])) == 0 != y_eval[first]  # shown as the mistake it is
    saliency = nnvox.explain(model, x_eval[first : first + 1], "saliency")[0]
    np.testing.assert_allclose(got["attr/saliency"], saliency, atol=2e-3)
    assert run.read(1, ["act/0"], sample=0)["act/0"].shape == got["act/0"].shape  # probe rows as before


def test_a_mistake_rank_a_snapshot_lacks_is_blank_or_a_clear_error(tmp_path):
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2))
    with torch.no_grad():
        model[1].weight.zero_()
        model[1].bias.copy_(torch.tensor([1.0, 0.0]))  # always class 0: one mistake among these
    x_eval, y_eval = torch.randn(3, 4), torch.tensor([0, 0, 1])
    with nnvox.Recorder(
        model, (torch.randn(2, 4), [0, 1]), tmp_path / "run", evaluation=(x_eval, y_eval), mistakes=3
    ) as rec:
        rec.snapshot(epoch=0)
    run = nnvox.open_run(tmp_path / "run")
    assert run.mistakes(0).tolist() == [2]
    second = run.mistake_sample(2)
    assert run.read(0, ["act/1"], sample=second, skip_missing=True) == {}
    assert run.sample_label(0, second) is None and not run.sample_input(0, second).any()
    with pytest.raises(NnvoxError, match="recorded 1 mistakes; there is no mistake 2"):
        run.read(0, ["act/1"], sample=second)
    with pytest.raises(NnvoxError, match=r"out of range.*1\.\.3"):
        run.mistake_sample(4)
