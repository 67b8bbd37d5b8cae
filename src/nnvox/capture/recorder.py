"""Recorder: snapshots of a model's probe activations and weights during any training loop."""

from __future__ import annotations

import datetime as _dt
import json
import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nnvox.capture.aliases import same_objects
from nnvox.capture.architecture import Architecture
from nnvox.capture.attributions import LAYER_CAM, explain, upsample_cam
from nnvox.capture.detail import activation_plan, apply_activation, apply_weight, weight_plan
from nnvox.capture.mistakes import MISTAKE_INDEX, MISTAKE_PREFIX, mistake_order
from nnvox.capture.modes import evaluating
from nnvox.capture.recorder_inputs import (ProbeInputs, agrees, call_model, check_arguments, check_write_mode, class_labels,
                                           metric_values, model_input, probe_inputs, probe_parts, sample_counts)
from nnvox.capture.run_format import (EVALUATION_FILE, MANIFEST, SINGLE_TENSOR, fill_probe, fits_fp16, new_manifest,
                                      probe_key, tensor_kind, to_storage_dtype)
from nnvox.capture.run_lock import RunLock, check_replaceable, remove_run
from nnvox.capture.storage import save_tensors
from nnvox.capture.trace import OutputCapture, signature
from nnvox.capture.writer import error_text
from nnvox.capture.writer_clients import ChildWriter, InlineWriter
from nnvox.capture.json_checks import MAX_NUMBER, MAX_RANK
from nnvox.errors import NnvoxError, NnvoxTypeError, NnvoxValueError, path_argument
from nnvox.files import remove_stale_temporaries, temporary_path, write_advice


def _stored(t: torch.Tensor, plan: dict | None, reduce, extremes: dict, key: str) -> np.ndarray:
    """A copy for the writer, in fp16 where that keeps the values (`fits_fp16`; else float32), so
    half the bytes cross to the writer process. Converted by torch, on the tensor's own device;
    the min and max measured on the way go to the writer in `extremes`."""
    t = t.detach()
    if not t.is_floating_point():  # integer or boolean outputs are shown as numbers too
        t = t.float()
    if plan is not None:  # reduced in float32 first (pooling averages), then converted
        return to_storage_dtype(reduce(t.to("cpu", torch.float32).numpy(), plan))
    if t.numel() == 0:
        return t.to("cpu", torch.float32, copy=True).numpy()
    lo, hi = (float(v) for v in torch.aminmax(t))
    # NaN propagates through aminmax and could hide a large finite value: float32 (and the writer
    # measures), as for any value fp16 cannot hold
    if not fits_fp16(lo, hi):
        return t.to("cpu", torch.float32, copy=True).numpy()
    extremes[key] = (lo, hi)
    return t.to("cpu", torch.float16, copy=True).numpy()


_SMALL = 65_536  # values: below this a tensor's copy costs per call, not per value


def _reducer(key: str):
    """How a tensor is cut to its level-of-detail plan: weights (and their gradients) or activations."""
    return apply_weight if key.startswith(("param/", "grad/")) else apply_activation


def _copies(named: Mapping[str, torch.Tensor], plans: dict, extremes: dict, aliases: dict) -> dict[str, np.ndarray]:
    """Copies of many tensors for the writer, each tensor object once: a later name of the same
    object (a tied weight, an output that is another's tensor) goes into `aliases` instead, for the
    writer to store it once. Small ones travel as float32 slices of one concatenated copy per
    device (one call instead of four per tensor: on a small model the calls, not the bytes, are
    the cost); the writer checks and converts them to fp16. Large ones and reduced ones go
    through `_stored`."""
    shared = {a: t for a, t in same_objects(named).items() if tensor_kind(a) == tensor_kind(t)}
    aliases.update(shared)
    out, small = {}, {}
    for key, t in named.items():
        if key in shared:
            continue
        if key not in plans and 0 < t.numel() <= _SMALL:
            small.setdefault(t.device, {})[key] = t.detach()
        else:
            out[key] = _stored(t, plans.get(key), _reducer(key), extremes, key)
    for group in small.values():
        flat = torch.cat([t.reshape(-1).float() for t in group.values()]).cpu().numpy()
        at = 0
        for key, t in group.items():
            out[key] = flat[at : at + t.numel()].reshape(t.shape)
            at += t.numel()
    return out


