"""Crash-safe file writes: temporary name, fsync, rename, fsync the folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def atomic_write_json(path: Path, obj) -> None:
    # No indent: indented output falls back to json's pure-Python encoder, 10x slower.
    atomic_write_bytes(path, json.dumps(obj, separators=(",", ":")).encode())


def save_tensors(path: Path, tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None,
                 sync_folder: bool = True) -> int:
    """Write numpy arrays as one safetensors file, atomically. Returns the file size. Written by
    safetensors straight to the file: building the file in memory first costs a copy of it.
    `sync_folder=False` leaves the rename to the caller's next folder sync."""
    from safetensors.numpy import save_file

    tmp = path.with_name(f".{path.name}.tmp")
    save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, tmp, metadata=metadata)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    os.replace(tmp, path)
    if sync_folder:
        _fsync_dir(path.parent)
    return size
