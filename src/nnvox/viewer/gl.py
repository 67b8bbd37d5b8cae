"""Picking a GL window type before vtk creates one."""

from __future__ import annotations

import os


def prefer_offscreen() -> None:
    """Off-screen rendering through EGL: skips a failing X11 attempt on headless machines."""
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