def _whole_float32(copy: np.ndarray | None, t: torch.Tensor) -> bool:
    """Whether `copy` holds every value of `t`, exactly, in float32 (a gradient's norm can then be
    taken from it by the writer)."""
    return copy is not None and copy.dtype == np.float32 and copy.size == t.numel()


def _with_gradients(plans: dict[str, dict]) -> dict[str, dict]:
    """Reductions of weights, and of gradients as of their weights."""
    return plans | {"grad/" + k.removeprefix("param/"): v for k, v in plans.items() if k.startswith("param/")}


def _tied_plans(plans: dict[str, dict], model: nn.Module, architecture: Architecture) -> dict[str, dict]:
    """A tied weight's reduction under each name the architecture gives it too: its block asks for
    it by that name (GPT's lm_head.weight, stored as transformer.wte.weight)."""
    listed = {p for node in architecture.nodes for p in node.params}
    tied = same_objects(dict(model.named_parameters(remove_duplicate=False)))
    return plans | {f"param/{alias}": plans[f"param/{first}"] for alias, first in tied.items()
                    if alias in listed and f"param/{first}" in plans}


def _form(structure: dict, limit: int = 100) -> str:
    """A probe structure in a few characters, for a message: T for a tensor, (..) positional inputs,
    {name: ..} keyword inputs, constants as they are."""
    def part(node) -> str:
        (kind, value), = node.items()
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


def _checked_attributions(model: nn.Module, methods: Sequence[str], layer: str | None) -> tuple[str, ...]:
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


