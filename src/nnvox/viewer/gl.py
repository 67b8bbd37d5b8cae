"""Picking a GL window type before vtk creates one, and telling whether a window can open at all."""

from __future__ import annotations

import ctypes
import ctypes.util
import os


def prefer_offscreen() -> None:
    """Off-screen rendering through EGL: skips a failing X11 attempt on headless machines."""
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def windowless_fix(target: str = "RUN") -> str:
    """What to do where no window can open: the other ways to look at `target`."""
    return (
        f"render it instead: `nnvox export {target} out.png` (a still), out.mp4 (a video) or out.html "
        "(a page any browser opens), or `nnvox serve RUN` to look at run folders in a browser from another machine"
    )


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
