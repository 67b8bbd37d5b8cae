"""A run of one forward pass: what `nnvox view MODEL` shows when there is no recording."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import numpy as np

from nnvox.capture.recorder import Recorder
from nnvox.capture.run import Run, open_run
from nnvox.capture.run_format import new_manifest
from nnvox.capture.trace import trace
from nnvox.capture.writer import RunWriter


def single_pass_run(
    model,
    inputs,
    *,
    name: str,
    labels=None,
    class_names=None,
    weights: bool = True,
    attributions=(),
    attribution_layer: str | None = None,
    batch_dim: int | None = None,
) -> Run:
    """Record `inputs` through `model` once into a temporary run folder (removed at exit). When the
    forward pass fails, the run holds the graph up to the failing layer and `run.error` says why.
    `labels` None: the true classes are unknown (-1). `batch_dim`: the axis of `inputs` holding the
    samples, as the model takes them (None: found, see Recorder)."""
    folder = Path(tempfile.mkdtemp(prefix="nnvox-model-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    labels = None if labels is None else np.asarray(labels, dtype=np.int64)
    partial = trace(model, inputs, partial=True, batch_dim=batch_dim)
    if partial.error is not None:
        return _partial_run(partial, inputs, labels, folder / "run", name, class_names)
    rec = Recorder(
        model,
        probe=(inputs, labels),
        out=folder / "run",
        name=name,
        class_names=class_names,
        background=False,
        weights=weights,
        attributions=attributions,
        attribution_layer=attribution_layer,
        batch_dim=batch_dim,
    )
    rec.snapshot(epoch=None, step=None)
    rec.close()
    return open_run(folder / "run")


def _partial_run(result, inputs, labels, out: Path, name: str, class_names) -> Run:
    out.mkdir(parents=True)
    writer = RunWriter(out)
    axis = result.shaping.batch_dim if result.shaping is not None and inputs.dim() > result.shaping.batch_dim else 0
    x = inputs.detach().cpu().movedim(axis, 0).numpy()  # (stored samples first)
    labels = np.full(len(x), -1, dtype=np.int64) if labels is None else labels
    manifest = new_manifest(
        name=name,
        architecture=result.architecture,
        labels=labels.tolist(),
        class_names=class_names,
        error=result.error,
        batch_dim=axis,
    )
    writer.header(manifest, x, labels)
    acts = {f"act/{k}": v.float().cpu().numpy() for k, v in result.outputs.items() if not k.startswith("input")}
    writer.snapshot({"index": 0, "epoch": None, "step": None, "metrics": {}}, acts)
    writer.close()
    return open_run(out)
