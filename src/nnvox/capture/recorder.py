"""Recorder: snapshots of a model's probe activations and weights during any training loop."""

from __future__ import annotations

import datetime as _dt
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nnvox.capture.architecture import Architecture
from nnvox.capture.run import MANIFEST, PROBE_FILE, SCHEMA_VERSION, snapshot_file_name
from nnvox.capture.storage import atomic_write_json, save_tensors
from nnvox.capture.trace import INPUT, trace
from nnvox.errors import NnvoxError

FP16_MAX = 65504.0
_STATS_SAMPLE = 200_000  # percentiles from at most this many values: exact enough, bounded cost


def to_storage_dtype(a: np.ndarray) -> np.ndarray:
    """fp16 where it is lossless in range; float32 where fp16 would turn large values into inf."""
    a = np.asarray(a, dtype=np.float32)
    finite = a[np.isfinite(a)]
    if finite.size and float(np.abs(finite).max()) > FP16_MAX:
        return a
    return a.astype(np.float16)


def tensor_stats(a: np.ndarray) -> list[float]:
    """[min, p1, p99, max] over finite values (robust colour limits are derived from these)."""
    flat = a.astype(np.float32, copy=False).ravel()
    flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return [0.0, 0.0, 0.0, 0.0]
    sample = flat[:: max(1, flat.size // _STATS_SAMPLE)]
    p1, p99 = np.percentile(sample, [1, 99])
    return [float(flat.min()), float(p1), float(p99), float(flat.max())]


def _as_tensor(x) -> torch.Tensor:
    return x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))


class Recorder:
    """Write a run folder: manifest.json plus one safetensors file per snapshot.

    Each file is written under a temporary name, fsynced and renamed, and the manifest is
    rewritten the same way afterwards, so a process killed at any moment leaves every
    snapshot that completed readable.
    """

    def __init__(
        self,
        model: nn.Module,
        probe: tuple,
        out: str | Path,
        *,
        name: str | None = None,
        class_names: Sequence[str] | None = None,
        overwrite: bool = False,
    ):
        self.model = model
        self.out = Path(out)
        x, y = probe
        self.probe_x = _as_tensor(x).float()
        self.probe_y = np.asarray(y.detach().cpu() if isinstance(y, torch.Tensor) else y).astype(np.int64)
        if len(self.probe_x) != len(self.probe_y):
            raise NnvoxError(
                f"probe inputs ({len(self.probe_x)}) and labels ({len(self.probe_y)}) differ in length"
            )
        if (self.out / MANIFEST).exists() and not overwrite:
            raise NnvoxError(f"{self.out} already holds a run; choose a new folder or pass overwrite=True")
        if self.out.exists() and overwrite:
            shutil.rmtree(self.out)
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NnvoxError(f"cannot create run folder {self.out}: {exc.strerror}") from None
        self.architecture: Architecture = trace(model, self._probe_on_device()).architecture
        save_tensors(self.out / PROBE_FILE, {"inputs": self.probe_x.numpy(), "labels": self.probe_y})
        self.manifest = {
            "format": "nnvox-run",
            "schema": SCHEMA_VERSION,
            "name": name or self.out.name,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "architecture": self.architecture.to_json(),
            "probe": {
                "file": PROBE_FILE,
                "count": len(self.probe_y),
                "labels": self.probe_y.tolist(),
                "class_names": list(class_names) if class_names is not None else None,
            },
            "snapshots": [],
            "closed": False,
        }
        atomic_write_json(self.out / MANIFEST, self.manifest)

    def _probe_on_device(self) -> torch.Tensor:
        p = next(self.model.parameters(), None)
        return self.probe_x.to(p.device) if p is not None else self.probe_x

    def snapshot(
        self, *, epoch: int | None = None, step: int | None = None, metrics: Mapping[str, float] | None = None
    ) -> int:
        """Record the probe's activations and all weights now. Returns the snapshot index."""
        result = trace(self.model, self._probe_on_device())
        if result.architecture != self.architecture:
            raise NnvoxError(
                "the model's architecture changed since recording started; record it into a new run folder"
            )
        tensors: dict[str, np.ndarray] = {}
        for node, out in result.outputs.items():
            if node != INPUT:
                tensors[f"act/{node}"] = out.float().cpu().numpy()
        for pname, p in self.model.named_parameters():
            tensors[f"param/{pname}"] = p.detach().float().cpu().numpy()
        index = len(self.manifest["snapshots"])
        fname = snapshot_file_name(index)
        stats = {k: tensor_stats(v) for k, v in tensors.items()}
        size = save_tensors(self.out / fname, {k: to_storage_dtype(v) for k, v in tensors.items()})
        self.manifest["snapshots"].append(
            {
                "index": index,
                "epoch": epoch,
                "step": step,
                "file": fname,
                "bytes": size,
                "metrics": {k: float(v) for k, v in (metrics or {}).items()},
                "stats": stats,
            }
        )
        atomic_write_json(self.out / MANIFEST, self.manifest)
        return index

    def close(self) -> None:
        self.manifest["closed"] = True
        atomic_write_json(self.out / MANIFEST, self.manifest)

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
