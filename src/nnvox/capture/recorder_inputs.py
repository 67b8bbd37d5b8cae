"""What a Recorder is given, checked: the model and options, the probe and held-out inputs and their
labels, and each snapshot's metrics; a wrong one is a one-line NnvoxTypeError / NnvoxValueError."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from nnvox.errors import NnvoxError, NnvoxTypeError, NnvoxValueError


def as_tensor(x, what: str = "inputs") -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x
    try:
        a = np.asarray(x)
        if a.dtype.kind not in "biuf":
            raise TypeError
        return torch.as_tensor(a)
    except (TypeError, ValueError, RuntimeError):
        raise NnvoxTypeError(f"{what} must be a tensor or array of numbers, batch first; got {type(x).__name__}") from None


def class_labels(y, what: str) -> np.ndarray:
    """Class labels as int64, one per sample (-1: unknown)."""
    a = as_tensor(y, what).detach().cpu().numpy()
    if a.ndim != 1 or (a.dtype.kind == "f" and not np.array_equal(a, np.round(a))):
        raise NnvoxValueError(f"{what} must be one whole-number class per sample, got shape {a.shape} of {a.dtype}")
    return a.astype(np.int64)


def check_arguments(model, name, class_names, whole: dict, optional: dict) -> None:
    """Arguments of the wrong type are one line each, before anything runs."""
    if not isinstance(model, nn.Module):
        raise NnvoxTypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if name is not None and not isinstance(name, str):
        raise NnvoxTypeError(f"name must be a string, got {type(name).__name__}")
    if class_names is not None and (isinstance(class_names, str) or not isinstance(class_names, Sequence)
                                    or not all(isinstance(c, str) for c in class_names)):
        raise NnvoxTypeError("class_names must be a list of strings, one per class")
    for what, value in [*whole.items(), *((k, v) for k, v in optional.items() if v is not None)]:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise NnvoxTypeError(f"{what} must be a whole number, got {type(value).__name__} {value!r}")


def probe_parts(probe) -> tuple:
    """(inputs, labels) from a probe given as that pair, or as inputs alone (labels unknown: -1, and
    no true class is claimed)."""
    if isinstance(probe, (tuple, list)):
        if len(probe) != 2:
            raise NnvoxError(f"probe is the inputs to show (a tensor, batch first) or an (inputs, labels) pair; got a {type(probe).__name__} of {len(probe)}")
        return probe
    if not isinstance(probe, (torch.Tensor, np.ndarray)):
        raise NnvoxError(f"probe is the inputs to show (a tensor, batch first) or an (inputs, labels) pair, not {type(probe).__name__}")
    return probe, np.full(len(probe), -1)


def model_input(x, what: str = "inputs") -> torch.Tensor:
    """Probe or evaluation inputs as the model takes them: floats as float32, token ids as they are."""
    x = as_tensor(x, what)
    if x.ndim == 0:
        raise NnvoxValueError(f"{what} must have a batch axis first, got a single number")
    return x.float() if x.is_floating_point() else x




def metric_values(metrics) -> dict[str, float]:
    """Metrics as plain floats, each checked: a name and one number (NaN and inf are kept: a diverging
    loss is worth seeing)."""
    if metrics is None:
        return {}
    if not isinstance(metrics, Mapping):
        raise NnvoxError(f"metrics is a mapping of names to numbers, e.g. {{'loss': 0.31}}, not {type(metrics).__name__}")
    out = {}
    for k, v in metrics.items():
        if not isinstance(k, str) or not k.strip():
            raise NnvoxError(f"metric names are non-empty strings, not {k!r}")
        if isinstance(v, (torch.Tensor, np.ndarray)):
            if (count := v.numel() if isinstance(v, torch.Tensor) else v.size) != 1:
                raise NnvoxError(f"metric {k!r} holds {count} values; give one number")
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise NnvoxError(f"metric {k!r} is {type(v).__name__} {str(v)[:40]!r}, not a number")
        try:
            out[k] = float(v)
        except OverflowError:  # an integer beyond any float (10**400)
            raise NnvoxValueError(f"metric {k!r} is {str(v)[:20]}..., beyond any floating-point number") from None
    return out


def check_write_mode(*, overwrite: bool, resume: bool) -> None:
    for what, flag in (("overwrite", overwrite), ("resume", resume)):
        if not isinstance(flag, bool):  # ("no" is true)
            raise NnvoxTypeError(f"{what} is True or False, not {flag!r}")
    if overwrite and resume:
        raise NnvoxError("overwrite and resume contradict each other (resume continues the run in the folder, "
                         "overwrite replaces it); choose one")
