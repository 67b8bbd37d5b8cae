"""What a Recorder is given, checked: the model and options, the probe and held-out inputs and their
labels, and each snapshot's metrics; a wrong one is a one-line NnvoxTypeError / NnvoxValueError."""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from nnvox.capture.json_checks import MAX_NUMBER, MAX_RANK
from nnvox.capture.run_format import (
    MAX_PROBE_DEPTH,
    MAX_PROBE_TENSORS,
    MAX_PROBE_TEXT,
    SINGLE_TENSOR,
    Invalid,
    check_probe_inputs,
    input_name,
    tensor_names,
)
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
        raise NnvoxTypeError(
            f"{what} must be a tensor or array of numbers, batch first; got {type(x).__name__}"
        ) from None


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
    if class_names is not None and (
        isinstance(class_names, str)
        or not isinstance(class_names, Sequence)
        or not all(isinstance(c, str) for c in class_names)
    ):
        raise NnvoxTypeError("class_names must be a list of strings, one per class")
    for what, value in [*whole.items(), *((k, v) for k, v in optional.items() if v is not None)]:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise NnvoxTypeError(f"{what} must be a whole number, got {type(value).__name__} {value!r}")


_PROBE_FORMS = (
    "probe is the inputs to show (a tensor, or a dict of keyword inputs) or an (inputs, labels) pair, "
    "inputs then also a tuple of positional inputs and labels None where unknown"
)


def probe_parts(probe) -> tuple:
    """(inputs, labels) from a probe given as that pair (labels None: unknown), or as inputs alone:
    a tensor or a dict of keyword inputs (labels unknown: -1, and no true class is claimed)."""
    if isinstance(probe, (tuple, list)):
        if len(probe) != 2:
            raise NnvoxError(f"{_PROBE_FORMS}; got a {type(probe).__name__} of {len(probe)}")
        return probe
    if not isinstance(probe, (torch.Tensor, np.ndarray, Mapping)):
        raise NnvoxError(f"{_PROBE_FORMS}, not {type(probe).__name__}")
    return probe, None


@dataclass
class ProbeInputs:
    """The probe's inputs as the model takes them, taken apart: their structure in the run format's
    terms (run_format.check_probe_inputs), and its tensors in order, as given (the model's layout)."""

    structure: dict
    tensors: list[torch.Tensor]
    names: list[str]

    @property
    def single(self) -> bool:
        """One tensor, no structure around it."""
        return self.structure == SINGLE_TENSOR


def probe_inputs(inputs) -> ProbeInputs:
    """The probe's inputs taken apart: a tensor (or array), a tuple or list of positional inputs, or
    a dict of keyword inputs, nested, with constants (None, bool, int, float, str) allowed among
    them. Anything else, or beyond the run format's bounds, is a one-line NnvoxTypeError /
    NnvoxValueError naming the item."""
    tensors: list[torch.Tensor] = []

    def part(value, path: tuple, depth: int) -> dict:
        name = input_name(path)
        if isinstance(value, (torch.Tensor, np.ndarray)) or not (path or isinstance(value, (tuple, list, Mapping))):
            if len(tensors) >= MAX_PROBE_TENSORS:
                raise NnvoxValueError(f"the probe's inputs hold more than {MAX_PROBE_TENSORS} tensors")
            tensors.append(model_input(value, f"probe input {name!r}" if path else "probe inputs"))
            return {"tensor": len(tensors) - 1}
        if value is None or isinstance(value, (bool, np.bool_)):
            return {"value": None if value is None else bool(value)}
        if isinstance(value, numbers.Integral):
            if abs(int(value)) > MAX_NUMBER:
                raise NnvoxValueError(
                    f"probe input {name!r} is {value}, beyond the whole numbers a run stores exactly (2**53)"
                )
            return {"value": int(value)}
        if isinstance(value, numbers.Real):
            if not math.isfinite(value):
                raise NnvoxValueError(
                    f"probe input {name!r} is {value}; a constant among the inputs is a finite number"
                )
            return {"value": float(value)}
        if isinstance(value, str):
            if len(value) > MAX_PROBE_TEXT:
                raise NnvoxValueError(
                    f"probe input {name!r} is text of {len(value):,} characters (at most {MAX_PROBE_TEXT:,})"
                )
            return {"value": value}
        if isinstance(value, (tuple, list, Mapping)) and depth >= MAX_PROBE_DEPTH:  # (a list holding itself too)
            raise NnvoxValueError(f"the probe's inputs are nested more than {MAX_PROBE_DEPTH} deep (at {name!r})")
        if isinstance(value, (tuple, list)):
            kind = "tuple" if isinstance(value, tuple) or not path else "list"  # (the top level: positional inputs)
            return {kind: [part(v, (*path, i), depth + 1) for i, v in enumerate(value)]}
        if isinstance(value, Mapping):
            for k in value:
                if not isinstance(k, str):
                    raise NnvoxTypeError(
                        f"the probe's inputs {name!r} hold the key {k!r}; keyword inputs are named by strings"
                    )
            return {"dict": {k: part(v, (*path, k), depth + 1) for k, v in value.items()}}
        raise NnvoxTypeError(
            f"probe input {name!r} is a {type(value).__name__}; the probe's inputs are tensors (or arrays), "
            "tuples, lists and dicts of them, and constants (None, bool, int, float, str)"
        )

    structure = part(inputs, (), 0)
    try:
        check_probe_inputs(structure)  # the bounds a reader holds the run to
    except Invalid as exc:
        raise NnvoxValueError(str(exc)) from None
    return ProbeInputs(structure, tensors, tensor_names(structure))