class Recorder:
    """Write a run folder: manifest.json plus one safetensors file per snapshot.

    Each file is written under a temporary name, fsynced and renamed, and the manifest is
    rewritten the same way afterwards, so a process killed at any moment leaves every
    snapshot that completed readable.

    Gradients are those left by the last backward pass (call `snapshot()` after a training step,
    before the next `zero_grad()`): per voxel for tensors up to `gradient_budget` values, their
    norms always.

    Level of detail for long runs of big models: `activation_budget` caps the values kept per probe
    sample and layer (maps average-pooled, down to 8 x 8, then the first channels), `weight_budget`
    the values kept per weight tensor (the leading filters and input channels). The same reduction
    every snapshot; the manifest records what was kept of what.

    `attributions=("saliency", "integrated-gradients", ...)` also records, each snapshot, which input
    values drove each probe sample's predicted class (see `nnvox.explain`; grad-cam on
    `attribution_layer`), so their change over training can be scrubbed.

    `evaluation=(x, y)`: a held-out set (up to a few thousand samples) whose predicted class
    probabilities are kept at every snapshot, for the confusion matrix and the most confident
    mistakes under the timeline cursor; the `mistakes` most confident ones of each snapshot also
    get their activations (and attributions) recorded, so the whole scene can show them.

    `probe` is the inputs to show, or an `(inputs, labels)` pair (labels None: unknown). The inputs
    are what the model takes: a tensor, a tuple (or list) of positional inputs, or a dict of keyword
    inputs, nested as the model takes them (an LSTM's `(h0, c0)`), with constants (None, bool, int,
    float, str) among them; every tensor holds the samples on one axis, `batch_dim` (None: found
    when the model is traced, 0 unless a layer such as nn.LSTM without batch_first says its batch
    is second). The run stores them samples first; the first tensor is the Input block drawn.
    Attributions and an evaluation set need a probe of one tensor, batch first.

    `resume=True` on an existing run (even one whose process was killed) appends to it, with the
    run's own probe (its values, whatever was passed), after checking the model's architecture is
    the same; a probe passed of another structure (other inputs, constants) or another
    `batch_dim` is refused.

    `snapshot()` only copies the tensors; a writer process (`background=True`, the default)
    converts, summarises and writes them while training goes on, the pipe applying
    backpressure. `flush()` waits for it; `close()` waits and marks the run finished.
    """

    def __init__(
        self,
        model: nn.Module,
        probe,
        out: str | Path,
        *,
        name: str | None = None,
        class_names: Sequence[str] | None = None,
        overwrite: bool = False,
        resume: bool = False,
        background: bool = True,
        weights: bool = True,
        gradients: bool = True,
        gradient_budget: int = 1_000_000,
        activation_budget: int | None = None,
        weight_budget: int | None = None,
        attributions: Sequence[str] = (),
        attribution_layer: str | None = None,
        evaluation: tuple | None = None,
        mistakes: int = 8,
        batch_dim: int | None = None,
    ):
        # DistributedDataParallel / DataParallel: probe the wrapped module. Calling the DDP wrapper on
        # one rank would start collectives the other ranks never join (a hang); record on rank 0.
        if isinstance(model, (nn.parallel.DistributedDataParallel, nn.DataParallel)):
            model = model.module
        check_arguments(model, name, class_names, {"gradient_budget": gradient_budget, "mistakes": mistakes},
                         {"activation_budget": activation_budget, "weight_budget": weight_budget, "batch_dim": batch_dim})
        check_write_mode(overwrite=overwrite, resume=resume)
        if batch_dim is not None and not 0 <= batch_dim < MAX_RANK:
            raise NnvoxValueError(f"batch_dim is the axis of the probe's tensors that holds the samples, 0..{MAX_RANK - 1} "
                                  f"(None: found), not {batch_dim}")
        self.model = model
        # where the probe goes: the first parameter's device (`.to()` moves a parameter, keeps the object)
        self._first_parameter = next(model.parameters(), None)
        self.out = path_argument(out, "out")
        if self.out.is_symlink():  # a run folder reached through a link is recorded (and replaced) where it is
            self.out = Path(os.path.realpath(self.out))
        self.record_weights = weights
        self.record_gradients = gradients
        self.gradient_budget = gradient_budget  # larger gradients are summarised by their norm only
        self._background = background
        self.attributions = _checked_attributions(model, attributions, attribution_layer)
        self.attribution_layer = attribution_layer
        self.eval_x = self.eval_y = None
        if mistakes < 0:
            raise NnvoxError(f"mistakes is how many of each snapshot's most confident mistakes to record (0 for none), got {mistakes}")
        self.mistakes = mistakes
        if evaluation is not None:
            if not isinstance(evaluation, (tuple, list)) or len(evaluation) != 2:
                raise NnvoxTypeError("evaluation is an (inputs, labels) pair of a held-out set")
            ex, ey = evaluation
            self.eval_x = model_input(ex, "evaluation inputs")
            self.eval_y = class_labels(ey, "evaluation labels")
            if len(self.eval_x) != len(self.eval_y):
                raise NnvoxError(f"evaluation inputs ({len(self.eval_x)}) and labels ({len(self.eval_y)}) differ in length")
        x, y = probe_parts(probe)
        self._probe = probe_inputs(x)  # as given: the model's layout
        self._labels = None if y is None else class_labels(y, "probe labels")
        self._batch_dim = batch_dim  # as given (None: found by the trace); `batch_dim` once known
        self._check_probe_kind()
        self._closed = False
        self._lock = RunLock()
        self._folder = self.out  # where files go: a replacement's own folder until its first snapshot swaps it in
        self._replacing = False
        self._writer = None  # started once the run's header is ready
        try:
            if resume and (self.out / MANIFEST).exists():
                self._lock_folder(self.out)
                self._resume(model)
            else:
                self._start(model, name, class_names, overwrite, activation_budget, weight_budget)
        except BaseException:
            self._lock.release()
            raise

    def _check_probe_kind(self) -> None:
        """Attributions and an evaluation set only with a probe of one tensor, batch first."""
        probe, axis = self._probe, self._batch_dim
        if self.attributions or self.eval_x is not None:
            what = "attributions are recorded" if self.attributions else "an evaluation set is recorded"
            fix = "without attributions" if self.attributions else "without evaluation="
            if not probe.single:
                raise NnvoxError(f"{what} for a probe of one input tensor, batch first; this probe's inputs are "
                                 f"{_form(probe.structure)}: record it {fix}")
            if axis:
                raise NnvoxError(f"{what} for a probe of one input tensor, batch first; this probe holds its samples "
                                 f"on axis {axis}: record it {fix}")

    def _check_counts(self) -> None:
        """What can be said of the probe's samples before the model runs: its tensors hold them on the
        axis given (or on axis 0 or 1, where the trace looks), at least one, as many as the labels."""
        probe, axis = self._probe, self._batch_dim
        candidates = [axis] if axis is not None else [a for a in (0, 1) if agrees(probe, a)]
        count = sample_counts(probe, candidates[0] if candidates else 0)  # (names a tensor that disagrees)
        if not count:
            raise NnvoxValueError("the probe holds no samples; give at least one input to show")
        if axis is not None and self._labels is not None and len(self._labels) != count:
            raise NnvoxError(f"probe inputs ({count}) and labels ({len(self._labels)}) differ in length")

    def _take_probe(self, axis: int) -> None:
        """The probe once the axis holding its samples is known (given, or found by the trace): its
        tensors samples first (as the run stores them), its labels, the held-out set checked against it."""
        count = sample_counts(self._probe, axis)  # (the trace may find an axis on which they disagree)
        if not count:
            raise NnvoxValueError("the probe holds no samples; give at least one input to show")
        if axis and (self.attributions or self.eval_x is not None):
            what = "attributions are recorded" if self.attributions else "an evaluation set is recorded"
            raise NnvoxError(f"{what} for a probe batch first; this probe's samples are on axis {axis} (the model takes "
                             f"them sequence first): record it {'without attributions' if self.attributions else 'without evaluation='}")
        self.batch_dim = axis
        self._samples_first = [t.movedim(axis, 0) if axis else t for t in self._probe.tensors]
        self.probe_x = self._samples_first[0]  # the Input block's
        self.probe_y = np.full(count, -1, dtype=np.int64) if self._labels is None else self._labels
        if len(self.probe_y) != count:
            raise NnvoxError(f"probe inputs ({count}) and labels ({len(self.probe_y)}) differ in length")
        if self.eval_x is not None and self.eval_x.shape[1:] != self.probe_x.shape[1:]:
            raise NnvoxValueError(f"evaluation inputs are {tuple(self.eval_x.shape[1:])} a sample, the probe's "
                                  f"{tuple(self.probe_x.shape[1:])}: give held-out samples the model takes")

    def _feed(self, first: int | None = None):
        """The probe as the model takes it (its structure, its samples on `batch_dim`), on the model's
        device; with `first`, only the first samples."""
        tensors = self._probe.tensors

        def tensor(i: int) -> torch.Tensor:
            t = tensors[i] if first is None else tensors[i].narrow(self.batch_dim, 0, first)
            return self._on_device(t)

        return fill_probe(self._probe.structure, tensor)

    def _lock_folder(self, folder: Path) -> None:
        """One writer per run: refused at once, naming the holder, while another records here."""
        try:
            self._lock.add(folder)
        except OSError as exc:
            raise NnvoxError(f"cannot open run folder {folder}: {exc.strerror}") from None
        remove_stale_temporaries(folder)  # a killed writer's half-written files, never anything else

    def _start(self, model, name, class_names, overwrite: bool, activation_budget, weight_budget) -> None:
        """A new run, or one replacing the run in `out`. Nothing is written until the model has taken
        the probe and every option holds; an old run is replaced only once the new one has a snapshot."""
        self._check_counts()
        existing = (self.out / MANIFEST).exists()
        if existing and not overwrite:
            raise NnvoxError(f"{self.out} already holds a run; choose a new folder, or continue it (resume=True, --resume) "
                             "or replace it (overwrite=True, --overwrite)")
        check_replaceable(self.out, replacing=existing)
        if self.out.is_dir():  # a second writer is refused before the forward pass, not after
            self._lock_folder(self.out)
        self._capture = OutputCapture(model, self._feed(), batch_dim=self._batch_dim)
        self._take_probe(self._capture.shaping.batch_dim)
        self.architecture: Architecture = self._capture.architecture
        self._check_cam_layer()
        self._check_labels(class_names)
        self._plans = _tied_plans(self._reductions(activation_budget, weight_budget), model, self.architecture)
        self._all_plans = _with_gradients(self._plans)
        created = [p for p in (self.out, *self.out.parents) if not p.exists()]  # removed again on failure
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NnvoxError(f"cannot create run folder {self.out}: {exc.strerror}") from None
        ours = False  # whether what is in the new folder is this recorder's to remove on failure
        try:
            if not self._lock.fds:  # the folder is new (perhaps just made by another recorder starting too)
                self._lock_folder(self.out)
                if (self.out / MANIFEST).exists():  # that other recorder got here first
                    raise NnvoxError(f"{self.out} already holds a run (another recorder just started one); choose a new folder")
            ours = True
            self._replacing = existing
            if existing:
                remove_stale_temporaries(self.out.parent)  # replacement folders of killed recorders
                self._folder = temporary_path(self.out)
                self._folder.mkdir()
                self._lock.add(self._folder)
                self._lock.announce(self.out)
            self._lock.announce(self._folder)
            self._write_header(name, class_names)
        except BaseException:
            if self._writer is not None:  # (interrupted while handing over the header) done with the folder first
                self._writer.abandon()
            if self._replacing:
                remove_run(self._folder)
            elif created and ours:
                remove_run(self.out)
                for folder in created[1:]:
                    try:
                        folder.rmdir()
                    except OSError:
                        break
            raise

    def _check_labels(self, class_names) -> None:
        """Labels and class names must fit a classifier's output (one score per class): a label of 100
        for 10 classes, or 3 names for 10, was drawn as a true class that does not exist."""
        if not (self.probe_y >= 0).any() and class_names is None:
            return  # labels unknown, no names: nothing to check
        with evaluating(self.model), torch.no_grad():
            out = call_model(self.model, self._feed(first=1))
        if not isinstance(out, torch.Tensor) or out.ndim != 2:
            return  # not one score per class (a sequence's, a map's, several outputs): nothing to check against
        classes = out.shape[1]
        bad = self.probe_y[(self.probe_y < -1) | (self.probe_y >= classes)]
        if len(bad):
            raise NnvoxValueError(f"probe label {int(bad[0])} is no class of the model's {classes} outputs; "
                                  f"give 0..{classes - 1} (or -1: unknown)")
        if class_names is not None and len(class_names) < classes:  # (more names than outputs: the first are used)
            raise NnvoxValueError(f"class_names holds {len(class_names)} names for the model's {classes} outputs")

    def _check_cam_layer(self) -> None:
        """Grad-CAM needs a layer of feature maps: said before anything is written, not at the first snapshot."""
        if "grad-cam" not in self.attributions:
            return
        shape = next((n.shape for n in self.architecture.nodes if n.module == self.attribution_layer), None)
        if shape is not None and len(shape) != 3:
            raise NnvoxError(f"grad-cam looks at feature maps (channels x height x width); {self.attribution_layer!r} gives "
                             f"{' x '.join(map(str, shape))}: choose a convolution's layer")

    def _write_header(self, name, class_names) -> None:
        evaluation = None if self.eval_x is None else {"count": len(self.eval_y), "mistakes": self.mistakes}
        manifest = new_manifest(
            name=name or self.out.name, created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            architecture=self.architecture, labels=self.probe_y.tolist(), class_names=class_names,
            inputs=None if self._probe.single else self._probe.structure, batch_dim=self.batch_dim,
            reduced=self._plans, evaluation=evaluation,
            attributions={"methods": list(self.attributions), "layer": self.attribution_layer} if self.attributions else None)
        self._count = 0
        if self.eval_x is not None:
            try:
                save_tensors(self._folder / EVALUATION_FILE, {"inputs": self.eval_x.numpy(), "labels": self.eval_y})
            except OSError as exc:
                raise NnvoxError(f"cannot write the run in {self.out}: {error_text(exc)}") from None
        self._writer = self._open_writer()
        self._writer.header(manifest, {probe_key(i): t.numpy().copy() for i, t in enumerate(self._samples_first)}, self.probe_y)

    def _open_writer(self):
        kind = ChildWriter if self._background else InlineWriter
        return kind(self._folder, self.out if self._replacing else None, self._lock.fds)

    def _resume(self, model: nn.Module) -> None:
        """Append to an existing (possibly killed) run: same architecture, same probe."""
        from nnvox.capture.run import open_run
        from nnvox.capture.run_format import read_manifest

        run = open_run(self.out)  # the manifest checked, every listed snapshot whole
        # the run's own probe, whatever values were passed; one of another form is refused
        if json.dumps(self._probe.structure, sort_keys=True) != json.dumps(run.probe_structure, sort_keys=True):
            raise NnvoxError(f"the probe passed, {_form(self._probe.structure)}, is not of the form of the run's in {self.out}, "
                             f"{_form(run.probe_structure)}; resume feeds the model the run's own probe: pass inputs of its "
                             "form (run.probe_feed() gives them), or record a new run")
        if self._batch_dim is not None and self._batch_dim != run.probe_batch_dim:
            raise NnvoxError(f"batch_dim {self._batch_dim} is not the run's: {self.out} holds its probe's samples on axis "
                             f"{run.probe_batch_dim}, and resume feeds the model that probe; pass batch_dim={run.probe_batch_dim} (or None)")
        stored, axis = run.probe_tensors, run.probe_batch_dim
        tensors = [model_input(torch.from_numpy(np.ascontiguousarray(np.moveaxis(stored[probe_key(i)], 0, axis))))
                   for i in range(len(run.probe_input_names))]
        self._probe = ProbeInputs(run.probe_structure, tensors, run.probe_input_names)
        self._labels = run.probe_labels
        held_out = run.evaluation  # and its own evaluation set
        self.eval_x = model_input(torch.from_numpy(held_out[0].copy())) if held_out is not None else None
        self.eval_y = held_out[1] if held_out is not None else None
        self.mistakes = run.mistake_rows  # the run's own choice
        self._capture = OutputCapture(model, self._feed(), batch_dim=axis)
        self._take_probe(axis)
        self.architecture = self._capture.architecture
        if signature(self.architecture) != signature(run.architecture):
            raise NnvoxError(f"the model's architecture differs from the run in {self.out}; resume with the same model, or record a new run")
        manifest, _ = read_manifest(self.out)  # read and checked as every reader does (this writer holds the lock)
        # the run's own level of detail, whatever was passed (a tied weight's under each name: a run
        # recorded before tied weights were stored once lacks those)
        self._plans = _tied_plans(manifest.get("reduced", {}), model, self.architecture)
        if self._plans:
            manifest["reduced"] = self._plans
        self._all_plans = _with_gradients(self._plans)
        manifest["closed"] = False
        self._count = len(manifest["snapshots"])  # an orphan file past these is simply overwritten
        self._lock.announce(self.out)
        self._writer = self._open_writer()
        self._writer.header(manifest, {probe_key(i): t.numpy() for i, t in enumerate(self._samples_first)}, self.probe_y)

    def _reductions(self, activation_budget: int | None, weight_budget: int | None) -> dict[str, dict]:
        for what, budget in (("activation_budget", activation_budget), ("weight_budget", weight_budget)):
            if budget is not None and budget < 1:
                raise NnvoxError(f"{what} must be a positive number of values, got {budget}")
        plans = {}
        for node in self.architecture.nodes:
            if node.kind != "Input" and (plan := activation_plan(node.shape, activation_budget)):
                plans[f"act/{node.name}"] = {"original": list(node.shape), **plan}
        for pname, p in self.model.named_parameters():
            if plan := weight_plan(tuple(p.shape), weight_budget):
                plans[f"param/{pname}"] = {"original": list(p.shape), **plan}
        return plans

    def _evaluate(self) -> torch.Tensor:
        x = self._on_device(self.eval_x)
        with evaluating(self.model), torch.no_grad():
            return torch.cat([torch.softmax(self.model(x[i:i + 512]).float(), dim=1) for i in range(0, len(x), 512)])

    def _on_device(self, x: torch.Tensor) -> torch.Tensor:
        """On the model's device (its first parameter's)."""
        p = self._first_parameter
        return x.to(p.device) if p is not None else x

    def _probe_on_device(self) -> torch.Tensor:
        return self._on_device(self.probe_x)

    def snapshot(
        self, *, epoch: int | None = None, step: int | None = None, metrics: Mapping[str, float] | None = None
    ) -> int:
        """Record the probe's activations and all weights now. Returns the snapshot index."""
        if self._closed:
            raise NnvoxError(f"this Recorder is closed (the run in {self.out} is finished); to add snapshots, "
                             "create Recorder(..., resume=True) on it")
        values = metric_values(metrics)
        for what, v in (("epoch", epoch), ("step", step)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v <= MAX_NUMBER):
                raise NnvoxValueError(f"{what} is a whole number 0..{MAX_NUMBER} (or None), not {v!r}")
        self._raise_writer_error()
        outputs, changed = self._capture(self._feed())
        if changed:
            raise NnvoxError(
                "the model's architecture changed since recording started; record it into a new run folder"
            )
        plans = self._plans
        extremes: dict[str, tuple[float, float]] = {}
        copied = {f"act/{node}": out for node, out in outputs.items()}  # all copied at once, below
        # every name a weight has: a tied weight is copied once (see _copies), its gradient too
        params = dict(self.model.named_parameters(remove_duplicate=False))
        tied = same_objects(params)  # later names of a weight met before
        # Copies, never views of the live weights, which training goes on changing
        if self.record_weights:
            copied.update((f"param/{k}", p) for k, p in params.items())
        # no backward since the last zero_grad(set_to_none=True): nothing to show
        grads = ({k: p.grad.detach() for k, p in params.items() if k not in tied and p.grad is not None}
                 if self.record_gradients else {})
        for k, g in grads.items():
            plan = plans.get(f"param/{k}")  # gradients are kept where their weights are
            if g.numel() <= self.gradient_budget or (plan is not None and np.prod(plan["shape"]) <= self.gradient_budget):
                copied[f"grad/{k}"] = g
        aliases: dict[str, str] = {}
        tensors = _copies(copied, self._all_plans, extremes, aliases)
        if self.record_gradients:  # (the writer drops those of a gradient not sent, and names its norm for each)
            aliases.update((f"grad/{a}", f"grad/{t}") for a, t in tied.items())
        # The norms of gradients sent whole in float32 are the writer's to take; the rest (reduced,
        # converted to fp16, or only summarised) in one fused call here, in float32
        # (half-precision sums of squares overflow).
        measured = {k: g for k, g in grads.items() if not _whole_float32(tensors.get(f"grad/{k}"), g)}
        norms = dict(zip(measured, map(float, torch._foreach_norm([g.float() for g in measured.values()])))) if measured else {}
        if self.eval_x is not None:  # the held-out set's class probabilities: confusion and mistakes
            stored = tensors["eval/probabilities"] = _stored(self._evaluate(), None, apply_activation, extremes, "eval/probabilities")
            if self.mistakes:  # ranked on the values stored, as the mistakes figure ranks them
                tensors.update(self._mistakes(stored.astype(np.float32), extremes, aliases))
        tensors.update(self._attributions(self._probe_on_device(), extremes))
        index = self._count
        self._count += 1
        meta = {"index": index, "epoch": None if epoch is None else int(epoch), "step": None if step is None else int(step),
                "metrics": values, "extremes": extremes}
        if norms:
            meta["grad_norms"] = norms
        if aliases:
            meta["aliases"] = aliases
        self._writer.snapshot(meta, tensors)
        return index

    def _attributions(self, x: torch.Tensor, extremes: dict) -> dict[str, np.ndarray]:
        """Which input values drove each sample's predicted class, now."""
        out = {}
        for method in self.attributions:
            heat = torch.from_numpy(explain(self.model, x, method, layer=self.attribution_layer, upsample=method != "grad-cam"))
            if method == "grad-cam":  # kept at the layer's own resolution too, drawn under that layer
                out[LAYER_CAM] = _stored(heat, None, apply_activation, extremes, LAYER_CAM)
                heat = upsample_cam(heat, x.cpu())
            out[f"attr/{method}"] = _stored(heat, None, apply_activation, extremes, f"attr/{method}")
        return out

    def _mistakes(self, probabilities: np.ndarray, extremes: dict, aliases: dict) -> dict[str, np.ndarray]:
        """The snapshot's most confident mistakes: which they are, their activations and attributions,
        under keys of their own (mistake/act/<node>, ...), reduced as the probe's are."""
        order = mistake_order(probabilities, self.eval_y, self.mistakes)
        out = {MISTAKE_INDEX: order}
        if len(order):
            x = self._on_device(self.eval_x[torch.from_numpy(order)])
            outputs, _ = self._capture(x)
            plans = {MISTAKE_PREFIX + k: v for k, v in self._plans.items() if k.startswith("act/")}
            out.update(_copies({f"{MISTAKE_PREFIX}act/{node}": v for node, v in outputs.items()}, plans, extremes, aliases))
            out.update({MISTAKE_PREFIX + k: v for k, v in self._attributions(x, extremes).items()})
        return out

    @property
    def count(self) -> int:
        """Snapshots in the run so far (a resumed run's earlier ones included)."""
        return self._count

    def step(self, step: int, *, every: int, metrics: Mapping[str, float] | None = None, epoch: int | None = None) -> int | None:
        """Call once per training step: snapshots every `every` steps (and at step 0)."""
        for what, v in (("step", step), ("every", every)):
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise NnvoxTypeError(f"{what} is a whole number, not {v!r}")
        if every < 1:
            raise NnvoxError(f"every must be at least 1 step, got {every}")
        if step % every:
            return None
        return self.snapshot(epoch=epoch, step=step, metrics=metrics)

    def flush(self) -> None:
        """Wait until every snapshot so far is on disk."""
        if not self._closed:
            self._writer.flush()
            self._raise_writer_error()

    def close(self) -> None:
        """Wait for pending snapshots, then mark the run finished. Closing again does nothing."""
        if self._closed:
            return
        self._closed = True
        try:
            self._writer.close()
            self._raise_writer_error()
        finally:
            self._finish()

    def _finish(self) -> None:
        """Release the run: a replacement that never got a snapshot is removed (the old run stays)."""
        if self._replacing and self._folder.exists():
            self._writer.abandon()  # the writer is done with the folder before it goes
            remove_run(self._folder)
        self._lock.release(self.out)

    def _raise_writer_error(self) -> None:
        self._writer.poll()
        if self._writer.error is not None:
            fix = write_advice(self._writer.error.partition(":")[0]) or "see the cause above"
            raise NnvoxError(
                f"writing snapshots to {self.out} failed ({self._writer.error}); the run stays readable up to "
                f"the last complete snapshot: {fix}, then continue it with resume=True (nnvox record --resume)"
            )

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.close()
            return
        # Training failed: keep what was handed over, but never mark the run finished, and let the
        # training's own error through.
        if not self._closed:
            self._closed = True
            try:
                self._writer.abandon()
            finally:
                self._finish()
