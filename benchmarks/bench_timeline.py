"""The timeline: moving to another snapshot against reading the same bytes raw, and the viewer's
memory for a long run against a short one."""

from __future__ import annotations

import json
import statistics
import struct
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np


def _raw_read(path: Path, keys: list[str]) -> int:
    """The floor: the tensors' bytes read from the file into numpy arrays, nothing else."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        total = 0
        for k in keys:
            start, end = header[k]["data_offsets"]
            f.seek(8 + n + start)
            a = np.frombuffer(f.read(end - start), dtype=np.float16 if header[k]["dtype"] == "F16" else np.float32)
            total += a.nbytes
    return total


def move_costs(run_path: Path, repeat: int = 5) -> dict:
    """Median time of frame_at on a snapshot not in the cache, against a raw read of the tensors it
    shows (both from the page cache: each file is read once before timing)."""
    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene

    run = open_run(run_path)
    scene = build_scene(run)
    keys = sorted({b.key for b in scene.blocks if b.key.startswith("act/")})
    n = len(run.snapshots)
    for s in run.snapshots:
        _raw_read(run.path / s.file, keys)
    moves, raws = [], []
    for k in range(repeat):
        for i in range(n):
            target = (i + n // 2) % n
            scene.source._cache.clear()  # a snapshot not seen before
            t = time.perf_counter()
            scene.frame_at(float(target), sample=k % scene.probe_count)
            moves.append(time.perf_counter() - t)
            t = time.perf_counter()
            nbytes = _raw_read(run.path / run.snapshots[target].file, keys)
            raws.append(time.perf_counter() - t)
    move, raw = statistics.median(moves), statistics.median(raws)
    return {"run": run.name, "bytes": nbytes, "move_ms": move * 1000, "raw_ms": raw * 1000, "ratio": move / raw}


def long_run(snapshots: int) -> Path:
    """The digits CNN recorded `snapshots` times, its weights nudged between snapshots."""
    import torch

    import nnvox
    from nnvox.models.data import load_digits, probe_batch
    from nnvox.models.nets import DigitsCNN

    torch.manual_seed(0)
    model = DigitsCNN()
    out = Path(tempfile.mkdtemp(prefix="nnvox-bench-")) / f"cnn-{snapshots}"
    with nnvox.Recorder(model, probe_batch(load_digits()), out, background=False) as rec:
        for epoch in range(snapshots):
            with torch.no_grad():
                for p in model.parameters():
                    p.add_(0.01 * torch.randn_like(p))
            rec.snapshot(epoch=epoch, metrics={"loss": 1.0 / (epoch + 1)})
    return out


def viewer_memory(run_path: Path) -> int:
    """Peak bytes allocated while opening a run, building its scene, and scrubbing through every
    snapshot (halfway points too) in two modes, with the histogram of one layer following."""
    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.histogram import HistogramSource
    from nnvox.scenes.scene import SceneOptions

    tracemalloc.start()
    run = open_run(run_path)
    for mode in ("activations", "change"):
        scene = build_scene(run, SceneOptions(mode=mode))
        histograms = HistogramSource(scene)
        layer = scene.blocks[1].name
        for t in np.arange(0, scene.n_snapshots - 1, 0.5):
            scene.frame_at(float(t))
            histograms.at(layer, float(t))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def memory_ratio() -> dict:
    short, long = long_run(10), long_run(100)
    viewer_memory(short)  # imports and caches first
    a, b = viewer_memory(short), viewer_memory(long)
    return {"peak_10_mb": a / 1e6, "peak_100_mb": b / 1e6, "ratio": b / a}


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from common import digits_run, synthetic_vgg16_run

    print(move_costs(digits_run()))
    print(move_costs(synthetic_vgg16_run(4), repeat=2))
    print(memory_ratio())