def sample_counts(probe: ProbeInputs, axis: int) -> int:
    """How many samples the probe's tensors hold on `axis`; a one-line NnvoxValueError naming a
    tensor without that axis, or holding another count than the others."""
    for name, t in zip(probe.names, probe.tensors):
        if t.dim() <= axis:
            raise NnvoxValueError(
                f"probe input {name!r} has shape {tuple(t.shape)}: no axis {axis} to hold the samples "
                f"(batch_dim {axis})"
            )
    counts = [t.shape[axis] for t in probe.tensors]
    common = Counter(counts).most_common(1)[0][0]
    for name, count in zip(probe.names, counts):
        if count != common:
            raise NnvoxValueError(f"probe input {name!r} has {count} samples on axis {axis}, the others {common}")
    return common


def agrees(probe: ProbeInputs, axis: int) -> bool:
    """Whether every tensor of the probe has `axis`, all holding the same count."""
    return all(t.dim() > axis for t in probe.tensors) and len({t.shape[axis] for t in probe.tensors}) == 1


def call_model(model, inputs):
    """The model called as the tracer calls it: a dict as keyword inputs, a tuple as positional ones."""
    if isinstance(inputs, dict):
        return model(**inputs)
    if isinstance(inputs, tuple):
        return model(*inputs)
    return model(inputs)


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
        raise NnvoxError(
            f"metrics is a mapping of names to numbers, e.g. {{'loss': 0.31}}, not {type(metrics).__name__}"
        )
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
        raise NnvoxError(
            "overwrite and resume contradict each other (resume continues the run in the folder, "
            "overwrite replaces it); choose one"
        )


def check_batch_dim(batch_dim: int | None) -> None:
    if batch_dim is not None and not 0 <= batch_dim < MAX_RANK:
        raise NnvoxValueError(
            f"batch_dim is the axis of the probe's tensors that holds the samples, "
            f"0..{MAX_RANK - 1} (None: found), not {batch_dim}"
        )


def checked_attributions(model: nn.Module, methods: Sequence[str], layer: str | None) -> tuple[str, ...]:
    """Attribution methods to record, checked before training starts rather than at the first snapshot."""
    from nnvox.capture.attributions import METHODS, _module

    methods = (methods,) if isinstance(methods, str) else tuple(methods)
    for method in methods:
        if method not in METHODS:
            raise NnvoxError(f"unknown attribution method {method!r}; choose from {', '.join(METHODS)}")
    if "grad-cam" in methods:
        if layer is None:
            raise NnvoxError("recording grad-cam needs attribution_layer (a conv layer's name, e.g. 'conv2')")
        _module(model, layer)
    return methods


@dataclass
class HeldOut:
    """A held-out set whose class probabilities each snapshot keeps, and how many of its most confident
    mistakes get their activations recorded."""

    x: torch.Tensor
    y: np.ndarray
    mistakes: int


def held_out_set(evaluation, mistakes: int) -> HeldOut | None:
    """`evaluation=(x, y)` checked (None: none)."""
    if mistakes < 0:
        raise NnvoxError(
            f"mistakes is how many of each snapshot's most confident mistakes to record (0 for none), got {mistakes}"
        )
    if evaluation is None:
        return None
    if not isinstance(evaluation, (tuple, list)) or len(evaluation) != 2:
        raise NnvoxTypeError("evaluation is an (inputs, labels) pair of a held-out set")
    x, y = model_input(evaluation[0], "evaluation inputs"), class_labels(evaluation[1], "evaluation labels")
    if len(x) != len(y):
        raise NnvoxError(f"evaluation inputs ({len(x)}) and labels ({len(y)}) differ in length")
    return HeldOut(x, y, mistakes)
