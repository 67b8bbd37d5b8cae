"""Picking a GL window type before vtk creates one, and telling whether a window can open at all."""

from __future__ import annotations

import ctypes
import ctypes.util
import os


def prefer_offscreen() -> None:
    """Off-screen rendering through EGL: skips a failing X11 attempt on headless machines."""
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def display_problem() -> str | None:
    """Why no window can open here, or None when one can. DISPLAY being set is not enough: with no
    X server answering there, vtk only logs a warning and its event loop returns at once."""
    display = os.environ.get("DISPLAY")
    if not display:
        return "no display found (DISPLAY is not set)"
    xlib = _xlib()
    if xlib is None:  # cannot ask; vtk will say so itself if it fails
        return None
    connection = xlib.XOpenDisplay(None)
    if not connection:
        return f"cannot open the display {display!r} (no X server answers there, or it refuses this user)"
    xlib.XCloseDisplay(connection)
    return None


def _xlib():
    name = ctypes.util.find_library("X11") or "libX11.so.6"
    try:
        xlib = ctypes.CDLL(name)
    except OSError:
        return None
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    return xlib
