"""Saving the window's camera as a view file for storyboards and keyframes."""

from __future__ import annotations

from pathlib import Path

from nnvox.files import atomic_write_bytes
from nnvox.scenes.camera import CameraPose, view_file_text
from nnvox.viewer.outputs import write_error


def save_view(pose: CameraPose, folder: Path, note: str) -> str:
    """`pose` to the next free nnvox-view-N.toml in `folder`, whole or not at all; returns what to
    tell the user (a folder that takes no file is said, not raised)."""
    n = 1
    while (path := folder / f"nnvox-view-{n}.toml").exists():
        n += 1
    try:
        atomic_write_bytes(path, view_file_text(pose, note).encode())
    except OSError as exc:
        error = write_error(path, exc)
        print(f"nnvox: error: {error}")
        return str(error)
    print(f"saved the camera to {path}")
    return f'saved the camera to {path.name}: in a storyboard, camera = {{ view = "{path.name}" }}'
