"""Run files written crash-safe: a temporary name unique to this writer, fsync, rename, fsync the folder."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from nnvox.files import atomic_output, atomic_write_bytes


def atomic_write_json(path: Path, obj) -> None:
    # No indent: indented output falls back to json's pure-Python encoder, 10x slower.
    atomic_write_bytes(path, json.dumps(obj, separators=(",", ":")).encode())


def save_tensors(
    path: Path, tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None, sync_folder: bool = True
) -> int:
    """Write numpy arrays as one safetensors file, atomically. Returns the file size. Written by
    safetensors straight to the file: building the file in memory first costs a copy of it.
    `sync_folder=False` leaves the rename to the caller's next folder sync."""
    from safetensors import SafetensorError
    from safetensors.numpy import save_file

    with atomic_output(path, sync_folder=sync_folder) as tmp:
        try:
            save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, tmp, metadata=metadata)
        except SafetensorError as exc:  # an I/O error inside: raised as the OSError it is (a full disk is ENOSPC)
            code = re.search(r"os error (\d+)", str(exc))
            if code is None:
                raise
            raise OSError(int(code.group(1)), os.strerror(int(code.group(1))), str(path)) from None
        size = os.stat(tmp).st_size
    return size
