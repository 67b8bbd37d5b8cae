"""A run of one forward pass: what `nnvox view MODEL` shows when there is no recording."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import numpy as np

from nnvox.capture.recorder import Recorder
from nnvox.capture.run import Run, open_run


def single_pass_run(model, inputs, *, name: str, class_names=None, weights: bool = True) -> Run:
    """Record `inputs` through `model` once into a temporary run folder (removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="nnvox-model-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    rec = Recorder(model, probe=(inputs, np.zeros(len(inputs), dtype=np.int64)), out=folder / "run", name=name,
                   class_names=class_names, background=False, weights=weights)
    rec.snapshot(epoch=None, step=None)
    rec.close()
    return open_run(folder / "run")
