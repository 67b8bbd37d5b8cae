"""Errors at a snapshot, from the held-out set's recorded class probabilities: the confusion matrix
and the most confident mistakes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnvox.capture.mistakes import mistake_order


def confusion(probabilities: np.ndarray, labels: np.ndarray, classes: int | None = None) -> np.ndarray:
    """(true class, predicted class) counts."""
    classes = classes or probabilities.shape[1]
    predicted = np.nan_to_num(probabilities, nan=-1.0).argmax(axis=1)
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


@dataclass(frozen=True)
class Mistake:
    index: int  # in the held-out set
    true: int
    predicted: int
    confidence: float  # the probability given to the wrong class


def confident_mistakes(probabilities: np.ndarray, labels: np.ndarray, count: int = 12) -> list[Mistake]:
    """The wrong predictions made with the highest probability, most confident first."""
    predicted = np.nan_to_num(probabilities, nan=-1.0).argmax(axis=1)
    return [
        Mistake(int(i), int(labels[i]), int(predicted[i]), float(probabilities[i, predicted[i]]))
        for i in mistake_order(probabilities, labels, count)
    ]
