"""Reading a run folder lazily: the manifest at open, snapshot files only when asked for.

numpy-only on purpose: scenes and the viewer read runs without importing torch.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from nnvox.capture.architecture import Architecture
from nnvox.errors import NnvoxError

MANIFEST = "manifest.json"
PROBE_FILE = "probe.safetensors"
SCHEMA_VERSION = 1
STATS_KEY = "nnvox.stats"  # safetensors metadata: JSON {tensor key: [min, p1, p99, max]}


def snapshot_file_name(index: int) -> str:
    return f"snapshot-{index:05d}.safetensors"


@dataclass(frozen=True)
class SnapshotInfo:
    index: int
    epoch: int | None
    step: int | None
    file: str
    bytes: int
    metrics: dict[str, float]
    grad_norms: dict[str, float] = field(default_factory=dict)  # parameter -> L2 norm of its gradient

    @property
    def label(self) -> str:
        if self.epoch is not None:
            return f"epoch {self.epoch}"
        if self.step is not None:
            return f"step {self.step}"
        return f"snapshot {self.index}"


class Run:
    """A recorded run. Construct with `open_run(path)`."""

    def __init__(self, path: Path, manifest: dict):
        self.path = path
        self.name: str = manifest.get("name") or path.name
        self.closed: bool = bool(manifest.get("closed"))
        self.error: str | None = manifest.get("error")  # a forward pass that failed part way
        self.architecture = Architecture.from_json(manifest["architecture"])
        probe = manifest["probe"]
        self.probe_labels = np.asarray(probe["labels"], dtype=np.int64)
        self.class_names: tuple[str, ...] | None = (
            tuple(probe["class_names"]) if probe.get("class_names") else None
        )
        self._probe_file = path / probe["file"]
        # recording-time level of detail: tensor key -> {"original": shape, "shape": stored shape, ...}
        self.reduced: dict[str, dict] = dict(manifest.get("reduced", {}))
        self._stats: OrderedDict[int, dict[str, list[float]]] = OrderedDict()
        self.snapshots = tuple(
            SnapshotInfo(
                index=s["index"],
                epoch=s.get("epoch"),
                step=s.get("step"),
                file=s["file"],
                bytes=s["bytes"],
                metrics=dict(s.get("metrics", {})),
                grad_norms=dict(s.get("grad_norms", {})),
            )
            for s in manifest["snapshots"]
        )

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r}, snapshots={len(self.snapshots)}, closed={self.closed})"

    @cached_property
    def probe_inputs(self) -> np.ndarray:
        """As stored: float images, or integer token ids."""
        from safetensors import SafetensorError, safe_open

        try:
            with safe_open(self._probe_file, framework="numpy") as f:
                return f.get_tensor("inputs")
        except (SafetensorError, OSError, ValueError) as exc:
            raise NnvoxError(f"probe file {self._probe_file} cannot be read ({exc}); re-record the run") from None

    def stats(self, index: int) -> dict[str, list[float]]:
        """Per-tensor [min, p1, p99, max, non-finite count] of a snapshot, from its file header (no
        tensor data read). A few snapshots' are kept: memory does not grow with the run."""
        if index in self._stats:
            self._stats.move_to_end(index)
            return self._stats[index]
        from safetensors import SafetensorError, safe_open

        path = self.path / self.snapshots[index].file
        try:
            with safe_open(path, framework="numpy") as f:
                stored = (f.metadata() or {}).get(STATS_KEY)
        except (SafetensorError, OSError, ValueError) as exc:
            raise NnvoxError(f"snapshot file {path} cannot be read ({exc}); it is corrupted: delete the run or re-record it") from None
        if stored is None:  # written without summaries (an older writer): compute them from the data
            from nnvox.capture.writer import tensor_stats

            stats = {k: tensor_stats(v) for k, v in self.read(index).items()}
        else:
            stats = json.loads(stored)
        self._stats[index] = stats
        if len(self._stats) > 16:
            self._stats.popitem(last=False)
        return stats

    @cached_property
    def limits(self) -> dict[str, tuple[float, float]]:
        """Per tensor key over the whole run: (lowest 1st percentile, highest 99th percentile), the
        robust limits colour scales are fixed to. One pass over the snapshot headers."""
        out: dict[str, tuple[float, float]] = {}
        for s in self.snapshots:
            for k, st in self.stats(s.index).items():
                lo, hi = out.get(k, (np.inf, -np.inf))
                out[k] = (min(lo, st[1]), max(hi, st[2]))
        return out

    def stored_shape(self, key: str, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape a tensor of this shape is stored in (smaller when reduced while recording)."""
        plan = self.reduced.get(key)
        return tuple(plan["shape"]) if plan else tuple(shape)

    def keys(self, index: int) -> list[str]:
        from safetensors import safe_open

        with safe_open(self.path / self.snapshots[index].file, framework="numpy") as f:
            return list(f.keys())

    def read(self, index: int, keys: list[str] | None = None, *, sample: int | None = None) -> dict[str, np.ndarray]:
        """Load tensors of one snapshot as float32 (all of them when keys is None). With `sample`,
        activations are read for that probe sample only (its bytes alone), without the batch axis."""
        if not 0 <= index < len(self.snapshots):
            raise NnvoxError(f"snapshot {index} does not exist; the run has {len(self.snapshots)}")
        return _read_file(self.path / self.snapshots[index].file, keys, sample)


def _read_file(path: Path, keys: list[str] | None, sample: int | None = None) -> dict[str, np.ndarray]:
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(path, framework="numpy") as f:
            wanted = f.keys() if keys is None else keys
            if sample is None:
                return {k: f.get_tensor(k).astype(np.float32, copy=False) for k in wanted}
            return {k: (f.get_slice(k)[sample] if k.startswith("act/") else f.get_tensor(k)).astype(np.float32, copy=False)
                    for k in wanted}
    except (SafetensorError, OSError, ValueError) as exc:
        raise NnvoxError(
            f"snapshot file {path} cannot be read ({exc}); it is corrupted: delete the run or re-record it"
        ) from None


def open_run(path: str | Path) -> Run:
    """Open a run folder. Checks the manifest and that every listed snapshot file is whole."""
    path = Path(path)
    if not path.exists():
        raise NnvoxError(f"run folder {path} does not exist; record one with `nnvox record` or `nnvox demo`")
    if not path.is_dir():
        raise NnvoxError(f"{path} is not a run folder (it is a file); pass the folder that holds {MANIFEST}")
    mpath = path / MANIFEST
    if not mpath.exists():
        raise NnvoxError(
            f"{path} has no {MANIFEST}: it is not a run folder, or recording stopped before the first write"
        )
    try:
        manifest = json.loads(mpath.read_text())
        schema = manifest["schema"]
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
        raise NnvoxError(f"{mpath} is corrupted (not a valid nnvox manifest); re-record the run") from None
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise NnvoxError(
            f"{path} was written by a newer nnvox (run schema {schema}, this nnvox reads {SCHEMA_VERSION}); "
            "upgrade nnvox: pip install -U nnvox"
        )
    try:
        run = Run(path, manifest)
    except (KeyError, TypeError, ValueError):
        raise NnvoxError(f"{mpath} is corrupted (fields missing); re-record the run") from None
    if not run.snapshots:
        raise NnvoxError(f"run {path} has no complete snapshot yet; wait for the first or record again")
    for snap in run.snapshots:
        f = path / snap.file
        if not f.exists():
            raise NnvoxError(f"snapshot file {f} is missing; restore it or re-record the run")
        if f.stat().st_size != snap.bytes:
            raise NnvoxError(
                f"snapshot file {f} is truncated ({f.stat().st_size} of {snap.bytes} bytes); "
                "delete it or re-record the run"
            )
    return run
