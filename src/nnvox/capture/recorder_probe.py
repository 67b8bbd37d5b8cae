"""The probe a Recorder feeds the model at every snapshot: its inputs as the model takes them, their
labels, the axis that holds the samples (given, or found when the model is traced), on the model's
device; on resume, the run's own probe."""

from __future__ import annotations

import json

import numpy as np
import torch
from torch import nn

from nnvox.capture.modes import evaluating
from nnvox.capture.recorder_inputs import (
    ProbeInputs,
    agrees,
    call_model,
    class_labels,
    model_input,
    probe_inputs,
    probe_parts,
    sample_counts,
)
from nnvox.capture.run_format import SINGLE_TENSOR, fill_probe, probe_key
from nnvox.errors import NnvoxError, NnvoxValueError


def form(structure: dict, limit: int = 100) -> str:
    """A probe structure in a few characters, for a message: T for a tensor, (..) positional inputs,
    {name: ..} keyword inputs, constants as they are."""

    def part(node) -> str:
        ((kind, value),) = node.items()
        if kind == "tensor":
            return "T"
        if kind == "value":
            return repr(value)
        if kind == "dict":
            return "{" + ", ".join(f"{k}: {part(v)}" for k, v in value.items()) + "}"
        inner = ", ".join(part(v) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})" if kind == "tuple" else f"[{inner}]"

    shown = "one tensor" if structure == SINGLE_TENSOR else part(structure)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


