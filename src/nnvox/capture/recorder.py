"""Recorder: snapshots of a model's probe activations and weights during any training loop."""

from __future__ import annotations

import datetime as _dt
import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch
from torch import nn

from nnvox.capture.json_checks import MAX_NUMBER
from nnvox.capture.recorder_folder import RunFolder
from nnvox.capture.recorder_inputs import (
    HeldOut,
    check_arguments,
    check_batch_dim,
    check_write_mode,
    checked_attributions,
    held_out_set,
    metric_values,
    model_input,
)
from nnvox.capture.recorder_probe import Probe
from nnvox.capture.recorder_snapshot import Contents, SnapshotCopier, reduction_plans
from nnvox.capture.run_format import EVALUATION_FILE, MANIFEST, new_manifest, read_manifest
from nnvox.capture.storage import save_tensors
from nnvox.capture.trace import OutputCapture, signature
from nnvox.capture.writer import error_text
from nnvox.errors import NnvoxError, NnvoxTypeError, NnvoxValueError, path_argument


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
        check_arguments(
            model,
            name,
            class_names,
            {"gradient_budget": gradient_budget, "mistakes": mistakes},
            {"activation_budget": activation_budget, "weight_budget": weight_budget, "batch_dim": batch_dim},
        )
        check_write_mode(overwrite=overwrite, resume=resume)
        check_batch_dim(batch_dim)
        self.model = model
        self.out = path_argument(out, "out")
        if self.out.is_symlink():  # a run folder reached through a link is recorded (and replaced) where it is
            self.out = Path(os.path.realpath(self.out))
        self._background = background
        self._contents = Contents(
            weights,
            gradients,
            gradient_budget,
            checked_attributions(model, attributions, attribution_layer),
            attribution_layer,
        )
        self._held_out = held_out_set(evaluation, mistakes)
        self._mistakes = mistakes
        self._probe = Probe(probe, batch_dim, model)
        self._probe.check_kind(self._contents.attributions, self._held_out is not None)
        self._closed = False
        self.metric_names: tuple[str, ...] = ()  # the metrics a resumed run recorded already (its chart's)
        self._run = RunFolder(self.out)
        self._open(resume, model, name, class_names, overwrite, activation_budget, weight_budget)

    def _open(self, resume: bool, model, *start) -> None:
        """Resume the run in `out`, or start one; the folder's lock is released if either fails."""
        try:
            if resume and (self.out / MANIFEST).exists():
                self._run.lock_folder(self.out)
                self._resume(model)
            else:
                self._start(model, *start)
        except BaseException:
            self._run.lock.release()
            raise

    @property
    def _writer(self):
        return self._run.writer

    def _start(self, model, name, class_names, overwrite: bool, activation_budget, weight_budget) -> None:
        """A new run, or one replacing the run in `out`. Nothing is written until the model has taken
        the probe and every option holds; an old run is replaced only once the new one has a snapshot."""
        self._probe.check_counts()
        existing = self._run.claim(overwrite)
        capture = OutputCapture(model, self._probe.feed(), batch_dim=self._probe.given_axis)
        self._probe.take(
            capture.shaping.batch_dim, self._contents.attributions, None if self._held_out is None else self._held_out.x
        )
        self.architecture = capture.architecture
        self._check_cam_layer()
        self._probe.check_labels(model, class_names)
        plans = reduction_plans(model, self.architecture, activation_budget, weight_budget)
        self._copier = SnapshotCopier(model, capture, self._probe, plans, self._contents, self._held_out)
        self._count = 0
        self._run.create(existing, lambda: self._write_header(name, class_names, plans))

    def _check_cam_layer(self) -> None:
        """Grad-CAM needs a layer of feature maps: said before anything is written, not at the first snapshot."""
        layer = self._contents.attribution_layer
        if "grad-cam" not in self._contents.attributions:
            return
        shape = next((n.shape for n in self.architecture.nodes if n.module == layer), None)
        if shape is not None and len(shape) != 3:
            raise NnvoxError(
                f"grad-cam looks at feature maps (channels x height x width); {layer!r} gives "
                f"{' x '.join(map(str, shape))}: choose a convolution's layer"
            )

    def _write_header(self, name, class_names, plans: dict) -> None:
        held_out, contents = self._held_out, self._contents
        manifest = new_manifest(
            name=name or self.out.name,
            created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            architecture=self.architecture,
            labels=self._probe.y.tolist(),
            class_names=class_names,
            inputs=None if self._probe.inputs.single else self._probe.inputs.structure,
            batch_dim=self._probe.batch_dim,
            reduced=plans,
            attributions={"methods": list(contents.attributions), "layer": contents.attribution_layer}
            if contents.attributions
            else None,
            evaluation=None if held_out is None else {"count": len(held_out.y), "mistakes": self._mistakes},
        )
        if held_out is not None:
            try:
                save_tensors(self._run.folder / EVALUATION_FILE, {"inputs": held_out.x.numpy(), "labels": held_out.y})
            except OSError as exc:
                raise NnvoxError(f"cannot write the run in {self.out}: {error_text(exc)}") from None
        self._run.open_writer(self._background).header(manifest, self._probe.by_key(copy=True), self._probe.y)

    def _resume(self, model: nn.Module) -> None:
        """Append to an existing (possibly killed) run: same architecture, same probe, its own held-out
        set and level of detail, whatever was passed."""
        from nnvox.capture.run import open_run

        run = open_run(self.out)  # the manifest checked, every listed snapshot whole
        axis = self._probe.adopt(run, self.out)
        self.metric_names = run.snapshots.metric_names
        held_out = run.evaluation
        self._held_out = (
            None
            if held_out is None
            else HeldOut(model_input(torch.from_numpy(held_out[0].copy())), held_out[1], run.mistake_rows)
        )
        capture = OutputCapture(model, self._probe.feed(), batch_dim=axis)
        self._probe.take(axis, self._contents.attributions, None if self._held_out is None else self._held_out.x)
        self.architecture = capture.architecture
        if signature(self.architecture) != signature(run.architecture):
            raise NnvoxError(
                f"the model's architecture differs from the run in {self.out}; resume with the same "
                "model, or record a new run"
            )
        manifest, _ = read_manifest(self.out)  # read and checked as every reader does (this writer holds the lock)
        manifest["closed"] = False
        self._copier = SnapshotCopier(model, capture, self._probe, run.reduced, self._contents, self._held_out)
        self._count = len(manifest["snapshots"])  # an orphan file past these is simply overwritten
        self._run.lock.announce(self.out)
        self._run.open_writer(self._background).header(manifest, self._probe.by_key(), self._probe.y)

    def snapshot(
        self, *, epoch: int | None = None, step: int | None = None, metrics: Mapping[str, float] | None = None
    ) -> int:
        """Record the probe's activations and all weights now. Returns the snapshot index."""
        if self._closed:
            raise NnvoxError(
                f"this Recorder is closed (the run in {self.out} is finished); to add snapshots, "
                "create Recorder(..., resume=True) on it"
            )
        values = metric_values(metrics)
        for what, v in (("epoch", epoch), ("step", step)):
            if v is not None and (
                isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v <= MAX_NUMBER
            ):
                raise NnvoxValueError(f"{what} is a whole number 0..{MAX_NUMBER} (or None), not {v!r}")
        self._run.raise_writer_error()
        tensors, told = self._copier.copy()
        index = self._count
        self._count += 1
        meta = {
            "index": index,
            "epoch": None if epoch is None else int(epoch),
            "step": None if step is None else int(step),
            "metrics": values,
            **told,
        }
        self._writer.snapshot(meta, tensors)
        return index

    @property
    def count(self) -> int:
        """Snapshots in the run so far (a resumed run's earlier ones included)."""
        return self._count

    def step(
        self, step: int, *, every: int, metrics: Mapping[str, float] | None = None, epoch: int | None = None
    ) -> int | None:
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
            self._run.raise_writer_error()

    def close(self) -> None:
        """Wait for pending snapshots, then mark the run finished. Closing again does nothing."""
        if self._closed:
            return
        self._closed = True
        try:
            self._writer.close()
            self._run.raise_writer_error()
        finally:
            self._run.finish()

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
                self._run.finish()
