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
    with nnvox.Recorder(model, (torch.randn(3, 4), torch.zeros(3, dtype=torch.long)), tmp_path / "run", background=False,
                        evaluation=(x_eval, y_eval)) as rec:
        rec.snapshot(epoch=0)
    run = nnvox.open_run(tmp_path / "run")
    inputs, labels = run.evaluation
    assert np.array_equal(labels, y_eval.numpy()) and np.allclose(inputs, x_eval.numpy())
    with torch.no_grad():
        expected = torch.softmax(model(x_eval), 1).numpy()
    assert np.allclose(run.probabilities(0), expected, atol=1e-3)  # fp16 storage
