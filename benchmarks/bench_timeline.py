"""The timeline: moving to another snapshot against reading the same bytes raw, and the viewer's
memory for a long run against a short one."""

from __future__ import annotations

import json
import shutil
import statistics
import struct
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np


def channel_runs(channels: tuple[int, ...]) -> list[tuple[int, int]]:
    """Consecutive channels grouped into (first, end) ranges: one read each."""
    runs: list[list[int]] = []
    for c in channels:
        if runs and runs[-1][1] == c:
            runs[-1][1] = c + 1
        else:
            runs.append([c, c + 1])
    return [(a, b) for a, b in runs]


def _raw_read(path: Path, keys: list[str], sample: int, channels: dict[str, tuple[int, ...]]) -> int:
    """The floor: the bytes a move needs (the sample's shown channels of each activation) read from
    the file into numpy arrays, nothing else."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        total = 0
        for k in keys:
            entry = header[k]
            dtype = np.float16 if entry["dtype"] == "F16" else np.float32
            shape = entry["shape"]
            per_channel = int(np.prod(shape[2:])) * np.dtype(dtype).itemsize
            base = 8 + n + entry["data_offsets"][0] + sample * int(np.prod(shape[1:])) * np.dtype(dtype).itemsize
            ranges = channel_runs(channels[k]) if k in channels else [(0, shape[1])]
            for c0, c1 in ranges:
                f.seek(base + c0 * per_channel)
                total += np.frombuffer(f.read((c1 - c0) * per_channel), dtype=dtype).nbytes
    return total


def move_costs(run_path: Path, repeat: int = 5) -> dict:
    """Median time of frame_at on a snapshot never visited (every cache cleared, layer health
    included), against a raw read of the bytes it shows (both from the page cache: each file is
    read once before timing)."""
    from nnvox.capture.run import _mapped_version, open_run
    from nnvox.scenes.build import build_scene

    run = open_run(run_path)
    scene = build_scene(run)
    # the tensors a move reads: pooled copies of large maps where the run has them
    keys = sorted({scene.source._views.get(b.key, b.key) for b in scene.blocks if b.key.startswith("act/")})
    channels = scene.source._channels
    n = len(run.snapshots)
    for s in run.snapshots:
        (run.path / s.file).read_bytes()
    moves, raws = [], []
    for k in range(repeat):
        sample = k % scene.probe_count
        for i in range(n):
            target = (i + n // 2) % n
            for cache in (scene.source._cache, scene.source._health, scene.source._merged, run._parsed):
                cache.clear()  # a snapshot not seen before (its header entries not parsed yet either)
            _mapped_version.cache_clear()
            t = time.perf_counter()
            scene.frame_at(float(target), sample=sample)
            moves.append(time.perf_counter() - t)
            t = time.perf_counter()
            nbytes = _raw_read(run.path / run.snapshots[target].file, keys, sample, channels)
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


def viewer_memory(run_path: Path, modes: tuple[str, ...] = ("activations", "change")) -> int:
    """Peak bytes allocated while opening a run, building its scene, and scrubbing through every
    snapshot (halfway points too) in two modes, with the histogram of one layer following."""
    from nnvox.capture.run import open_run
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.histogram import HistogramSource
    from nnvox.scenes.scene import SceneOptions

    tracemalloc.start()
    run = open_run(run_path)
    for mode in modes:
        scene = build_scene(run, SceneOptions(mode=mode))
        histograms = HistogramSource(scene)
        layer = scene.blocks[1].name
        for t in np.arange(0, scene.n_snapshots - 1, 0.5):
            scene.frame_at(float(t))
            histograms.at(layer, float(t))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def memory_ratio(make_run=long_run, modes: tuple[str, ...] = ("activations", "change")) -> dict:
    """`make_run(snapshots)` gives a run folder; its viewer's peak memory at 100 snapshots against 10."""
    short, long = make_run(10), make_run(100)
    viewer_memory(short, modes)  # imports and caches first
    a, b = viewer_memory(short, modes), viewer_memory(long, modes)
    for path in (short, long):
        shutil.rmtree(path.parent, ignore_errors=True)
    return {"run": Path(long).name, "peak_10_mb": a / 1e6, "peak_100_mb": b / 1e6, "ratio": b / a}


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from common import digits_run, synthetic_vgg16_run

    print(move_costs(digits_run()))
    print(move_costs(synthetic_vgg16_run(4), repeat=2))
    print(memory_ratio())
    print(memory_ratio(lambda n: synthetic_vgg16_run(n, size=64), ("activations",)))