class Probe:
    """The probe as given (the model's layout), and once `take` knows the axis holding its samples:
    `samples_first` (as the run stores them), `x` (the Input block's tensor) and `y` (labels, -1 unknown)."""

    def __init__(self, probe, batch_dim: int | None, model: nn.Module):
        x, y = probe_parts(probe)
        self.inputs: ProbeInputs = probe_inputs(x)
        self.labels = None if y is None else class_labels(y, "probe labels")
        self.given_axis = batch_dim  # None: found by the trace
        # where the probe goes: the first parameter's device (`.to()` moves a parameter, keeps the object)
        self._first_parameter = next(model.parameters(), None)
        self.batch_dim: int | None = None
        self.samples_first: list[torch.Tensor] = []

    def check_kind(self, attributions, held_out: bool) -> None:
        """Attributions and an evaluation set only with a probe of one tensor, batch first."""
        if attributions or held_out:
            what = "attributions are recorded" if attributions else "an evaluation set is recorded"
            fix = "without attributions" if attributions else "without evaluation="
            if not self.inputs.single:
                raise NnvoxError(
                    f"{what} for a probe of one input tensor, batch first; this probe's inputs are "
                    f"{form(self.inputs.structure)}: record it {fix}"
                )
            if self.given_axis:
                raise NnvoxError(
                    f"{what} for a probe of one input tensor, batch first; this probe holds its samples "
                    f"on axis {self.given_axis}: record it {fix}"
                )

    def check_counts(self) -> None:
        """What can be said of the probe's samples before the model runs: its tensors hold them on the
        axis given (or on axis 0 or 1, where the trace looks), at least one, as many as the labels."""
        axis = self.given_axis
        candidates = [axis] if axis is not None else [a for a in (0, 1) if agrees(self.inputs, a)]
        count = sample_counts(self.inputs, candidates[0] if candidates else 0)  # (names a tensor that disagrees)
        if not count:
            raise NnvoxValueError("the probe holds no samples; give at least one input to show")
        if axis is not None and self.labels is not None and len(self.labels) != count:
            raise NnvoxError(f"probe inputs ({count}) and labels ({len(self.labels)}) differ in length")

    def take(self, axis: int, attributions, eval_x: torch.Tensor | None) -> None:
        """The probe once the axis holding its samples is known (given, or found by the trace): its
        tensors samples first, its labels, the held-out set checked against it."""
        count = sample_counts(self.inputs, axis)  # (the trace may find an axis on which they disagree)
        if not count:
            raise NnvoxValueError("the probe holds no samples; give at least one input to show")
        if axis and (attributions or eval_x is not None):
            what = "attributions are recorded" if attributions else "an evaluation set is recorded"
            raise NnvoxError(
                f"{what} for a probe batch first; this probe's samples are on axis {axis} (the model "
                f"takes them sequence first): record it "
                f"{'without attributions' if attributions else 'without evaluation='}"
            )
        self.batch_dim = axis
        self.samples_first = [t.movedim(axis, 0) if axis else t for t in self.inputs.tensors]
        self.x = self.samples_first[0]  # the Input block's
        self.y = np.full(count, -1, dtype=np.int64) if self.labels is None else self.labels
        if len(self.y) != count:
            raise NnvoxError(f"probe inputs ({count}) and labels ({len(self.y)}) differ in length")
        if eval_x is not None and eval_x.shape[1:] != self.x.shape[1:]:
            raise NnvoxValueError(
                f"evaluation inputs are {tuple(eval_x.shape[1:])} a sample, the probe's "
                f"{tuple(self.x.shape[1:])}: give held-out samples the model takes"
            )

    def adopt(self, run, out) -> int:
        """On resume: the run's own probe, whatever values were passed (one of another form, or another
        batch_dim, is refused). Returns the axis holding its samples."""
        if json.dumps(self.inputs.structure, sort_keys=True) != json.dumps(run.probe_structure, sort_keys=True):
            raise NnvoxError(
                f"the probe passed, {form(self.inputs.structure)}, is not of the form of the run's in "
                f"{out}, {form(run.probe_structure)}; resume feeds the model the run's own probe: pass "
                "inputs of its form (run.probe_feed() gives them), or record a new run"
            )
        if self.given_axis is not None and self.given_axis != run.probe_batch_dim:
            raise NnvoxError(
                f"batch_dim {self.given_axis} is not the run's: {out} holds its probe's samples on axis "
                f"{run.probe_batch_dim}, and resume feeds the model that probe; pass "
                f"batch_dim={run.probe_batch_dim} (or None)"
            )
        stored, axis = run.probe_tensors, run.probe_batch_dim
        tensors = [
            model_input(torch.from_numpy(np.ascontiguousarray(np.moveaxis(stored[probe_key(i)], 0, axis))))
            for i in range(len(run.probe_input_names))
        ]
        self.inputs = ProbeInputs(run.probe_structure, tensors, run.probe_input_names)
        self.labels = run.probe_labels
        return axis

    def by_key(self, copy: bool = False) -> dict[str, np.ndarray]:
        """Its tensors samples first, by their key in the probe file."""
        return {probe_key(i): t.numpy().copy() if copy else t.numpy() for i, t in enumerate(self.samples_first)}

    def on_device(self, x: torch.Tensor) -> torch.Tensor:
        """On the model's device (its first parameter's)."""
        p = self._first_parameter
        return x.to(p.device) if p is not None else x

    def feed(self, first: int | None = None):
        """The probe as the model takes it (its structure, its samples on `batch_dim`), on the model's
        device; with `first`, only the first samples."""
        tensors = self.inputs.tensors

        def tensor(i: int) -> torch.Tensor:
            t = tensors[i] if first is None else tensors[i].narrow(self.batch_dim, 0, first)
            return self.on_device(t)

        return fill_probe(self.inputs.structure, tensor)

    def check_labels(self, model: nn.Module, class_names) -> None:
        """Labels and class names must fit a classifier's output (one score per class): a label of 100
        for 10 classes, or 3 names for 10, was drawn as a true class that does not exist."""
        if not (self.y >= 0).any() and class_names is None:
            return  # labels unknown, no names: nothing to check
        with evaluating(model), torch.no_grad():
            out = call_model(model, self.feed(first=1))
        if not isinstance(out, torch.Tensor) or out.ndim != 2:
            return  # not one score per class (a sequence's, a map's, several outputs): nothing to check against
        classes = out.shape[1]
        bad = self.y[(self.y < -1) | (self.y >= classes)]
        if len(bad):
            raise NnvoxValueError(
                f"probe label {int(bad[0])} is no class of the model's {classes} outputs; "
                f"give 0..{classes - 1} (or -1: unknown)"
            )
        if class_names is not None and len(class_names) < classes:  # (more names than outputs: the first are used)
            raise NnvoxValueError(f"class_names holds {len(class_names)} names for the model's {classes} outputs")
