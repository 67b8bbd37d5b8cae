"""A run of one forward pass: what `nnvox view MODEL` shows when there is no recording, and what
`nnvox.show(model, x)`, `nnvox.export(model, out, x)` and `render_png(model, out, x)` draw.
torch loads only when a model is run: `run_of` on a run folder stays light."""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nnvox.errors import NnvoxError

if TYPE_CHECKING:
    from nnvox.capture.run import Run


def is_model(target) -> bool:
    """A torch module (told without importing torch: a script that made one has imported it)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(target, torch.nn.Module)


def run_of(target, inputs=None, *, call: str, partial: bool = False):
    """What a Python API function draws: `target` as given (a Run or its folder, opened by the
    caller), or a model run once on `inputs` (a tensor or array, samples first; a tuple of
    positional inputs; a dict of keyword inputs), recorded in a temporary folder. `call` is how
    the function is called with a model, for the message when the input is missing (e.g.
    "nnvox.export(model, 'x.png', x)"). A forward pass that fails is a one-line error, or with
    `partial` a run of the graph up to the failing layer (the window draws it, `run.error` says why)."""
    if not is_model(target):
        if inputs is not None:
            raise NnvoxError(f"an input goes with a model: {call}; a run is drawn as it was recorded")
        return target
    if inputs is None:
        raise NnvoxError(f"pass the model's example input: {call} (x: a batch, samples first)")
    inputs = _model_inputs(inputs)
    run = single_pass_run(target, inputs, name=type(target).__name__)
    if run.error:
        from nnvox.capture.targets import WANTS_IDS

        if WANTS_IDS.search(run.error) and getattr(inputs, "is_floating_point", lambda: False)():
            run.error += "; the model takes token ids: give x as whole numbers, x.long()"
        if not partial:
            raise NnvoxError(run.error)
    return run


def _model_inputs(inputs):
    """A tuple (positional inputs) or dict (keyword inputs) as it is: the recorder takes it apart;
    anything else one tensor (an array or nested lists of numbers converted, or a one-line error)."""
    if isinstance(inputs, (tuple, Mapping)):
        return inputs
    from nnvox.capture.recorder_inputs import as_tensor

    return as_tensor(inputs, "the model's example input")


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
    from nnvox.capture.recorder import Recorder
    from nnvox.capture.run import open_run
    from nnvox.capture.trace import trace

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
    from nnvox.capture.run import open_run
    from nnvox.capture.run_format import new_manifest
    from nnvox.capture.trace import _first_tensor
    from nnvox.capture.writer import RunWriter

    out.mkdir(parents=True)
    writer = RunWriter(out)
    inputs = _first_tensor(inputs)  # of positional or keyword inputs, the first is drawn as the input block
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
