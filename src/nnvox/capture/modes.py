"""Evaluation mode for a pass over the user's model, and every module's own mode back afterwards."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def evaluating(model):
    """`model.eval()` for the pass, then each module's mode as it was: a BatchNorm frozen on its own
    while training stays frozen, and dropout is on again where it was on."""
    modes = [(m, m.training) for m in model.modules()]
    if any(training for _, training in modes):
        model.eval()
    try:
        yield
    finally:
        for module, training in modes:
            module.training = training
