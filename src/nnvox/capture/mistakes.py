"""The held-out set's most confident mistakes: which samples, ranked the same way wherever they
are needed (the recorder keeps their activations, the figures list them)."""

from __future__ import annotations

import numpy as np

MISTAKE_PREFIX = "mistake/"  # a snapshot's per-sample tensors of its recorded mistakes: mistake/act/<node>, ...
MISTAKE_INDEX = "mistake/index"  # their indices in the held-out set, most confident first


def mistake_order(probabilities: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """Indices of the wrong predictions made with the highest probability, most confident first
    (ties in held-out order)."""
    predicted = np.nan_to_num(probabilities, nan=-1.0).argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probabilities[wrong, predicted[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")][:count].astype(np.int64)
