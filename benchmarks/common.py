"""Shared helpers: every figure is a ratio against a baseline measured in the same run."""

from __future__ import annotations

import itertools
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def gl_renderer() -> str:
    """The OpenGL renderer vtk draws with here (llvmpipe: software; otherwise a GPU's name)."""
    try:
        import pyvista as pv

        return pv.GPUInfo().renderer
    except Exception as exc:  # noqa: BLE001 (reported in the header rather than stopping the run)
        return f"unknown ({exc})"


def is_software_gl(renderer: str) -> bool:
    return any(name in renderer.lower() for name in ("llvmpipe", "softpipe", "swrast", "swiftshader"))


def isolated(fn, *args, **kwargs):
    """`fn(*args, **kwargs)` in a fresh process. Timings taken late in one long benchmark process,
    gigabytes resident from the renders before, came out slower and noisier (a timeline move at
    3.9x raw against 1.3x alone; digits recording 1.051 against 1.043)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def median_time(fn, repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def digits_run(epochs: int = 3) -> Path:
    from nnvox.cli.commands import record_builtin

    out = Path(tempfile.mkdtemp(prefix="nnvox-bench-")) / "digits"
    record_builtin("digits-cnn", out, epochs=epochs, quiet=True)
    return out


# VGG-16's 13 conv outputs for a 224 x 224 input: 13.5 M activations in 4,224 channel slices.
VGG16_CONVS = [(64, 224)] * 2 + [(128, 112)] * 2 + [(256, 56)] * 3 + [(512, 28)] * 3 + [(512, 14)] * 3


def synthetic_vgg16_run(snapshots: int = 2, size: int = 224, activation_budget: int | None = None) -> Path:
    """A run folder with VGG-16's conv activations for a size x size input (random, one probe
    sample, a loss metric), written directly; reduced as the Recorder's `activation_budget` would."""
    from nnvox.capture.architecture import Architecture, Node
    from nnvox.capture.detail import activation_plan, apply_activation
    from nnvox.capture.run import PROBE_FILE, SCHEMA_VERSION
    from nnvox.capture.writer import RunWriter

    out = Path(tempfile.mkdtemp(prefix="nnvox-bench-")) / (f"vgg16-{size}" + ("-reduced" if activation_budget else ""))
    out.mkdir()
    nodes = [Node("input", "Input", (3, size, size))]
    nodes += [
        Node(f"features.{i}", "Conv2d", (c, s * size // 224, s * size // 224)) for i, (c, s) in enumerate(VGG16_CONVS)
    ]
    edges = [(a.name, b.name) for a, b in itertools.pairwise(nodes)]
    manifest = {
        "format": "nnvox-run",
        "schema": SCHEMA_VERSION,
        "name": "vgg16-synthetic",
        "architecture": Architecture(tuple(nodes), tuple(edges)).to_json(),
        "probe": {"file": PROBE_FILE, "count": 1, "labels": [0], "class_names": None},
        "snapshots": [],
        "closed": False,
    }
    plans = {f"act/{n.name}": plan for n in nodes[1:] if (plan := activation_plan(n.shape, activation_budget))}
    if plans:
        manifest["reduced"] = {
            k: {"original": list(n.shape), **plan} for n in nodes[1:] if (plan := plans.get(k := f"act/{n.name}"))
        }
    rng = np.random.default_rng(0)
    writer = RunWriter(out)
    writer.header(manifest, rng.standard_normal((1, 3, size, size), dtype=np.float32), np.zeros(1, np.int64))
    for k in range(snapshots):
        acts = {
            f"act/{n.name}": np.maximum(rng.standard_normal((1, *n.shape), dtype=np.float32) + 0.1 * k, 0)
            for n in nodes[1:]
        }
        acts = {key: apply_activation(a, plans.get(key)) for key, a in acts.items()}
        writer.snapshot({"index": k, "epoch": k, "step": None, "metrics": {"loss": 1.0 / (k + 1)}}, acts)
    writer.close()
    return out
